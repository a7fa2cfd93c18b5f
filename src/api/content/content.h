// The /file/ content hub: folder listings in the original's format, raw
// downloads with validators and ranges, SHA-256 sums, the customer scripts
// with $WsBase filled in, and the admin API that changes the content.
// See doc/content.md for the wire contract.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/content/builtin_scripts.h"
#include "api/content/sha256_cache.h"
#include "api/router.h"

namespace provisiond::api::content {

struct ContentOptions {
  std::string root;  // content folder; the caller sets it (default <data-dir>/../file)
  std::string token;  // WS_FILE_TOKEN; empty: /file/ is open
  uint64_t max_upload_bytes = 4ULL << 30;  // 4 GiB; a larger upload gets 413
  // Hashing whole files is slow work: it never runs on a request's thread
  // (the worker pool that deployment events and settings writes need) except
  // for small files. A file up to `inline_hash_max_bytes` is hashed by the
  // request itself (about a millisecond), up to `listing_hash_budget_bytes`
  // in total per listing; every other uncached file goes to the hash queue
  // (`hash_threads` threads of its own, at most `hash_queue_capacity` files
  // waiting): listings show "(computing)" / null and /file/sha256/ answers
  // 202 + Retry-After until done (503 + Retry-After while the queue is full).
  uint64_t inline_hash_max_bytes = 1ULL << 20;
  uint64_t listing_hash_budget_bytes = 16ULL << 20;
  size_t hash_threads = 1;
  size_t hash_queue_capacity = 4096;
  // The digest cache and its hash queue; null: the routes make their own from
  // the two fields above. Tests pass one to drain or hold its queue.
  std::shared_ptr<Sha256Cache> cache;
  // Remove the upload temp files (".pv-upload-*") a crash left in the root
  // when the routes are registered: `serve` sets it, `routes` must not (a
  // running server's uploads are in progress).
  bool remove_stale_uploads = false;
  // Provision/*.ps1 up to this size are templated ($WsBase); larger are served raw.
  uint64_t max_template_bytes = 4ULL << 20;
  // The default customer scripts, served under Provision/ where the root has
  // no file of that name (listed there too); null: none.
  std::shared_ptr<const BuiltinScripts> builtin;
};

// options.cache, or a new cache (and hash queue) sized by the options.
std::shared_ptr<Sha256Cache> CacheFor(const ContentOptions& options);

// Registers:
//   GET  /file, /file/{*path}          listing (HTML, or ?format=json) or 302 to /file/raw/...
//   GET  /file/raw/{*path}             the file (ranges, conditionals)
//   GET  /file/sha256/{*path}          "<hex>  <name>\n"; 202 + Retry-After while computing
//   GET  /api/v1/admin/files[/{*path}] JSON listing / file metadata   (admin group)
//   PUT  /api/v1/admin/files/{*path}   upload (?overwrite=0 to refuse replacing)
//   POST /api/v1/admin/files/mkdir     {"path"}
//   POST /api/v1/admin/files/rename    {"from","to","overwrite"?}
//   DELETE /api/v1/admin/files/{*path} (?recursive=1)
// and, when options->token is set, the file-token access check for the
// content group. /file routes are RouteGroup::kContent, the rest kAdmin.
void RegisterContentRoutes(Router& router, std::shared_ptr<const ContentOptions> options);

}  // namespace provisiond::api::content

// The /file/ content hub: folder listings in the original's format, raw
// downloads with validators and ranges, SHA-256 sums, the customer scripts
// with $WsBase filled in, and the admin API that changes the content.
// See doc/content.md for the wire contract.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/router.h"

namespace provisiond::api::content {

struct ContentOptions {
  std::string root;  // content folder; the caller sets it (default <data-dir>/../file)
  std::string token;  // WS_FILE_TOKEN; empty: /file/ is open
  uint64_t max_upload_bytes = 4ULL << 30;  // 4 GiB; a larger upload gets 413
  // A listing hashes files not yet in the SHA-256 cache up to this many
  // bytes in total before answering; larger ones are hashed in the
  // background and show "(computing)" / null until done. 0: never wait.
  uint64_t listing_hash_budget_bytes = 64ULL << 20;
  // Provision/*.ps1 up to this size are templated ($WsBase); larger are served raw.
  uint64_t max_template_bytes = 4ULL << 20;
};

// Registers:
//   GET  /file, /file/{*path}          listing (HTML, or ?format=json) or 302 to /file/raw/...
//   GET  /file/raw/{*path}             the file (ranges, conditionals)
//   GET  /file/sha256/{*path}          "<hex>  <name>\n"
//   GET  /api/v1/admin/files[/{*path}] JSON listing / file metadata   (admin group)
//   PUT  /api/v1/admin/files/{*path}   upload (?overwrite=0 to refuse replacing)
//   POST /api/v1/admin/files/mkdir     {"path"}
//   POST /api/v1/admin/files/rename    {"from","to","overwrite"?}
//   DELETE /api/v1/admin/files/{*path} (?recursive=1)
// and, when options->token is set, the file-token access check for the
// content group. /file routes are RouteGroup::kContent, the rest kAdmin.
void RegisterContentRoutes(Router& router, std::shared_ptr<const ContentOptions> options);

}  // namespace provisiond::api::content

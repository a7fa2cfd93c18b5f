// Changes to the content root made through the admin API: upload (streamed
// into a temp file beside the target, fsynced, renamed over it), create
// folder, rename, delete. Every path is a checked relative path (from
// CheckContentPath); every step's Status names the path. Safe from any
// thread; concurrent changes to one path end as one of them, never torn.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "api/content/content_root.h"
#include "api/content/sha256_cache.h"
#include "api/http.h"
#include "base/status.h"
#include "pki/sha256.h"

namespace provisiond::api::content {

struct UploadResult {
  uint64_t size = 0;
  std::string sha256;  // hex
  bool replaced = false;  // an older file was replaced
};

// Receives one upload in chunks, as the request body streams in (it is the
// upload route's BodySink). Destroyed without Commit(): the temp file is
// removed and the target is untouched. One thread at a time.
class UploadWriter : public BodySink {
 public:
  // Creates missing parent folders, then the temp file (".pv-upload-*")
  // beside `rel`. InvalidArgument for the root; Conflict if a parent is a
  // file, `rel` is a folder, or (`overwrite` false) `rel` exists. Commit
  // checks the last again, atomically.
  static Result<std::unique_ptr<UploadWriter>> Begin(const ContentRoot& root, std::string rel, uint64_t max_bytes,
                                                     bool overwrite);
  ~UploadWriter();

  // Appends a chunk. TooLarge once more than max_bytes arrived.
  Status Append(std::string_view chunk) override;
  // The path the upload will have, relative to the root.
  const std::string& rel() const { return rel_; }
  // fsync, rename over the target (`overwrite` false: Conflict if it
  // exists), fsync the folder. Records the digest in `cache` if given.
  Result<UploadResult> Commit(bool overwrite, Sha256Cache* cache);

 private:
  UploadWriter() = default;

  std::string rel_;
  OpenedEntry dir_;  // the target's folder
  std::string leaf_;
  platform::Fd temp_;
  std::string temp_name_;
  uint64_t max_bytes_ = 0;
  uint64_t written_ = 0;
  bool too_large_ = false;
  bool committed_ = false;
  pki::Sha256 hasher_;
};

// Creates `rel` and missing parents. Conflict if it exists as a file; ok if
// it already is a folder.
Status MakeFolder(const ContentRoot& root, std::string_view rel);
// Renames `from` to `to` (a file or a folder), creating `to`'s parents.
// Conflict if `to` exists and !overwrite; InvalidArgument for the root or a
// folder moved into itself.
Status Rename(const ContentRoot& root, std::string_view from, std::string_view to, bool overwrite);
// Deletes a file or an empty folder; with `recursive`, a folder and its
// content. Conflict for a non-empty folder without `recursive`.
Status Delete(const ContentRoot& root, std::string_view rel, bool recursive);

}  // namespace provisiond::api::content

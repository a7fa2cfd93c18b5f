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
#include <vector>

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
// upload route's BodySink). Destroyed without Commit() (refused, too large,
// client gone, failed): the temp file and the folders Begin created are
// removed, and the target is untouched. The file gets the content root's
// mode without execute bits (root 0755: 0644), folders the root's mode.
// One thread at a time.
class UploadWriter : public BodySink {
 public:
  // Creates missing parent folders, then the temp file (".pv-upload-*")
  // beside `rel`; on failure, removes the folders it created. `root` must
  // outlive the writer. InvalidArgument for the root; Conflict if a parent is a
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

  const ContentRoot* root_ = nullptr;
  std::vector<std::string> created_folders_;  // by Begin, parents first
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
// Removes every upload temp file (".pv-upload-*") below the root, left by a
// crash or kill -9 during an upload; call at start, before serving. Returns
// their paths relative to the root. Symlinks are not followed. Unavailable
// if the root is missing; a removal failure is returned with its path.
Result<std::vector<std::string>> RemoveStaleUploads(const ContentRoot& root);

}  // namespace provisiond::api::content

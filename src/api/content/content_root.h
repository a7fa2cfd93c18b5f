// The content root: turns checked relative paths into open descriptors that
// are guaranteed to lie inside it. Symlinks are followed while they stay
// inside the root; one that leads out is refused. Immutable; safe from any
// thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "platform/file.h"

namespace provisiond::api::content {

// An open file or folder and what fstat() said about it at open time.
struct OpenedEntry {
  platform::Fd fd;
  platform::FileStat stat;
  std::string real_path;  // canonical absolute path (inside the root)
};

// One entry of a folder, symlinks resolved (a link leaving the root is omitted).
struct DirEntry {
  std::string name;
  platform::FileStat stat;  // of the target
  std::string real_path;
};

// errno -> Status: ENOENT/ENOTDIR NotFound, EEXIST/ENOTEMPTY Conflict,
// EACCES/EPERM/ELOOP PermissionDenied, EINVAL/EXDEV InvalidArgument, else IoError.
Status ErrnoStatus(int err, std::string_view what, std::string_view path);

class ContentRoot {
 public:
  explicit ContentRoot(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }
  // Canonical path of the root. Unavailable if it does not exist.
  Result<std::string> RealRoot() const;
  // Opens `rel` (from CheckContentPath). NotFound; PermissionDenied if it
  // resolves outside the root or is neither a regular file nor a folder.
  Result<OpenedEntry> Open(std::string_view rel) const;
  // Lists an opened folder, hiding upload temp files and links leaving the root.
  Result<std::vector<DirEntry>> List(const OpenedEntry& dir) const;
  // True if canonical `real` is the root or beneath it.
  static bool Inside(std::string_view real, std::string_view real_root);

 private:
  std::string dir_;
};

}  // namespace provisiond::api::content

// Writing small files (keys, certificates) durably, with their permission
// bits set from creation. Below base/: errors are errno values, the caller
// turns them into a Status.
#pragma once

#include <string>
#include <string_view>

namespace provisiond::platform {

struct WriteFileError {
  int err = 0;            // errno; 0 means success
  std::string step;       // "open", "write", "fsync", "rename", "fsync dir"
  std::string path;       // the path that failed (the temp file or the target)
};

// Writes `data` to `path` atomically: a temp file beside it, created with
// `mode` (e.g. 0600) by open(O_CREAT|O_EXCL), written, fsynced, renamed over
// `path`, then the directory fsynced. The file never exists with wider
// permissions, even briefly. A failure unlinks the temp file and leaves any
// previous `path` untouched. Returns err == 0 on success.
WriteFileError WriteFileAtomic(const std::string& path, std::string_view data, unsigned mode);

// Permission bits of `path` (mode & 07777), or -1 with errno set.
int FileMode(const std::string& path);

}  // namespace provisiond::platform

namespace provisiond::platform {
// This machine's host name, or "localhost" if it cannot be read.
std::string HostName();
}  // namespace provisiond::platform

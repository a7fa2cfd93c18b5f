// DirLock: an exclusive advisory lock (flock) on <dir>/.provisiond.lock,
// held by `provisiond serve` for as long as it serves that data directory
// and by `provisiond restore` while it swaps one in, so a restore never
// replaces a directory under a running server (and two servers never share
// one). The kernel releases it when the descriptor closes: on destruction,
// or when the process ends, even by a crash (no stale lock to clean up).
// Below base/: failures are errno values. Move-only; not thread-safe.
#pragma once

#include <memory>
#include <string>

namespace provisiond::platform {

inline constexpr char kDirLockName[] = ".provisiond.lock";

class DirLock {
 public:
  DirLock(DirLock&&) noexcept;
  DirLock& operator=(DirLock&&) noexcept;
  ~DirLock();  // releases the lock (the file stays: removing it would race a new holder)

  // Takes the lock without waiting and writes this process's pid into the
  // file. Returns 0 and sets *out on success; EWOULDBLOCK when another
  // process holds it (*holder_pid: the pid that process wrote, 0 if
  // unknown); another errno (ENOENT: no such directory) otherwise.
  static int TryAcquire(const std::string& dir, std::unique_ptr<DirLock>* out, long* holder_pid);

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace provisiond::platform

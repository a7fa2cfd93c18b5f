#include "platform/dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

namespace provisiond::platform {

DirLock::DirLock(DirLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
DirLock& DirLock::operator=(DirLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}
DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);
}

int DirLock::TryAcquire(const std::string& dir, std::unique_ptr<DirLock>* out, long* holder_pid) {
  *holder_pid = 0;
  const std::string path = dir + "/" + kDirLockName;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  // flock, not fcntl locks: those are per process and dropped when any
  // descriptor of the file closes, which a reader in the same process would do.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno == EWOULDBLOCK ? EWOULDBLOCK : errno;
    char buf[32] = {};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n > 0) *holder_pid = std::strtol(buf, nullptr, 10);
    ::close(fd);
    return err;
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  // Best effort: the pid only makes the "in use" message more helpful.
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
  out->reset(new DirLock(fd));
  return 0;
}

}  // namespace provisiond::platform

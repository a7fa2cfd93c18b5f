#include <cerrno>

#include <sys/sendfile.h>
#include <unistd.h>

#include "platform/sendfile.h"

namespace provisiond::platform {

SendResult SendFile(int socket_fd, int fd, uint64_t offset, uint64_t count) {
  SendResult r;
  off_t off = static_cast<off_t>(offset);
  for (;;) {
    ssize_t n = ::sendfile(socket_fd, fd, &off, count);
    if (n >= 0) {
      r.sent = static_cast<uint64_t>(n);
      if (n == 0 && count > 0) r.error = EIO;  // file shorter than promised
      return r;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      r.would_block = true;
      return r;
    }
    r.error = errno;
    return r;
  }
}


long ReadAt(int fd, void* buf, size_t count, uint64_t offset) {
  for (;;) {
    ssize_t n = ::pread(fd, buf, count, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    return static_cast<long>(n);
  }
}

}  // namespace provisiond::platform

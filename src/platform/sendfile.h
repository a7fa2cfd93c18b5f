// Zero-copy file-to-socket transfer where the OS has it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace provisiond::platform {

struct SendResult {
  uint64_t sent = 0;        // bytes written to the socket
  bool would_block = false; // socket buffer full: wait for writability
  int error = 0;            // errno-style; 0 = none
};

// Sends up to `count` bytes of file `fd` from `offset` to non-blocking
// socket `socket_fd` without copying through user space. Returns what
// happened; never blocks.
SendResult SendFile(int socket_fd, int fd, uint64_t offset, uint64_t count);
// pread(): up to `count` bytes at `offset`. Returns bytes read, or -1.
long ReadAt(int fd, void* buf, size_t count, uint64_t offset);

}  // namespace provisiond::platform

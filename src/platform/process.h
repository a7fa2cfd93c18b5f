// Process-wide settings a server needs from the OS.
#pragma once

namespace provisiond::platform {

// A peer that closes mid-response must cost one connection, not the
// process: writes to a closed socket (sendfile has no MSG_NOSIGNAL) return
// EPIPE instead of raising SIGPIPE. Call once at start.
void IgnoreBrokenPipe();

}  // namespace provisiond::platform

// Process-wide settings a server needs from the OS.
#pragma once

namespace provisiond::platform {

// A peer that closes mid-response must cost one connection, not the
// process: writes to a closed socket (sendfile has no MSG_NOSIGNAL) return
// EPIPE instead of raising SIGPIPE. Call once at start.
void IgnoreBrokenPipe();

// Hands the heap's free pages back to the OS (glibc keeps them otherwise):
// after a load whose temporary buffers dwarf what it keeps (a table read
// from the database), so resident memory is what the snapshot holds.
void ReturnFreeMemory();

}  // namespace provisiond::platform

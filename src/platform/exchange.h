// Swapping two paths in one step, for a restore that must leave either the
// old or the new data directory in place after a crash at any instant.
// Below base/: failures are errno values.
#pragma once

#include <string>

namespace provisiond::platform {

// Atomically exchanges `a` and `b` (both must exist, same file system):
// Linux renameat2(RENAME_EXCHANGE). Returns 0, or the errno (EINVAL /
// ENOSYS where the file system or kernel cannot; nothing changed then).
int ExchangePaths(const std::string& a, const std::string& b);

// fsync of a directory (its entries, after renames in it). 0 or the errno.
int SyncDirectory(const std::string& dir);

}  // namespace provisiond::platform

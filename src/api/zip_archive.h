// Builds a .zip in memory (libzip). The same entries and mtime give the same
// bytes, so generated archives (launchers) are byte-stable.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "base/status.h"

namespace provisiond::api {

struct ZipEntry {
  std::string name;  // path inside the archive, '/' separated, UTF-8
  std::string contents;
};

// The archive of `entries` in order, deflated, each stamped `mtime`.
// Internal on a libzip failure (the archive is not partly returned).
Result<std::string> MakeZip(const std::vector<ZipEntry>& entries, std::time_t mtime);

}  // namespace provisiond::api

// Validates and splits an HTTP request-target into a decoded path and query.
// Refuses what no route should ever see: non-origin form, bad %-escapes, NUL,
// invalid UTF-8, backslashes and ".." segments (raw or encoded).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace provisiond::net {

struct ParsedTarget {
  std::string path;  // percent-decoded, starts with '/'
  std::vector<std::pair<std::string, std::string>> query;
};

// InvalidArgument with the reason (shown in the 400 problem and the log).
Result<ParsedTarget> ParseTarget(std::string_view target);

}  // namespace provisiond::net

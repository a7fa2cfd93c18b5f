// Allowed values of the configuration settings that have a range (the
// endpoint TLS policy, shared/README.md "Security contract"). The list is
// data; it is checked wherever a value is saved: the admin settings route
// (PUT /api/v1/admin/settings/{key}) and config.csv when the CSV store loads
// it. It lives in model/ because both store/ and api/ need it. Pure.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace provisiond::model {

struct SettingRange {
  std::string_view key;
  int64_t min;
  int64_t max;
};

// Integer settings and their inclusive ranges. A blank value means "not
// set" (the default applies) and is always allowed.
inline constexpr SettingRange kSettingRanges[] = {
    {"ReportingTLSMode", 0, 2},
    {"OptionalTLSMinAttemptCount", 1, 100},
    {"OptionalTLSBackoffIntervalSeconds", 1, 86400},
    {"OptionalTLSMaxBackoffSeconds", 1, 86400},
};

// The range of `key` (case-insensitive; an "endpoint." prefix, under which
// config.csv may also hand a setting out, is ignored), or null.
const SettingRange* FindSettingRange(std::string_view key);

// Ok when `key` has no range, `value` is blank, or `value` (trimmed) is a
// decimal integer inside the range. Otherwise InvalidArgument
// "<key>: must be an integer <min>..<max>, got '<value>'".
Status ValidateSetting(std::string_view key, std::string_view value);

}  // namespace provisiond::model

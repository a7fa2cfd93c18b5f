// Time as a value: layers receive `Timestamp now` instead of reading a clock,
// so rules are testable with any instant.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace provisiond {

using Clock = std::chrono::system_clock;
using Timestamp = std::chrono::time_point<Clock, std::chrono::milliseconds>;

inline Timestamp Now() { return std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now()); }

// "2026-11-23T07:28:05.123Z" (UTC, millisecond precision).
std::string FormatIso8601(Timestamp t);
// "2026-11-23" (UTC day), used for daily journal names.
std::string FormatDay(Timestamp t);
// Accepts "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SS[.fff][Z]".
std::optional<Timestamp> ParseIso8601(std::string_view s);

}  // namespace provisiond

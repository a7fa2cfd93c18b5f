// JSON string escaping, the one implementation every layer uses (problem
// details, JsonWriter, log lines). '"' '\\' \n \r \t become two-byte escapes,
// other bytes below 0x20 \u00XX; every other byte (0x7f, UTF-8, invalid
// UTF-8 included) is copied unchanged. Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace provisiond {

// Appends `s` escaped (without quotes) to `out`.
void AppendJsonEscaped(std::string& out, std::string_view s);
// `s` escaped, without quotes.
std::string JsonEscape(std::string_view s);
// How many leading bytes of `s` need no escape (s.size() when none does).
// Scans eight bytes at a time: the fast path of writers that copy clean text.
size_t JsonCleanPrefixLength(std::string_view s);
// Writes `s` escaped to `d` and returns the end of what it wrote.
// REQUIRES: room for 6 * s.size() bytes at `d` (an escape is at most 6).
char* WriteJsonEscaped(char* d, std::string_view s);

}  // namespace provisiond

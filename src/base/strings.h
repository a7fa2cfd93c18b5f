// Small string helpers shared by every layer. ASCII-only case rules: serials,
// types, country codes and header names are ASCII in practice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace provisiond {

std::string_view Trim(std::string_view s);
std::string ToUpper(std::string_view s);
std::string ToLower(std::string_view s);
bool IEquals(std::string_view a, std::string_view b);
bool StartsWithI(std::string_view s, std::string_view prefix);
// Splits on `sep`, trims each piece, drops empty pieces.
std::vector<std::string> SplitList(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
// True if `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);
// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view s);
// Replaces every occurrence of `from` (not empty) in *s, left to right; a
// replacement is never searched again.
void ReplaceAll(std::string* s, std::string_view from, std::string_view to);

}  // namespace provisiond

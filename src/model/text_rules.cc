#include "model/text_rules.h"

#include <cstdint>

namespace provisiond::model {
namespace {

std::string Hex(unsigned char c) {
  const char* d = "0123456789ABCDEF";
  return std::string("0x") + d[c >> 4] + d[c & 15];
}

// The byte offset of the first invalid UTF-8 sequence, or npos (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF).
size_t FirstInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return i;
    uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n;
  }
  return std::string_view::npos;
}

}  // namespace

bool StartsLikeFormula(std::string_view value) {
  if (value.empty()) return false;
  const char c = value.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

std::optional<std::string> TextProblem(std::string_view value, TextRule rule) {
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == '\t' && rule != TextRule::kIdentifier) continue;
    if ((c == '\n' || c == '\r') && rule == TextRule::kMultiline) continue;
    if (c < 0x20 || c == 0x7f) {
      const char* what = c == 0 ? "NUL" : c == 0x7f ? "DEL" : c == '\n' || c == '\r' ? "a line break" : "control character";
      return "has " + std::string(what) + " (" + Hex(c) + ") at byte " + std::to_string(i + 1) +
             "; send printable text" + std::string(rule == TextRule::kLine        ? " on one line (tab allowed)"
                                                   : rule == TextRule::kMultiline ? " (tab and line breaks allowed)"
                                                                                  : "");
    }
  }
  if (size_t bad = FirstInvalidUtf8(value); bad != std::string_view::npos) {
    return "is not valid UTF-8 (byte " + std::to_string(bad + 1) +
           "); send UTF-8 text (in Excel: save as \"CSV UTF-8\")";
  }
  if (rule == TextRule::kIdentifier && StartsLikeFormula(value)) {
    return "starts with '" + std::string(1, value.front()) +
           "', which a spreadsheet runs as a formula; serials, names, types and codes never start with "
           "= + - @: remove it";
  }
  return std::nullopt;
}

}  // namespace provisiond::model

#include "base/json_escape.h"

#include <gtest/gtest.h>

#include <string>

namespace provisiond {
namespace {

// Each entry point must give the same text; returns AppendJsonEscaped's and
// checks the others against it.
std::string Escaped(std::string_view s) {
  std::string out = "prefix:";  // appends, never replaces
  AppendJsonEscaped(out, s);
  std::string appended = out.substr(7);
  EXPECT_EQ(JsonEscape(s), appended);
  std::string buf(6 * s.size() + 1, '#');
  char* end = WriteJsonEscaped(buf.data(), s);
  EXPECT_EQ(std::string_view(buf.data(), static_cast<size_t>(end - buf.data())), appended);
  size_t clean = JsonCleanPrefixLength(s);
  EXPECT_EQ(appended.substr(0, clean), s.substr(0, clean));
  if (clean < s.size()) {
    EXPECT_EQ(appended[clean], '\\');  // every escape starts so
  }
  return appended;
}

// The byte-at-a-time rule the table must reproduce exactly. (Versus the
// escapers it replaced, only 0x08/0x0c changed: \u0008/\u000c, not \b/\f.)
std::string OneByteAtATime(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c >= 0x20) {
          out += ch;
        } else {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
    }
  }
  return out;
}

TEST(AppendJsonEscaped, EscapesQuotesBackslashAndControlCharacters) {
  struct Case {
    const char* name;
    std::string in;
    std::string want;
  } cases[] = {
      {"empty", "", ""},
      {"plain ascii", "https://prov.example/file/apps/VLC", "https://prov.example/file/apps/VLC"},
      {"quote", "say \"hi\"", "say \\\"hi\\\""},
      {"backslash path", "%DeployRoot%\\Applications\\VLC", "%DeployRoot%\\\\Applications\\\\VLC"},
      {"short escapes", "a\nb\rc\td", "a\\nb\\rc\\td"},
      {"backspace and form feed use \\u", "\b\f", "\\u0008\\u000c"},
      {"nul byte", std::string("a\0b", 3), "a\\u0000b"},
      {"unit separator", "\x1f", "\\u001f"},
      {"DEL is copied", "\x7f", "\x7f"},
      {"only escapes", "\"\\\"", "\\\"\\\\\\\""},
      {"escape first and last", "\nmiddle\t", "\\nmiddle\\t"},
      {"utf-8 two bytes", "volé", "volé"},
      {"utf-8 three bytes", "€ 5", "€ 5"},
      {"utf-8 four bytes", "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},
      {"invalid utf-8 passes unchanged", "\xC3(\xFF\xFE", "\xC3(\xFF\xFE"},
      {"truncated utf-8 before a quote", "\xE2\x82\"", "\xE2\x82\\\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Escaped(c.in), c.want);
  }
}

TEST(AppendJsonEscaped, EveryByteMatchesTheOneByteAtATimeRule) {
  for (int b = 0; b < 256; ++b) {
    std::string s = "x";
    s += static_cast<char>(b);
    s += "y";
    SCOPED_TRACE(b);
    EXPECT_EQ(Escaped(s), OneByteAtATime(s));
  }
  std::string all;
  for (int b = 255; b >= 0; --b) all += static_cast<char>(b);
  EXPECT_EQ(Escaped(all), OneByteAtATime(all));
}

TEST(AppendJsonEscaped, FindsAnEscapeAtEveryOffsetOfALongString) {
  // The scan tests eight bytes at a time: put the byte at each offset of a
  // word and of the tail, alone and next to bytes that must not flag.
  const int specials[] = {0x00, 0x01, 0x0a, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff};
  for (int b : specials) {
    for (size_t len : {1u, 7u, 8u, 9u, 16u, 23u, 41u}) {
      for (size_t at = 0; at < len; ++at) {
        std::string s(len, 'a');
        s[at] = static_cast<char>(b);
        SCOPED_TRACE("byte " + std::to_string(b) + " at " + std::to_string(at) + " of " + std::to_string(len));
        EXPECT_EQ(Escaped(s), OneByteAtATime(s));
        std::string hi(len, '\xe9');  // high bytes around it never flag
        hi[at] = static_cast<char>(b);
        EXPECT_EQ(Escaped(hi), OneByteAtATime(hi));
      }
    }
  }
}

}  // namespace
}  // namespace provisiond

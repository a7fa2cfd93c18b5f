#include "base/json_escape.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace provisiond {

namespace {

// What each byte becomes inside a JSON string: 0 copied as is (the common
// case, so runs of such bytes are appended in one go), '"' '\\' 'n' 'r' 't'
// a two-byte escape, 'u' \u00XX. Bytes >= 0x80 are copied: UTF-8 (valid or
// not) passes through unchanged.
constexpr std::array<char, 256> kEscape = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 'u';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\t'] = 't';
  t['"'] = '"';
  t['\\'] = '\\';
  return t;
}();

constexpr char kHex[] = "0123456789abcdef";

// The first byte at or after `p` that needs an escape, or `end`. Tests eight
// bytes at a time: a word is clean when no byte is below 0x20, '"' or '\\'
// (the classic "has a byte less than n" bit trick, exact as a yes/no; bytes
// >= 0x80 never flag). The flagged word is then scanned byte by byte.
const char* SkipClean(const char* p, const char* end) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  while (end - p >= 8) {
    uint64_t x;
    std::memcpy(&x, p, sizeof x);
    uint64_t quote = x ^ (kOnes * '"');
    uint64_t backslash = x ^ (kOnes * '\\');
    uint64_t flagged = ((x - kOnes * 0x20) & ~x) | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash);
    if (flagged & kHigh) break;
    p += 8;
  }
  while (p != end && kEscape[static_cast<unsigned char>(*p)] == 0) ++p;
  return p;
}

// Writes the escape of byte `c` (kEscape[c] != 0) to `d`; returns its end.
char* WriteEscape(char* d, unsigned char c) {
  char e = kEscape[c];
  d[0] = '\\';
  if (e != 'u') {
    d[1] = e;
    return d + 2;
  }
  d[1] = 'u';
  d[2] = '0';
  d[3] = '0';
  d[4] = kHex[c >> 4];
  d[5] = kHex[c & 15];
  return d + 6;
}

}  // namespace

size_t JsonCleanPrefixLength(std::string_view s) {
  return static_cast<size_t>(SkipClean(s.data(), s.data() + s.size()) - s.data());
}

char* WriteJsonEscaped(char* d, std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  while (p != end) {
    const char* run = p;
    p = SkipClean(p, end);
    std::memcpy(d, run, static_cast<size_t>(p - run));
    d += p - run;
    if (p == end) break;
    d = WriteEscape(d, static_cast<unsigned char>(*p++));
  }
  return d;
}

void AppendJsonEscaped(std::string& out, std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  while (p != end) {
    const char* run = p;
    p = SkipClean(p, end);
    out.append(run, static_cast<size_t>(p - run));
    if (p == end) break;
    char buf[6];
    out.append(buf, static_cast<size_t>(WriteEscape(buf, static_cast<unsigned char>(*p++)) - buf));
  }
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendJsonEscaped(out, s);
  return out;
}

}  // namespace provisiond

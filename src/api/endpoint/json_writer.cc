#include "api/endpoint/json_writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace provisiond::api::endpoint {

namespace {

// What each byte becomes inside a JSON string: 0 copied as is (the common
// case, so runs of such bytes are appended in one go), '"' '\\' 'n' 'r' 't'
// a two-byte escape, 'u' \u00XX. Bytes >= 0x80 are copied: UTF-8 (valid or
// not) passes through unchanged, as before the table.
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

}  // namespace

void AppendJsonEscaped(std::string& out, std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  while (p != end) {
    const char* run = p;
    p = SkipClean(p, end);
    out.append(run, static_cast<size_t>(p - run));
    if (p == end) break;
    unsigned char c = static_cast<unsigned char>(*p++);
    char e = kEscape[c];
    if (e == 'u') {
      char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out.append(u, sizeof u);
    } else {
      char two[2] = {'\\', e};
      out.append(two, sizeof two);
    }
  }
}

void JsonWriter::Grow(size_t n) { out_.resize(std::max(out_.size() * 2, len_ + n)); }

void JsonWriter::Put(std::string_view s) {
  std::memcpy(Room(s.size()), s.data(), s.size());
  len_ += s.size();
}

void JsonWriter::PutQuoted(std::string_view s) {
  const char* src = s.data();
  const char* end = src + s.size();
  const char* clean_end = SkipClean(src, end);
  if (clean_end == end) {  // nothing to escape: the usual case
    char* d = Room(s.size() + 2);
    *d = '"';
    std::memcpy(d + 1, src, s.size());
    d[s.size() + 1] = '"';
    len_ += s.size() + 2;
    return;
  }
  char* const start = Room(6 * s.size() + 2);  // an escape is at most 6 bytes
  char* d = start;
  *d++ = '"';
  std::memcpy(d, src, static_cast<size_t>(clean_end - src));
  d += clean_end - src;
  for (const char* p = clean_end; p != end; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    char e = kEscape[c];
    if (e == 0) {
      *d++ = static_cast<char>(c);
    } else if (e == 'u') {
      d[0] = '\\';
      d[1] = 'u';
      d[2] = '0';
      d[3] = '0';
      d[4] = kHex[c >> 4];
      d[5] = kHex[c & 15];
      d += 6;
    } else {
      d[0] = '\\';
      d[1] = e;
      d += 2;
    }
  }
  *d++ = '"';
  len_ += static_cast<size_t>(d - start);
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (first_.back() == 0) Put(',');
    first_.back() = 0;
  }
}

JsonWriter& JsonWriter::Open(char c) {
  BeforeValue();
  Put(c);
  first_.push_back(1);
  return *this;
}

JsonWriter& JsonWriter::Close(char c) {
  Put(c);
  if (!first_.empty()) first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::EscapedKey(std::string_view key) {
  BeforeValue();
  PutQuoted(key);
  Put(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::Key(JsonKeyLiteral key) {
  BeforeValue();
  std::string_view k = key.text();
  char* d = Room(k.size() + 3);
  d[0] = '"';
  std::memcpy(d + 1, k.data(), k.size());
  d[k.size() + 1] = '"';
  d[k.size() + 2] = ':';
  len_ += k.size() + 3;
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view s) {
  BeforeValue();
  PutQuoted(s);
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  Put(std::string_view("null"));
  return *this;
}

JsonWriter& JsonWriter::Bool(bool b) {
  BeforeValue();
  Put(b ? std::string_view("true") : std::string_view("false"));
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t v) {
  BeforeValue();
  constexpr size_t kMax = 24;  // "-9223372036854775808" is 20
  char* d = Room(kMax);
  auto r = std::to_chars(d, d + kMax, v);
  len_ += static_cast<size_t>(r.ptr - d);
  return *this;
}

JsonWriter& JsonWriter::Double(double v) {
  if (!std::isfinite(v)) return Null();
  BeforeValue();
  constexpr size_t kMax = 32;  // shortest round trip of a double is at most 24
  char* d = Room(kMax);
  auto r = std::to_chars(d, d + kMax, v);
  len_ += static_cast<size_t>(r.ptr - d);
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  Put(json);
  return *this;
}

}  // namespace provisiond::api::endpoint

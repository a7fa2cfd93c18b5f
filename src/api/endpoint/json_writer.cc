#include "api/endpoint/json_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "base/json_escape.h"

namespace provisiond::api::endpoint {

void JsonWriter::Grow(size_t n) { out_.resize(std::max(out_.size() * 2, len_ + n)); }

void JsonWriter::Put(std::string_view s) {
  std::memcpy(Room(s.size()), s.data(), s.size());
  len_ += s.size();
}

void JsonWriter::PutQuoted(std::string_view s) {
  size_t clean = JsonCleanPrefixLength(s);
  if (clean == s.size()) {  // nothing to escape: the usual case
    char* d = Room(s.size() + 2);
    *d = '"';
    std::memcpy(d + 1, s.data(), s.size());
    d[s.size() + 1] = '"';
    len_ += s.size() + 2;
    return;
  }
  // An escape is at most 6 bytes; only the part after the clean prefix can grow.
  char* const start = Room(clean + 6 * (s.size() - clean) + 2);
  char* d = start;
  *d++ = '"';
  std::memcpy(d, s.data(), clean);
  d = WriteJsonEscaped(d + clean, s.substr(clean));
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

JsonWriter& JsonWriter::Strings(const std::vector<std::string>& items) {
  BeginArray();
  for (const auto& s : items) String(s);
  return EndArray();
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  Put(json);
  return *this;
}

}  // namespace provisiond::api::endpoint

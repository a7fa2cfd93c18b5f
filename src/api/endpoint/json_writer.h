// JsonWriter: appends JSON text straight into one string, so hot routes
// (/getcomputer, /tanium/global, plan) answer without building a DOM.
// Commas are placed automatically. Not thread-safe (one per response).
// Each value costs one capacity check: the buffer is kept sized ahead of the
// text (len_ marks its end) and written through a pointer, not by appends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace provisiond::api::endpoint {

// A key written as a string literal, checked when compiling: a byte that
// would need escaping (below 0x20, '"', '\\') fails the build. Writing it
// then needs no escape scan. JsonWriter::Key("name") picks it.
class JsonKeyLiteral {
 public:
  template <size_t N>
  consteval JsonKeyLiteral(const char (&s)[N]) : text_(s, N - 1) {  // NOLINT: implicit on purpose
    for (char c : text_) {
      if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') {
        throw "JsonKeyLiteral: this key needs escaping; pass it as a std::string_view";
      }
    }
  }
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
};

class JsonWriter {
 public:
  // `reserve`: bytes made room for up front (the buffer doubles past it).
  explicit JsonWriter(size_t reserve = 256) { out_.resize(reserve); }

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  // REQUIRES: inside an object; the next call writes its value.
  // A literal key ("name") is checked at compile time and copied as is;
  // any other string-like key is escaped.
  JsonWriter& Key(JsonKeyLiteral key);
  template <typename S>
    requires(std::is_convertible_v<const S&, std::string_view> && !std::is_array_v<S>)
  JsonWriter& Key(const S& key) {
    return EscapedKey(key);
  }

  JsonWriter& String(std::string_view s);
  // null for an empty string (the original's "null when empty").
  JsonWriter& StringOrNull(std::string_view s) { return s.empty() ? Null() : String(s); }
  JsonWriter& Null();
  JsonWriter& Bool(bool b);
  JsonWriter& Int(int64_t v);
  // Shortest round-trip form ("8", "7.5"); non-finite values become null.
  JsonWriter& Double(double v);
  // An array of strings.
  JsonWriter& Strings(const std::vector<std::string>& items);
  // Already-serialised JSON (a nested document), copied as is.
  JsonWriter& Raw(std::string_view json);

  template <typename T>
  JsonWriter& Optional(const std::optional<T>& v) {
    if (!v) return Null();
    if constexpr (std::is_floating_point_v<T>) return Double(*v);
    else return Int(static_cast<int64_t>(*v));
  }

  // The text written so far; the writer is left empty.
  std::string Take() {
    out_.resize(len_);
    len_ = 0;
    return std::move(out_);
  }
  std::string_view text() const { return {out_.data(), len_}; }

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void BeforeValue();
  JsonWriter& EscapedKey(std::string_view key);
  // Room for `n` more bytes at the end of the text; returns where they go.
  char* Room(size_t n) {
    if (out_.size() - len_ < n) Grow(n);
    return out_.data() + len_;
  }
  void Grow(size_t n);
  void Put(char c) {
    *Room(1) = c;
    ++len_;
  }
  void Put(std::string_view s);
  void PutQuoted(std::string_view s);  // '"' escaped(s) '"'

  std::string out_;  // out_[0, len_) is the text; the rest is room
  size_t len_ = 0;
  // Per open container, 1 while no element is written yet. A string, not a
  // vector<bool>: the usual depth (< 16) fits its inline buffer, no allocation.
  std::string first_;
  bool after_key_ = false;
};

}  // namespace provisiond::api::endpoint

// JsonWriter: appends JSON text straight into one string, so hot routes
// (/getcomputer, /tanium/global, plan) answer without building a DOM.
// Commas are placed automatically. Not thread-safe (one per response).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace provisiond::api::endpoint {

class JsonWriter {
 public:
  explicit JsonWriter(size_t reserve = 256) { out_.reserve(reserve); }

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  // REQUIRES: inside an object; the next call writes its value.
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view s);
  // null for an empty string (the original's "null when empty").
  JsonWriter& StringOrNull(std::string_view s) { return s.empty() ? Null() : String(s); }
  JsonWriter& Null();
  JsonWriter& Bool(bool b);
  JsonWriter& Int(int64_t v);
  // Shortest round-trip form ("8", "7.5"); non-finite values become null.
  JsonWriter& Double(double v);
  // Already-serialised JSON (a nested document), copied as is.
  JsonWriter& Raw(std::string_view json);

  template <typename T>
  JsonWriter& Optional(const std::optional<T>& v) {
    if (!v) return Null();
    if constexpr (std::is_floating_point_v<T>) return Double(*v);
    else return Int(static_cast<int64_t>(*v));
  }

  // The text written so far; the writer is left empty.
  std::string Take() { return std::move(out_); }
  const std::string& text() const { return out_; }

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void BeforeValue();

  std::string out_;
  // Per open container, 1 while no element is written yet. A string, not a
  // vector<bool>: the usual depth (< 16) fits its inline buffer, no allocation.
  std::string first_;
  bool after_key_ = false;
};

// Appends `s` JSON-escaped (without quotes) to `out`: '"' '\\' \n \r \t as
// two-byte escapes, other bytes below 0x20 as \u00XX, every other byte
// (0x7f, UTF-8, invalid UTF-8 included) copied unchanged.
void AppendJsonEscaped(std::string& out, std::string_view s);

}  // namespace provisiond::api::endpoint

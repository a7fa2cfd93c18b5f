#include "core/naming.h"

#include <charconv>

#include "base/strings.h"

namespace provisiond::core {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

std::optional<NameViolation> CheckComputerName(std::string_view name) {
  if (name.empty()) {
    return NameViolation{NameRule::kEmpty, "computer name is empty; give 1 to 15 characters"};
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i])) {
      unsigned char c = static_cast<unsigned char>(name[i]);
      std::string shown = c < 0x20 || c >= 0x7f ? "byte 0x" + std::string(1, "0123456789ABCDEF"[c >> 4]) +
                                                       std::string(1, "0123456789ABCDEF"[c & 15])
                                                 : Quoted(std::string(1, name[i]));
      return NameViolation{NameRule::kBadCharacter,
                           "computer name " + Quoted(name) + " has " + shown + " at position " +
                               std::to_string(i + 1) + "; allowed: A-Z a-z 0-9 -"};
    }
  }
  if (name.size() > kMaxNetbiosName) {
    return NameViolation{NameRule::kTooLong, "computer name " + Quoted(name) + " has " +
                                                 std::to_string(name.size()) +
                                                 " characters; NetBIOS allows at most 15"};
  }
  if (name.find_first_not_of("0123456789") == std::string_view::npos) {
    return NameViolation{NameRule::kAllDigits, "computer name " + Quoted(name) +
                                                   " is only digits; add a letter or a hyphen"};
  }
  if (name.front() == '-') {
    return NameViolation{NameRule::kLeadingHyphen,
                         "computer name " + Quoted(name) + " starts with '-'; start with a letter or digit"};
  }
  if (name.back() == '-') {
    return NameViolation{NameRule::kTrailingHyphen,
                         "computer name " + Quoted(name) + " ends with '-'; end with a letter or digit"};
  }
  return std::nullopt;
}

std::string SanitizeComputerName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (out.size() == kMaxNetbiosName) break;
    if (IsNameChar(c)) out += c;
  }
  return out;
}

Result<std::string> ExpandNamingTemplate(std::string_view tmpl, const NamingInputs& in,
                                         const RandomSource& random) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    char c = tmpl[i];
    if (c == '}' ) {
      if (i + 1 < tmpl.size() && tmpl[i + 1] == '}') ++i;
      out += '}';
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < tmpl.size() && tmpl[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    size_t close = tmpl.find('}', i);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("naming_template: '{' at offset " + std::to_string(i) +
                                     " is not closed; write {name} or {{ for a literal brace");
    }
    std::string_view body = tmpl.substr(i + 1, close - i - 1);
    std::string where = "naming_template: placeholder {" + std::string(body) + "} at offset " +
                        std::to_string(i);
    std::string_view name = body;
    std::optional<int> length;
    if (size_t colon = body.find(':'); colon != std::string_view::npos) {
      name = body.substr(0, colon);
      std::string_view num = body.substr(colon + 1);
      int n = 0;
      auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
      if (num.empty() || ec != std::errc() || p != num.data() + num.size() || n == 0 ||
          n > 255 || n < -255) {
        return Status::InvalidArgument(where + ": length '" + std::string(num) +
                                       "' must be a non-zero integer between -255 and 255");
      }
      length = n;
    }
    std::string lname = ToLower(Trim(name));
    std::string value;
    if (lname == "rand") {
      if (!length || *length < 0) {
        return Status::InvalidArgument(where + ": write {rand:N} with N > 0 characters");
      }
      if (!random) return Status::InvalidArgument(where + ": no random source available");
      for (int k = 0; k < *length; ++k) out += kAlphabet[random() % kAlphabet.size()];
      i = close;
      continue;
    }
    if (lname == "serial") value = std::string(Trim(in.serial));
    else if (lname == "model") value = std::string(Trim(in.model));
    else if (lname == "type") value = std::string(Trim(in.type));
    else if (lname == "country") value = std::string(Trim(in.country));
    else {
      return Status::InvalidArgument(where + ": unknown name '" + std::string(name) +
                                     "'; known: serial, model, type, country, rand");
    }
    if (length) {
      size_t n = static_cast<size_t>(*length < 0 ? -*length : *length);
      if (n < value.size()) value = *length > 0 ? value.substr(0, n) : value.substr(value.size() - n);
    }
    out += value;
    i = close;
  }
  return out;
}

Result<NameSuggestion> SuggestName(std::string_view tmpl, const NamingInputs& in,
                                   const RandomSource& random) {
  PV_ASSIGN_OR_RETURN(std::string expanded, ExpandNamingTemplate(tmpl, in, random));
  NameSuggestion s;
  s.name = SanitizeComputerName(expanded);
  s.violation = CheckComputerName(s.name);
  return s;
}

}  // namespace provisiond::core

#include "model/computer_name.h"

#include "base/strings.h"

namespace provisiond::model {
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

AnsweredName AnswerComputerName(std::string_view stored) {
  std::string_view trimmed = Trim(stored);
  AnsweredName a;
  a.name = SanitizeComputerName(trimmed);
  if (trimmed.empty()) return a;
  a.violation = CheckComputerName(trimmed);
  if (a.violation) a.violation->message += "; endpoints are given " + Quoted(a.name);
  return a;
}

}  // namespace provisiond::model

// Computer names: the one NetBIOS rule every path applies (store writes,
// loads, every route that answers a name). Lives in model/ because both
// store/ (refuses bad names on write, warns on load) and core/ (the plan and
// Tanium variables answer a name) need the same rule. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace provisiond::model {

inline constexpr size_t kMaxNetbiosName = 15;

// Which NetBIOS rule a name breaks.
enum class NameRule { kEmpty, kTooLong, kBadCharacter, kAllDigits, kLeadingHyphen, kTrailingHyphen };

struct NameViolation {
  NameRule rule;
  std::string message;  // e.g. "computer name 'PC_01' has '_' at position 3; allowed: A-Z a-z 0-9 -"
  friend bool operator==(const NameViolation&, const NameViolation&) = default;
};

// The first rule `name` breaks, or nullopt when it is a valid computer name:
// 1..15 characters, only ASCII letters, digits and '-', not only digits,
// no leading or trailing '-'.
std::optional<NameViolation> CheckComputerName(std::string_view name);

// The one normalisation of a name that endpoints are given (Tanium's own
// cleaning of ComputerName): keeps [-a-zA-Z0-9], then cuts to 15. A valid
// name is returned unchanged. May return a name that still fails
// CheckComputerName (e.g. all digits).
std::string SanitizeComputerName(std::string_view name);

// What every route answers for a stored name: the sanitised name, and the
// violation of the stored one (nullopt when it is valid, or blank: "not set").
struct AnsweredName {
  std::string name;                        // SanitizeComputerName(trimmed stored name)
  std::optional<NameViolation> violation;  // message ends with what endpoints get instead
  friend bool operator==(const AnsweredName&, const AnsweredName&) = default;
};
AnsweredName AnswerComputerName(std::string_view stored);

}  // namespace provisiond::model

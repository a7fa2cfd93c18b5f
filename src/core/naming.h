// Computer names: the naming template for unknown devices, the NetBIOS rules
// a name must pass, and Tanium's ComputerName sanitiser. Pure.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "model/computer_name.h"

namespace provisiond::core {

// config.csv key holding the template, e.g. "{country}-{serial:-7}".
inline constexpr const char* kNamingTemplateKey = "naming_template";
// The NetBIOS rule and the one normalisation live in model/ (store/ applies
// them on write and load too); core names them as before.
using model::AnsweredName;
using model::AnswerComputerName;
using model::CheckComputerName;
using model::kMaxNetbiosName;
using model::NameRule;
using model::NameViolation;
using model::SanitizeComputerName;

// Values the template placeholders read.
struct NamingInputs {
  std::string serial;
  std::string model;
  std::string type;
  std::string country;
};

// Returns a uniformly distributed 64-bit value; injected so tests are exact.
using RandomSource = std::function<uint64_t()>;

// Expands `tmpl`. Placeholders (names case-insensitive):
//   {serial} {model} {type} {country}   the whole value
//   {serial:N}                          the first N characters
//   {serial:-N}                         the last N characters (same for the others)
//   {rand:N}                            N characters from A-Z0-9 drawn from `random`
//   {{ and }}                           literal braces
// Other text is copied. Returns InvalidArgument naming the placeholder and its
// offset for an unknown name, a bad length, an unclosed '{', or {rand} with a
// null `random`. The result is NOT sanitised or validated: see SuggestName.
Result<std::string> ExpandNamingTemplate(std::string_view tmpl, const NamingInputs& in,
                                         const RandomSource& random);

struct NameSuggestion {
  std::string name;                        // sanitised expansion; may be empty
  std::optional<NameViolation> violation;  // set when `name` is not a valid computer name
};

// Expands, sanitises (SanitizeComputerName) and checks. Returns the
// template's InvalidArgument unchanged when it cannot be expanded.
Result<NameSuggestion> SuggestName(std::string_view tmpl, const NamingInputs& in,
                                   const RandomSource& random);

}  // namespace provisiond::core

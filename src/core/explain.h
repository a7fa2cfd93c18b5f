// Explain: the trail of rules a resolution considered and why each matched
// or not. Every rule function takes an optional `Explain*` and appends to it.
#pragma once

#include <string>
#include <vector>

namespace provisiond::core {

struct ExplainEntry {
  std::string rule;     // e.g. "identity.serial", "app", "driver", "locale.language"
  std::string subject;  // what the rule was about: app name, "drivers.csv row 3", a key
  bool matched = false;
  std::string reason;   // one sentence a deployment engineer understands
  friend bool operator==(const ExplainEntry&, const ExplainEntry&) = default;
};

using Explain = std::vector<ExplainEntry>;

// Appends when `out` is not null (callers that do not want the trail pass null).
inline void Note(Explain* out, std::string rule, std::string subject, bool matched,
                 std::string reason) {
  if (out) out->push_back({std::move(rule), std::move(subject), matched, std::move(reason)});
}

}  // namespace provisiond::core

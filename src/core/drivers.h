// Driver rules (drivers.csv) for a model and OS, the Bundle ID by model, and
// the original's /getdrivers and /tanium/global answers. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/explain.h"
#include "core/plan_index.h"
#include "core/variables.h"
#include "model/tables.h"

namespace provisiond::core {

inline constexpr int kDefaultBundleTimeoutSeconds = 120;

struct PlannedDriver {
  uint64_t rule_id = 0;  // drivers.csv row number (1-based, header excluded)
  int priority = 0;
  std::string url;       // as written; may be empty (bundle/hardware-only row)
  std::string path;      // after %VAR% expansion and service URL resolution
  SourceKind source_kind = SourceKind::kLocal;
  std::vector<std::string> unknown_variables;
  std::optional<std::string> bundle_id;
  friend bool operator==(const PlannedDriver&, const PlannedDriver&) = default;
};

// Enabled rules whose model_regex matches `model` and os_regex matches
// `os_name` (Pattern::Matches: search anywhere, case-insensitive, an empty
// regex matches anything), ordered by priority (lower first) then id. Rows without url are
// included (they carry bundle/hardware data; callers skip empty paths for
// downloads). One explain entry per rule ("driver", "drivers.csv row N").
std::vector<PlannedDriver> MatchDrivers(const model::Tables& tables, std::string_view model,
                                        std::string_view os_name, const Variables& vars,
                                        std::string_view base_url, Explain* explain = nullptr);
// The same with the rules already ordered by `index`.
std::vector<PlannedDriver> MatchDrivers(const PlanIndex& index, std::string_view model,
                                        std::string_view os_name, const Variables& vars,
                                        std::string_view base_url, Explain* explain = nullptr);

// The original's GET /getdrivers: the first rule (priority then id, i.e. file
// order when no priorities are set) matching both regexes, enabled.
// nullopt when none matches. `name` is always null in the answer.
struct LegacyDriver {
  std::string url;                      // as written (%VAR% left for the endpoint)
  std::optional<std::string> bundle_id;
  uint64_t rule_id = 0;
  friend bool operator==(const LegacyDriver&, const LegacyDriver&) = default;
};
std::optional<LegacyDriver> LegacyGetDrivers(const model::Tables& tables, std::string_view model,
                                             std::string_view os_name);

enum class BundleSource { kDriverRule, kDefault, kNone };
// "driver_rule", "default", "none".
std::string_view BundleSourceName(BundleSource source);

struct BundleChoice {
  std::optional<std::string> bundle_id;  // trimmed; nullopt = none
  BundleSource source = BundleSource::kNone;
  uint64_t rule_id = 0;                  // set when source is kDriverRule
  int timeout_seconds = kDefaultBundleTimeoutSeconds;
  std::string reason;
  friend bool operator==(const BundleChoice&, const BundleChoice&) = default;
};

// Bundle ID = the first drivers.csv row in FILE order (priority ignored, as
// the original) whose model_regex matches `model` and whose bundle_id is set
// (OS and enabled are not considered: Tanium asks before the OS is known);
// else config default_bundle_id when non-blank; else none. An empty model
// goes straight to the default. Timeout = config default_bundle_timeout when
// a positive integer, else 120 (a bad value is noted in explain).
BundleChoice ResolveBundle(const model::Tables& tables, std::string_view model,
                           Explain* explain = nullptr);

// The original's int-or-string rule for a JSON value: an integer when the
// text is all ASCII digits and fits in int64, else the text.
using JsonScalar = std::variant<int64_t, std::string>;
JsonScalar IntOrString(std::string_view text);

// The original's /tanium/global answer: {"BundleID": .., "BundleTimeout": ..}
// or {} (nullopt) when there is no bundle id.
struct TaniumGlobal {
  JsonScalar bundle_id;
  int bundle_timeout = kDefaultBundleTimeoutSeconds;
  friend bool operator==(const TaniumGlobal&, const TaniumGlobal&) = default;
};
std::optional<TaniumGlobal> LegacyTaniumGlobal(const model::Tables& tables,
                                               std::string_view model);

}  // namespace provisiond::core

// The settings schema: every config.csv setting provisiond reads, with its
// type, allowed values, default and description, in ONE table (kSettings).
// The admin settings route (GET/PUT/DELETE /api/v1/admin/settings), the
// endpoint settings route, `provisiond check`, the status route and
// doc/configuration.md all read it; adding a setting is a row here.
// Besides the table, three key families are accepted as they are:
//   endpoint.<Name>    handed to endpoints as <Name> (GET /api/v1/endpoint/settings)
//   var_name.<Var>     renames a Tanium variable (var_name.BundleID = OSBundle)
//   x-<anything>       custom keys provisiond keeps but never reads
// Any other key is unknown: refused on write, a warning on load. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace provisiond::model {

enum class SettingType { kInteger, kText, kChoice };

struct SettingSpec {
  std::string_view key;  // the spelling config.csv gets (keys match case-insensitively)
  SettingType type;
  int64_t min = 0;  // kInteger: inclusive range
  int64_t max = 0;
  std::string_view default_value;  // "" = not set
  std::string_view description;
  bool endpoint = false;         // handed out by GET /api/v1/endpoint/settings
  bool server_variable = false;  // also as Server_<key> (the platform's endpoint TLS policy)
  std::string_view choices = "";  // kChoice: the allowed values, '|' separated (any case)
};

inline constexpr int64_t kMaxInt32 = 2147483647;
inline constexpr size_t kMaxSettingTextBytes = 4096;

// Every known setting. The TLS ranges are the platform's (shared/README.md
// "Security contract"); ReportingTLSMode has no fixed default: unless set it
// follows serve's listener (api/endpoint/settings.h), else 0.
inline constexpr SettingSpec kSettings[] = {
    {"default_bundle_id", SettingType::kText, 0, 0, "",
     "Bundle ID handed to Tanium Provision when no drivers.csv rule gives one (empty: none)"},
    {"default_bundle_timeout", SettingType::kInteger, 1, kMaxInt32, "120",
     "BundleTimeout handed to Tanium Provision with a Bundle ID", true},
    {"naming_template", SettingType::kText, 0, 0, "",
     "computer name suggested for an unknown device, e.g. {country}-{serial:-7} (empty: none)", true},
    {"stale_timeout_minutes", SettingType::kInteger, 1, 525600, "30",
     "a running deployment without an event for this long shows as stale", true},
    {"default_country", SettingType::kText, 0, 0, "",
     "country when neither the computer record nor anything else gives one (ISO 3166, e.g. FR)"},
    {"default_language", SettingType::kText, 0, 0, "", "language when the record and the country give none (e.g. fr-FR)"},
    {"default_keyboard", SettingType::kText, 0, 0, "", "keyboard when the record and the country give none (e.g. fr-FR)"},
    {"default_timezone", SettingType::kText, 0, 0, "",
     "time zone when the record and the country give none (e.g. Romance Standard Time)"},
    {"default_type", SettingType::kText, 0, 0, "", "deployment type when the computer record gives none"},
    {"deploy_root", SettingType::kText, 0, 0, "", "DeployRoot variable handed to endpoints (empty: not handed out)"},
    {"ReportingTLSMode", SettingType::kInteger, 0, 2, "0",
     "endpoints: 0 plaintext, 1 TLS required, 2 try TLS then fall back (unset: follows serve's --tls-mode)", true,
     true},
    {"OptionalTLSMinAttemptCount", SettingType::kInteger, 1, 100, "3",
     "mode 2: TLS failures before an endpoint falls back to plaintext", true, true},
    {"OptionalTLSBackoffIntervalSeconds", SettingType::kInteger, 1, 86400, "1",
     "mode 2: first wait before an endpoint retries TLS", true, true},
    {"OptionalTLSMaxBackoffSeconds", SettingType::kInteger, 1, 86400, "3600",
     "mode 2: longest wait between an endpoint's TLS retries", true, true},
    {"app_failure_policy", SettingType::kChoice, 0, 0, "continue",
     "an application that fails on the endpoint: continue with the next one, or stop the sequence (the plan's on_app_failure)",
     true, false, "continue|stop"},
};

inline constexpr std::string_view kEndpointKeyPrefix = "endpoint.";
inline constexpr std::string_view kVariableNameKeyPrefix = "var_name.";
inline constexpr std::string_view kCustomKeyPrefix = "x-";

// The spec of `key` (trimmed, case-insensitive), or null. An "endpoint."
// prefix is looked through: endpoint.ReportingTLSMode is checked as
// ReportingTLSMode.
const SettingSpec* FindSetting(std::string_view key);

enum class KeyKind { kKnown, kEndpoint, kVariableName, kCustom, kUnknown };
KeyKind ClassifyKey(std::string_view key);

// Ok for a known key or one of the three prefixed families (with a name
// after the prefix). Otherwise InvalidArgument "unknown setting '<key>';
// known: <list>; custom keys start with x- ...".
Status CheckSettingKey(std::string_view key);

// Ok when `value` is blank (the default applies) or fits the key's spec:
// an integer inside the range, a text without control characters and at
// most kMaxSettingTextBytes. Unknown keys are not checked here (see
// CheckSettingKey). Otherwise InvalidArgument naming the key, e.g.
// "OptionalTLSMinAttemptCount: must be an integer 1..100, got '0'".
Status ValidateSetting(std::string_view key, std::string_view value);

// "integer 1..100" or "text": the allowed values in words (docs, routes).
std::string AllowedValues(const SettingSpec& spec);

// A problem with a row of config.csv that provisiond tolerates: an unknown
// key or a known one spelled otherwise (kept, never read), or an invalid
// value (integers: the default is used; text: used as written).
struct SettingProblem {
  std::string key;
  int line = 0;  // config.csv line, header = 1
  std::string message;  // what, and what is used instead
  friend bool operator==(const SettingProblem&, const SettingProblem&) = default;
};

// Every problem of `config` (config.csv rows in file order). `lines`: the
// file line of each row (Tables::config_lines); a row past its end is on
// line row + 2.
std::vector<SettingProblem> CheckConfig(const std::vector<std::pair<std::string, std::string>>& config,
                                        const std::vector<int>& lines = {});

// The trimmed configured value of `spec` when present, non-blank and valid;
// nullopt otherwise (the default or another source applies).
std::optional<std::string> ValidConfigValue(const SettingSpec& spec,
                                            const std::vector<std::pair<std::string, std::string>>& config);

}  // namespace provisiond::model

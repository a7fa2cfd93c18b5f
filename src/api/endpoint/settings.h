// Global endpoint settings: what GET /api/v1/endpoint/settings hands out.
// The list is data: kEndpointSettings names each key with its default, and
// config.csv overrides a value under the same key; any config.csv key
// "endpoint.<Name>" is handed out too (as <Name>). Adding a setting is a row
// here or a line in config.csv, not route code. Pure.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "model/tables.h"

namespace provisiond::api::endpoint {

struct SettingDefault {
  const char* key;
  const char* default_value;
  const char* description;
  bool server_variable = false;  // handed to endpoints as Server_<key> too (platform names)
};

// Every built-in setting with its default ("" = not set).
inline constexpr SettingDefault kEndpointSettings[] = {
    {"stale_timeout_minutes", "30", "a running deployment without an event for this long shows as stale"},
    {"naming_template", "", "computer name suggested for an unknown device, e.g. {country}-{serial:-7}"},
    {"default_bundle_timeout", "120", "BundleTimeout handed to Tanium Provision"},
    // TLS policy of the endpoint side: also answered as Server_<key>, the name the
    // endpoint stores it under (a local value without the prefix wins there).
    {"ReportingTLSMode", "0", "0 plaintext, 1 TLS required, 2 try TLS then fall back", true},
    {"OptionalTLSMinAttemptCount", "3", "mode 2: TLS failures before falling back (1-100)", true},
    {"OptionalTLSBackoffIntervalSeconds", "1", "mode 2: first wait before retrying TLS (1-86400)", true},
    {"OptionalTLSMaxBackoffSeconds", "3600", "mode 2: longest wait between TLS retries (1-86400)", true},
};

// config.csv prefix of extra settings handed out as they are.
inline constexpr const char* kEndpointSettingPrefix = "endpoint.";

struct Setting {
  std::string key;
  std::string value;
  std::string source;  // "default" or "config"
  bool server_variable = false;
};

// The built-in settings in table order (config value when set and non-blank,
// else the default), then the "endpoint." keys in config.csv order.
std::vector<Setting> EffectiveSettings(const model::Tables& tables);

// config stale_timeout_minutes when a positive integer, else 30 minutes.
std::chrono::milliseconds StaleTimeout(const model::Tables& tables);

}  // namespace provisiond::api::endpoint

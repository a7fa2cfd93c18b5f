// Effective settings: the value of every setting of the schema
// (model/setting_rules.h) and where it came from. GET
// /api/v1/endpoint/settings hands out the endpoint ones, the admin settings
// route and the status route list them all.
// Sources, strongest first: config.csv (a valid, non-blank value), the
// listener (ReportingTLSMode follows serve's --tls-mode unless set), the
// default. An invalid config.csv value is skipped (model::CheckConfig
// reports it). Any config.csv key "endpoint.<Name>" is handed out as <Name>.
// Pure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "model/setting_rules.h"
#include "model/tables.h"

namespace provisiond::api::endpoint {

// What the running server listens with; empty when unknown (tests, `routes`).
struct ListenerTls {
  std::vector<int> modes;  // tls mode of each listener, the primary (--port/--tls-mode) first
};

inline constexpr const char* kSourceConfig = "config.csv";
inline constexpr const char* kSourceListener = "listener";
inline constexpr const char* kSourceDefault = "default";

struct Setting {
  std::string key;
  std::string value;
  std::string source;  // kSourceConfig, kSourceListener or kSourceDefault
  bool server_variable = false;
  const model::SettingSpec* spec = nullptr;  // null for "endpoint.<Name>" and other config keys
};

// Every setting of the schema in table order, then (with `include_extra`)
// the config.csv keys outside it (endpoint.<Name> as <Name>, var_name.*,
// x-*, unknown ones) in file order, source config.csv.
std::vector<Setting> AllSettings(const model::Tables& tables, const ListenerTls& listener, bool include_extra);

// The endpoint settings of the schema in table order, then the
// "endpoint.<Name>" keys of config.csv (as <Name>) in file order.
std::vector<Setting> EffectiveSettings(const model::Tables& tables, const ListenerTls& listener = {});

// Why the TLS mode endpoints are told cannot work with the listeners, or ""
// (also "" when the listeners are unknown): told 1 with no TLS listener,
// told 0 with only TLS-only listeners.
std::string TlsMismatch(int told_mode, const ListenerTls& listener);

// The settings warnings the status route and `check` show: config.csv
// problems (model::CheckConfig, with file and line) then the TLS mismatch.
std::vector<std::string> SettingsWarnings(const model::Tables& tables, const ListenerTls& listener);

// config stale_timeout_minutes when valid, else 30 minutes.
std::chrono::milliseconds StaleTimeout(const model::Tables& tables);

}  // namespace provisiond::api::endpoint

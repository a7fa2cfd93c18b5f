#include "api/endpoint/settings.h"

#include <charconv>

#include "base/strings.h"
#include "core/deployment_rules.h"

namespace provisiond::api::endpoint {
namespace {

Setting Effective(const model::SettingSpec& spec, const model::Tables& tables, const ListenerTls& listener) {
  Setting s{std::string(spec.key), "", kSourceDefault, spec.server_variable, &spec};
  if (auto v = model::ValidConfigValue(spec, tables.config.items())) {
    s.value = *v;
    s.source = kSourceConfig;
  } else if (spec.key == "ReportingTLSMode" && !listener.modes.empty()) {
    // Endpoints speak to the primary listener: tell them its mode.
    s.value = std::to_string(listener.modes.front());
    s.source = kSourceListener;
  } else {
    s.value = std::string(spec.default_value);
  }
  return s;
}

}  // namespace

std::vector<Setting> AllSettings(const model::Tables& tables, const ListenerTls& listener, bool include_extra) {
  std::vector<Setting> out;
  for (const auto& spec : model::kSettings) out.push_back(Effective(spec, tables, listener));
  if (!include_extra) return out;
  for (const auto& [key, value] : tables.config) {
    if (model::ClassifyKey(key) == model::KeyKind::kKnown) continue;
    out.push_back({key, std::string(Trim(value)), kSourceConfig});
  }
  return out;
}

std::vector<Setting> EffectiveSettings(const model::Tables& tables, const ListenerTls& listener) {
  std::vector<Setting> out;
  for (const auto& spec : model::kSettings)
    if (spec.endpoint) out.push_back(Effective(spec, tables, listener));
  std::string_view prefix = model::kEndpointKeyPrefix;
  for (const auto& [key, value] : tables.config) {
    if (model::ClassifyKey(key) != model::KeyKind::kEndpoint) continue;
    out.push_back({key.substr(prefix.size()), std::string(Trim(value)), kSourceConfig});
  }
  return out;
}

std::string TlsMismatch(int told_mode, const ListenerTls& listener) {
  if (listener.modes.empty()) return "";
  bool tls = false, plain = false;
  for (int m : listener.modes) {
    tls = tls || m != 0;
    plain = plain || m != 1;
  }
  if (told_mode == 1 && !tls)
    return "endpoints are told ReportingTLSMode 1 (TLS required) but no listener speaks TLS: they cannot "
           "report; start serve with --tls-mode 1 or 2, or set ReportingTLSMode to 0 or clear it";
  if (told_mode == 0 && !plain)
    return "endpoints are told ReportingTLSMode 0 (plaintext) but every listener requires TLS: they cannot "
           "report; set ReportingTLSMode to 1 or 2, or clear it so it follows the listener";
  return "";
}

std::vector<std::string> SettingsWarnings(const model::Tables& tables, const ListenerTls& listener) {
  std::vector<std::string> out;
  for (const auto& p : model::CheckConfig(tables.config.items(), tables.config_lines.items()))
    out.push_back("config.csv:" + std::to_string(p.line) + ": " + p.message);
  for (const auto& s : EffectiveSettings(tables, listener)) {
    if (s.spec == nullptr || s.spec->key != std::string_view("ReportingTLSMode")) continue;
    std::string why = TlsMismatch(std::stoi(s.value), listener);
    if (!why.empty()) out.push_back(std::move(why));
  }
  return out;
}

std::chrono::milliseconds StaleTimeout(const model::Tables& tables) {
  for (const auto& spec : model::kSettings) {
    if (spec.key != std::string_view("stale_timeout_minutes")) continue;
    auto v = model::ValidConfigValue(spec, tables.config.items());
    if (!v) break;
    int minutes = 0;
    std::from_chars(v->data(), v->data() + v->size(), minutes);  // validated: 1..525600
    return std::chrono::minutes(minutes);
  }
  return core::kDefaultStaleTimeout;
}

}  // namespace provisiond::api::endpoint

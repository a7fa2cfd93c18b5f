#include "api/endpoint/settings.h"

#include <charconv>

#include "base/strings.h"
#include "core/deployment_rules.h"

namespace provisiond::api::endpoint {

std::vector<Setting> EffectiveSettings(const model::Tables& tables) {
  std::vector<Setting> out;
  for (const auto& s : kEndpointSettings) {
    auto v = tables.Config(s.key);
    if (v && !Trim(*v).empty()) {
      out.push_back({s.key, std::string(Trim(*v)), "config", s.server_variable});
    } else {
      out.push_back({s.key, s.default_value, "default", s.server_variable});
    }
  }
  std::string_view prefix = kEndpointSettingPrefix;
  for (const auto& [key, value] : tables.config) {
    if (key.size() > prefix.size() && StartsWithI(key, prefix)) {
      out.push_back({key.substr(prefix.size()), std::string(Trim(value)), "config"});
    }
  }
  return out;
}

std::chrono::milliseconds StaleTimeout(const model::Tables& tables) {
  auto v = tables.Config("stale_timeout_minutes");
  if (v) {
    std::string_view t = Trim(*v);
    int minutes = 0;
    auto r = std::from_chars(t.data(), t.data() + t.size(), minutes);
    if (r.ec == std::errc() && r.ptr == t.data() + t.size() && minutes > 0) {
      return std::chrono::minutes(minutes);
    }
  }
  return core::kDefaultStaleTimeout;
}

}  // namespace provisiond::api::endpoint

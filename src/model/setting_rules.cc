#include "model/setting_rules.h"

#include <charconv>
#include <string>

#include "base/strings.h"

namespace provisiond::model {

const SettingRange* FindSettingRange(std::string_view key) {
  key = Trim(key);
  constexpr std::string_view kPrefix = "endpoint.";
  if (key.size() > kPrefix.size() && StartsWithI(key, kPrefix)) key.remove_prefix(kPrefix.size());
  for (const auto& r : kSettingRanges)
    if (IEquals(r.key, key)) return &r;
  return nullptr;
}

Status ValidateSetting(std::string_view key, std::string_view value) {
  const SettingRange* range = FindSettingRange(key);
  std::string_view v = Trim(value);
  if (range == nullptr || v.empty()) return Status::Ok();
  int64_t n = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  if (r.ec == std::errc() && r.ptr == v.data() + v.size() && n >= range->min && n <= range->max) {
    return Status::Ok();
  }
  return Status::InvalidArgument(std::string(Trim(key)) + ": must be an integer " + std::to_string(range->min) +
                                 ".." + std::to_string(range->max) + ", got '" + std::string(v) + "'");
}

}  // namespace provisiond::model

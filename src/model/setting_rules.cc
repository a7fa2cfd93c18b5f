#include "model/setting_rules.h"

#include <charconv>
#include <string>

#include "base/strings.h"
#include "model/text_rules.h"

namespace provisiond::model {
namespace {

// True when `key` is `prefix` followed by at least one character.
bool HasPrefix(std::string_view key, std::string_view prefix) {
  return key.size() > prefix.size() && StartsWithI(key, prefix);
}

std::string KnownKeysList() {
  std::string out;
  for (const auto& s : kSettings) out += (out.empty() ? "" : ", ") + std::string(s.key);
  return out;
}

// One rule for every text (model/text_rules.h): a key is an identifier,
// a value one line of free text.
Status CheckText(std::string_view key, std::string_view value, TextRule rule = TextRule::kLine) {
  if (value.size() > kMaxSettingTextBytes)
    return Status::BadField(key, "longer than " + std::to_string(kMaxSettingTextBytes) + " bytes");
  if (auto why = TextProblem(value, rule)) return Status::BadField(key, *why);
  // A tab is fine in free text, never in a setting: templates, paths and
  // URLs would carry it invisibly into every endpoint's answer.
  if (auto tab = value.find('\t'); tab != std::string_view::npos)
    return Status::BadField(key, "has a tab at byte " + std::to_string(tab) + "; a setting is one line without tabs");
  return Status::Ok();
}

}  // namespace

const SettingSpec* FindSetting(std::string_view key) {
  key = Trim(key);
  if (HasPrefix(key, kEndpointKeyPrefix)) key.remove_prefix(kEndpointKeyPrefix.size());
  for (const auto& s : kSettings)
    if (IEquals(s.key, key)) return &s;
  return nullptr;
}

KeyKind ClassifyKey(std::string_view key) {
  key = Trim(key);
  if (FindSetting(key) != nullptr) return KeyKind::kKnown;
  if (HasPrefix(key, kEndpointKeyPrefix)) return KeyKind::kEndpoint;
  if (HasPrefix(key, kVariableNameKeyPrefix)) return KeyKind::kVariableName;
  if (HasPrefix(key, kCustomKeyPrefix)) return KeyKind::kCustom;
  return KeyKind::kUnknown;
}

Status CheckSettingKey(std::string_view key) {
  if (ClassifyKey(key) != KeyKind::kUnknown) return CheckText("key", key, TextRule::kIdentifier);
  return Status::BadField(
      "key", "unknown setting '" + std::string(Trim(key)) + "'; known: " + KnownKeysList() +
      "; custom keys start with x- (e.g. x-site), endpoint.<Name> is handed to endpoints as <Name>, "
      "var_name.<Variable> renames a Tanium variable");
}

Status ValidateSetting(std::string_view key, std::string_view value) {
  std::string_view name = Trim(key);
  std::string_view v = Trim(value);
  if (v.empty()) return Status::Ok();
  const SettingSpec* spec = FindSetting(name);
  if (spec == nullptr || spec->type == SettingType::kText) return CheckText(name, value);
  if (spec->type == SettingType::kChoice) {
    for (const auto& choice : SplitList(spec->choices, '|'))
      if (IEquals(choice, v)) return Status::Ok();
    return Status::BadField(name, "must be one of " + AllowedValues(*spec) + ", got '" + std::string(v) + "'");
  }
  int64_t n = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  if (r.ec == std::errc() && r.ptr == v.data() + v.size() && n >= spec->min && n <= spec->max) return Status::Ok();
  return Status::BadField(name, "must be an integer " + std::to_string(spec->min) + ".." +
                                    std::to_string(spec->max) + ", got '" + std::string(v) + "'");
}

std::string AllowedValues(const SettingSpec& spec) {
  switch (spec.type) {
    case SettingType::kInteger:
      return "integer " + std::to_string(spec.min) + ".." + std::to_string(spec.max);
    case SettingType::kText:
      return "text";
    case SettingType::kChoice:
      return Join(SplitList(spec.choices, '|'), ", ");
  }
  return "text";
}

std::vector<SettingProblem> CheckConfig(const std::vector<std::pair<std::string, std::string>>& config,
                                        const std::vector<int>& lines) {
  std::vector<SettingProblem> out;
  for (size_t i = 0; i < config.size(); ++i) {
    const auto& [key, value] = config[i];
    int line = i < lines.size() ? lines[i] : static_cast<int>(i) + 2;
    if (Status s = CheckSettingKey(key); !s.ok()) {
      out.push_back({key, line, std::string(s.reason()) + " (kept, not read; rename it or remove the row)"});
      continue;
    }
    const SettingSpec* spec = FindSetting(key);
    if (spec != nullptr && Trim(key) != spec->key) {  // "reportingtlsmode", "endpoint.ReportingTLSMode"
      out.push_back({key, line, "'" + key + "' is read only when spelled " + std::string(spec->key) +
                                    "; rename the key (not read as written)"});
      continue;
    }
    if (Status s = ValidateSetting(key, value); !s.ok()) {
      // Text settings are read as written by the rules in core/ (drop-in);
      // integer ones fall back to their default there and here alike.
      std::string instead = spec == nullptr || spec->type == SettingType::kText
                                ? "it is used as written"
                                : "the default " + std::string(spec->default_value) + " is used instead";
      out.push_back({key, line, s.message() + "; " + instead + " (fix it or leave it blank)"});
    }
  }
  return out;
}

std::optional<std::string> ValidConfigValue(const SettingSpec& spec,
                                            const std::vector<std::pair<std::string, std::string>>& config) {
  for (const auto& [key, value] : config) {
    // Only the exact spelling of the table counts: the readers in core/ look
    // keys up as written, and the route stores known keys under it.
    if (Trim(key) != spec.key) continue;
    std::string_view v = Trim(value);
    if (v.empty() || !ValidateSetting(spec.key, v).ok()) return std::nullopt;
    return std::string(v);
  }
  return std::nullopt;
}

}  // namespace provisiond::model

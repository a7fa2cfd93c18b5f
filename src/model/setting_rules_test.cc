#include "model/setting_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace provisiond::model {
namespace {

using Config = std::vector<std::pair<std::string, std::string>>;

TEST(SettingsSchema, EveryRowHasADescriptionAndAValidDefault) {
  for (const auto& s : kSettings) {
    SCOPED_TRACE(std::string(s.key));
    EXPECT_FALSE(s.description.empty());
    EXPECT_TRUE(ValidateSetting(s.key, s.default_value).ok());
    EXPECT_EQ(FindSetting(s.key), &s);
    if (s.type == SettingType::kInteger) {
      EXPECT_FALSE(s.default_value.empty());
    }
  }
}

TEST(SettingsSchema, EachIntegerSettingRefusesEveryInvalidClass) {
  for (const auto& s : kSettings) {
    if (s.type != SettingType::kInteger) continue;
    SCOPED_TRACE(std::string(s.key));
    EXPECT_TRUE(ValidateSetting(s.key, std::to_string(s.min)).ok());
    EXPECT_TRUE(ValidateSetting(s.key, std::to_string(s.max)).ok());
    EXPECT_TRUE(ValidateSetting(s.key, " " + std::to_string(s.max) + " ").ok());  // trimmed
    EXPECT_TRUE(ValidateSetting(s.key, "").ok());  // blank: the default applies
    const std::string invalid[] = {std::to_string(s.min - 1), std::to_string(s.max + 1), "abc", "3x", "2.5",
                                   "99999999999999999999", "1\x01"};
    for (const auto& v : invalid) {
      SCOPED_TRACE(v);
      Status st = ValidateSetting(s.key, v);
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
      EXPECT_NE(st.message().find(AllowedValues(s)), std::string::npos) << st.message();
    }
  }
}

TEST(SettingsSchema, TextSettingsRefuseControlCharactersAndOverlongValues) {
  for (const auto& s : kSettings) {
    if (s.type != SettingType::kText) continue;
    SCOPED_TRACE(std::string(s.key));
    EXPECT_TRUE(ValidateSetting(s.key, "Réception {country}-{serial:-7}").ok());
    EXPECT_FALSE(ValidateSetting(s.key, "a\tb").ok());
    EXPECT_FALSE(ValidateSetting(s.key, "a\nb").ok());
    EXPECT_FALSE(ValidateSetting(s.key, std::string(kMaxSettingTextBytes + 1, 'a')).ok());
  }
}

TEST(SettingsSchema, TheEndpointTlsPolicyRanges) {
  struct Case {
    const char* key;
    const char* value;
    bool ok;
  };
  const Case cases[] = {
      {"OptionalTLSMinAttemptCount", "1", true},         {"OptionalTLSMinAttemptCount", "100", true},
      {"OptionalTLSMinAttemptCount", "0", false},        {"OptionalTLSMinAttemptCount", "101", false},
      {"optionaltlsminattemptcount", "0", false},        {"endpoint.OptionalTLSMinAttemptCount", "0", false},
      {"OptionalTLSBackoffIntervalSeconds", "86401", false}, {"OptionalTLSMaxBackoffSeconds", "86400", true},
      {"ReportingTLSMode", "2", true},                   {"ReportingTLSMode", "3", false},
      {"default_bundle_timeout", "abc", false},          {"default_bundle_timeout", "0", false},
      {"stale_timeout_minutes", "whatever", false},      {"x-site", "anything", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.key) + "=" + c.value);
    EXPECT_EQ(ValidateSetting(c.key, c.value).ok(), c.ok);
  }
}

TEST(SettingsSchema, MessageNamesTheKeyTheRangeAndTheValue) {
  Status s = ValidateSetting("OptionalTLSMaxBackoffSeconds", "0");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "OptionalTLSMaxBackoffSeconds: must be an integer 1..86400, got '0'");
}

TEST(SettingsSchema, ChoiceSettingsTakeOneOfTheirValuesInAnyCase) {
  EXPECT_TRUE(ValidateSetting("app_failure_policy", "stop").ok());
  EXPECT_TRUE(ValidateSetting("app_failure_policy", "Continue").ok());
  Status s = ValidateSetting("app_failure_policy", "later");
  EXPECT_EQ(s.message(), "app_failure_policy: must be one of continue, stop, got 'later'");
  EXPECT_EQ(AllowedValues(*FindSetting("app_failure_policy")), "continue, stop");
}

TEST(SettingsSchema, KeysAreKnownPrefixedCustomOrUnknown) {
  const std::pair<const char*, KeyKind> cases[] = {
      {"default_bundle_id", KeyKind::kKnown},      {" ReportingTLSMode ", KeyKind::kKnown},
      {"reportingtlsmode", KeyKind::kKnown},       {"endpoint.ReportingTLSMode", KeyKind::kKnown},
      {"endpoint.LogShare", KeyKind::kEndpoint},   {"var_name.BundleID", KeyKind::kVariableName},
      {"x-site", KeyKind::kCustom},                {"X-Site", KeyKind::kCustom},
      {"default_bundleid", KeyKind::kUnknown},     {"x-", KeyKind::kUnknown},
      {"endpoint.", KeyKind::kUnknown},            {"site", KeyKind::kUnknown},
  };
  for (const auto& [key, kind] : cases) {
    SCOPED_TRACE(key);
    EXPECT_EQ(ClassifyKey(key), kind);
    EXPECT_EQ(CheckSettingKey(key).ok(), kind != KeyKind::kUnknown);
  }
}

TEST(SettingsSchema, AnUnknownKeyIsRefusedWithTheKnownOnesAndTheCustomPrefix) {
  Status s = CheckSettingKey("default_bundleid");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown setting 'default_bundleid'"), std::string::npos) << s.message();
  for (const auto& spec : kSettings) EXPECT_NE(s.message().find(spec.key), std::string::npos) << spec.key;
  EXPECT_NE(s.message().find("x-"), std::string::npos);
}

TEST(CheckConfig, ReportsEachProblemWithItsLineAndWhatIsUsedInstead) {
  Config config = {{"default_bundle_id", "42"},           // line 2: fine
                   {"default_bundle_timeout", "abc"},     // 3: invalid, default 120
                   {"default_bundleid", "5"},             // 4: unknown
                   {"OptionalTLSMinAttemptCount", "0"},   // 5: out of range, default 3
                   {"x-site", "Lille"},                   // 6: custom: fine
                   {"reportingtlsmode", "1"},             // 7: not read as spelled
                   {"naming_template", "a\x01"},          // 8: control character
                   {"var_name.BundleID", "OSBundle"},     // 9: fine
                   {"endpoint.LogShare", "\\\\srv\\l"},   // 10: fine
                   {"endpoint.OptionalTLSMaxBackoffSeconds", "60"}};  // 11: not read under this name
  auto problems = CheckConfig(config);
  ASSERT_EQ(problems.size(), 6u);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_EQ(problems[0].key, "default_bundle_timeout");
  EXPECT_NE(problems[0].message.find("the default 120 is used"), std::string::npos) << problems[0].message;
  EXPECT_EQ(problems[1].line, 4);
  EXPECT_NE(problems[1].message.find("unknown setting"), std::string::npos);
  EXPECT_EQ(problems[2].line, 5);
  EXPECT_NE(problems[2].message.find("the default 3 is used"), std::string::npos);
  EXPECT_EQ(problems[3].line, 7);
  EXPECT_NE(problems[3].message.find("spelled ReportingTLSMode"), std::string::npos);
  EXPECT_EQ(problems[4].line, 8);
  EXPECT_NE(problems[4].message.find("control character"), std::string::npos);
  EXPECT_NE(problems[4].message.find("used as written"), std::string::npos);  // as core/ reads it
  EXPECT_EQ(problems[5].line, 11);
  EXPECT_NE(problems[5].message.find("spelled OptionalTLSMaxBackoffSeconds"), std::string::npos);
}

TEST(ValidConfigValue, OnlyAValidNonBlankValueUnderTheTableSpelling) {
  const SettingSpec* timeout = FindSetting("default_bundle_timeout");
  ASSERT_NE(timeout, nullptr);
  EXPECT_EQ(ValidConfigValue(*timeout, {{"default_bundle_timeout", " 300 "}}), "300");
  EXPECT_EQ(ValidConfigValue(*timeout, {{"default_bundle_timeout", "abc"}}), std::nullopt);
  EXPECT_EQ(ValidConfigValue(*timeout, {{"default_bundle_timeout", ""}}), std::nullopt);
  EXPECT_EQ(ValidConfigValue(*timeout, {{"DEFAULT_BUNDLE_TIMEOUT", "300"}}), std::nullopt);
  EXPECT_EQ(ValidConfigValue(*timeout, {}), std::nullopt);
}

}  // namespace
}  // namespace provisiond::model

#include "api/endpoint/settings.h"

#include <gtest/gtest.h>

namespace provisiond::api::endpoint {
namespace {

model::Tables WithConfig(std::vector<std::pair<std::string, std::string>> config) {
  model::Tables t;
  t.config = std::move(config);
  return t;
}

const Setting& Named(const std::vector<Setting>& all, std::string_view key) {
  for (const auto& s : all)
    if (s.key == key) return s;
  static const Setting kNone{"<absent>", "", ""};
  return kNone;
}

TEST(EndpointTlsMode, FollowsTheListenerUnlessConfigured) {
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::string>> config;
    std::vector<int> listener;
    const char* value;
    const char* source;
  };
  const Case cases[] = {
      {"tls-mode 2, not set: endpoints told 2", {}, {2}, "2", kSourceListener},
      {"tls-mode 1, not set", {}, {1, 0}, "1", kSourceListener},
      {"the primary listener decides", {}, {0, 1}, "0", kSourceListener},
      {"config.csv wins over the listener", {{"ReportingTLSMode", "1"}}, {2}, "1", kSourceConfig},
      {"blank: the listener", {{"ReportingTLSMode", " "}}, {2}, "2", kSourceListener},
      {"invalid value: the listener", {{"ReportingTLSMode", "7"}}, {2}, "2", kSourceListener},
      {"listeners unknown: the default", {}, {}, "0", kSourceDefault},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto settings = EffectiveSettings(WithConfig(c.config), {c.listener});
    const Setting& mode = Named(settings, "ReportingTLSMode");
    EXPECT_EQ(mode.value, c.value);
    EXPECT_EQ(mode.source, c.source);
    EXPECT_TRUE(mode.server_variable);
  }
}

TEST(EndpointTlsMode, AMismatchThatCannotWorkIsAWarning) {
  struct Case {
    int told;
    std::vector<int> listener;
    bool warns;
  };
  const Case cases[] = {
      {1, {0}, true},  {1, {0, 0}, true}, {1, {0, 1}, false}, {1, {2}, false}, {2, {0}, false},
      {0, {1}, true},  {0, {1, 1}, true}, {0, {1, 2}, false}, {0, {0}, false}, {1, {}, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("told " + std::to_string(c.told) + ", listeners " + std::to_string(c.listener.size()));
    EXPECT_EQ(!TlsMismatch(c.told, {c.listener}).empty(), c.warns);
  }
  auto warnings = SettingsWarnings(WithConfig({{"ReportingTLSMode", "1"}}), {{0}});
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("no listener speaks TLS"), std::string::npos) << warnings[0];
  EXPECT_TRUE(SettingsWarnings(WithConfig({}), {{0}}).empty());  // following the listener always fits
}

TEST(EffectiveSettings, InvalidConfigValuesFallBackToTheDefaultAndAreWarned) {
  auto t = WithConfig({{"default_bundle_timeout", "abc"}, {"stale_timeout_minutes", "0"},
                       {"OptionalTLSMaxBackoffSeconds", "600"}});
  auto all = AllSettings(t, {}, false);
  EXPECT_EQ(Named(all, "default_bundle_timeout").value, "120");
  EXPECT_EQ(Named(all, "default_bundle_timeout").source, kSourceDefault);
  EXPECT_EQ(Named(all, "OptionalTLSMaxBackoffSeconds").value, "600");
  EXPECT_EQ(Named(all, "OptionalTLSMaxBackoffSeconds").source, kSourceConfig);
  EXPECT_EQ(StaleTimeout(t), std::chrono::minutes(30));
  auto warnings = SettingsWarnings(t, {});
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].rfind("config.csv:2: default_bundle_timeout", 0), 0u) << warnings[0];
  EXPECT_EQ(warnings[1].rfind("config.csv:3: stale_timeout_minutes", 0), 0u) << warnings[1];
}

TEST(EffectiveSettings, EveryKnownSettingThenTheOtherKeys) {
  auto t = WithConfig({{"x-site", "Lille"}, {"endpoint.LogShare", "s"}, {"default_bundle_id", "42"}});
  auto all = AllSettings(t, {}, true);
  ASSERT_EQ(all.size(), std::size(model::kSettings) + 2);
  for (size_t i = 0; i < std::size(model::kSettings); ++i) EXPECT_EQ(all[i].spec, &model::kSettings[i]);
  EXPECT_EQ(all[std::size(model::kSettings)].key, "x-site");
  EXPECT_EQ(Named(all, "default_bundle_id").value, "42");
  auto endpoint = EffectiveSettings(t);
  EXPECT_EQ(Named(endpoint, "LogShare").value, "s");  // handed out without the prefix
  EXPECT_EQ(Named(endpoint, "x-site").key, "<absent>");
  EXPECT_EQ(Named(endpoint, "default_bundle_id").key, "<absent>");  // not an endpoint setting
}

}  // namespace
}  // namespace provisiond::api::endpoint

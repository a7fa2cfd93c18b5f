#include "api/admin/settings_routes.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include <boost/json.hpp>

#include "api/endpoint/test_env_for_testing.h"
#include "model/setting_rules.h"

namespace provisiond::api::admin {
namespace {

namespace json = boost::json;
using api::testing::Env;
using api::testing::SampleData;

struct SettingsEnv : Env {
  explicit SettingsEnv(std::vector<int> listener = {}) : Env(SampleData(), listener) {
    RegisterSettingsRoutes(router, store, {listener});
  }
  Response Put(const std::string& key, const std::string& body) const {
    return Call("PUT", "/api/v1/admin/settings/" + key, body);
  }
  json::value Setting(const std::string& key) const {
    return json::parse(Get("/api/v1/endpoint/settings").body).as_object()["settings"].as_object()[key];
  }
};

TEST(PutSetting, OutOfRangeIs400NamingTheKeyAndRangeAndStoresNothing) {
  SettingsEnv env;
  struct Case {
    const char* key;
    const char* body;
    const char* range;
  };
  const Case cases[] = {
      {"OptionalTLSMinAttemptCount", R"({"value":0})", "1..100"},
      {"OptionalTLSMinAttemptCount", R"({"value":"101"})", "1..100"},
      {"OptionalTLSBackoffIntervalSeconds", R"({"value":86401})", "1..86400"},
      {"OptionalTLSMaxBackoffSeconds", R"({"value":-1})", "1..86400"},
      {"ReportingTLSMode", R"({"value":"3"})", "0..2"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.key) + " " + c.body);
    Response r = env.Put(c.key, c.body);
    EXPECT_EQ(r.status, 400);
    auto p = json::parse(r.body).as_object();
    EXPECT_EQ(p["field"].as_string(), c.key);
    EXPECT_NE(std::string(p["detail"].as_string()).find(c.range), std::string::npos) << r.body;
  }
  EXPECT_EQ(env.Setting("OptionalTLSMinAttemptCount"), json::value(3));
  EXPECT_EQ(env.Setting("ReportingTLSMode"), json::value(0));
  EXPECT_FALSE(env.store->Snapshot()->Config("OptionalTLSMinAttemptCount").has_value());
}

TEST(PutSetting, InRangeIsStoredAndHandedOut) {
  SettingsEnv env;
  Response r = env.Put("OptionalTLSMaxBackoffSeconds", R"({"value":86400})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(env.Setting("OptionalTLSMaxBackoffSeconds"), json::value(86400));
  r = env.Put("naming_template", R"({"value":"{country}-{serial:-5}"})");  // unranged keys too
  EXPECT_EQ(r.status, 200) << r.body;
  r = env.Put("OptionalTLSMaxBackoffSeconds", R"({"value":null})");  // cleared: default again
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(env.Setting("OptionalTLSMaxBackoffSeconds"), json::value(3600));
}

TEST(PutSetting, BadBodiesNameTheField) {
  SettingsEnv env;
  const std::pair<const char*, const char*> cases[] = {
      {"{not json", "body"}, {R"({"val":1})", "val"}, {R"({})", "value"}, {R"({"value":[1]})", "value"}};
  for (const auto& [body, field] : cases) {
    SCOPED_TRACE(body);
    Response r = env.Put("ReportingTLSMode", body);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(json::parse(r.body).as_object()["field"].as_string(), field) << r.body;
  }
  const Route* route = env.router.Find("PUT", "/api/v1/admin/settings/x");
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->options.group, RouteGroup::kAdmin);
  EXPECT_TRUE(route->options.blocking);
}

json::object Listed(const SettingsEnv& env, const std::string& key) {
  json::value list = json::parse(env.Get("/api/v1/admin/settings").body);
  for (const auto& s : list.as_object().at("settings").as_array())
    if (s.as_object().at("key").as_string() == key) return s.as_object();
  return {};
}

TEST(PutSetting, AnUnknownKeyIs400ListingTheKnownOnesAndStoresNothing) {
  SettingsEnv env;
  Response r = env.Put("default_bundleid", R"({"value":"5"})");
  EXPECT_EQ(r.status, 400);
  auto p = json::parse(r.body).as_object();
  EXPECT_EQ(p["field"].as_string(), "key");
  std::string detail(p["detail"].as_string());
  for (const auto& spec : model::kSettings) EXPECT_NE(detail.find(spec.key), std::string::npos) << spec.key;
  EXPECT_NE(detail.find("x-"), std::string::npos);
  EXPECT_FALSE(env.store->Snapshot()->Config("default_bundleid").has_value());
}

TEST(PutSetting, CustomKeysNeedTheXPrefixAndKnownKeysGetTheSchemaSpelling) {
  SettingsEnv env;
  EXPECT_EQ(env.Put("x-site", R"({"value":"Lille"})").status, 200);
  EXPECT_EQ(env.store->Snapshot()->Config("x-site"), "Lille");
  EXPECT_EQ(env.Put("site", R"({"value":"Lille"})").status, 400);
  Response r = env.Put("reportingtlsmode", R"({"value":2})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).as_object()["key"].as_string(), "ReportingTLSMode");
  EXPECT_EQ(env.store->Snapshot()->Config("ReportingTLSMode"), "2");
  EXPECT_EQ(env.Setting("ReportingTLSMode"), json::value(2));
  ASSERT_EQ(env.Put("endpoint.OptionalTLSMinAttemptCount", R"({"value":9})").status, 200);
  EXPECT_EQ(env.store->Snapshot()->Config("OptionalTLSMinAttemptCount"), "9");
  EXPECT_EQ(env.Setting("OptionalTLSMinAttemptCount"), json::value(9));
  r = env.Put("naming_template", "{\"value\":\"a\\u0001b\"}");  // a control character
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json::parse(r.body).as_object()["field"].as_string(), "naming_template");
}

TEST(DeleteSetting, ResetsToTheDefaultAndRemovesTheRow) {
  SettingsEnv env;
  ASSERT_EQ(env.Put("OptionalTLSMinAttemptCount", R"({"value":7})").status, 200);
  EXPECT_EQ(env.Setting("OptionalTLSMinAttemptCount"), json::value(7));
  Response r = env.Call("DELETE", "/api/v1/admin/settings/OptionalTLSMinAttemptCount", "");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body["value"].as_string(), "3");
  EXPECT_EQ(body["source"].as_string(), "default");
  EXPECT_EQ(env.Setting("OptionalTLSMinAttemptCount"), json::value(3));
  EXPECT_FALSE(env.store->Snapshot()->Config("OptionalTLSMinAttemptCount").has_value());
  // The sample's default_bundle_id row, in any spelling of its key.
  EXPECT_EQ(env.Call("DELETE", "/api/v1/admin/settings/DEFAULT_BUNDLE_ID", "").status, 200);
  EXPECT_FALSE(env.store->Snapshot()->Config("default_bundle_id").has_value());
  // Not set: nothing to remove, still 200; unknown: 400.
  EXPECT_EQ(env.Call("DELETE", "/api/v1/admin/settings/deploy_root", "").status, 200);
  EXPECT_EQ(env.Call("DELETE", "/api/v1/admin/settings/nope", "").status, 400);
}

TEST(GetSettings, ListsEverySettingWithValueDefaultSourceAndDescription) {
  SettingsEnv env({2});
  ASSERT_EQ(env.Put("x-site", R"({"value":"Lille"})").status, 200);
  auto list = json::parse(env.Get("/api/v1/admin/settings").body).as_object();
  auto settings = list["settings"].as_array();
  ASSERT_EQ(settings.size(), std::size(model::kSettings) + 1);
  for (size_t i = 0; i < std::size(model::kSettings); ++i) {
    const auto& spec = model::kSettings[i];
    auto s = settings[i].as_object();
    SCOPED_TRACE(std::string(spec.key));
    EXPECT_EQ(s["key"].as_string(), spec.key);
    EXPECT_EQ(s["default"].as_string(), spec.default_value);
    EXPECT_EQ(s["description"].as_string(), spec.description);
    EXPECT_EQ(s["allowed"].as_string(), model::AllowedValues(spec));
    EXPECT_TRUE(s.contains("value"));
  }
  EXPECT_EQ(settings.back().as_object()["key"].as_string(), "x-site");
  // Where each value came from: the sample's config.csv, the listener, the default.
  EXPECT_EQ(Listed(env, "default_bundle_id")["source"].as_string(), "config.csv");
  EXPECT_EQ(Listed(env, "ReportingTLSMode")["source"].as_string(), "listener");
  EXPECT_EQ(Listed(env, "ReportingTLSMode")["value"].as_string(), "2");
  EXPECT_EQ(Listed(env, "OptionalTLSMinAttemptCount")["source"].as_string(), "default");
  auto one = json::parse(env.Get("/api/v1/admin/settings/ReportingTLSMode").body).as_object();
  EXPECT_EQ(one["source"].as_string(), "listener");
  EXPECT_EQ(env.Get("/api/v1/admin/settings/nope").status, 404);
  // The endpoint settings agree: told 2 by the listener until config.csv says otherwise.
  EXPECT_EQ(env.Setting("ReportingTLSMode"), json::value(2));
  ASSERT_EQ(env.Put("ReportingTLSMode", R"({"value":1})").status, 200);
  EXPECT_EQ(env.Setting("ReportingTLSMode"), json::value(1));
  EXPECT_EQ(Listed(env, "ReportingTLSMode")["source"].as_string(), "config.csv");
}

TEST(StatusRoute, ShowsInvalidConfigValuesAndATlsMismatch) {
  SettingsEnv env({0});
  // A hand edit of config.csv: the store's writes refuse "abc" as the route does.
  EXPECT_FALSE(env.store->SetConfig("default_bundle_timeout", "abc").ok());
  {
    const std::string path = env.dir.path() + "/config.csv";
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t at = text.find("default_bundle_timeout,120");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 26, "default_bundle_timeout,abc");
    std::ofstream(path, std::ios::trunc) << text;
  }
  env.store->ReloadNowForTesting();
  ASSERT_TRUE(env.store->SetConfig("ReportingTLSMode", "1").ok());
  auto status = json::parse(env.Get("/api/v1/admin/status").body).as_object();
  auto warnings = status["settings_warnings"].as_array();
  ASSERT_EQ(warnings.size(), 2u) << json::serialize(warnings);
  EXPECT_NE(std::string(warnings[0].as_string()).find("default_bundle_timeout"), std::string::npos);
  EXPECT_NE(std::string(warnings[0].as_string()).find("the default 120 is used"), std::string::npos);
  EXPECT_NE(std::string(warnings[1].as_string()).find("no listener speaks TLS"), std::string::npos);
  // /tanium/global answers the default, as the warning says.
  auto global = json::parse(env.Get("/tanium/global?model=NoSuchModel").body).as_object();
  EXPECT_EQ(global["BundleTimeout"], json::value(120));
  ASSERT_EQ(env.Call("DELETE", "/api/v1/admin/settings/default_bundle_timeout", "").status, 200);
  ASSERT_EQ(env.Call("DELETE", "/api/v1/admin/settings/ReportingTLSMode", "").status, 200);
  status = json::parse(env.Get("/api/v1/admin/status").body).as_object();
  EXPECT_TRUE(status["settings_warnings"].as_array().empty());
}

}  // namespace
}  // namespace provisiond::api::admin

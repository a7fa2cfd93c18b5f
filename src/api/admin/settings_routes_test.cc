#include "api/admin/settings_routes.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/endpoint/test_env_for_testing.h"

namespace provisiond::api::admin {
namespace {

namespace json = boost::json;
using api::testing::Env;
using api::testing::SampleData;

struct SettingsEnv : Env {
  SettingsEnv() : Env(SampleData()) { RegisterSettingsRoutes(router, store); }
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

}  // namespace
}  // namespace provisiond::api::admin

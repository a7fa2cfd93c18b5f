// Admin read routes: preview with its explanation, deployment list filters
// and paging, detail with events, store health with load warnings.
#include "api/admin/routes.h"

#include <gtest/gtest.h>

#include "api/endpoint/test_env_for_testing.h"

namespace provisiond::api {
namespace {

using testing::Env;
using testing::OriginalData;
using testing::Parse;
using testing::SampleData;

std::string Str(const boost::json::value& v) { return std::string(v.as_string()); }

TEST(AdminPreview, PlanWithExplain) {
  Env env(SampleData());
  Response r = env.Get("/api/v1/admin/preview?serial=SDK86P3&model=Latitude%205420&os=Windows%2011%20Pro");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = Parse(r).as_object();
  EXPECT_EQ(Str(v.at("plan").at("computer_name")), "FR-LIL-LT-0001");
  EXPECT_FALSE(v.at("plan").at("explain").as_array().empty());
  EXPECT_EQ(Str(v.at("query").at("os")), "Windows 11 Pro");
}

TEST(AdminDeployments, FiltersAndPaging) {
  Env env(SampleData());
  struct Start {
    const char* facts;
  } starts[] = {
      {R"({"serial":"SDK86P3","model":"Latitude 5420"})"},     // BUREAUTIQUE
      {R"({"serial":"LLKQ1F0","model":"Latitude 7440"})"},     // DEV
      {R"({"serial":"5V7V54T","model":"OptiPlex 7010"})"},     // DEV
  };
  for (const auto& s : starts) {
    ASSERT_EQ(env.Post("/api/v1/endpoint/deployments", s.facts).status, 201);
    env.Advance(std::chrono::minutes(1));
  }
  ASSERT_EQ(env.Post("/api/v1/endpoint/deployments/d3/events", R"({"event_id":"x","status":"error","message":"disk"})").status, 201);

  struct Case {
    std::string query;
    int64_t total;
    size_t items;
  } cases[] = {
      {"", 3, 3},
      {"?type=dev", 2, 2},
      {"?model=latitude", 2, 2},
      {"?q=lil", 1, 1},           // computer name FR-LIL-LT-0001
      {"?q=llkq", 1, 1},          // serial
      {"?status=error", 1, 1},
      {"?status=running", 2, 2},
      {"?status=success", 0, 0},
      {"?limit=2", 3, 2},
      {"?offset=2&limit=2", 3, 1},
      {"?status=running&offset=1&limit=1", 2, 1},
      {"?from=2026-11-23T07:29:00Z", 2, 2},
      {"?to=2026-11-23T07:29:00Z", 1, 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    Response r = env.Get("/api/v1/admin/deployments" + c.query);
    ASSERT_EQ(r.status, 200) << r.body;
    auto v = Parse(r).as_object();
    EXPECT_EQ(v.at("total").as_int64(), c.total);
    EXPECT_EQ(v.at("items").as_array().size(), c.items);
  }
  // Newest first.
  auto all = Parse(env.Get("/api/v1/admin/deployments")).as_object();
  EXPECT_EQ(Str(all.at("items").as_array()[0].at("id")), "d3");

  for (const char* bad : {"?status=done", "?limit=abc", "?limit=5000", "?from=yesterday"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(env.Get(std::string("/api/v1/admin/deployments") + bad).status, 400);
  }
}

TEST(AdminDeployments, DetailWithEvents) {
  Env env(SampleData());
  ASSERT_EQ(env.Post("/api/v1/endpoint/deployments", R"({"serial":"SDK86P3"})").status, 201);
  ASSERT_EQ(env.Post("/api/v1/endpoint/deployments/d1/events",
                     R"({"event_id":"a","phase":"apps","level":"warning","message":"retrying VLC"})").status, 201);
  auto v = Parse(env.Get("/api/v1/admin/deployments/d1")).as_object();
  EXPECT_EQ(Str(v.at("deployment").at("phase")), "apps");
  EXPECT_EQ(v.at("deployment").at("warning_count").as_int64(), 1);
  ASSERT_EQ(v.at("events").as_array().size(), 1u);
  EXPECT_EQ(Str(v.at("events").as_array()[0].at("level")), "warning");
  EXPECT_EQ(Str(v.at("events").as_array()[0].at("message")), "retrying VLC");
  EXPECT_EQ(env.Get("/api/v1/admin/deployments/nope").status, 404);
}

TEST(AdminStatus, ReportsTheDanglingTypeAppWarning) {
  Env env(OriginalData());
  Response r = env.Get("/api/v1/admin/status");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = Parse(r).as_object();
  EXPECT_TRUE(v.at("store").at("ok").as_bool());
  EXPECT_EQ(Str(v.at("store").at("backend")), "csv");
  bool dangling = false;
  for (const auto& w : v.at("store").at("warnings").as_array()) {
    dangling = dangling || Str(w.at("message")).find("GoogleChromeEnterprise") != std::string::npos;
  }
  EXPECT_TRUE(dangling) << r.body;
  EXPECT_EQ(v.at("counts").at("computers").as_int64(), 1);
}

TEST(AdminStatus, ReportsARefusedExternalEditWithItsPlace) {
  Env env(OriginalData());
  store::testing::WriteText(env.dir / "apps.csv", "name,url\n\"broken,x\n");
  env.store->ReloadNowForTesting();
  auto v = Parse(env.Get("/api/v1/admin/status")).as_object();
  EXPECT_FALSE(v.at("store").at("ok").as_bool());
  auto errors = v.at("store").at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(Str(errors[0].at("file")), "apps.csv");
  EXPECT_GT(errors[0].at("line").as_int64(), 0);
  // The previous data keeps serving.
  EXPECT_EQ(v.at("counts").at("apps").as_int64(), 3);
}

}  // namespace
}  // namespace provisiond::api

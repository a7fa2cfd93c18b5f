// Pending devices (listed from plan and deployment calls, confirmed or
// dismissed by a person, dropped once known), the event stream's route,
// the regex check, the Bundle ID lookup, stats and the deployment clear.
#include "api/admin/live_routes.h"

#include <gtest/gtest.h>

#include "api/endpoint/test_env_for_testing.h"
#include "api/ui/ui_assets.h"
#include "api/ui/ui_routes.h"

namespace provisiond::api {
namespace {

using testing::Env;
using testing::Parse;
using testing::SampleData;

std::string Str(const boost::json::value& v) { return std::string(v.as_string()); }

TEST(AdminPending, UnknownDeviceIsListedConfirmedAndThenKnownToItsNextPlan) {
  Env env(SampleData());
  const char* facts = R"({"serial":"NEWSERIAL1","model":"Latitude 7440","os_name":"Windows 11 Pro"})";
  auto plan = Parse(env.Post("/api/v1/endpoint/plan", facts)).as_object();
  ASSERT_TRUE(plan.at("needs_confirmation").as_bool());
  auto pending = Parse(env.Get("/api/v1/admin/pending")).as_object();
  ASSERT_EQ(pending.at("items").as_array().size(), 1u);
  EXPECT_EQ(Str(pending.at("items").as_array()[0].at("model")), "Latitude 7440");

  // The model is now known to the regex check.
  auto rc = Parse(env.Get("/api/v1/admin/regex-check?field=model&regex=(%3Fi)latitude%5Cs%2B74")).as_object();
  EXPECT_TRUE(rc.at("valid").as_bool());
  ASSERT_EQ(rc.at("matches").as_array().size(), 1u);
  auto bad = Parse(env.Get("/api/v1/admin/regex-check?field=model&regex=(unclosed")).as_object();
  EXPECT_FALSE(bad.at("valid").as_bool());
  EXPECT_NE(Str(bad.at("error")).find("missing )"), std::string::npos);

  // Bad confirmations name the field and store nothing.
  Response no_type = env.Post("/api/v1/admin/pending/NEWSERIAL1/confirm", R"({"computer_name":"FR-NEW-1"})");
  EXPECT_EQ(no_type.status, 400);
  EXPECT_EQ(Str(Parse(no_type).at("field")), "type");
  Response bad_name = env.Post("/api/v1/admin/pending/NEWSERIAL1/confirm",
                               R"({"computer_name":"NAME WITH SPACES","type":"DEV"})");
  EXPECT_EQ(Str(Parse(bad_name).at("field")), "computer_name");
  EXPECT_EQ(env.store->Snapshot()->FindComputerBySerial("NEWSERIAL1"), nullptr);

  Response ok = env.Post("/api/v1/admin/pending/newserial1/confirm",
                         R"({"computer_name":"FR-NEW-1","type":"dev","country":"FR"})");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_TRUE(Parse(env.Get("/api/v1/admin/pending")).at("items").as_array().empty());
  auto next = Parse(env.Post("/api/v1/endpoint/plan", facts)).as_object();
  EXPECT_FALSE(next.at("needs_confirmation").as_bool());
  EXPECT_EQ(Str(next.at("computer_name")), "FR-NEW-1");
  EXPECT_EQ(env.Post("/api/v1/admin/pending/NEWSERIAL1/confirm", "{}").status, 404);
}

TEST(AdminPending, DismissAndEventsRoute) {
  Env env(SampleData());
  ASSERT_EQ(env.Post("/api/v1/endpoint/deployments", R"({"serial":"NEWSERIAL2","model":"X1"})").status, 201);
  auto items = Parse(env.Get("/api/v1/admin/pending")).at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(Str(items[0].at("source")), "deployment");
  EXPECT_EQ(env.Call("DELETE", "/api/v1/admin/pending/NEWSERIAL2").status, 204);
  EXPECT_EQ(env.Call("DELETE", "/api/v1/admin/pending/NEWSERIAL2").status, 404);

  Response stream = env.Get("/api/v1/admin/events");
  EXPECT_EQ(stream.status, 200);
  ASSERT_NE(stream.stream, nullptr);
  EXPECT_EQ(stream.headers.Get("Content-Type").value_or(""), "text/event-stream; charset=utf-8");
  EXPECT_EQ(env.Get("/api/v1/admin/events?last_event_id=abc").status, 400);
}

TEST(AdminBundles, RulesAndResolve) {
  Env env(SampleData());
  auto b = Parse(env.Get("/api/v1/admin/bundles")).as_object();
  for (const auto& r : b.at("rules").as_array()) EXPECT_FALSE(r.at("bundle_id").is_null());
  ASSERT_EQ(env.Post("/api/v1/admin/drivers", R"({"model_regex":"(?i)surface pro","bundle_id":"77"})").status, 201);
  auto hit = Parse(env.Get("/api/v1/admin/bundles/resolve?model=Surface%20Pro%209")).as_object();
  EXPECT_EQ(Str(hit.at("bundle_id")), "77");
  EXPECT_EQ(Str(hit.at("source")), "driver_rule");
  auto miss = Parse(env.Get("/api/v1/admin/bundles/resolve?model=Nothing%20Like%20It")).as_object();
  EXPECT_NE(Str(miss.at("source")), "driver_rule");
}

TEST(AdminDeployments, StatsCountAndClearRemoves) {
  Env env(SampleData());
  ASSERT_EQ(env.Post("/api/v1/endpoint/deployments", R"({"serial":"SDK86P3","model":"Latitude 5420"})").status, 201);
  ASSERT_EQ(env.Post("/api/v1/endpoint/deployments/d1/events", R"({"event_id":"a","phase":"winpe"})").status, 201);
  env.Advance(std::chrono::minutes(3));
  ASSERT_EQ(env.Post("/api/v1/endpoint/deployments/d1/events", R"({"event_id":"b","phase":"apps","step":3,"step_count":9})").status, 201);
  env.Advance(std::chrono::minutes(2));
  ASSERT_EQ(env.Post("/api/v1/endpoint/deployments/d1/events", R"({"event_id":"c","status":"error","message":"app 3 failed"})").status, 201);
  auto st = Parse(env.Get("/api/v1/admin/stats?days=7")).as_object();
  EXPECT_EQ(st.at("today").at("error").as_int64(), 1);
  EXPECT_EQ(st.at("per_day").as_array().size(), 7u);
  EXPECT_EQ(st.at("per_day").as_array().back().at("error").as_int64(), 1);
  ASSERT_EQ(st.at("top_failing_steps").as_array().size(), 1u);
  EXPECT_EQ(Str(st.at("top_failing_steps").as_array()[0].at("step")), "3/9");
  bool winpe = false;
  for (const auto& p : st.at("phase_durations").as_array())
    if (Str(p.at("phase")) == "winpe") winpe = p.at("seconds").to_number<double>() == 180.0;
  EXPECT_TRUE(winpe) << boost::json::serialize(st.at("phase_durations"));
  EXPECT_EQ(st.at("latest_failures").as_array().size(), 1u);

  EXPECT_EQ(env.Call("DELETE", "/api/v1/admin/deployments/d1?version=1").status, 409);
  EXPECT_EQ(env.Call("DELETE", "/api/v1/admin/deployments/d1").status, 204);
  EXPECT_EQ(env.Get("/api/v1/admin/deployments/d1").status, 404);
  EXPECT_EQ(Parse(env.Get("/api/v1/admin/stats")).at("today").at("error").as_int64(), 0);
}

TEST(UiRoutes, IndexCarriesThePrefixAndAssetsAreCachedAndCompressed) {
  if (ui::UiAssets().empty()) GTEST_SKIP() << "built with -DPROVISIOND_UI=OFF";
  Router router;
  ui::RegisterUiRoutes(router);
  router.AllowEveryoneForTesting();
  Request req;
  req.method = "GET";
  req.path = "/ui/";
  req.origin.prefix = "/provision\"x";
  Response index = router.Dispatch(req);
  ASSERT_EQ(index.status, 200);
  EXPECT_NE(index.body.find(R"(<meta name="provisiond-base" content="/provision&quot;x">)"), std::string::npos);
  req.path = "/ui";
  EXPECT_EQ(router.Dispatch(req).status, 302);

  const ui::UiAsset* hashed = nullptr;
  for (const auto& a : ui::UiAssets())
    if (a.hashed && !a.gzip.empty()) hashed = &a;
  ASSERT_NE(hashed, nullptr);
  req.path = "/ui/" + std::string(hashed->path);
  req.params.clear();
  req.headers.Add("Accept-Encoding", "gzip, br");
  Response asset = router.Dispatch(req);
  ASSERT_EQ(asset.status, 200);
  EXPECT_EQ(asset.headers.Get("Content-Encoding").value_or(""), "gzip");
  EXPECT_NE(asset.headers.Get("Cache-Control").value_or("").find("immutable"), std::string::npos);
  EXPECT_EQ(asset.body, hashed->gzip);
  req.headers.Add("If-None-Match", std::string(asset.headers.Get("ETag").value_or("")));
  req.params.clear();
  EXPECT_EQ(router.Dispatch(req).status, 304);
  req.path = "/ui/nope.js";
  req.params.clear();
  EXPECT_EQ(router.Dispatch(req).status, 404);
}

}  // namespace
}  // namespace provisiond::api

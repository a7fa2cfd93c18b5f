// The versioned endpoint API on a real CsvStore over a copy of data/sample:
// plan, confirm, deployments and events (idempotent retry, final status,
// stale), settings, apps/drivers, Tanium variables, and bad input that must
// be refused with the field named and nothing stored.
#include "api/endpoint/routes.h"

#include <gtest/gtest.h>

#include "api/endpoint/test_env_for_testing.h"

namespace provisiond::api {
namespace {

using testing::Env;
using testing::OriginalData;
using testing::Parse;
using testing::SampleData;
namespace json = boost::json;

constexpr const char* kKnownFacts =
    R"({"serial":"SDK86P3","make":"Dell Inc.","model":"Latitude 5420","os_name":"Microsoft Windows 11 Enterprise",)"
    R"("macs":["AA-BB-CC-DD-EE-01"],"ram_gb":16,"disk_gb":512,"cpu_count":8})";

std::string Str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

TEST(EndpointPlan, KnownDeviceGetsItsRecordAndNoConfirmation) {
  Env env(SampleData());
  Response r = env.Post("/api/v1/endpoint/plan", kKnownFacts);
  ASSERT_EQ(r.status, 200) << r.body;
  auto p = Parse(r).as_object();
  EXPECT_EQ(Str(p.at("computer_name")), "FR-LIL-LT-0001");
  EXPECT_EQ(Str(p.at("identity").at("matched_key")), "serial");
  EXPECT_EQ(Str(p.at("type").at("value")), "BUREAUTIQUE");
  EXPECT_EQ(Str(p.at("type").at("source")), "record");
  EXPECT_FALSE(p.at("needs_confirmation").as_bool());
  EXPECT_TRUE(p.at("choices").is_null());
  EXPECT_FALSE(p.at("apps").as_array().empty());
  ASSERT_FALSE(p.at("drivers").as_array().empty());
  EXPECT_NE(Str(p.at("drivers").as_array()[0].at("url")).find("Win11"), std::string::npos);
  EXPECT_EQ(Str(p.at("tanium").at("ComputerName")), "FR-LIL-LT-0001");
  EXPECT_FALSE(p.contains("explain"));
}

TEST(EndpointPlan, ExplainOnRequest) {
  Env env(SampleData());
  auto p = Parse(env.Post("/api/v1/endpoint/plan?explain=1", kKnownFacts)).as_object();
  ASSERT_TRUE(p.contains("explain"));
  EXPECT_FALSE(p.at("explain").as_array().empty());
  EXPECT_TRUE(p.at("explain").as_array()[0].as_object().contains("reason"));
}

TEST(EndpointPlan, UnknownDeviceNeedsConfirmationWithASuggestedName) {
  Env env(SampleData());
  auto p = Parse(env.Post("/api/v1/endpoint/plan", R"({"serial":"ZZ1234567","country":"FR"})")).as_object();
  EXPECT_TRUE(p.at("needs_confirmation").as_bool());
  EXPECT_TRUE(p.at("computer").is_null());
  EXPECT_EQ(Str(p.at("choices").at("suggested_name")), "FR-1234567");
  EXPECT_FALSE(p.at("choices").at("types").as_array().empty());
  EXPECT_EQ(Str(p.at("language").at("source")), "country");
}

struct BadCase {
  std::string name;
  std::string target;
  std::string body;
  int status;
  std::string field;  // expected "field" member of the problem
};

TEST(EndpointBadInput, RefusedWithTheFieldNamedAndNothingStored) {
  const std::string long_serial(300, 'A');
  const BadCase cases[] = {
      {"malformed JSON", "/api/v1/endpoint/plan", "{\"serial\":", 400, "body"},
      {"empty body", "/api/v1/endpoint/plan", "", 400, "body"},
      {"array body", "/api/v1/endpoint/plan", "[1,2]", 400, "body"},
      {"non-string serial", "/api/v1/endpoint/plan", R"({"serial":42})", 400, "facts.serial"},
      {"unknown field", "/api/v1/endpoint/plan", R"({"serial":"S","colour":"red"})", 400, "facts.colour"},
      {"oversized serial", "/api/v1/endpoint/plan", R"({"serial":")" + long_serial + R"("})", 400, "facts.serial"},
      {"negative ram", "/api/v1/endpoint/plan", R"({"serial":"S","ram_gb":-1})", 400, "facts.ram_gb"},
      {"macs not array", "/api/v1/endpoint/plan", R"({"serial":"S","macs":5})", 400, "facts.macs"},
      {"start without identity", "/api/v1/endpoint/deployments", R"({"model":"X"})", 400, "facts.serial"},
      {"start unknown field", "/api/v1/endpoint/deployments", R"({"serial":"S","x":1})", 400, "facts.x"},
      {"confirm bad name", "/api/v1/endpoint/confirm", R"({"serial":"NEW1","name":"PC_01","type":"DEV"})", 400, "name"},
      {"confirm long name", "/api/v1/endpoint/confirm", R"({"serial":"NEW1","name":"ABCDEFGHIJKLMNOP","type":"DEV"})", 400, "name"},
      {"confirm unknown type", "/api/v1/endpoint/confirm", R"({"serial":"NEW1","name":"PC-01","type":"NOPE"})", 400, "type"},
      {"confirm no serial", "/api/v1/endpoint/confirm", R"({"name":"PC-01","type":"DEV"})", 400, "serial"},
      {"confirm placeholder serial", "/api/v1/endpoint/confirm",
       R"({"serial":"To be filled by O.E.M.","name":"PC-01","type":"DEV"})", 400, "serial"},
      {"confirm unknown field", "/api/v1/endpoint/confirm", R"({"serial":"N","name":"PC-01","type":"DEV","x":1})", 400, "x"},
      {"confirm existing", "/api/v1/endpoint/confirm", R"({"serial":"SDK86P3","name":"PC-01","type":"DEV"})", 409, "serial"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Env env(SampleData());
    size_t computers = env.store->Snapshot()->computers.size();
    Response r = env.Post(c.target, c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_EQ(*r.headers.Get("Content-Type"), "application/problem+json");
    auto p = Parse(r).as_object();
    ASSERT_TRUE(p.contains("field")) << r.body;
    EXPECT_EQ(Str(p.at("field")), c.field) << r.body;
    EXPECT_EQ(env.store->Snapshot()->computers.size(), computers);
    EXPECT_EQ(env.store->ListDeployments({})->total, 0u);
  }
}

TEST(EndpointConfirm, CreatesTheRecordMarkedAsEndpoint) {
  Env env(SampleData());
  Response r = env.Post("/api/v1/endpoint/confirm",
                        R"({"serial":"NEW42","name":"FR-PAR-LT-0042","type":"dev","country":"fr","timezone":"Romance Standard Time"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const model::Computer* c = env.store->Snapshot()->FindComputerBySerial("NEW42");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->computer_name, "FR-PAR-LT-0042");
  EXPECT_EQ(c->type, "DEV");
  EXPECT_EQ(c->country, "FR");
  EXPECT_EQ(c->created_by, "endpoint");
  // Now known: the plan needs no confirmation; a second confirm conflicts.
  auto p = Parse(env.Post("/api/v1/endpoint/plan", R"({"serial":"NEW42"})")).as_object();
  EXPECT_FALSE(p.at("needs_confirmation").as_bool());
  EXPECT_EQ(env.Post("/api/v1/endpoint/confirm", R"({"serial":"new42","name":"X-1","type":"DEV"})").status, 409);
}

std::string StartDeployment(const Env& env, std::string_view facts = kKnownFacts) {
  Response r = env.Post("/api/v1/endpoint/deployments", std::string(facts));
  EXPECT_EQ(r.status, 201) << r.body;
  return Str(Parse(r).at("id"));
}

Response PostEvent(const Env& env, const std::string& id, const std::string& body) {
  return env.Post("/api/v1/endpoint/deployments/" + id + "/events", body);
}

TEST(EndpointDeployments, StartRecordsClientAndLinksPreviousAttempts) {
  Env env(SampleData());
  Response first = env.Post("/api/v1/endpoint/deployments", kKnownFacts);
  ASSERT_EQ(first.status, 201) << first.body;
  auto f = Parse(first).as_object();
  EXPECT_EQ(Str(f.at("id")), "d1");
  EXPECT_TRUE(f.at("previous_id").is_null());
  EXPECT_EQ(Str(f.at("plan").at("computer_name")), "FR-LIL-LT-0001");
  EXPECT_EQ(Str(f.at("events_url")), "http://prov.test:12176/api/v1/endpoint/deployments/d1/events");
  auto d = env.store->GetDeployment("d1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->client_address, "192.168.1.50");
  EXPECT_FALSE(d->tls);
  EXPECT_EQ(d->source, "api");
  EXPECT_EQ(d->model, "Latitude 5420");

  Request tls = env.Make("POST", "/api/v1/endpoint/deployments", kKnownFacts);
  tls.connection.tls = true;
  tls.connection.tls_version = "TLSv1.3";
  Response second = env.router.Dispatch(tls);
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(Str(Parse(second).at("previous_id")), "d1");
  EXPECT_TRUE(env.store->GetDeployment("d2")->tls);
  EXPECT_EQ(env.store->GetDeployment("d2")->tls_version, "TLSv1.3");
}

TEST(EndpointDeployments, EventRetryIsStoredOnce) {
  Env env(SampleData());
  std::string id = StartDeployment(env);
  const std::string ev = R"({"event_id":"e-1","phase":"winpe","step":1,"step_count":5,"percent":10,"message":"partitioning"})";
  Response a = PostEvent(env, id, ev);
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_FALSE(Parse(a).at("duplicate").as_bool());
  Response b = PostEvent(env, id, ev);
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_TRUE(Parse(b).at("duplicate").as_bool());
  EXPECT_EQ(env.store->EventsOf(id)->size(), 1u);
  auto d = env.store->GetDeployment(id);
  EXPECT_EQ(d->phase, "winpe");
  EXPECT_EQ(d->percent, 10);
  EXPECT_EQ(d->step, 1);
  EXPECT_EQ(d->step_count, 5);
}

TEST(EndpointDeployments, FinalStatusOnceThenRefused) {
  Env env(SampleData());
  std::string id = StartDeployment(env);
  env.Advance(std::chrono::minutes(20));
  Response fin = PostEvent(env, id, R"({"event_id":"e-end","phase":"done","status":"success","message":"all good"})");
  ASSERT_EQ(fin.status, 201) << fin.body;
  auto d = Parse(fin).at("deployment").as_object();
  EXPECT_EQ(Str(d.at("state")), "success");
  EXPECT_EQ(d.at("percent").as_int64(), 100);
  EXPECT_EQ(d.at("duration_ms").as_int64(), 20 * 60 * 1000);
  EXPECT_EQ(Str(d.at("final_message")), "all good");
  // The retried final event is a duplicate, not an error.
  EXPECT_EQ(PostEvent(env, id, R"({"event_id":"e-end","status":"success"})").status, 200);
  Response again = PostEvent(env, id, R"({"event_id":"e-late","status":"error","message":"oops"})");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(env.store->EventsOf(id)->size(), 1u);
  EXPECT_EQ(env.store->GetDeployment(id)->status, model::DeploymentStatus::kSuccess);
}

TEST(EndpointDeployments, BadEventsAreRefusedAndStoreNothing) {
  Env env(SampleData());
  std::string id = StartDeployment(env);
  const BadCase cases[] = {
      {"percent too high", "", R"({"event_id":"a","percent":150})", 400, "percent"},
      {"percent negative", "", R"({"event_id":"a","percent":-5})", 400, "percent"},
      {"percent text", "", R"({"event_id":"a","percent":"half"})", 400, "percent"},
      {"percent huge", "", R"({"event_id":"a","percent":1e300})", 400, "percent"},
      {"no event id", "", R"({"percent":5})", 400, "event_id"},
      {"unknown field", "", R"({"event_id":"a","colour":1})", 400, "colour"},
      {"bad level", "", R"({"event_id":"a","level":"loud"})", 400, "level"},
      {"running is not final", "", R"({"event_id":"a","status":"running"})", 400, "status"},
      {"bad status", "", R"({"event_id":"a","status":"done"})", 400, "status"},
      {"step over count", "", R"({"event_id":"a","step":6,"step_count":5})", 400, "step"},
      {"message too long", "", R"({"event_id":"a","message":")" + std::string(9000, 'x') + R"("})", 400, "message"},
      {"malformed", "", R"({"event_id":)", 400, "body"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Response r = PostEvent(env, id, c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    auto p = Parse(r).as_object();
    ASSERT_TRUE(p.contains("field")) << r.body;
    EXPECT_EQ(Str(p.at("field")), c.field);
  }
  EXPECT_TRUE(env.store->EventsOf(id)->empty());
  EXPECT_EQ(env.store->GetDeployment(id)->version, 1u);
  Response unknown = PostEvent(env, "nope", R"({"event_id":"a"})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
}

TEST(EndpointDeployments, StaleAfterTheTimeoutWithNoEvent) {
  Env env(SampleData());
  std::string id = StartDeployment(env);
  auto state = [&] {
    return Str(Parse(env.Get("/api/v1/admin/deployments/" + id)).at("deployment").at("state"));
  };
  env.Advance(std::chrono::minutes(29));
  EXPECT_EQ(state(), "running");
  EXPECT_EQ(PostEvent(env, id, R"({"event_id":"hb"})").status, 201);  // heartbeat
  env.Advance(std::chrono::minutes(29));
  EXPECT_EQ(state(), "running");
  env.Advance(std::chrono::minutes(2));
  EXPECT_EQ(state(), "stale");
  EXPECT_EQ(Parse(env.Get("/api/v1/admin/deployments?status=stale")).at("total").as_int64(), 1);
  EXPECT_EQ(Parse(env.Get("/api/v1/admin/deployments?status=running")).at("total").as_int64(), 0);
  // The timeout is a setting.
  ASSERT_TRUE(env.store->SetConfig("stale_timeout_minutes", "45").ok());
  EXPECT_EQ(state(), "running");
}

TEST(EndpointSettings, DefaultsOverriddenByConfigAndExtraKeys) {
  Env env(OriginalData());
  auto s = Parse(env.Get("/api/v1/endpoint/settings")).at("settings").as_object();
  EXPECT_EQ(s.at("stale_timeout_minutes").as_int64(), 30);
  EXPECT_EQ(s.at("ReportingTLSMode").as_int64(), 0);
  EXPECT_EQ(s.at("OptionalTLSMinAttemptCount").as_int64(), 3);
  EXPECT_EQ(s.at("OptionalTLSMaxBackoffSeconds").as_int64(), 3600);
  ASSERT_TRUE(env.store->SetConfig("stale_timeout_minutes", "10").ok());
  ASSERT_TRUE(env.store->SetConfig("endpoint.LogShare", "\\\\srv\\logs").ok());
  s = Parse(env.Get("/api/v1/endpoint/settings")).at("settings").as_object();
  EXPECT_EQ(s.at("stale_timeout_minutes").as_int64(), 10);
  EXPECT_EQ(Str(s.at("LogShare")), "\\\\srv\\logs");
  ASSERT_TRUE(env.store->SetConfig("OptionalTLSMinAttemptCount", "5").ok());
  auto all = Parse(env.Get("/api/v1/endpoint/settings")).as_object();
  auto server = all.at("server_variables").as_object();
  EXPECT_EQ(server.at("Server_OptionalTLSMinAttemptCount").as_int64(), 5);
  EXPECT_EQ(server.at("Server_ReportingTLSMode").as_int64(), 0);
  EXPECT_EQ(server.size(), 4u);  // only the platform's TLS names
}

TEST(EndpointLists, AppsAndDriversWithThePlanFilters) {
  Env env(SampleData());
  auto plan = Parse(env.Post("/api/v1/endpoint/plan", kKnownFacts)).as_object();
  auto apps = Parse(env.Get("/api/v1/endpoint/apps?serial=SDK86P3&model=Latitude%205420&os=Microsoft%20Windows%2011%20Enterprise"))
                  .as_object();
  EXPECT_EQ(apps.at("apps"), plan.at("apps"));
  EXPECT_EQ(Str(apps.at("type")), "BUREAUTIQUE");
  auto drivers = Parse(env.Get("/api/v1/endpoint/drivers?serial=SDK86P3&model=Latitude%205420&os=Microsoft%20Windows%2011%20Enterprise"))
                     .as_object();
  EXPECT_EQ(drivers.at("drivers"), plan.at("drivers"));
  // An explicit type wins (the type chosen on the confirmation screen).
  auto kiosk = Parse(env.Get("/api/v1/endpoint/apps?serial=SDK86P3&type=KIOSK")).as_object();
  EXPECT_EQ(Str(kiosk.at("type")), "KIOSK");
  EXPECT_NE(kiosk.at("apps"), apps.at("apps"));
  EXPECT_EQ(env.Get("/api/v1/endpoint/apps?ram_gb=x").status, 400);
}

TEST(EndpointVariables, FlatObjectSingleValueAndWhyNot) {
  Env env(SampleData());
  Response r = env.Get("/api/v1/endpoint/variables?serial=SDK86P3&model=Latitude%205420");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = Parse(r).as_object();
  EXPECT_EQ(v.at("BundleID").as_int64(), 42);  // config default_bundle_id
  EXPECT_EQ(v.at("BundleTimeout").as_int64(), 120);
  EXPECT_EQ(Str(v.at("ComputerName")), "FR-LIL-LT-0001");
  EXPECT_EQ(Str(v.at("Type")), "BUREAUTIQUE");
  EXPECT_EQ(Str(v.at("Tags")), "BUREAUTIQUE");
  EXPECT_EQ(Str(v.at("TimeZone")), "Romance Standard Time");

  Response one = env.Get("/api/v1/endpoint/variables/ComputerName?serial=SDK86P3");
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body, "FR-LIL-LT-0001");
  EXPECT_EQ(*one.headers.Get("Content-Type"), "text/plain; charset=utf-8");

  // Names configurable to match what the admin set up in Tanium.
  ASSERT_TRUE(env.store->SetConfig("var_name.BundleID", "OSBundle").ok());
  v = Parse(env.Get("/api/v1/endpoint/variables?serial=SDK86P3")).as_object();
  EXPECT_FALSE(v.contains("BundleID"));
  EXPECT_EQ(v.at("OSBundle").as_int64(), 42);
  EXPECT_EQ(env.Get("/api/v1/endpoint/variables/OSBundle?serial=SDK86P3").body, "42");

  EXPECT_EQ(env.Get("/api/v1/endpoint/variables/Nope?serial=SDK86P3").status, 404);
  EXPECT_EQ(env.Get("/api/v1/endpoint/variables").status, 400);
}

TEST(EndpointVariables, NotFoundSaysWhyWithNoDefaultAndNoRule) {
  Env env(OriginalData());  // default_bundle_id is empty there
  Response r = env.Get("/api/v1/endpoint/variables?model=Unknown%20Model");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_NE(Str(Parse(r).at("detail")).find("Unknown Model"), std::string::npos) << r.body;
  Response one = env.Get("/api/v1/endpoint/variables/BundleID?serial=5CG6050PH9");
  EXPECT_EQ(one.status, 404) << one.body;
  EXPECT_NE(one.body.find("BundleID"), std::string::npos);
  // The known serial still has its other variables.
  auto v = Parse(env.Get("/api/v1/endpoint/variables?serial=5CG6050PH9")).as_object();
  EXPECT_EQ(Str(v.at("ComputerName")), "manu15");
  EXPECT_FALSE(v.contains("BundleID"));
}

TEST(EndpointVariables, EveryTaniumSpellingMethodAndBodyGivesTheTaniumGlobalAnswer) {
  Env env(SampleData());
  struct Case {
    const char* name;
    const char* method;
    std::string query;  // after the path
    std::string body;
    const char* content_type;
  };
  const Case cases[] = {
      {"query serial/model", "GET", "?serial=SDK86P3&model=Precision%203581", "", nullptr},
      {"query SerialNumber/Model", "GET", "?SerialNumber=SDK86P3&Model=Precision%203581", "", nullptr},
      {"query serialnumber/computermodel", "GET", "?serialnumber=SDK86P3&computermodel=Precision%203581", "",
       nullptr},
      {"query SERIAL/MODEL by POST", "POST", "?SERIAL=SDK86P3&MODEL=Precision%203581", "", nullptr},
      {"JSON serialNumber/computerModel", "POST", "",
       R"({"serialNumber":"SDK86P3","computerModel":"Precision 3581"})", "application/json"},
      {"JSON SerialNumber/ComputerModel", "POST", "",
       R"({"SerialNumber":"SDK86P3","ComputerModel":"Precision 3581"})", "application/json"},
      {"form Serial/Model", "POST", "", "Serial=SDK86P3&Model=Precision+3581",
       "application/x-www-form-urlencoded"},
      {"model in the query, serial in the body", "POST", "?Model=Precision%203581", R"({"SerialNumber":"SDK86P3"})",
       "application/json"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto call = [&](const std::string& path) {
      Request r = env.Make(c.method, path + c.query, c.body);
      r.headers = {};
      if (c.content_type) r.headers.Add("Content-Type", c.content_type);
      return env.router.Dispatch(r);
    };
    Response global = call("/tanium/global");
    ASSERT_EQ(global.status, 200) << global.body;
    EXPECT_EQ(global.body, R"({"BundleID":43,"BundleTimeout":120})");  // the Precision 3581 rule, not the default
    Response vars = call("/api/v1/endpoint/variables");
    ASSERT_EQ(vars.status, 200) << vars.body;
    auto v = Parse(vars).as_object();
    auto g = Parse(global).as_object();
    EXPECT_EQ(v.at("BundleID"), g.at("BundleID"));
    EXPECT_EQ(v.at("BundleTimeout"), g.at("BundleTimeout"));
    EXPECT_EQ(Str(v.at("ComputerName")), "FR-LIL-LT-0001");  // the serial was read too
    Response one = call("/api/v1/endpoint/variables/BundleID");
    EXPECT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(one.body, "43");
  }
}

TEST(EndpointVariables, RenamedVariableAnswersOnlyUnderItsConfiguredName) {
  Env env(SampleData());
  ASSERT_TRUE(env.store->SetConfig("var_name.bundleid", "OSBundle").ok());  // the key in any case
  auto v = Parse(env.Get("/api/v1/endpoint/variables?serial=SDK86P3")).as_object();
  EXPECT_FALSE(v.contains("BundleID"));
  EXPECT_EQ(v.at("OSBundle").as_int64(), 42);
  EXPECT_EQ(env.Get("/api/v1/endpoint/variables/OSBundle?serial=SDK86P3").body, "42");
  EXPECT_EQ(env.Get("/api/v1/endpoint/variables/osbundle?serial=SDK86P3").body, "42");
  Response old = env.Get("/api/v1/endpoint/variables/BundleID?serial=SDK86P3");
  EXPECT_EQ(old.status, 404);
  auto p = Parse(old).as_object();
  EXPECT_EQ(Str(p.at("detail")),
            "variable 'BundleID' is renamed 'OSBundle' by config.csv key var_name.BundleID; ask for OSBundle "
            "(/api/v1/endpoint/variables/OSBundle)");
  EXPECT_EQ(Str(p.at("renamed_to")), "OSBundle");
  // Not renamed: answers under its default name.
  EXPECT_EQ(env.Get("/api/v1/endpoint/variables/BundleTimeout?serial=SDK86P3").body, "120");
}

TEST(EndpointVariables, NeitherSerialNorModelNamesTheAcceptedSpellings) {
  Env env(SampleData());
  for (const char* method : {"GET", "POST"}) {
    SCOPED_TRACE(method);
    Response r = env.Call(method, "/api/v1/endpoint/variables", method == std::string("POST") ? R"({"sn":"X"})" : "");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("serial, serialNumber; model, computerModel"), std::string::npos) << r.body;
  }
  // A serial sent in the body is checked like one in the query.
  Response bad = env.Post("/api/v1/endpoint/variables", R"({"SerialNumber":"A\u0001B"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
}

}  // namespace
}  // namespace provisiond::api

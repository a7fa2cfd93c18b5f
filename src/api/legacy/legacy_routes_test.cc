// The original's machine routes against a copy of its sample data directory
// (tests/data/original), with the exact response bodies existing scripts
// parse.
#include "api/legacy/routes.h"

#include <gtest/gtest.h>

#include "api/endpoint/test_env_for_testing.h"

namespace provisiond::api {
namespace {

using testing::Env;
using testing::OriginalData;
using testing::Parse;

struct Case {
  std::string name;
  std::string method;
  std::string target;
  std::string body;
  int status;
  std::string want;  // exact body; "" = check status only
};

TEST(LegacyRoutes, ExactResponsesOnTheOriginalSample) {
  const std::string drv = R"(%DeployRoot%\\Applications\\DRIVERS\\CASHTILLS\\WINCOR NIXDORF\\)";
  const Case cases[] = {
      {"getcomputer known", "GET", "/getcomputer?serial=5CG6050PH9", "", 200,
       R"({"computerName":"manu15","type":"ACCUEIL","country":"FR","language":"fr-FR","timezone":"Romance Standard Time","keyboard":"fr-FR"})"},
      {"getcomputer case and spaces", "GET", "/getcomputer?serial=%205cg6050ph9%20", "", 200,
       R"({"computerName":"manu15","type":"ACCUEIL","country":"FR","language":"fr-FR","timezone":"Romance Standard Time","keyboard":"fr-FR"})"},
      {"getcomputer unknown", "GET", "/getcomputer?serial=NEW123", "", 200,
       R"({"computerName":null,"type":null,"country":null,"language":null,"timezone":null,"keyboard":null})"},
      {"getcomputer no serial", "GET", "/getcomputer", "", 400, ""},
      {"getapps type", "GET", "/getapps?type=accueil&country=FR&model=X", "", 200,
       R"({"applications":[)"
       R"({"name":"PostypeGUIstart","url":"https://provision.infra-lab.fr/file/apps/PostypeGUIstart","script":"tanium.cmd","order":1,"reboot":false,"kind":"app"},)"
       R"({"name":"NotepadPlusPlus","url":"https://provision.infra-lab.fr/file/apps/NotepadPlusPlus","script":"install.cmd","order":2,"reboot":false,"kind":"app"},)"
       R"({"name":"VLC","url":"https://provision.infra-lab.fr/file/apps/VLC","script":"install.cmd","order":3,"reboot":false,"kind":"app"}]})"},
      {"getapps unknown type", "GET", "/getapps?type=NOPE", "", 200, R"({"applications":[]})"},
      {"getdrivers virtual", "GET",
       "/getdrivers?name=VMware%20Virtual%20Platform&os=Microsoft%20Windows%2010%20Enterprise%20LTSC%202021", "",
       200, R"({"name":null,"url":")" + drv + R"(M2\\Win10Client~X64~WINCOR NIXDORF~M2_2025_06_V1.exe","bundle_id":"6"})"},
      {"getdrivers first row wins", "GET",
       "/getdrivers?name=BEETLE%20/MIII&os=Windows%2010%20Enterprise%20LTSC", "", 200,
       R"({"name":null,"url":")" + drv + R"(M2\\Win10Client~X64~WINCOR NIXDORF~M2_2025_06_V1.exe","bundle_id":null})"},
      {"getdrivers wrong os", "GET", "/getdrivers?name=VMware%20Virtual%20Platform&os=Windows%2011%20Pro", "", 200,
       R"({"name":null,"url":null,"bundle_id":null})"},
      {"checkhardware too little ram", "GET",
       "/checkhardware?serial=S1&model=HP%20EliteBook%20840%20G2&ram_gb=16&disk_gb=256&cpu_count=4", "", 200, ""},
      {"checkhardware bad number", "GET", "/checkhardware?model=X&ram_gb=lots", "", 400, ""},
      {"list_used", "GET", "/list_used", "", 200,
       R"({"types":["ACCUEIL"],"keyboards":["fr-FR"],"countries":["FR"],"languages":["fr-FR"],"timezones":["Romance Standard Time"]})"},
      {"list_used lower counts", "GET", "/list_used?lower=1&counts=1", "", 200,
       R"({"types":{"accueil":1},"keyboards":{"fr-fr":1},"countries":{"fr":1},"languages":{"fr-fr":1},"timezones":{"romance standard time":1}})"},
      {"gettypes", "GET", "/gettypes", "", 200,
       R"({"types":["Accueil"],"catalog":[{"name":"Accueil","applications":["GoogleChromeEnterprise","PostypeGUIstart","NotepadPlusPlus","VLC"]}]})"},
      {"tanium global by model (int)", "GET", "/tanium/global?model=VMware%20Virtual%20Platform", "", 200,
       R"({"BundleID":6,"BundleTimeout":120})"},
      {"tanium global no default", "GET", "/tanium/global?serial=5CG6050PH9&model=Unknown", "", 200, "{}"},
      {"tanium global no model", "GET", "/tanium/global?serial=5CG6050PH9", "", 200, "{}"},
      {"tanium global ComputerModel", "GET", "/tanium/global?ComputerModel=HP%20EliteBook%20840%20G2", "", 200,
       R"({"BundleID":33,"BundleTimeout":120})"},
      {"tanium global MODEL", "GET", "/tanium/global?SerialNumber=X&MODEL=virtual", "", 200,
       R"({"BundleID":6,"BundleTimeout":120})"},
      {"tanium global POST json", "POST", "/tanium/global", R"({"SerialNumber":"X","Model":"Virtual Box"})", 200,
       R"({"BundleID":6,"BundleTimeout":120})"},
      {"tanium global POST json computerModel", "POST", "/tanium/global", R"({"computerModel":"HP EliteBook 840 G2"})",
       200, R"({"BundleID":33,"BundleTimeout":120})"},
      {"tanium global POST garbage", "POST", "/tanium/global", "not json", 200, "{}"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Env env(OriginalData());
    Response r = env.Call(c.method, c.target, c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    if (!c.want.empty()) {
      EXPECT_EQ(r.body, c.want);
    }
  }
}

TEST(LegacyRoutes, TaniumGlobalReadsAFormBody) {
  Env env(OriginalData());
  Request r = env.Make("POST", "/tanium/global", "serialNumber=X&computerModel=VMware+Virtual+Platform");
  r.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  EXPECT_EQ(env.router.Dispatch(r).body, R"({"BundleID":6,"BundleTimeout":120})");
}

TEST(LegacyRoutes, TaniumGlobalBundleIdIsTextWhenNotAllDigits) {
  Env env(OriginalData());
  ASSERT_TRUE(env.store->SetConfig("default_bundle_id", "Win10-LTSC").ok());
  EXPECT_EQ(env.Get("/tanium/global?model=Unknown").body, R"({"BundleID":"Win10-LTSC","BundleTimeout":120})");
  ASSERT_TRUE(env.store->SetConfig("default_bundle_timeout", "90").ok());
  EXPECT_EQ(env.Get("/tanium/global").body, R"({"BundleID":"Win10-LTSC","BundleTimeout":90})");
}

TEST(LegacyRoutes, CheckHardwareNamesEachFailure) {
  Env env(OriginalData());
  Response r = env.Get("/checkhardware?serial=S1&model=HP%20EliteBook%20840%20G2&ram_gb=16&disk_gb=256&cpu_count=4");
  ASSERT_EQ(r.status, 200);
  auto v = Parse(r).as_object();
  EXPECT_FALSE(v.at("allowed").as_bool());
  EXPECT_EQ(v.at("rule_id").as_int64(), 9);
  EXPECT_EQ(v.at("requirements").at("min_ram_gb").to_number<double>(), 32);
  ASSERT_EQ(v.at("failures").as_array().size(), 1u);
  EXPECT_NE(std::string(v.at("failures").as_array()[0].as_string()).find("ram_gb"), std::string::npos);
  EXPECT_FALSE(std::string(v.at("reason").as_string()).empty());

  auto ok = Parse(env.Get("/checkhardware?model=HP%20EliteBook%20840%20G2&ram_gb=32")).as_object();
  EXPECT_TRUE(ok.at("allowed").as_bool());
  EXPECT_TRUE(ok.at("failures").as_array().empty());
  auto none = Parse(env.Get("/checkhardware?model=Unknown&ram_gb=1")).as_object();
  EXPECT_TRUE(none.at("allowed").as_bool());
  EXPECT_TRUE(none.at("rule_id").is_null());
}

TEST(LegacyRoutes, GetComputerCreatesAnEmptyRowForAnUnknownSerial) {
  Env env(OriginalData());
  ASSERT_EQ(env.Get("/getcomputer?serial=NEW123").status, 200);
  const model::Computer* c = env.store->Snapshot()->FindComputerBySerial("NEW123");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->computer_name, "");
  EXPECT_EQ(c->created_by, "endpoint");
  // A vendor placeholder keys nothing: no row.
  ASSERT_EQ(env.Get("/getcomputer?serial=To%20be%20filled%20by%20O.E.M.").status, 200);
  EXPECT_EQ(env.store->Snapshot()->FindComputerBySerial("To be filled by O.E.M."), nullptr);
}

TEST(LegacyRoutes, SetComputerCreatesUpdatesAndRefusesUnknownTypes) {
  Env env(OriginalData());
  Response bad = env.Post("/setcomputer", R"({"serial":"5CG6050PH9","type":"NOPE"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"error\":"), std::string::npos) << bad.body;
  EXPECT_EQ(env.store->Snapshot()->FindComputerBySerial("5CG6050PH9")->type, "ACCUEIL");

  Response up = env.Post("/setcomputer", R"({"serial":"5CG6050PH9","computerName":"manu16","timezone":null})");
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(env.Get("/getcomputer?serial=5CG6050PH9").body,
            R"({"computerName":"manu16","type":"ACCUEIL","country":"FR","language":"fr-FR","timezone":null,"keyboard":"fr-FR"})");

  Response created = env.Post("/setcomputer", R"({"serial":"NEW1","computerName":"pc-new","type":"accueil","country":"FR"})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_TRUE(Parse(created).at("created").as_bool());
  // Stored in the catalogue's spelling: the original's postype.csv writes "Accueil"
  // (an update that keeps 5CG6050PH9's type, above, keeps its stored "ACCUEIL").
  EXPECT_EQ(env.Get("/getcomputer?serial=NEW1").body,
            R"({"computerName":"pc-new","type":"Accueil","country":"FR","language":null,"timezone":null,"keyboard":null})");

  // The store's write rules name the field as this route calls it.
  Response bad_name = env.Post("/setcomputer", R"({"serial":"NEW1","computerName":"PC_01"})");
  EXPECT_EQ(bad_name.status, 400);
  EXPECT_NE(bad_name.body.find(R"("error":"computerName: computer name 'PC_01' has '_' at position 3)"),
            std::string::npos)
      << bad_name.body;
  EXPECT_EQ(env.store->Snapshot()->FindComputerBySerial("NEW1")->computer_name, "pc-new");

  EXPECT_EQ(env.Post("/setcomputer", R"({"computerName":"x"})").status, 400);
  EXPECT_EQ(env.Post("/setcomputer", "{nope").status, 400);
  EXPECT_EQ(env.Post("/setcomputer", R"({"serial":"NEW1","computerName":5})").status, 400);
}

TEST(LegacyRoutes, MessagesFeedDeploymentRecords) {
  Env env(OriginalData());
  auto post = [&](std::string text) {
    return env.Post("/message", R"({"message":")" + text + R"("})");
  };
  Response first = post("[5CG6050PH9] START PROVISIONING");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.body, R"({"status":"ok","deployment_id":"d1","started":true})");
  env.Advance(std::chrono::seconds(5));
  EXPECT_EQ(post("[5CG6050PH9] STEP 001 drivers").status, 200);
  EXPECT_EQ(post("[5CG6050PH9] STEP 002 apps").status, 200);
  EXPECT_EQ(post("[5CG6050PH9] [WARN] slow disk").status, 200);

  auto d = env.store->GetDeployment("d1");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->source, "legacy");
  EXPECT_EQ(d->serial, "5CG6050PH9");
  EXPECT_EQ(d->computer_name, "manu15");
  EXPECT_EQ(d->client_address, "192.168.1.50");
  EXPECT_EQ(d->percent, 20);
  EXPECT_EQ(d->warning_count, 1);
  EXPECT_EQ(env.store->EventsOf("d1")->size(), 4u);

  // END PROVISIONING ends it; the admin detail shows both kinds of endpoint.
  EXPECT_EQ(post("[5CG6050PH9] END PROVISIONING").status, 200);
  auto detail = Parse(env.Get("/api/v1/admin/deployments/d1")).as_object();
  EXPECT_EQ(detail.at("deployment").at("state").as_string(), "success");
  EXPECT_EQ(detail.at("events").as_array().size(), 5u);

  // START PROVISION starts a new attempt linked to the previous one.
  Response again = post("[5CG6050PH9] START PROVISION");
  EXPECT_TRUE(Parse(again).at("started").as_bool());
  std::string id(Parse(again).at("deployment_id").as_string());
  EXPECT_EQ(env.store->GetDeployment(id)->previous_id, "d1");
  EXPECT_EQ(post("[5CG6050PH9] [ERROR] copy failed").status, 200);
  EXPECT_EQ(Parse(env.Get("/api/v1/admin/deployments/" + id)).at("deployment").at("state").as_string(), "error");
}

TEST(LegacyRoutes, BadMessagesAreRefusedAndStoreNothing) {
  Env env(OriginalData());
  const std::pair<std::string, std::string> bad[] = {
      {"no brackets", R"({"message":"hello"})"},
      {"empty serial", R"({"message":"[] hello"})"},
      {"no message", R"({"text":"[S1] hello"})"},
      {"not a string", R"({"message":5})"},
      {"malformed", R"({"message":)"},
  };
  for (const auto& [name, body] : bad) {
    SCOPED_TRACE(name);
    EXPECT_EQ(env.Post("/message", body).status, 400);
  }
  auto page = env.store->ListDeployments({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 0u);
}

TEST(LegacyRoutes, MessageAcceptsAFormBody) {
  Env env(OriginalData());
  Request r = env.Make("POST", "/message", "message=%5BS9%5D+START+PROVISIONING");
  r.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  Response resp = env.router.Dispatch(r);
  EXPECT_EQ(resp.status, 200) << resp.body;
  EXPECT_EQ(env.store->GetDeployment("d1")->serial, "S9");
}

// The form path is held to the JSON path's rules: the field named, the
// same size limit, nothing stored.
TEST(LegacyRoutes, BadFormMessagesNameTheFieldAndStoreNothing) {
  Env env(OriginalData());
  const std::pair<std::string, std::string> bad[] = {
      {"control character", "message=%5BS1%5D+a%01b"},
      {"over 16 KiB", "message=%5BS1%5D+" + std::string(16 * 1024, 'x')},
      {"no message field", "text=%5BS1%5D+hi"},
      {"no brackets", "message=hello"},
  };
  for (const auto& [name, body] : bad) {
    SCOPED_TRACE(name);
    Request r = env.Make("POST", "/message", body);
    r.headers.Set("Content-Type", "application/x-www-form-urlencoded");
    Response resp = env.router.Dispatch(r);
    EXPECT_EQ(resp.status, 400) << resp.body;
    EXPECT_NE(resp.body.find(R"("field":"message")"), std::string::npos) << resp.body;
    EXPECT_NE(resp.body.find(R"("error":")"), std::string::npos) << resp.body;  // the original's member
  }
  auto page = env.store->ListDeployments({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 0u);
}

}  // namespace
}  // namespace provisiond::api

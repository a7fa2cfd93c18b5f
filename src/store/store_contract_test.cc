// The Store contract, run on every backend: each backend registers a factory
// that opens a store seeded with a data directory (CSV files), and reopens
// it (a restart). What passes on CSV passes on PostgreSQL.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "base/strings.h"
#include "store/csv/csv_store.h"
#include "store/store.h"
#include "store/testing/postgres_for_testing.h"
#include "store/testing/temp_dir_for_testing.h"

namespace provisiond::store {
namespace {

using testing::CopyDir;
using testing::OriginalSampleDir;
using testing::TempDir;

struct StoreFactory {
  std::string name;
  // Opens a store whose tables are those of the CSV directory `seed`,
  // keeping its state under `work` (a fresh empty directory).
  std::function<Result<std::unique_ptr<Store>>(const std::string& seed, const std::string& work)> open;
  // Opens the state `open` left under `work` again, as a restart would;
  // `scratch` is another fresh directory.
  std::function<Result<std::unique_ptr<Store>>(const std::string& work, const std::string& scratch)> reopen;
  friend void PrintTo(const StoreFactory& f, std::ostream* os) { *os << f.name; }
};

Result<std::unique_ptr<Store>> OpenCsv(const std::string& seed, const std::string& work) {
  CopyDir(seed, work);
  CsvStoreOptions o;
  o.data_dir = work;
  o.reload_interval = std::chrono::milliseconds(0);
  o.log = [](LogLevel, const std::string&) {};
  PV_ASSIGN_OR_RETURN(auto s, CsvStore::Open(o));
  return std::unique_ptr<Store>(std::move(s));
}

StoreFactory CsvFactory() { return {"Csv", OpenCsv, OpenCsv}; }

// The database's URL is kept in `work`, so a reopen finds the same database.
StoreFactory PostgresFactory() {
  return {"Postgres",
          [](const std::string& seed, const std::string& work) -> Result<std::unique_ptr<Store>> {
            std::string url;
            PV_ASSIGN_OR_RETURN(auto s, testing::SeededPgStore(seed, &url));
            testing::WriteText(work + "/database_url", url);
            return std::unique_ptr<Store>(std::move(s));
          },
          [](const std::string& work, const std::string&) -> Result<std::unique_ptr<Store>> {
            std::string url(Trim(testing::ReadText(work + "/database_url")));
            PV_ASSIGN_OR_RETURN(auto s, PgStore::Open(testing::QuietPgOptions(url)));
            return std::unique_ptr<Store>(std::move(s));
          }};
}

class StoreContract : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    auto s = GetParam().open(OriginalSampleDir(), dir_.path());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContract, LoadsEveryValueOfTheOriginalSample) {
  auto t = store_->Snapshot();
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->computers.size(), 1u);
  const model::Computer& c = t->computers[0];
  EXPECT_EQ(c.serial, "5CG6050PH9");
  EXPECT_EQ(c.computer_name, "manu15");
  EXPECT_EQ(c.type, "ACCUEIL");
  EXPECT_EQ(c.keyboard, "fr-FR");
  EXPECT_EQ(c.country, "FR");
  EXPECT_EQ(c.language, "fr-FR");
  EXPECT_EQ(c.timezone, "Romance Standard Time");
  EXPECT_EQ(c.version, 1u);
  EXPECT_EQ(t->FindComputerBySerial(" 5cg6050ph9 "), &t->computers[0]);

  EXPECT_EQ(t->AppsOfType("accueil"),
            (std::vector<std::string>{"GoogleChromeEnterprise", "PostypeGUIstart", "NotepadPlusPlus", "VLC"}));

  ASSERT_EQ(t->apps.size(), 3u);
  const std::string base = "https://provision.infra-lab.fr/file/apps/";
  struct AppWant { std::string name, script; };
  std::vector<AppWant> apps = {{"PostypeGUIstart", "tanium.cmd"}, {"NotepadPlusPlus", "install.cmd"},
                               {"VLC", "install.cmd"}};
  for (size_t i = 0; i < apps.size(); ++i) {
    SCOPED_TRACE(apps[i].name);
    EXPECT_EQ(t->apps[i].name, apps[i].name);
    EXPECT_EQ(t->apps[i].url, base + apps[i].name);
    EXPECT_EQ(t->apps[i].script, apps[i].script);
    EXPECT_EQ(t->apps[i].reboot, model::Reboot::kNo);
    EXPECT_TRUE(t->apps[i].allowed_countries.empty());
    EXPECT_TRUE(t->apps[i].blocked_countries.empty());
    EXPECT_TRUE(t->apps[i].allowed_models.empty());
    EXPECT_EQ(t->apps[i].success_codes, (std::vector<int>{0, 3010}));
    EXPECT_TRUE(t->apps[i].enabled);
  }

  ASSERT_EQ(t->drivers.size(), 9u);
  const std::string ltsc = R"(\bWindows\s+10\s+Enterprise\s+LTSC\b)";
  const std::string wn = R"(%DeployRoot%\Applications\DRIVERS\CASHTILLS\WINCOR NIXDORF\)";
  struct DriverWant {
    std::string model, url;
    std::optional<std::string> bundle;
    std::optional<double> ram, disk;
  };
  std::vector<DriverWant> drivers = {
      {R"(\bBEETLE\s*/\s*MIII\b)", wn + R"(M2\Win10Client~X64~WINCOR NIXDORF~M2_2025_06_V1.exe)", {}, {}, {}},
      {"(?i)virtual", wn + R"(M2\Win10Client~X64~WINCOR NIXDORF~M2_2025_06_V1.exe)", "6", {}, {}},
      {R"((?i)\bBEETLE\s+A1x70\b)", wn + R"(A1\Win10Client~X64~WINCOR NIXDORF~A1X70_2025_06_V1.exe)", {}, {}, {}},
      {R"((?i)\biPOS\s+plus\s+Advanced\b)", wn + R"(IPOS+\Win10Client~X64~WINCOR NIXDORF~IPOS+_2025_07_V1.exe)", {},
       {}, {}},
      {R"((?i)\bBEETLE\s+A2210\b)", wn + R"(A2210\Win10Client~X64~WINCOR NIXDORF~A2210.exe)", {}, {}, {}},
      {R"((?i)\bHP\s+Engage\s+One\s+Pro\s+AIO\s+System\b)",
       R"(%DeployRoot%\Applications\DRIVERS\CASHTILLS\HP\HPEOPAS\Win10Client~X64~HP~HPEOPAS_2023_V1.exe)", {}, {}, {}},
      {R"((?i)\bXT[-\s]?6015\b)",
       R"(%DeployRoot%\Applications\DRIVERS\CASHTILLS\POSIFLEX\XT6015\WIN10Client~X64~POSIFLEX~XT6015.exe)", {}, {},
       {}},
      {R"((?i)\bHP\s+Engage\s+One\s+Pro\s+19\.5\s+G2\s+AiO\s+System\b)",
       R"(%DeployRoot%\Applications\DRIVERS\CASHTILLS\HP\HPEOPAS19G2\Win10Client~X64~HP~HPEOPAS19G2_2025_V1.exe)", {},
       {}, {}},
      {R"((?i)\bHP\s+EliteBook\s+840\s+G2\b)", "", "33", 32.0, {}},
  };
  for (size_t i = 0; i < drivers.size(); ++i) {
    SCOPED_TRACE("driver row " + std::to_string(i + 1));
    const auto& d = t->drivers[i];
    EXPECT_EQ(d.id, i + 1);
    EXPECT_EQ(d.model_regex.source(), drivers[i].model);
    EXPECT_EQ(d.os_regex.source(), ltsc);
    EXPECT_EQ(d.url, drivers[i].url);
    EXPECT_EQ(d.bundle_id, drivers[i].bundle);
    EXPECT_EQ(d.min_ram_gb, drivers[i].ram);
    EXPECT_EQ(d.min_disk_gb, drivers[i].disk);
    EXPECT_EQ(d.min_cpu_count, std::nullopt);
  }
  EXPECT_TRUE(t->drivers[8].model_regex.Matches("hp elitebook 840 g2 notebook"));

  EXPECT_EQ(t->config, (std::vector<std::pair<std::string, std::string>>{{"default_bundle_id", ""},
                                                                          {"default_bundle_timeout", "120"}}));

  ASSERT_EQ(t->networks.size(), 5u);
  EXPECT_EQ(t->networks[0], (model::Network{"10.0.0.0/8", "subnet", "Blocked", "2026-06-14 18:01:57",
                                            "2026-06-14 18:01:57", "0", {}}));
  EXPECT_EQ(t->networks[2].status, "Allow");
  EXPECT_EQ(t->networks[2].last_seen, "2026-06-14 18:32:33");
  EXPECT_EQ(t->networks[3], (model::Network{"46.218.21.114/32", "host", "Blocked", "2026-06-15 09:29:42",
                                            "2026-06-15 09:29:42", "1", {}}));
  EXPECT_EQ(t->networks[4].network, "0.0.0.0/0");
  EXPECT_EQ(t->networks[4].kind, "manual");

  ASSERT_EQ(t->users.size(), 1u);
  EXPECT_EQ(t->users[0].username, "admin");
  EXPECT_EQ(t->users[0].password_hash, "");
  EXPECT_TRUE(t->locales.empty());
}

TEST_P(StoreContract, WarnsAboutTypeNamingMissingApp) {
  auto h = store_->Health();
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].file, "postype.csv");
  EXPECT_EQ(h.warnings[0].line, 2);
  EXPECT_NE(h.warnings[0].message.find("GoogleChromeEnterprise"), std::string::npos) << h.warnings[0].message;
  EXPECT_TRUE(h.errors.empty());
  EXPECT_EQ(store_->Snapshot()->warnings, h.warnings);
}

TEST_P(StoreContract, StaleComputerVersionConflictsAndChangesNothing) {
  auto c = *store_->Snapshot()->FindComputerBySerial("5CG6050PH9");
  c.computer_name = "first";
  auto r1 = store_->PutComputer(c, 1);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(r1->version, 2u);
  c.computer_name = "second";
  auto r2 = store_->PutComputer(c, 1);  // based on the version before "first"
  EXPECT_EQ(r2.status().code(), StatusCode::kConflict);
  EXPECT_EQ(store_->Snapshot()->FindComputerBySerial("5CG6050PH9")->computer_name, "first");
  EXPECT_EQ(store_->DeleteComputer("5CG6050PH9", 1).code(), StatusCode::kConflict);
  EXPECT_TRUE(store_->DeleteComputer("5cg6050ph9", 2).ok());
  EXPECT_EQ(store_->Snapshot()->FindComputerBySerial("5CG6050PH9"), nullptr);
}

TEST_P(StoreContract, CreateOfExistingKeyConflicts) {
  model::Computer c;
  c.serial = " 5cg6050ph9";
  EXPECT_EQ(store_->PutComputer(c, std::nullopt).status().code(), StatusCode::kConflict);
  model::App a;
  a.name = "vlc";
  EXPECT_EQ(store_->PutApp(a, std::nullopt).status().code(), StatusCode::kConflict);
  EXPECT_EQ(store_->SetTypeApps("ACCUEIL", {"VLC"}, std::nullopt).status().code(), StatusCode::kConflict);
}

TEST_P(StoreContract, WritesReturnRowAndPublishNewSnapshot) {
  auto before = store_->Snapshot();
  model::Computer c;
  c.serial = "NEW1";
  c.type = "accueil";
  auto r = store_->PutComputer(c, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, 1u);
  auto after = store_->Snapshot();
  EXPECT_GT(after->generation, before->generation);
  EXPECT_EQ(before->FindComputerBySerial("NEW1"), nullptr);  // old snapshot never changes
  ASSERT_NE(after->FindComputerBySerial("new1"), nullptr);
}

TEST_P(StoreContract, DanglingReferencesAreRefused) {
  model::Computer c;
  c.serial = "X1";
  c.type = "NOSUCHTYPE";
  EXPECT_EQ(store_->PutComputer(c, std::nullopt).status().code(), StatusCode::kInvalidArgument);
  auto r = store_->SetTypeApps("NEWTYPE", {"VLC", "NoSuchApp"}, std::nullopt);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("NoSuchApp"), std::string::npos);
  EXPECT_EQ(store_->DeleteApp("VLC", 1).code(), StatusCode::kInvalidArgument);  // ACCUEIL lists it
  auto v = TypeVersion(*store_->Snapshot(), "Accueil");
  EXPECT_EQ(store_->DeleteType("Accueil", v).code(), StatusCode::kInvalidArgument);  // 5CG6050PH9 uses it
  EXPECT_EQ(store_->Snapshot()->apps.size(), 3u);
  EXPECT_EQ(store_->Snapshot()->TypeNames().size(), 1u);
}

// The shared write rules (store/write_rules.h) on every backend: the same
// values refused with the same field, nothing stored, catalogue spellings.
TEST_P(StoreContract, WriteRulesRefuseNamingTheFieldAndStoreCatalogueSpellings) {
  auto computer = [](std::string name, std::string type) {
    model::Computer c;
    c.serial = "X1";
    c.computer_name = std::move(name);
    c.type = std::move(type);
    return c;
  };
  struct Case {
    const char* name;
    std::function<Status()> write;
    const char* field;
  } cases[] = {
      {"accented name", [&] { return store_->PutComputer(computer("BE-R\xC3\xA9" "ception", "ACCUEIL"), std::nullopt).status(); },
       "computer_name: "},
      {"name too long", [&] { return store_->PutComputer(computer("ABCDEFGHIJKLMNOP", ""), std::nullopt).status(); },
       "computer_name: "},
      {"unknown type", [&] { return store_->PutComputer(computer("PC-01", "BUREAU"), std::nullopt).status(); },
       "type: "},
      {"app twice", [&] { return store_->SetTypeApps("KIOSK", {"VLC", "vlc"}, std::nullopt).status(); },
       "applications: "},
      {"negative minimum",
       [&] {
         model::DriverRule r;
         r.min_disk_gb = -1;
         return store_->PutDriverRule(r, std::nullopt).status();
       },
       "min_disk_gb: "},
      {"setting out of range", [&] { return store_->SetConfig("OptionalTLSMinAttemptCount", "0"); },
       "OptionalTLSMinAttemptCount: "},
  };
  const uint64_t generation = store_->Snapshot()->generation;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Status s = c.write();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    EXPECT_EQ(s.message().rfind(c.field, 0), 0u) << s.message();
  }
  EXPECT_EQ(store_->Snapshot()->generation, generation);

  // postype.csv of the original spells the type "Accueil": a new row is
  // stored so; an edit that keeps 5CG6050PH9's type keeps its "ACCUEIL".
  auto stored = store_->PutComputer(computer("PC-01", "ACCUEIL"), std::nullopt);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->type, "Accueil");
  model::Computer old = *store_->Snapshot()->FindComputerBySerial("5CG6050PH9");
  old.computer_name = "manu16";
  old.type = "accueil";
  auto kept = store_->PutComputer(old, old.version);
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->type, "ACCUEIL");
  auto apps = store_->SetTypeApps("KIOSK", {"vlc", "notepadplusplus"}, std::nullopt);
  ASSERT_TRUE(apps.ok()) << apps.status().ToString();
  EXPECT_EQ(store_->Snapshot()->AppsOfType("KIOSK"), (std::vector<std::string>{"VLC", "NotepadPlusPlus"}));
}

TEST_P(StoreContract, TypeVersionsConflict) {
  auto v = TypeVersion(*store_->Snapshot(), "ACCUEIL");
  ASSERT_NE(v, 0u);
  auto r = store_->SetTypeApps("accueil", {"VLC", "NotepadPlusPlus"}, v);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(*r, v);
  EXPECT_EQ(store_->Snapshot()->AppsOfType("ACCUEIL"), (std::vector<std::string>{"VLC", "NotepadPlusPlus"}));
  EXPECT_EQ(store_->SetTypeApps("ACCUEIL", {"VLC"}, v).status().code(), StatusCode::kConflict);
}

TEST_P(StoreContract, InvalidRegexIsRefusedWithReason) {
  // Pattern::Compile refuses Python-only constructs; a driver rule can only
  // carry compiled patterns, so the API gets the message from Compile.
  auto p = Pattern::Compile("(?<=HP)EliteBook");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("look"), std::string::npos) << p.status().message();
  model::App a;
  a.name = "WithSemicolon";
  a.allowed_models.push_back(*Pattern::Compile("a;b"));
  EXPECT_EQ(store_->PutApp(a, std::nullopt).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreContract, DriverRulesKeepTheirIdsThroughDeleteMoveAndReload) {
  auto t = store_->Snapshot();
  ASSERT_EQ(t->drivers.size(), 9u);
  EXPECT_EQ(t->drivers[8].id, 9u);  // the original's file: ids are the row numbers
  ASSERT_TRUE(store_->DeleteDriverRule(1, t->drivers[0].version).ok());
  auto t2 = store_->Snapshot();
  ASSERT_EQ(t2->drivers.size(), 8u);
  // The rules after it keep their ids and versions.
  EXPECT_EQ(t2->drivers[7].id, 9u);
  EXPECT_EQ(t2->drivers[7].version, t->drivers[8].version);
  EXPECT_EQ(t2->drivers[7].model_regex.source(), t->drivers[8].model_regex.source());
  EXPECT_EQ(store_->DeleteDriverRule(1, t->drivers[0].version).code(), StatusCode::kNotFound);
  model::DriverRule r;
  r.model_regex = *Pattern::Compile("(?i)latitude");
  r.bundle_id = "12";
  auto created = store_->PutDriverRule(r, std::nullopt);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->id, 10u);  // never an id still held, nor the deleted one

  // Move rule 10 to the top: the others keep their order.
  EXPECT_EQ(store_->MoveDriverRule(10, 1, created->version + 1).status().code(), StatusCode::kConflict);
  EXPECT_EQ(store_->MoveDriverRule(10, 11, created->version).status().code(), StatusCode::kInvalidArgument);
  auto moved = store_->MoveDriverRule(10, 1, created->version);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  auto t3 = store_->Snapshot();
  std::vector<uint64_t> ids;
  for (const auto& d : t3->drivers) ids.push_back(d.id);
  EXPECT_EQ(ids, (std::vector<uint64_t>{10, 2, 3, 4, 5, 6, 7, 8, 9}));

  // The ids survive a reopen.
  TempDir again;
  auto reopened = GetParam().reopen(dir_.path(), again.path());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  std::vector<uint64_t> ids_after;
  for (auto snap = (*reopened)->Snapshot(); const auto& d : snap->drivers) ids_after.push_back(d.id);
  EXPECT_EQ(ids_after, ids);
}

TEST_P(StoreContract, ConfigAndLocales) {
  ASSERT_TRUE(store_->SetConfig("default_bundle_id", "7").ok());
  ASSERT_TRUE(store_->SetConfig("naming_template", "{country}-{serial:-7}").ok());
  auto t = store_->Snapshot();
  EXPECT_EQ(t->Config("default_bundle_id"), "7");
  EXPECT_EQ(t->Config("naming_template"), "{country}-{serial:-7}");
  model::Locale l{"fr", "fr-FR", "fr-FR", "Romance Standard Time", 0, {}};
  auto r = store_->PutLocale(l, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(store_->PutLocale(l, std::nullopt).status().code(), StatusCode::kConflict);
  ASSERT_NE(store_->Snapshot()->FindLocale("FR"), nullptr);
  EXPECT_EQ(store_->DeleteLocale("FR", 2).code(), StatusCode::kConflict);
  EXPECT_TRUE(store_->DeleteLocale("fr", 1).ok());
}

TEST_P(StoreContract, DeleteConfigRemovesTheRowInAnySpellingAndIsANoOpWhenAbsent) {
  ASSERT_TRUE(store_->SetConfig("OptionalTLSMinAttemptCount", "7").ok());
  ASSERT_TRUE(store_->SetConfig("x-site", "Lille").ok());
  uint64_t generation = store_->Snapshot()->generation;
  ASSERT_TRUE(store_->DeleteConfig("optionaltlsminattemptcount").ok());
  auto t = store_->Snapshot();
  EXPECT_FALSE(t->Config("OptionalTLSMinAttemptCount").has_value());
  EXPECT_EQ(t->Config("x-site"), "Lille");  // the other rows stay
  EXPECT_GT(t->generation, generation);
  generation = t->generation;
  ASSERT_TRUE(store_->DeleteConfig("deploy_root").ok());  // no such row: nothing written
  EXPECT_EQ(store_->Snapshot()->generation, generation);
}

model::Deployment MakeDeployment(std::string id, std::string serial, int64_t started_ms) {
  model::Deployment d;
  d.id = std::move(id);
  d.serial = std::move(serial);
  d.computer_name = "PC-" + d.serial;
  d.model = "HP EliteBook 840 G2";
  d.type = "ACCUEIL";
  d.started = Timestamp(std::chrono::milliseconds(started_ms));
  d.last_heartbeat = d.started;
  return d;
}

TEST_P(StoreContract, DeletedDeploymentsAreGoneAfterAReopenToo) {
  const int64_t t0 = 1'790'000'000'000;
  ASSERT_TRUE(store_->CreateDeployment(MakeDeployment("d1", "S1", t0)).ok());
  ASSERT_TRUE(store_->CreateDeployment(MakeDeployment("d2", "S1", t0 + 1000)).ok());
  model::DeploymentEvent e;
  e.deployment_id = "d2";
  e.event_id = "e1";
  e.at = Timestamp(std::chrono::milliseconds(t0 + 1010));
  ASSERT_TRUE(store_->AppendEvent(e).ok());
  EXPECT_EQ(store_->DeleteDeployment("d2", 2).code(), StatusCode::kConflict);
  EXPECT_EQ(store_->DeleteDeployment("zz", 1).code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->DeleteDeployment("d2", 1).ok());
  auto check = [](Store& s) {
    EXPECT_EQ(s.GetDeployment("d2").status().code(), StatusCode::kNotFound);
    EXPECT_EQ(s.EventsOf("d2").status().code(), StatusCode::kNotFound);
    auto page = s.ListDeployments({});
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->total, 1u);
    EXPECT_EQ(page->items[0].id, "d1");
    auto latest = s.LatestDeploymentForSerial("S1");  // the earlier attempt again
    ASSERT_TRUE(latest.ok() && latest->has_value());
    EXPECT_EQ((*latest)->id, "d1");
  };
  check(*store_);
  TempDir again;
  auto reopened = GetParam().reopen(dir_.path(), again.path());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  check(**reopened);
}

TEST_P(StoreContract, DeploymentsAndEvents) {
  const int64_t t0 = 1'790'000'000'000;  // 2026-09
  ASSERT_TRUE(store_->CreateDeployment(MakeDeployment("d1", "S1", t0)).ok());
  ASSERT_TRUE(store_->CreateDeployment(MakeDeployment("d2", "S1", t0 + 1000)).ok());
  ASSERT_TRUE(store_->CreateDeployment(MakeDeployment("d3", "OTHER", t0 + 2000)).ok());
  EXPECT_EQ(store_->CreateDeployment(MakeDeployment("d1", "S1", t0)).status().code(), StatusCode::kConflict);

  model::DeploymentEvent e;
  e.deployment_id = "d1";
  e.event_id = "e1";
  e.at = Timestamp(std::chrono::milliseconds(t0 + 10));
  e.message = "START PROVISIONING, with \"quotes\", commas\nand a newline";
  auto a1 = store_->AppendEvent(e);
  ASSERT_TRUE(a1.ok()) << a1.status().ToString();
  EXPECT_TRUE(*a1);
  auto again = store_->AppendEvent(e);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  e.deployment_id = "nope";
  EXPECT_EQ(store_->AppendEvent(e).status().code(), StatusCode::kNotFound);
  auto events = store_->EventsOf("d1");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].message, "START PROVISIONING, with \"quotes\", commas\nand a newline");

  auto d1 = *store_->GetDeployment("d1");
  d1.status = model::DeploymentStatus::kError;
  d1.last_heartbeat = Timestamp(std::chrono::milliseconds(t0 + 50));
  auto u = store_->UpdateDeployment(d1);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->version, 2u);
  EXPECT_EQ(store_->UpdateDeployment(d1).status().code(), StatusCode::kConflict);  // d1 still says version 1
  EXPECT_EQ(store_->GetDeployment("d1")->status, model::DeploymentStatus::kError);
  EXPECT_EQ(store_->GetDeployment("zzz").status().code(), StatusCode::kNotFound);

  auto latest = store_->LatestDeploymentForSerial(" s1 ");
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->id, "d2");

  DeploymentQuery q;
  auto all = store_->ListDeployments(q);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->total, 3u);
  EXPECT_EQ(all->items[0].id, "d3");  // newest first
  q.text = "s1";
  q.limit = 1;
  auto page = store_->ListDeployments(q);
  EXPECT_EQ(page->total, 2u);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, "d2");
  DeploymentQuery byStatus;
  byStatus.status = model::DeploymentStatus::kError;
  EXPECT_EQ(store_->ListDeployments(byStatus)->total, 1u);
  DeploymentQuery byTime;
  byTime.from = Timestamp(std::chrono::milliseconds(t0 + 500));
  byTime.to = Timestamp(std::chrono::milliseconds(t0 + 1500));
  auto tp = store_->ListDeployments(byTime);
  ASSERT_EQ(tp->total, 1u);
  EXPECT_EQ(tp->items[0].id, "d2");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::Values(CsvFactory(), PostgresFactory()),
                         [](const ::testing::TestParamInfo<StoreFactory>& i) { return i.param.name; });

}  // namespace
}  // namespace provisiond::store

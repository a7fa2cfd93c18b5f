// The write rules (store/write_rules.h) and their one verdict on every path
// the store layer has: a write through the Store API is refused naming the
// field; the same value in a hand-edited file is a warning (or, for what the
// loader cannot read, a refused file) with file and line on hot reload and in
// `check` (LoadDataDir); an import of that file is refused with file, line
// and column.
#include "store/write_rules.h"

#include <gtest/gtest.h>

#include <functional>

#include "base/strings.h"
#include "model/setting_rules.h"
#include "store/csv/csv_store.h"
#include "store/csv/tables_csv.h"
#include "store/csv/transfer.h"
#include "store/testing/temp_dir_for_testing.h"

namespace provisiond::store {
namespace {

using testing::CopyDir;
using testing::ReadText;
using testing::TempDir;
using testing::WriteText;

// A small valid data directory: every row passes the rules.
void WriteBaseDir(const std::string& dir) {
  WriteText(dir + "/computers.csv",
            "serial,computername,postype,setkeyboard,country,language,timezone\n"
            "S1,PC-01,ACCUEIL,fr-FR,FR,fr-FR,Romance Standard Time\n");
  WriteText(dir + "/postype.csv", "postype,application\nACCUEIL,VLC\nACCUEIL,Chrome\n");
  WriteText(dir + "/apps.csv",
            "name,url,script,reboot,allowed_countries,blocked_countries,allowed_models\n"
            "VLC,https://x/VLC,install.cmd,0,,,\n"
            "Chrome,https://x/Chrome,install.cmd,0,,,\n");
  WriteText(dir + "/drivers.csv",
            "model_regex,os_regex,url,bundle_id,min_ram_gb,min_disk_gb,min_cpu_count\n"
            "(?i)latitude,.*,https://x/d.zip,,,,\n");
  WriteText(dir + "/config.csv", "key,value\ndefault_bundle_timeout,120\n");
  WriteText(dir + "/locales.csv", "country,language,keyboard,timezone\nFR,fr-FR,fr-FR,Romance Standard Time\n");
}

bool HasPrefix(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

int LineCount(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

void AppendRow(const std::string& path, const std::string& row) { WriteText(path, ReadText(path) + row + "\n"); }

std::unique_ptr<CsvStore> OpenStore(const std::string& dir) {
  CsvStoreOptions o;
  o.data_dir = dir;
  o.reload_interval = std::chrono::milliseconds(0);
  o.computers_flush_delay = std::chrono::milliseconds(0);
  o.fsync = false;
  o.log = [](LogLevel, const std::string&) {};
  auto s = CsvStore::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

model::Computer NewComputer(std::string serial, std::string name, std::string type) {
  model::Computer c;
  c.serial = std::move(serial);
  c.computer_name = std::move(name);
  c.type = std::move(type);
  c.country = "FR";
  return c;
}

// ---- the rules on values ------------------------------------------------------

model::Tables BaseTables() {
  TempDir d;
  WriteBaseDir(d.path());
  LoadedDir l = LoadDataDir(platform::PosixFs(), d.path());
  EXPECT_TRUE(l.errors.empty());
  l.tables.BuildIndexes();
  return l.tables;
}

TEST(WriteRules, PrepareComputerRefusesNamingTheField) {
  const model::Tables t = BaseTables();
  struct Case {
    const char* name;
    model::Computer c;
    const char* field;  // "" = accepted
  } cases[] = {
      {"valid", NewComputer("S9", "PC-09", "ACCUEIL"), ""},
      {"blank name and type: not set", NewComputer("S9", " ", ""), ""},
      {"empty serial", NewComputer(" ", "PC-09", "ACCUEIL"), "serial"},
      {"accent", NewComputer("S9", "BE-R\xC3\xA9" "ception", "ACCUEIL"), "computer_name"},
      {"too long", NewComputer("S9", "ABCDEFGHIJKLMNOP", "ACCUEIL"), "computer_name"},
      {"underscore", NewComputer("S9", "PC_09", "ACCUEIL"), "computer_name"},
      {"only digits", NewComputer("S9", "12345", "ACCUEIL"), "computer_name"},
      {"unknown type", NewComputer("S9", "PC-09", "BUREAU"), "type"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = PrepareComputer(t, c.c);
    if (std::string(c.field).empty()) {
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      continue;
    }
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(HasPrefix(r.status().message(), std::string(c.field) + ": ")) << r.status().message();
  }
}

TEST(WriteRules, CatalogueNamesAreStoredInTheCataloguesSpelling) {
  const model::Tables t = BaseTables();
  auto c = PrepareComputer(t, NewComputer(" S9 ", " PC-09 ", "accueil"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->serial, "S9");
  EXPECT_EQ(c->computer_name, "PC-09");
  EXPECT_EQ(c->type, "ACCUEIL");
  model::Computer lower = NewComputer("S9", "PC-09", "");
  lower.country = "fr";
  EXPECT_EQ(PrepareComputer(t, lower)->country, "FR");

  auto apps = PrepareTypeApps(t, "KIOSK", {"vlc", " chrome "});
  ASSERT_TRUE(apps.ok()) << apps.status().ToString();
  EXPECT_EQ(*apps, (std::vector<std::string>{"VLC", "Chrome"}));

  model::App app;
  app.name = " Zoom ";
  app.allowed_countries = {"fr", "be"};
  auto a = PrepareApp(t, app);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->name, "Zoom");
  EXPECT_EQ(a->allowed_countries, (std::vector<std::string>{"FR", "BE"}));
  EXPECT_EQ(CatalogueType(t, " Accueil "), "ACCUEIL");
  EXPECT_EQ(CatalogueType(t, "BUREAU"), std::nullopt);
}

TEST(WriteRules, OtherRowsRefuseNamingTheField) {
  const model::Tables t = BaseTables();
  struct Case {
    const char* name;
    std::function<Status()> check;
    const char* field;
  } cases[] = {
      {"type app missing", [&] { return PrepareTypeApps(t, "KIOSK", {"NoSuchApp"}).status(); }, "applications"},
      {"type app twice", [&] { return PrepareTypeApps(t, "KIOSK", {"VLC", "vlc"}).status(); }, "applications"},
      {"type without apps", [&] { return PrepareTypeApps(t, "KIOSK", {}).status(); }, "applications"},
      {"blank type", [&] { return PrepareTypeApps(t, " ", {"VLC"}).status(); }, "type"},
      {"bad regex", [] { return CompileRegex("allowed_models", "(unclosed").status(); }, "allowed_models"},
      {"negative cpu",
       [&] {
         model::DriverRule r;
         r.min_cpu_count = -1;
         return PrepareDriverRule(t, r).status();
       },
       "min_cpu_count"},
      {"negative ram",
       [&] {
         model::DriverRule r;
         r.min_ram_gb = -0.5;
         return PrepareDriverRule(t, r).status();
       },
       "min_ram_gb"},
      {"setting out of range", [] { return CheckSetting("ReportingTLSMode", "7"); }, "ReportingTLSMode"},
      {"setting without key", [] { return CheckSetting(" ", "1"); }, "key"},
      {"locale without country", [&] { return PrepareLocale(t, model::Locale{}).status(); }, "country"},
      {"app without name", [&] { return PrepareApp(t, model::App{}).status(); }, "name"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Status s = c.check();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    EXPECT_TRUE(HasPrefix(s.message(), std::string(c.field) + ": ")) << s.message();
  }
  EXPECT_TRUE(CheckSetting("ReportingTLSMode", "2").ok());
  EXPECT_NE(CheckAppUnused(t, "vlc").message().find("ACCUEIL"), std::string::npos);
  EXPECT_NE(CheckTypeUnused(t, "accueil").message().find("'S1'"), std::string::npos);
  EXPECT_TRUE(CheckAppUnused(t, "Zoom").ok());
  EXPECT_TRUE(CheckTypeUnused(t, "KIOSK").ok());
}

TEST(WriteRules, CheckTablesFindsEveryRowAWriteWouldRefuse) {
  model::Tables t = BaseTables();
  EXPECT_TRUE(CheckTables(t).empty());
  std::vector<model::Computer> computers = {t.computers[0], NewComputer("S2", "BE-R\xC3\xA9" "ception", "BUREAU")};
  t.computers = computers;
  std::vector<model::TypeApp> type_apps = t.type_apps.items();
  type_apps.push_back({"ACCUEIL", "vlc", {}});
  type_apps.push_back({"KIOSK", "Gone", {}});
  t.type_apps = type_apps;
  std::vector<model::DriverRule> drivers = t.drivers.items();
  drivers[0].min_cpu_count = -2;
  t.drivers = drivers;

  std::vector<RowFinding> f = CheckTables(t);
  ASSERT_EQ(f.size(), 5u);
  struct Want { RuleTable table; size_t row; const char* key; const char* field; const char* part; } want[] = {
      {RuleTable::kComputers, 1, "S2", "computer_name", "endpoints are given 'BE-Rception'"},
      {RuleTable::kComputers, 1, "S2", "type", "unknown type 'BUREAU'"},
      {RuleTable::kTypeApps, 2, "ACCUEIL / vlc", "applications", "more than once"},
      {RuleTable::kTypeApps, 3, "KIOSK / Gone", "applications", "that apps.csv lacks"},
      {RuleTable::kDrivers, 0, "1", "min_cpu_count", "cannot be negative"},
  };
  for (size_t i = 0; i < f.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(f[i].table, want[i].table);
    EXPECT_EQ(f[i].row, want[i].row);
    EXPECT_EQ(f[i].key, want[i].key);
    EXPECT_EQ(f[i].field, want[i].field);
    EXPECT_NE(f[i].message.find(want[i].part), std::string::npos) << f[i].message;
  }
}

// ---- one verdict on every path --------------------------------------------------

// One invalid value, as a Store write and as a row of a file.
struct PathCase {
  const char* name;
  std::function<Status(Store&)> write;  // through the Store API (as the API routes do)
  StatusCode write_code;
  const char* write_field;  // the refusal's message starts with "<field>: " ("" = not checked)
  const char* file;         // the file that holds the same value
  const char* row;          // appended to it
  const char* column;       // the column named on load and in the import error
  int column_index;         // 1-based
  bool load_refuses_file;   // the loader cannot serve it: the file is refused (else: a warning)
};

std::vector<PathCase> PathCases() {
  return {
      {"unknown type",
       [](Store& s) { return s.PutComputer(NewComputer("S9", "PC-09", "BUREAU"), std::nullopt).status(); },
       StatusCode::kInvalidArgument, "type", "computers.csv", "S9,PC-09,BUREAU,,FR,,", "postype", 3, false},
      {"bad name",
       [](Store& s) {
         return s.PutComputer(NewComputer("S9", "BE-R\xC3\xA9" "ception", "ACCUEIL"), std::nullopt).status();
       },
       StatusCode::kInvalidArgument, "computer_name", "computers.csv", "S9,BE-R\xC3\xA9" "ception,ACCUEIL,,FR,,",
       "computername", 2, false},
      {"bad regex", [](Store&) { return CompileRegex("allowed_models", "(unclosed").status(); },
       StatusCode::kInvalidArgument, "allowed_models", "apps.csv", "Zoom,https://x/Zoom,install.cmd,0,,,(unclosed",
       "allowed_models", 7, true},
      {"duplicate app in a type",
       [](Store& s) {
         return s.SetTypeApps("ACCUEIL", {"VLC", "vlc"}, TypeVersion(*s.Snapshot(), "ACCUEIL")).status();
       },
       StatusCode::kInvalidArgument, "applications", "postype.csv", "ACCUEIL,vlc", "application", 2, false},
      {"duplicate serial",
       [](Store& s) { return s.PutComputer(NewComputer("s1", "PC-02", "ACCUEIL"), std::nullopt).status(); },
       StatusCode::kConflict, "", "computers.csv", "s1,PC-02,ACCUEIL,,FR,,", "serial", 1, true},
      {"dangling reference",
       [](Store& s) { return s.SetTypeApps("KIOSK", {"NoSuchApp"}, std::nullopt).status(); },
       StatusCode::kInvalidArgument, "applications", "postype.csv", "KIOSK,NoSuchApp", "application", 2, false},
      {"out-of-range driver minimum",
       [](Store& s) {
         model::DriverRule r;
         r.url = "https://x/e.zip";
         r.min_cpu_count = -1;
         return s.PutDriverRule(r, std::nullopt).status();
       },
       StatusCode::kInvalidArgument, "min_cpu_count", "drivers.csv", ".*,.*,https://x/e.zip,,,,-1", "min_cpu_count",
       7, false},
      {"out-of-range setting", [](Store& s) { return s.SetConfig("ReportingTLSMode", "7"); },
       StatusCode::kInvalidArgument, "ReportingTLSMode", "config.csv", "ReportingTLSMode,7", "value", 2, false},
  };
}

TEST(OneVerdict, StoreWriteIsRefusedNamingTheFieldAndChangesNothing) {
  for (const auto& c : PathCases()) {
    SCOPED_TRACE(c.name);
    TempDir d;
    WriteBaseDir(d.path());
    auto store = OpenStore(d.path());
    ASSERT_NE(store, nullptr);
    const std::string before = ReadText(d / c.file);
    const uint64_t generation = store->Snapshot()->generation;
    Status s = c.write(*store);
    EXPECT_EQ(s.code(), c.write_code) << s.ToString();
    if (*c.write_field) {
      EXPECT_TRUE(HasPrefix(s.message(), std::string(c.write_field) + ": ")) << s.message();
    }
    EXPECT_EQ(store->Snapshot()->generation, generation);
    EXPECT_EQ(ReadText(d / c.file), before);
  }
}

TEST(OneVerdict, HandEditIsAWarningOrARefusalWithFileAndLineOnReloadAndInCheck) {
  for (const auto& c : PathCases()) {
    SCOPED_TRACE(c.name);
    TempDir d;
    WriteBaseDir(d.path());
    auto store = OpenStore(d.path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Health().warnings.empty());
    const int line = LineCount(ReadText(d / c.file)) + 1;
    AppendRow(d / c.file, c.row);
    store->ReloadNowForTesting();
    StoreHealth h = store->Health();
    LoadedDir check = LoadDataDir(platform::PosixFs(), d.path());  // what `provisiond check` prints
    if (c.load_refuses_file) {
      ASSERT_EQ(h.errors.size(), 1u);
      EXPECT_EQ(h.errors[0].source, c.file);
      EXPECT_EQ(h.errors[0].line, line);
      EXPECT_EQ(h.errors[0].column, c.column_index);
      ASSERT_EQ(check.errors.size(), 1u);
      EXPECT_EQ(FormatSourceError(check.errors[0]), FormatSourceError(h.errors[0]));
      continue;
    }
    EXPECT_TRUE(h.errors.empty());
    if (std::string(c.file) == "config.csv") {
      // Settings are checked against their schema where they are read
      // (model::CheckConfig: the status route and `check`); the default is used.
      auto problems = model::CheckConfig(store->Snapshot()->config.items());
      ASSERT_EQ(problems.size(), 1u);
      EXPECT_EQ(problems[0].line, line);
      EXPECT_EQ(problems[0].key, "ReportingTLSMode");
      EXPECT_EQ(model::CheckConfig(check.tables.config.items()), problems);
      continue;
    }
    ASSERT_EQ(h.warnings.size(), 1u);
    EXPECT_EQ(h.warnings[0].file, c.file);
    EXPECT_EQ(h.warnings[0].line, line);
    EXPECT_TRUE(HasPrefix(h.warnings[0].message, "(" + std::string(c.column) + ") ")) << h.warnings[0].message;
    EXPECT_TRUE(check.errors.empty());
    EXPECT_EQ(check.tables.warnings.items(), h.warnings);
    EXPECT_EQ(store->Snapshot()->warnings.items(), h.warnings);
  }
}

TEST(OneVerdict, ImportIsRefusedWithFileLineAndColumn) {
  for (const auto& c : PathCases()) {
    SCOPED_TRACE(c.name);
    TempDir data, source;
    WriteBaseDir(data.path());
    WriteText(source / c.file, ReadText(data / c.file));
    const int line = LineCount(ReadText(source / c.file)) + 1;
    AppendRow(source / c.file, c.row);
    auto plan = PlanImport(platform::PosixFs(), data.path(), source.path());
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
    const std::string where =
        std::string(c.file) + ": line " + std::to_string(line) + ", column " + std::to_string(c.column_index) + ": ";
    EXPECT_NE(plan.status().message().find(where), std::string::npos) << plan.status().message();
  }
}

// ---- the reproduction and follow-ups ------------------------------------

TEST(OneVerdict, ImportOfAnUnknownTypeAndAnAccentedNameIsRefusedAndCheckWarns) {
  TempDir data, source;
  WriteBaseDir(data.path());
  WriteText(source / "computers.csv",
            "serial;computername;postype;setkeyboard;country;language;timezone\r\n"
            "S1;PC-01;ACCUEIL;fr-FR;FR;fr-FR;Romance Standard Time\r\n"
            "S7;BE-R\xC3\xA9" "ception;BUREAU;fr-BE;BE;fr-BE;Romance Standard Time\r\n");
  auto plan = PlanImport(platform::PosixFs(), data.path(), source.path());
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("computers.csv: line 3, column 2: (computername) computer name"),
            std::string::npos)
      << plan.status().message();
  EXPECT_NE(plan.status().message().find("computers.csv: line 3, column 3: (postype) unknown type 'BUREAU'"),
            std::string::npos)
      << plan.status().message();

  // The same file dropped in by hand: it serves, and check lists both rows' problems.
  WriteText(data / "computers.csv", ReadText(source / "computers.csv"));
  LoadedDir l = LoadDataDir(platform::PosixFs(), data.path());
  ASSERT_TRUE(l.errors.empty());
  ASSERT_EQ(l.tables.warnings.size(), 2u);
  for (const auto& w : l.tables.warnings) {
    EXPECT_EQ(w.file, "computers.csv");
    EXPECT_EQ(w.line, 3);
    EXPECT_EQ(w.key, "S7");
  }
}

TEST(OneVerdict, ImportKeepsWarningsTheDataAlreadyHadAndStoresCatalogueSpellings) {
  TempDir data, source;
  WriteBaseDir(data.path());
  AppendRow(data / "postype.csv", "KIOSK,Gone");  // already there: a warning, as on load
  WriteText(source / "computers.csv",
            "serial,computername,postype,setkeyboard,country,language,timezone\n"
            "S1,PC-01,accueil,fr-FR,fr,fr-FR,Romance Standard Time\n"
            "S2,PC-02,Accueil,fr-FR,fr,fr-FR,Romance Standard Time\n");
  auto plan = PlanImport(platform::PosixFs(), data.path(), source.path());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_EQ(plan->warnings[0].file, "postype.csv");
  EXPECT_EQ(plan->warnings[0].line, 4);
  // Re-importing the data's own postype.csv keeps its old problem a warning.
  WriteText(source / "postype.csv", ReadText(data / "postype.csv"));
  plan = PlanImport(platform::PosixFs(), data.path(), source.path());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // A new row gets the catalogue's spelling; an existing one whose value
  // differs only in case keeps its stored spelling (no spurious diff).
  const std::string& text = plan->files.at(TableId::kComputers);
  EXPECT_NE(text.find("S1,PC-01,ACCUEIL,fr-FR,FR,"), std::string::npos) << text;
  EXPECT_NE(text.find("S2,PC-02,ACCUEIL,fr-FR,FR,"), std::string::npos) << text;
  EXPECT_TRUE(plan->diffs[0].changed.empty()) << FormatPlan(*plan);
}

TEST(OneVerdict, ImportThatRemovesAnAppATypeUsesIsRefused) {
  TempDir data, source;
  WriteBaseDir(data.path());
  WriteText(source / "apps.csv",
            "name,url,script,reboot,allowed_countries,blocked_countries,allowed_models\n"
            "VLC,https://x/VLC,install.cmd,0,,,\n");
  ImportOptions replace;
  replace.mode = ImportMode::kReplace;  // a merge keeps Chrome
  auto plan = PlanImport(platform::PosixFs(), data.path(), source.path(), replace);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("postype.csv: line 3, column 2: (application) type 'ACCUEIL' names "
                                         "application 'Chrome' that apps.csv lacks"),
            std::string::npos)
      << plan.status().message();
  EXPECT_NE(plan.status().message().find("(after this import)"), std::string::npos);
}

TEST(OneVerdict, WarningsFollowTheFixThroughTheStore) {
  TempDir d;
  WriteBaseDir(d.path());
  AppendRow(d / "computers.csv", "S7,BE-R\xC3\xA9" "ception,ACCUEIL,,BE,,");
  AppendRow(d / "computers.csv", "S8,PC-08,BUREAU,,FR,,");
  auto store = OpenStore(d.path());
  ASSERT_NE(store, nullptr);
  ASSERT_EQ(store->Health().warnings.size(), 2u);

  // Another field of the bad row: refused until the name is fixed too.
  const model::Computer* s7 = store->Snapshot()->FindComputerBySerial("S7");
  model::Computer edit = *s7;
  edit.language = "fr-BE";
  auto refused = store->PutComputer(edit, s7->version);
  EXPECT_TRUE(HasPrefix(refused.status().message(), "computer_name: ")) << refused.status().ToString();
  edit.computer_name = "BE-RECEPTION";
  ASSERT_TRUE(store->PutComputer(edit, s7->version).ok());
  auto h = store->Health();
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].key, "S8");

  // Creating the type the row names clears its warning.
  ASSERT_TRUE(store->SetTypeApps("bureau", {"vlc"}, std::nullopt).ok());
  EXPECT_TRUE(store->Health().warnings.empty());
  EXPECT_EQ(store->Snapshot()->AppsOfType("BUREAU"), (std::vector<std::string>{"VLC"}));
}

TEST(OneVerdict, StoreWritesKeepTheCataloguesSpelling) {
  TempDir d;
  WriteBaseDir(d.path());
  auto store = OpenStore(d.path());
  ASSERT_NE(store, nullptr);
  model::Computer c = NewComputer("S9", "PC-09", "Accueil");
  c.country = "fr";
  auto stored = store->PutComputer(c, std::nullopt);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->type, "ACCUEIL");
  EXPECT_EQ(stored->country, "FR");
  EXPECT_NE(ReadText(d / "computers.csv").find("S9,PC-09,ACCUEIL,,FR,"), std::string::npos);
}

// ---- text in cells (model/text_rules.h) -------------------------------------------

TEST(TextRules, EveryStoreWriteRefusesWhatTheLoaderCannotReadAndFormulaIdentifiers) {
  struct Case {
    const char* name;
    std::function<Status(Store&)> write;
    const char* field;
  };
  auto computer = [](auto edit) {
    return [edit](Store& s) {
      model::Computer c = NewComputer("S9", "PC-09", "ACCUEIL");
      edit(c);
      return s.PutComputer(c, std::nullopt).status();
    };
  };
  const Case cases[] = {
      {"control char in language", computer([](auto& c) { c.language = "fr\x01"; }), "language"},
      {"DEL in timezone", computer([](auto& c) { c.timezone = "x\x7f"; }), "timezone"},
      {"NUL in notes", computer([](auto& c) { c.notes = std::string("a\0b", 3); }), "notes"},
      {"line break in notes", computer([](auto& c) { c.notes = "a\nb"; }), "notes"},
      {"invalid UTF-8 in mac", computer([](auto& c) { c.mac = "AA\xC3"; }), "mac"},
      {"formula serial", computer([](auto& c) { c.serial = "=HYPERLINK(\"x\")"; }), "serial"},
      {"formula keyboard", computer([](auto& c) { c.keyboard = "@SUM(A1)"; }), "keyboard"},
      {"control char in an app's script",
       [](Store& s) {
         model::App a;
         a.name = "Zoom";
         a.script = "install\x1b.cmd";
         return s.PutApp(a, std::nullopt).status();
       },
       "script"},
      {"formula app name",
       [](Store& s) {
         model::App a;
         a.name = "+Zoom";
         return s.PutApp(a, std::nullopt).status();
       },
       "name"},
      {"control char in a setting", [](Store& s) { return s.SetConfig("x-note", "a\x02"); }, "x-note"},
      {"formula setting key", [](Store& s) { return s.SetConfig("=x", "1"); }, "key"},
      {"control char in an event message",
       [](Store& s) {
         model::DeploymentEvent e;
         e.deployment_id = "d1";
         e.event_id = "e1";
         e.message = "oops\x07";
         return s.AppendEvent(e).status();
       },
       "message"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir d;
    WriteBaseDir(d.path());
    auto store = OpenStore(d.path());
    ASSERT_NE(store, nullptr);
    const std::string computers = ReadText(d / "computers.csv");
    Status st = c.write(*store);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
    EXPECT_TRUE(HasPrefix(st.message(), std::string(c.field) + ": ")) << st.message();
    EXPECT_EQ(ReadText(d / "computers.csv"), computers);
  }
}

TEST(TextRules, FreeTextStartingLikeAFormulaIsNeutralisedInTheFileAndRestoredOnLoad) {
  TempDir d;
  WriteBaseDir(d.path());
  {
    auto store = OpenStore(d.path());
    ASSERT_NE(store, nullptr);
    model::Computer c = NewComputer("S9", "PC-09", "ACCUEIL");
    c.notes = "=1+2";
    ASSERT_TRUE(store->PutComputer(c, std::nullopt).ok());
    ASSERT_TRUE(store->SetConfig("x-note", "-5 and '@x").ok());
    ASSERT_TRUE(store->SetConfig("x-quoted", "'=already quoted").ok());
    ASSERT_TRUE(store->Flush().ok());
  }
  const std::string computers = ReadText(d / "computers.csv");
  EXPECT_NE(computers.find(",'=1+2\n"), std::string::npos) << computers;
  const std::string config = ReadText(d / "config.csv");
  EXPECT_NE(config.find("x-note,'-5 and '@x\n"), std::string::npos) << config;
  EXPECT_NE(config.find("x-quoted,''=already quoted\n"), std::string::npos) << config;

  auto store = OpenStore(d.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Snapshot()->FindComputerBySerial("S9")->notes, "=1+2");
  EXPECT_EQ(store->Snapshot()->Config("x-note"), std::optional<std::string>("-5 and '@x"));
  EXPECT_EQ(store->Snapshot()->Config("x-quoted"), std::optional<std::string>("'=already quoted"));
  EXPECT_TRUE(store->Health().warnings.empty());
}

TEST(TextRules, AHandEditedFormulaIdentifierIsAWarningUntilAWriteFixesIt) {
  TempDir d;
  WriteBaseDir(d.path());
  AppendRow(d / "computers.csv", "S7,PC-07,ACCUEIL,@kbd,FR,,");
  auto store = OpenStore(d.path());
  ASSERT_NE(store, nullptr);
  auto h = store->Health();
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].line, 3);
  EXPECT_TRUE(HasPrefix(h.warnings[0].message, "(setkeyboard) starts with '@'")) << h.warnings[0].message;
  // A write to the row must fix it, as for names.
  model::Computer edit = *store->Snapshot()->FindComputerBySerial("S7");
  edit.language = "fr-FR";
  EXPECT_TRUE(HasPrefix(store->PutComputer(edit, edit.version).status().message(), "keyboard: starts with '@'"));
  edit.keyboard = "fr-FR";
  ASSERT_TRUE(store->PutComputer(edit, edit.version).ok());
  EXPECT_TRUE(store->Health().warnings.empty());
}

}  // namespace
}  // namespace provisiond::store

namespace provisiond::store {
namespace {

TEST(WriteRules, PrepareUserNetworkAndCredentialRefuseNamingTheField) {
  struct Case { const char* name; Status got; const char* field; };
  model::User bad_name{"a b", "", "admin", false, 1, {}};
  model::User formula{"=cmd", "", "admin", false, 1, {}};
  model::User bad_role{"ada", "", "root", false, 1, {}};
  model::Network bad_cidr{"10.0.0.0/33", "", "Allow", "", "", "", {}};
  model::Network bad_status{"10.0.0.0/8", "", "Deny", "", "", "", {}};
  model::Credential short_hash;
  short_hash.id = "tok-1";
  short_hash.kind = "token";
  short_hash.secret_hash = "abc";
  model::Credential bad_kind = short_hash;
  bad_kind.kind = "password";
  const Case cases[] = {
      {"space in name", PrepareUser(bad_name).status(), "username"},
      {"formula name", PrepareUser(formula).status(), "username"},
      {"unknown role", PrepareUser(bad_role).status(), "role"},
      {"bad cidr", PrepareNetwork(bad_cidr).status(), "network"},
      {"deny is not a status", PrepareNetwork(bad_status).status(), "status"},
      {"short hash", PrepareCredential(short_hash).status(), "secret_hash"},
      {"unknown kind", PrepareCredential(bad_kind).status(), "kind"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.got.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(c.got.field(), c.field) << c.got.ToString();
  }
  auto ok = PrepareUser({"  DOMAIN\\ada ", "", "Operator", false, 1, {}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->username, "DOMAIN\\ada");
  EXPECT_EQ(ok->role, "operator");
  auto net = PrepareNetwork({"10.0.0.0/8", "", "allow", "", "", "", {}});
  ASSERT_TRUE(net.ok());
  EXPECT_EQ(net->status, "Allow");
  EXPECT_EQ(net->kind, "manual");
}

}  // namespace
}  // namespace provisiond::store

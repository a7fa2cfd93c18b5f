#include "store/csv/transfer.h"

#include <gtest/gtest.h>

#include "platform/fs_faulty.h"
#include "store/testing/temp_dir_for_testing.h"

namespace provisiond::store {
namespace {

using testing::CopyDir;
using testing::OriginalSampleDir;
using testing::ReadText;
using testing::TempDir;
using testing::WriteText;

const TableDiff* DiffOf(const ImportPlan& p, TableId id) {
  for (const auto& d : p.diffs)
    if (d.table == id) return &d;
  return nullptr;
}

TEST(Export, NeutralisesFormulasAndWritesBom) {
  TempDir data, out;
  CopyDir(OriginalSampleDir(), data.path());
  WriteText(data / "computers.csv",
            "serial,computername,postype,setkeyboard,country,language,timezone,notes\n"
            "S1,=HYPERLINK(\"x\"),ACCUEIL,,FR,,,@SUM(A1)\n"
            "S2,pc2,ACCUEIL,,FR,,,-5\n");
  ExportOptions o;
  o.bom = true;
  ASSERT_TRUE(ExportData(platform::PosixFs(), data.path(), out / "x", o).ok());
  std::string text = ReadText(out / "x/computers.csv");
  EXPECT_EQ(text.rfind("\xEF\xBB\xBF", 0), 0u);
  EXPECT_NE(text.find("\"'=HYPERLINK(\"\"x\"\")\""), std::string::npos) << text;
  EXPECT_NE(text.find("'@SUM(A1)"), std::string::npos) << text;
  EXPECT_NE(text.find("'-5"), std::string::npos) << text;
  EXPECT_EQ(text.find(",=HYPERLINK"), std::string::npos);
}

TEST(Export, ZipThenImportGivesNoDiff) {
  TempDir data, out;
  CopyDir(OriginalSampleDir(), data.path());
  WriteText(data / "locales.csv", "country,language,keyboard,timezone\nFR,fr-FR,fr-FR,=cmd\n");
  ExportOptions o;
  o.bom = true;
  o.delimiter = ';';
  ASSERT_TRUE(ExportData(platform::PosixFs(), data.path(), out / "export.zip", o).ok());
  auto plan = PlanImport(platform::PosixFs(), data.path(), out / "export.zip");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->diffs.size(), 8u);  // every file of the original sample + locales.csv
  for (const auto& d : plan->diffs) EXPECT_TRUE(d.empty()) << FormatPlan(*plan);
}

TEST(Import, ReplaceDryRunShowsAddedChangedRemovedAndChangesNothing) {
  TempDir data, src;
  CopyDir(OriginalSampleDir(), data.path());
  const std::string before = ReadText(data / "computers.csv");
  // French Excel: ';', BOM, CRLF.
  WriteText(src / "computers.csv",
            "\xEF\xBB\xBFserial;computername;postype;setkeyboard;country;language;timezone;notes\r\n"
            "5CG6050PH9;manu16;ACCUEIL;fr-FR;FR;fr-FR;Romance Standard Time;\r\n"
            "NEW1;Poste-ete;ACCUEIL;de-DE;DE;de-DE;W. Europe Standard Time;Poste été\r\n");
  WriteText(src / "apps.csv",
            "name,url,script,reboot,allowed_countries,blocked_countries,allowed_models\n"
            "VLC,https://provision.infra-lab.fr/file/apps/VLC,install.cmd,0,,,\n");
  // The types stop listing the removed apps in the same import (else it is refused:
  // postype.csv would name apps apps.csv lacks).
  WriteText(src / "postype.csv", "postype,application\nAccueil,VLC\n");
  ImportOptions replace;
  replace.mode = ImportMode::kReplace;
  auto plan = PlanImport(platform::PosixFs(), data.path(), src.path(), replace);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const TableDiff* c = DiffOf(*plan, TableId::kComputers);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->added, (std::vector<std::string>{"NEW1"}));
  ASSERT_EQ(c->changed.size(), 1u);
  EXPECT_EQ(c->changed[0].key, "5CG6050PH9");
  EXPECT_EQ(c->changed[0].fields, (std::vector<FieldChange>{{"computername", "manu15", "manu16"}}));
  EXPECT_TRUE(c->removed.empty());
  const TableDiff* a = DiffOf(*plan, TableId::kApps);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->removed, (std::vector<std::string>{"PostypeGUIstart", "NotepadPlusPlus"}));
  std::string text = FormatPlan(*plan);
  EXPECT_NE(text.find("~ 5CG6050PH9: computername 'manu15' -> 'manu16'"), std::string::npos) << text;
  EXPECT_NE(text.find("+ NEW1"), std::string::npos) << text;
  EXPECT_NE(text.find("  - apps.csv: NotepadPlusPlus\n"), std::string::npos) << text;
  EXPECT_EQ(ReadText(data / "computers.csv"), before);  // planning changes nothing
}

TEST(Import, InvalidFileRefusesWholeImport) {
  TempDir data, src;
  CopyDir(OriginalSampleDir(), data.path());
  WriteText(src / "computers.csv", "serial,computername,postype,setkeyboard,country,language,timezone\nA,,,,,,\n");
  WriteText(src / "drivers.csv",
            "model_regex,os_regex,url,bundle_id,min_ram_gb,min_disk_gb,min_cpu_count\n(?=x),,,,,,\n");
  auto plan = PlanImport(platform::PosixFs(), data.path(), src.path());
  ASSERT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(plan.status().message().find("drivers.csv: line 2, column 1"), std::string::npos)
      << plan.status().message();
}

TEST(Import, ApplyIsAllOrNothingUnderFaults) {
  TempDir data, src;
  CopyDir(OriginalSampleDir(), data.path());
  WriteText(src / "computers.csv",
            "serial,computername,postype,setkeyboard,country,language,timezone\nNEW,pc,ACCUEIL,,,,\n");
  WriteText(src / "users.csv", "username,password_hash\nadmin,\nbob,\n");
  auto plan = PlanImport(platform::PosixFs(), data.path(), src.path());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const std::string c0 = ReadText(data / "computers.csv"), u0 = ReadText(data / "users.csv");
  platform::FaultyFs fs(platform::PosixFs());
  for (uint64_t n = 0;; ++n) {
    SCOPED_TRACE("failing step " + std::to_string(n));
    fs.FailAt(n);
    Status s = ApplyImport(fs, data.path(), *plan);
    fs.Disarm();
    if (s.ok()) break;
    EXPECT_EQ(ReadText(data / "computers.csv"), c0);
    EXPECT_EQ(ReadText(data / "users.csv"), u0);
    ASSERT_LT(n, 50u);
  }
  EXPECT_NE(ReadText(data / "computers.csv").find("NEW,pc"), std::string::npos);
  EXPECT_NE(ReadText(data / "users.csv").find("bob"), std::string::npos);
}

// ---- import modes ---------------------------------------------------------

// The original sample with three computers (S1 has a note) and a postype.csv
// whose apps all exist, so that plans carry no warning.
void WriteModesFixture(const TempDir& data) {
  CopyDir(OriginalSampleDir(), data.path());
  WriteText(data / "computers.csv",
            "serial,computername,postype,setkeyboard,country,language,timezone,notes\n"
            "S1,pc1,ACCUEIL,fr-FR,FR,fr-FR,Romance Standard Time,desk 4\n"
            "S2,pc2,ACCUEIL,,FR,,,\n"
            "S3,pc3,ACCUEIL,,FR,,,\n");
  WriteText(data / "postype.csv", "postype,application\nACCUEIL,PostypeGUIstart\nACCUEIL,VLC\nDEV,VLC\n");
}

// One changed and one new computer, as French Excel saves them (';', BOM,
// CRLF), original columns only.
constexpr const char* kNewPcs =
    "\xEF\xBB\xBFserial;computername;postype;setkeyboard;country;language;timezone\r\n"
    "s1;pc1-renamed;ACCUEIL;fr-FR;FR;fr-FR;Romance Standard Time\r\n"
    "S4;pc4;ACCUEIL;;DE;;\r\n";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

TEST(ImportModes, MergeUpdatesAndAddsRemovesNothingAndKeepsOtherColumns) {
  TempDir data, src;
  WriteModesFixture(data);
  WriteText(src / "new-pcs.csv", kNewPcs);
  auto plan = PlanImport(platform::PosixFs(), data.path(), src / "new-pcs.csv");  // merge is the default
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(Lines(FormatPlan(*plan)),
            (std::vector<std::string>{
                "import mode: merge (rows are added or updated by key; no row is removed)",
                "computers.csv: 1 added, 1 changed, 0 removed, 2 kept",
                "  + S4",
                "  ~ S1: computername 'pc1' -> 'pc1-renamed'",
                "",
                "REMOVED: 0 rows (merge mode keeps the 2 rows the import does not name; mode replace would remove "
                "them)",
            }));
  ASSERT_TRUE(ApplyImport(platform::PosixFs(), data.path(), *plan).ok());
  // S1's note is in no column of the import: kept. Its serial keeps the
  // stored spelling (the key), its name is the import's.
  EXPECT_EQ(ReadText(data / "computers.csv"),
            "serial,computername,postype,setkeyboard,country,language,timezone,notes\n"
            "S1,pc1-renamed,ACCUEIL,fr-FR,FR,fr-FR,Romance Standard Time,desk 4\n"
            "S2,pc2,ACCUEIL,,FR,,,\n"
            "S3,pc3,ACCUEIL,,FR,,,\n"
            "S4,pc4,ACCUEIL,,DE,,,\n");
}

TEST(ImportModes, ExcelBlankRowsImportAndTheDataFileKeepsItsOwnFormat) {
  TempDir data, src;
  WriteModesFixture(data);
  // The data file was saved by Excel ('; BOM CRLF', a blank row); the import
  // has blank rows and empty columns of its own, and is ',' LF.
  WriteText(data / "computers.csv",
            "\xEF\xBB\xBF"
            "serial;computername;postype;setkeyboard;country;language;timezone;notes\r\n"
            "S1;pc1;ACCUEIL;fr-FR;FR;fr-FR;Romance Standard Time;desk 4\r\n"
            ";;;;;;;\r\n"
            "S2;pc2;ACCUEIL;;FR;;;\r\n");
  WriteText(src / "new-pcs.csv",
            "serial,computername,postype,setkeyboard,country,language,timezone,,\n"
            ",,,,,,,,\n"
            "S1,pc1-renamed,ACCUEIL,fr-FR,FR,fr-FR,Romance Standard Time,,\n"
            ",,,,,,,,\n"
            "S4,pc4,ACCUEIL,,DE,,,,\n");
  auto plan = PlanImport(platform::PosixFs(), data.path(), src / "new-pcs.csv");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const std::string text = FormatPlan(*plan);
  EXPECT_NE(text.find("computers.csv: 1 added, 1 changed, 0 removed, 1 kept"), std::string::npos) << text;
  EXPECT_EQ(text.find("blank row"), std::string::npos) << text;  // the file written has none
  ASSERT_TRUE(ApplyImport(platform::PosixFs(), data.path(), *plan).ok());
  EXPECT_EQ(ReadText(data / "computers.csv"),
            "\xEF\xBB\xBF"
            "serial;computername;postype;setkeyboard;country;language;timezone;notes\r\n"
            "S1;pc1-renamed;ACCUEIL;fr-FR;FR;fr-FR;Romance Standard Time;desk 4\r\n"
            "S2;pc2;ACCUEIL;;FR;;;\r\n"
            "S4;pc4;ACCUEIL;;DE;;;\r\n");
}

TEST(ImportModes, ReplaceListsRemovalsInTheirOwnBlock) {
  TempDir data, src;
  WriteModesFixture(data);
  WriteText(src / "new-pcs.csv", kNewPcs);
  ImportOptions o;
  o.mode = ImportMode::kReplace;
  auto plan = PlanImport(platform::PosixFs(), data.path(), src / "new-pcs.csv", o);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(Lines(FormatPlan(*plan)),
            (std::vector<std::string>{
                "import mode: replace (each imported table replaces the current one; rows not in the import are "
                "removed)",
                "computers.csv: 1 added, 1 changed, 2 removed",
                "  + S4",
                "  ~ S1: serial 'S1' -> 's1'; computername 'pc1' -> 'pc1-renamed'; notes 'desk 4' -> ''",
                "",
                "REMOVED: 2 rows (replace mode): in the data directory but not in the import, they will be deleted",
                "  - computers.csv: S2",
                "  - computers.csv: S3",
            }));
  ASSERT_TRUE(ApplyImport(platform::PosixFs(), data.path(), *plan).ok());
  EXPECT_EQ(ReadText(data / "computers.csv"),
            "serial,computername,postype,setkeyboard,country,language,timezone\n"
            "s1,pc1-renamed,ACCUEIL,fr-FR,FR,fr-FR,Romance Standard Time\n"
            "S4,pc4,ACCUEIL,,DE,,\n");
}

TEST(ImportModes, MergeOfPostypePutsNewRowsInTheirTypesBlock) {
  TempDir data, src;
  WriteModesFixture(data);
  WriteText(src / "postype.csv", "postype,application\nNEW,VLC\naccueil,NotepadPlusPlus\nDEV,VLC\n");
  auto plan = PlanImport(platform::PosixFs(), data.path(), src.path());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const TableDiff* d = DiffOf(*plan, TableId::kTypeApps);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->kept, 2u);  // ACCUEIL PostypeGUIstart, ACCUEIL VLC
  EXPECT_TRUE(d->removed.empty());
  ASSERT_TRUE(ApplyImport(platform::PosixFs(), data.path(), *plan).ok());
  EXPECT_EQ(ReadText(data / "postype.csv"),
            "postype,application\nACCUEIL,PostypeGUIstart\nACCUEIL,VLC\naccueil,NotepadPlusPlus\nDEV,VLC\n"
            "NEW,VLC\n");
}

TEST(ImportModes, MergeOfDriversMatchesRulesByModelOsAndUrl) {
  TempDir data, src;
  WriteModesFixture(data);
  // Row 2 of the sample with another bundle_id, and a new rule.
  WriteText(src / "drivers.csv",
            "model_regex,os_regex,url,bundle_id,min_ram_gb,min_disk_gb,min_cpu_count\n"
            "(?i)virtual,\\bWindows\\s+10\\s+Enterprise\\s+LTSC\\b,%DeployRoot%\\Applications\\DRIVERS\\CASHTILLS"
            "\\WINCOR NIXDORF\\M2\\Win10Client~X64~WINCOR NIXDORF~M2_2025_06_V1.exe,7,,,\n"
            "(?i)latitude,,https://files.example/dell.zip,,8,,\n");
  auto plan = PlanImport(platform::PosixFs(), data.path(), src.path());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const TableDiff* d = DiffOf(*plan, TableId::kDrivers);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->added, (std::vector<std::string>{"row 10 ((?i)latitude)"}));
  ASSERT_EQ(d->changed.size(), 1u);
  EXPECT_EQ(d->changed[0].key, "row 2 ((?i)virtual)");
  EXPECT_EQ(d->changed[0].fields, (std::vector<FieldChange>{{"bundle_id", "6", "7"}}));
  EXPECT_EQ(d->kept, 8u);
}

TEST(ImportModes, SingleFileTableFromHeaderOrNamed) {
  TempDir data, src;
  WriteModesFixture(data);
  // Any file name: the header says apps.csv.
  WriteText(src / "export from excel.csv",
            "name,url,script,reboot,allowed_countries,blocked_countries,allowed_models\n"
            "7zip,https://files.example/7zip,install.cmd,0,,,\n");
  auto plan = PlanImport(platform::PosixFs(), data.path(), src / "export from excel.csv");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->diffs.size(), 1u);
  EXPECT_EQ(plan->diffs[0].table, TableId::kApps);
  EXPECT_EQ(plan->diffs[0].added, (std::vector<std::string>{"7zip"}));
  EXPECT_EQ(plan->diffs[0].kept, 3u);

  // Only the key and the columns to change: a merge (the table found from
  // its key column); the other columns keep their values, a new row's are empty.
  WriteText(src / "names.csv", "serial,computername\ns2,pc2-new\nS9,pc9\n");
  plan = PlanImport(platform::PosixFs(), data.path(), src / "names.csv");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(Lines(FormatPlan(*plan))[1], "computers.csv: 1 added, 1 changed, 0 removed, 2 kept");
  EXPECT_NE(plan->files.at(TableId::kComputers).find("S2,pc2-new,ACCUEIL,,FR,,,\n"), std::string::npos);
  EXPECT_NE(plan->files.at(TableId::kComputers).find("S9,pc9,,,,,,\n"), std::string::npos);
  // Its rows are checked with their own lines and columns.
  WriteText(src / "bad-name.csv", "computername,serial\nok-1,S1\nbad_name,S2\n");
  plan = PlanImport(platform::PosixFs(), data.path(), src / "bad-name.csv");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("bad-name.csv (as computers.csv): line 3, column 1: (computername) "
                                         "computer name 'bad_name'"),
            std::string::npos)
      << plan.status().message();
  // A merge needs the key.
  WriteText(src / "nokey.csv", "computername,postype\npc9,ACCUEIL\n");
  ImportOptions as_computers;
  as_computers.table = TableId::kComputers;
  plan = PlanImport(platform::PosixFs(), data.path(), src / "nokey.csv", as_computers);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("nokey.csv (as computers.csv): line 1: a merge needs the key column(s) "
                                         "serial"),
            std::string::npos)
      << plan.status().message();

  // A header that fits no table: named, the file's own errors name it (replace needs every column).
  WriteText(src / "pcs.txt", "serial,computername,postype\nS9,pc9,ACCUEIL\n");
  ImportOptions o;
  o.table = TableId::kComputers;
  o.mode = ImportMode::kReplace;
  auto named = PlanImport(platform::PosixFs(), data.path(), src / "pcs.txt", o);
  ASSERT_EQ(named.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(named.status().message().find("pcs.txt (as computers.csv): line 1: missing required column 'setkeyboard'"),
            std::string::npos)
      << named.status().message();
}

TEST(ImportModes, SourceAndTableErrors) {
  TempDir data, src;
  WriteModesFixture(data);
  WriteText(src / "pcs.csv", "serial,computername,postype,country\nS9,pc9,ACCUEIL,FR\n");
  WriteText(src / "dup.csv",
            "serial,computername,postype,setkeyboard,country,language,timezone\nA,pa,ACCUEIL,,,,\na,pb,ACCUEIL,,,,\n");
  ImportOptions with_table;
  with_table.table = TableId::kComputers;
  struct Case {
    const char* name;
    std::string source;
    ImportOptions options;
    StatusCode code;
    const char* words;
  } cases[] = {
      {"header fits no table", src / "pcs.csv", {}, StatusCode::kInvalidArgument,
       "pcs.csv: cannot tell which table its header (serial,computername,postype,country) is for: it has the "
       "columns of no table (closest: computers.csv, which also needs setkeyboard,language,timezone); name the "
       "table (import --table NAME, one of: computers, apps, postype, drivers, config, locales, networks, users, credentials)"},
      {"table named for a directory", src.path(), with_table, StatusCode::kInvalidArgument,
       "a table is named only for a single CSV file; the files of a directory are matched by name"},
      {"missing source", src / "nope.csv", {}, StatusCode::kNotFound, "nope.csv: no such file or directory"},
      {"duplicate key in the import names its line", src / "dup.csv", {}, StatusCode::kInvalidArgument,
       "dup.csv (as computers.csv): line 3"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto plan = PlanImport(platform::PosixFs(), data.path(), c.source, c.options);
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), c.code);
    EXPECT_NE(plan.status().message().find(c.words), std::string::npos) << plan.status().message();
  }
}

TEST(ImportModes, MergeNeedsTheCurrentFileValidReplaceDoesNot) {
  TempDir data, src;
  WriteModesFixture(data);
  WriteText(data / "apps.csv", "name,url\nbroken,x\n");  // required columns missing
  WriteText(src / "apps.csv",
            "name,url,script,reboot,allowed_countries,blocked_countries,allowed_models\n"
            "VLC,https://files.example/vlc,install.cmd,0,,,\n");
  auto merge = PlanImport(platform::PosixFs(), data.path(), src.path());
  ASSERT_EQ(merge.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(merge.status().message().find("a merge needs the current file valid"), std::string::npos)
      << merge.status().message();
  ImportOptions o;
  o.mode = ImportMode::kReplace;
  auto replace = PlanImport(platform::PosixFs(), data.path(), src.path(), o);
  EXPECT_TRUE(replace.ok()) << replace.status().ToString();
}

TEST(ImportModes, ModeAndTableNames) {
  EXPECT_EQ(*ParseImportMode("Replace"), ImportMode::kReplace);
  EXPECT_EQ(*ParseImportMode("merge"), ImportMode::kMerge);
  auto bad_mode = ParseImportMode("upsert");
  ASSERT_EQ(bad_mode.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_mode.status().message().find("unknown import mode 'upsert'; use merge"), std::string::npos);
  EXPECT_EQ(*ParseTableName("Computers"), TableId::kComputers);
  EXPECT_EQ(*ParseTableName("postype.csv"), TableId::kTypeApps);
  auto bad_table = ParseTableName("pcs");
  ASSERT_EQ(bad_table.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_table.status().message(),
            "unknown table 'pcs'; use one of: computers, apps, postype, drivers, config, locales, networks, users, credentials");
}

TEST(ImportModes, AMergeIntoAnEmptyDirectorySeesTheTypesAndAppsItBrings) {
  TempDir empty, src;
  // Computers naming a type, the type naming an app: all three new.
  WriteText(src / "computers.csv", "serial,computername,postype,setkeyboard,country,language,timezone\n"
                                   "S1,PC-1,Accueil,,FR,,\n");
  WriteText(src / "postype.csv", "postype,application\nAccueil,VLC\n");
  WriteText(src / "apps.csv", "name,url,script,reboot\nVLC,https://x.invalid/vlc,install.cmd,no\n");
  auto plan = PlanImport(platform::PosixFs(), empty.path(), src.path());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_NE(DiffOf(*plan, TableId::kComputers), nullptr);
  EXPECT_EQ(DiffOf(*plan, TableId::kComputers)->added, (std::vector<std::string>{"S1"}));
  EXPECT_NE(plan->files.at(TableId::kComputers).find("S1,PC-1,Accueil"), std::string::npos);
}

TEST(ImportModes, AsIsKeepsSpellingsAndTheSourcesDanglingAppsButRefusesEveryOtherRule) {
  TempDir empty, src;
  CopyDir(OriginalSampleDir(), src.path());
  // The original's sample: postype names apps its apps.csv lacks (a warning
  // its CSV store serves), and computers write the type ACCUEIL for Accueil.
  auto strict = PlanImport(platform::PosixFs(), empty.path(), src.path());
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().message().find("apps.csv lacks"), std::string::npos) << strict.status().message();
  ImportOptions as_is;
  as_is.as_is = true;
  auto moved = PlanImport(platform::PosixFs(), empty.path(), src.path(), as_is);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_NE(moved->files.at(TableId::kComputers).find(",ACCUEIL,"), std::string::npos)
      << moved->files.at(TableId::kComputers);
  EXPECT_FALSE(moved->warnings.empty());  // the dangling apps, still reported
  // A row the source breaks otherwise is refused, with its file and line.
  WriteText(src / "computers.csv", ReadText(src / "computers.csv") + "BAD-1,BAD NAME,Accueil,,FR,,\n");
  auto bad = PlanImport(platform::PosixFs(), empty.path(), src.path(), as_is);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("computers.csv: line 3"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace provisiond::store

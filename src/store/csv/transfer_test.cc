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

TEST(Import, DryRunShowsAddedChangedRemovedAndChangesNothing) {
  TempDir data, src;
  CopyDir(OriginalSampleDir(), data.path());
  const std::string before = ReadText(data / "computers.csv");
  // French Excel: ';', BOM, CRLF.
  WriteText(src / "computers.csv",
            "\xEF\xBB\xBFserial;computername;postype;setkeyboard;country;language;timezone\r\n"
            "5CG6050PH9;manu16;ACCUEIL;fr-FR;FR;fr-FR;Romance Standard Time\r\n"
            "NEW1;Poste été;ACCUEIL;de-DE;DE;de-DE;W. Europe Standard Time\r\n");
  WriteText(src / "apps.csv",
            "name,url,script,reboot,allowed_countries,blocked_countries,allowed_models\n"
            "VLC,https://provision.infra-lab.fr/file/apps/VLC,install.cmd,0,,,\n");
  auto plan = PlanImport(platform::PosixFs(), data.path(), src.path());
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
  EXPECT_NE(text.find("- NotepadPlusPlus"), std::string::npos) << text;
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

}  // namespace
}  // namespace provisiond::store

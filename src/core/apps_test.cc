#include "core/apps.h"

#include <gtest/gtest.h>

#include "core/test_tables.h"

namespace provisiond::core {
namespace {

using testing::MakeApp;
using testing::Re;

model::Tables AppTables() {
  model::Tables t;
  t.type_apps = {{"Caisse", "Base", {}},     {"CAISSE", "Missing", {}}, {"caisse", "OnlyFR", {}},
                 {"Caisse", "NotBE", {}},    {"Caisse", "HPOnly", {}},  {"Caisse", "Off", {}},
                 {"Caisse", "Win11", {}},    {"Caisse", "Share", {}},   {"Caisse", "Rel", {}},
                 {"Bureau", "Base", {}}};
  t.apps = {
      MakeApp("Base", "https://cdn.example/base", "install.cmd"),
      MakeApp("OnlyFR", R"(%DeployRoot%\Apps\OnlyFR)", "setup.ps1", true, "fr;BE", "BE"),
      MakeApp("NotBE", "http://old.example/notbe", "install.cmd", false, "", "be"),
      MakeApp("HPOnly", "[baseurl]/file/apps/HPOnly", "install.cmd", false, "", "",
              R"((?i)\bHP\b;EliteBook)"),
      MakeApp("Off", "https://cdn.example/off", "install.cmd"),
      MakeApp("Win11", "/file/apps/Win11", "install.cmd"),
      MakeApp("Share", R"(\\srv\%Site%\Share)", "install.cmd"),
      MakeApp("Rel", R"(C:\provision\OtherFiles\Rel)", "install.cmd"),
  };
  t.apps[4].enabled = false;
  t.apps[5].os_filter = Re(R"(Windows\s+11)");
  t.apps[0].install_args = " /S /norestart ";
  t.apps[0].success_codes = {0, 1641, 3010};
  t.BuildIndexes();
  return t;
}

std::vector<std::string> Names(const std::vector<PlannedApp>& apps) {
  std::vector<std::string> out;
  for (const auto& a : apps) out.push_back(a.name);
  return out;
}

TEST(PlanApps, FiltersByEnabledModelCountryAndOs) {
  model::Tables t = AppTables();
  struct Case {
    const char* name;
    AppContext ctx;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {"FR HP Windows 11", {"caisse", "fr", "HP EliteBook 840 G2", "Microsoft Windows 11 Enterprise", {}, ""},
       {"Base", "OnlyFR", "NotBE", "HPOnly", "Win11", "Share", "Rel"}},
      {"BE: allow list holds BE but block list wins; NotBE blocked",
       {"CAISSE", "BE", "Dell Latitude", "Windows 10", {}, ""}, {"Base", "Share", "Rel"}},
      {"DE: not in OnlyFR allow list", {"Caisse", "DE", "elitebook x360", "", {}, ""},
       {"Base", "NotBE", "HPOnly", "Win11", "Share", "Rel"}},
      {"empty country fails allow list only", {"Caisse", "", "", "", {}, ""},
       {"Base", "NotBE", "Win11", "Share", "Rel"}},
      {"\\b: HPE is not HP", {"Caisse", "FR", "HPE ProLiant", "", {}, ""},
       {"Base", "OnlyFR", "NotBE", "Win11", "Share", "Rel"}},
      {"other type", {"bureau", "FR", "", "", {}, ""}, {"Base"}},
      {"unknown type", {"Nope", "FR", "", "", {}, ""}, {}},
      {"no type", {"", "FR", "", "", {}, ""}, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Names(PlanApps(t, c.ctx)), c.want);
  }
}

TEST(PlanApps, ResolvesSourcesCommandsAndOrder) {
  model::Tables t = AppTables();
  AppContext ctx{"Caisse", "FR", "HP EliteBook", "Windows 11", {{"DeployRoot", R"(\\srv\dep)"}},
                 "https://prov:12176"};
  Explain explain;
  auto apps = PlanApps(t, ctx, &explain);
  ASSERT_EQ(apps.size(), 7u);
  struct Want { const char* name; int order; SourceKind kind; const char* path; const char* cmd; };
  const Want wants[] = {
      {"Base", 1, SourceKind::kHttps, "https://cdn.example/base", "install.cmd /S /norestart"},
      {"OnlyFR", 2, SourceKind::kUnc, R"(\\srv\dep\Apps\OnlyFR)", "setup.ps1"},
      {"NotBE", 3, SourceKind::kHttp, "http://old.example/notbe", "install.cmd"},
      {"HPOnly", 4, SourceKind::kServiceRelative, "https://prov:12176/file/apps/HPOnly", "install.cmd"},
      {"Win11", 5, SourceKind::kServiceRelative, "https://prov:12176/file/apps/Win11", "install.cmd"},
      {"Share", 6, SourceKind::kUnc, R"(\\srv\%Site%\Share)", "install.cmd"},
      {"Rel", 7, SourceKind::kLocal, R"(C:\provision\OtherFiles\Rel)", "install.cmd"},
  };
  for (size_t i = 0; i < apps.size(); ++i) {
    SCOPED_TRACE(wants[i].name);
    EXPECT_EQ(apps[i].name, wants[i].name);
    EXPECT_EQ(apps[i].order, wants[i].order);
    EXPECT_EQ(apps[i].source_kind, wants[i].kind);
    EXPECT_EQ(apps[i].path, wants[i].path);
    EXPECT_EQ(apps[i].install_command, wants[i].cmd);
  }
  EXPECT_EQ(apps[0].success_codes, (std::vector<int>{0, 1641, 3010}));
  EXPECT_EQ(apps[1].success_codes, (std::vector<int>{0, 3010}));
  EXPECT_EQ(apps[1].reboot, model::Reboot::kYes);
  EXPECT_EQ(apps[0].reboot, model::Reboot::kNo);
  EXPECT_EQ(apps[5].unknown_variables, std::vector<std::string>{"Site"});

  // One explain entry per listed app, dangling and disabled included.
  ASSERT_EQ(explain.size(), 9u);
  EXPECT_EQ(explain[1].subject, "Missing");
  EXPECT_FALSE(explain[1].matched);
  EXPECT_NE(explain[1].reason.find("dangling"), std::string::npos);
  EXPECT_EQ(explain[5].subject, "Off");
  EXPECT_EQ(explain[5].reason, "disabled in apps.csv");
  EXPECT_EQ(explain[7].subject, "Share");
  EXPECT_NE(explain[7].reason.find("unknown variables left in path: %Site%"), std::string::npos)
      << explain[7].reason;
}

TEST(PlanApps, OsFilterMismatchExplained) {
  model::Tables t = AppTables();
  Explain explain;
  auto apps = PlanApps(t, {"Caisse", "FR", "HP", "Windows 10 Enterprise", {}, ""}, &explain);
  EXPECT_EQ(Names(apps), (std::vector<std::string>{"Base", "OnlyFR", "NotBE", "HPOnly", "Share", "Rel"}));
  EXPECT_EQ(explain[6].subject, "Win11");
  EXPECT_NE(explain[6].reason.find("does not match os_filter"), std::string::npos) << explain[6].reason;
}

TEST(LegacyGetApps, OriginalShape) {
  model::Tables t = AppTables();
  auto rows = LegacyGetApps(t, "caisse", "fr", "HP EliteBook", "https://prov");
  ASSERT_EQ(rows.size(), 7u);  // os_filter not applied: Win11 is listed
  EXPECT_EQ(rows[0], (LegacyApp{"Base", "https://cdn.example/base", "install.cmd", 1, false, "app"}));
  EXPECT_EQ(rows[1], (LegacyApp{"OnlyFR", R"(%DeployRoot%\Apps\OnlyFR)", "setup.ps1", 2, true, "app"}));
  EXPECT_EQ(rows[3].url, "https://prov/file/apps/HPOnly");
  EXPECT_EQ(rows[4].name, "Win11");
  EXPECT_TRUE(LegacyGetApps(t, "", "FR", "", "").empty());
}

TEST(LegacyGetApps, OriginalSampleSkipsDanglingChrome) {
  model::Tables t = testing::OriginalTables();
  auto rows = LegacyGetApps(t, "ACCUEIL", "FR", "HP EliteBook 840 G2", "https://prov");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "PostypeGUIstart");
  EXPECT_EQ(rows[0].script, "tanium.cmd");
  EXPECT_EQ(rows[0].order, 1);
  EXPECT_EQ(rows[2].name, "VLC");
  EXPECT_EQ(rows[2].order, 3);
}

}  // namespace
}  // namespace provisiond::core

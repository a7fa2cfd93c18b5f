#include "core/plan_index.h"

#include <gtest/gtest.h>

#include "core/plan.h"
#include "core/test_tables.h"

namespace provisiond::core {
namespace {

using testing::Driver;
using testing::MakeApp;
using testing::OriginalTables;

std::vector<std::string> Names(const std::vector<PlanIndex::TypeApp>& apps) {
  std::vector<std::string> out;
  for (const auto& a : apps) out.push_back(std::string(a.name) + (a.app ? "" : "(dangling)"));
  return out;
}

TEST(PlanIndex, AppsOfTypeMatchTheTablesLookupsInOrder) {
  model::Tables t = OriginalTables();
  t.type_apps.push_back({" DEV ", "VLC", {}});
  t.type_apps.push_back({"accueil", "vlc", {}});  // same type, other spelling: appended to it
  t.BuildIndexes();
  PlanIndex index(t);
  struct Case {
    const char* name;
    std::string type;
    std::vector<std::string> want;
  } cases[] = {
      {"first-seen spelling", "Accueil",
       {"GoogleChromeEnterprise(dangling)", "PostypeGUIstart", "NotepadPlusPlus", "VLC", "vlc"}},
      {"other case, padded", "  ACCUEIL ", {"GoogleChromeEnterprise(dangling)", "PostypeGUIstart",
                                           "NotepadPlusPlus", "VLC", "vlc"}},
      {"type written with spaces", "dev", {"VLC"}},
      {"unknown type", "KIOSK", {}},
      {"empty type", "", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Names(index.AppsOfType(c.type)), c.want);
    // Same rows as the per-call lookups it replaces.
    std::vector<std::string> want_lookup;
    for (const auto& n : t.AppsOfType(c.type)) want_lookup.push_back(n + (t.FindApp(n) ? "" : "(dangling)"));
    EXPECT_EQ(Names(index.AppsOfType(c.type)), want_lookup);
  }
  for (const auto& a : index.AppsOfType("accueil")) {
    if (a.app) {
      EXPECT_EQ(a.app, t.FindApp(a.name));  // points into the tables, no copy
    }
  }
}

TEST(PlanIndex, DriversOrderedByPriorityThenId) {
  model::Tables t;
  t.drivers = {Driver(1, "a", "", "u1", "", "", "", "", 5), Driver(2, "b", "", "u2", "", "", "", "", 0),
               Driver(3, "c", "", "u3", "", "", "", "", 5, false), Driver(4, "d", "", "u4", "", "", "", "", -1)};
  t.BuildIndexes();
  PlanIndex index(t);
  std::vector<uint64_t> ids;
  for (const auto* r : index.OrderedDrivers()) ids.push_back(r->id);
  EXPECT_EQ(ids, (std::vector<uint64_t>{4, 2, 1, 3}));  // disabled rows kept: explain names them
}

TEST(PlanIndex, ResolveGivesTheSamePlanWithOrWithoutAnIndex) {
  model::Tables t = OriginalTables();
  t.apps.push_back(MakeApp("Share", R"(%DeployRoot%\Apps\%Site%\x)", "install.cmd"));
  t.apps.push_back(MakeApp("Kiosk", "/file/apps/Kiosk", "install.cmd"));
  t.type_apps.push_back({"Accueil", "Share", {}});
  t.type_apps.push_back({"Accueil", "Kiosk", {}});
  t.config.push_back({"deploy_root", R"(\\srv\deploy$)"});
  t.BuildIndexes();
  model::Tables other = OriginalTables();  // an index of other tables is not used
  PlanIndex index(t);
  PlanIndex other_index(other);
  for (bool explain : {false, true}) {
    for (const char* serial : {"5CG6050PH9", "UNKNOWN1"}) {
      SCOPED_TRACE(std::string(serial) + (explain ? " explain" : ""));
      Facts f{.serial = serial, .model = "HP EliteBook 840 G2", .os_name = "Microsoft Windows 10 Enterprise LTSC",
              .ram_gb = 16};
      ResolveOptions o;
      o.base_url = "https://prov:12176";
      o.explain = explain;
      auto without = Resolve(f, t, o);
      o.index = &index;
      auto with = Resolve(f, t, o);
      o.index = &other_index;
      auto mismatched = Resolve(f, t, o);
      ASSERT_TRUE(without.ok() && with.ok() && mismatched.ok());
      EXPECT_EQ(*with, *without);
      EXPECT_EQ(*mismatched, *without);
      EXPECT_EQ(with->apps.size(), with->computer ? 5u : 0u);  // an unknown device has no type
      EXPECT_EQ(explain, !with->explain.empty());
    }
  }
}

}  // namespace
}  // namespace provisiond::core

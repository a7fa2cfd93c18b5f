#include "core/used_values.h"

#include <gtest/gtest.h>

#include "core/test_tables.h"

namespace provisiond::core {
namespace {

using testing::MakeComputer;

}  // namespace

// Readable failures for UsedValue lists.
void PrintTo(const UsedValue& v, std::ostream* os) { *os << v.value << "=" << v.count; }

namespace {

TEST(ListUsed, GroupsSortsAndCounts) {
  model::Tables t;
  t.computers = {MakeComputer("1", "a", "ACCUEIL", "fr-FR", "FR", "fr-FR", "Romance Standard Time"),
                 MakeComputer("2", "b", "Caisse", "fr-FR", "fr", "fr-FR", ""),
                 MakeComputer("3", "c", "ACCUEIL", "", " BE ", "nl-BE", "Romance Standard Time"),
                 MakeComputer("4", "d", "", "", "", "", "")};
  struct Case { const char* name; bool lower; std::vector<UsedValue> countries; std::vector<UsedValue> types; };
  const Case cases[] = {
      {"exact", false, {{"BE", 1}, {"FR", 1}, {"fr", 1}}, {{"ACCUEIL", 2}, {"Caisse", 1}}},
      {"lower", true, {{"be", 1}, {"fr", 2}}, {{"accueil", 2}, {"caisse", 1}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    UsedValues u = ListUsed(t, {c.lower});
    EXPECT_EQ(u.countries, c.countries);
    EXPECT_EQ(u.types, c.types);
    EXPECT_EQ(u.keyboards.size(), 1u);
    EXPECT_EQ(u.keyboards[0].count, 2);
    EXPECT_EQ(u.timezones, (std::vector<UsedValue>{
                               {c.lower ? "romance standard time" : "Romance Standard Time", 2}}));
    EXPECT_EQ(u.languages.size(), 2u);
  }
}

TEST(TypeCatalog, FirstSeenOrderWithApps) {
  model::Tables t;
  t.type_apps = {{"Caisse", "A", {}}, {"Accueil", "B", {}}, {"CAISSE", "C", {}}, {"accueil", "D", {}}};
  auto cat = TypeCatalog(t);
  ASSERT_EQ(cat.size(), 2u);
  EXPECT_EQ(cat[0], (TypeEntry{"Caisse", {"A", "C"}}));
  EXPECT_EQ(cat[1], (TypeEntry{"Accueil", {"B", "D"}}));
  auto orig = TypeCatalog(testing::OriginalTables());
  ASSERT_EQ(orig.size(), 1u);
  EXPECT_EQ(orig[0].name, "Accueil");
  EXPECT_EQ(orig[0].apps.size(), 4u);
}

}  // namespace
}  // namespace provisiond::core

#include "core/drivers.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/test_tables.h"

namespace provisiond::core {
namespace {

using testing::Driver;
using testing::kLtsc;
using testing::OriginalTables;

constexpr const char* kLtscCaption = "Microsoft Windows 10 Enterprise LTSC";

std::vector<uint64_t> Ids(const std::vector<PlannedDriver>& ds) {
  std::vector<uint64_t> out;
  for (const auto& d : ds) out.push_back(d.rule_id);
  return out;
}

TEST(MatchDrivers, BothRegexesMustMatch) {
  model::Tables t = OriginalTables();
  struct Case { const char* name; const char* model; const char* os; std::vector<uint64_t> want; };
  const Case cases[] = {
      {"virtual, LTSC", "VMware Virtual Platform", kLtscCaption, {2}},
      {"virtual, case-insensitive without (?i)", "VMWARE VIRTUAL PLATFORM", "microsoft windows 10 enterprise ltsc", {2}},
      {"virtual, wrong OS", "VMware Virtual Platform", "Microsoft Windows 11 Enterprise", {}},
      {"\\s* around slash", "Wincor BEETLE / MIII", kLtscCaption, {1}},
      {"\\s* zero spaces", "BEETLE/MIII", kLtscCaption, {1}},
      {"\\b refuses a longer word", "BEETLE / MIIII", kLtscCaption, {}},
      {"[-\\s]? optional", "Posiflex XT6015", kLtscCaption, {7}},
      {"[-\\s]? hyphen", "Posiflex XT-6015", kLtscCaption, {7}},
      {"escaped dot", "HP Engage One Pro 19.5 G2 AiO System", kLtscCaption, {8}},
      {"escaped dot is not any char", "HP Engage One Pro 19x5 G2 AiO System", kLtscCaption, {}},
      {"EliteBook row without url still matches", "HP EliteBook 840 G2", kLtscCaption, {9}},
      {"empty model", "", kLtscCaption, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Ids(MatchDrivers(t, c.model, c.os, {}, "")), c.want);
  }
}

TEST(MatchDrivers, PriorityThenIdAndDisabledSkipped) {
  model::Tables t;
  t.drivers = {Driver(1, "Latitude", "", "a"), Driver(2, "Latitude", "", "b", "", "", "", "", -5),
               Driver(3, "Latitude", "", "c", "", "", "", "", 10),
               Driver(4, "Latitude", "", "d", "", "", "", "", -5),
               Driver(5, "Latitude", "", "e", "", "", "", "", -9, false)};
  Explain explain;
  auto ds = MatchDrivers(t, "Dell Latitude 7420", "Windows 11", {}, "", &explain);
  EXPECT_EQ(Ids(ds), (std::vector<uint64_t>{2, 4, 1, 3}));
  ASSERT_EQ(explain.size(), 5u);
  EXPECT_EQ(explain[0].subject, "drivers.csv row 5");
  EXPECT_EQ(explain[0].reason, "disabled");
  EXPECT_FALSE(explain[0].matched);
  auto legacy = LegacyGetDrivers(t, "Dell Latitude", "");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->rule_id, 2u);
  EXPECT_EQ(legacy->url, "b");
}

TEST(MatchDrivers, ExpandsPathsAndExplainsMisses) {
  model::Tables t = OriginalTables();
  Explain explain;
  auto ds = MatchDrivers(t, "VMware Virtual Platform", kLtscCaption, {{"DeployRoot", R"(\\srv\d$)"}},
                         "https://prov", &explain);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].path, R"(\\srv\d$\Applications\DRIVERS\CASHTILLS\WINCOR NIXDORF\M2\Win10Client~X64~WINCOR NIXDORF~M2_2025_06_V1.exe)");
  EXPECT_EQ(ds[0].source_kind, SourceKind::kUnc);
  EXPECT_EQ(ds[0].bundle_id, "6");
  EXPECT_TRUE(ds[0].unknown_variables.empty());
  ASSERT_EQ(explain.size(), 9u);
  EXPECT_NE(explain[0].reason.find("does not match"), std::string::npos);
  EXPECT_TRUE(explain[1].matched);

  auto unexpanded = MatchDrivers(t, "VMware Virtual Platform", kLtscCaption, {}, "");
  ASSERT_EQ(unexpanded.size(), 1u);
  EXPECT_EQ(unexpanded[0].unknown_variables, std::vector<std::string>{"DeployRoot"});
  EXPECT_EQ(unexpanded[0].source_kind, SourceKind::kLocal);
}

TEST(LegacyGetDrivers, FirstMatchingRowOfTheOriginal) {
  model::Tables t = OriginalTables();
  struct Case { const char* model; const char* os; std::optional<uint64_t> row; std::optional<std::string> bundle; };
  const Case cases[] = {
      {"VMware Virtual Platform", kLtscCaption, 2, "6"},
      {"HP EliteBook 840 G2", kLtscCaption, 9, "33"},
      {"BEETLE A1x70", kLtscCaption, 3, std::nullopt},
      {"VMware Virtual Platform", "Microsoft Windows 11 Pro", std::nullopt, std::nullopt},
      {"Unknown", kLtscCaption, std::nullopt, std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.model);
    auto d = LegacyGetDrivers(t, c.model, c.os);
    ASSERT_EQ(d.has_value(), c.row.has_value());
    if (d) {
      EXPECT_EQ(d->rule_id, *c.row);
      EXPECT_EQ(d->bundle_id, c.bundle);
      EXPECT_EQ(d->url, t.drivers[*c.row - 1].url);
    }
  }
}

TEST(ResolveBundle, ModelRuleThenDefaultThenNone) {
  struct Case {
    const char* name;
    const char* model;
    const char* default_id;  // nullptr: key absent
    std::optional<std::string> want;
    BundleSource source;
    uint64_t rule;
  };
  const Case cases[] = {
      {"virtual -> 6", "VMware Virtual Platform", nullptr, "6", BundleSource::kDriverRule, 2},
      {"EliteBook -> 33", "HP EliteBook 840 G2", "7", "33", BundleSource::kDriverRule, 9},
      {"row matches but no bundle -> default", "BEETLE A1x70", "7", "7", BundleSource::kDefault, 0},
      {"no row -> default", "Dell Latitude", " 12 ", "12", BundleSource::kDefault, 0},
      {"empty model -> default", "", "7", "7", BundleSource::kDefault, 0},
      {"blank default -> none", "Dell Latitude", "  ", std::nullopt, BundleSource::kNone, 0},
      {"no default key -> none", "Dell Latitude", nullptr, std::nullopt, BundleSource::kNone, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    model::Tables t = OriginalTables();
    t.config = {{"default_bundle_timeout", "300"}};
    if (c.default_id) t.config.push_back({"default_bundle_id", c.default_id});
    BundleChoice b = ResolveBundle(t, c.model);
    EXPECT_EQ(b.bundle_id, c.want);
    EXPECT_EQ(b.source, c.source);
    EXPECT_EQ(b.rule_id, c.rule);
    EXPECT_EQ(b.timeout_seconds, 300);
    EXPECT_FALSE(b.reason.empty());
  }
}

TEST(ResolveBundle, FileOrderNotPriorityAndOsIgnored) {
  model::Tables t;
  t.drivers = {Driver(1, "Latitude", "Windows 7", "", "A", "", "", "", 50),
               Driver(2, "Latitude", "", "", "B", "", "", "", -50)};
  EXPECT_EQ(ResolveBundle(t, "Latitude 5520").bundle_id, "A");
}

TEST(ResolveBundle, TimeoutIsAPositiveIntegerOr120) {
  struct Case { const char* value; int want; };
  const Case cases[] = {{"120", 120}, {" 300 ", 300}, {"", 120}, {"abc", 120}, {"-5", 120},
                        {"0", 120},   {"10s", 120},   {nullptr, 120}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value ? c.value : "(absent)");
    model::Tables t;
    if (c.value) t.config = {{"default_bundle_timeout", c.value}};
    EXPECT_EQ(ResolveBundle(t, "").timeout_seconds, c.want);
  }
}

TEST(ResolveBundle, ExplainNotesATimeoutOnlyWhenItIsNotAPositiveInteger) {
  struct Case { const char* value; bool noted; };
  const Case cases[] = {{"abc", true}, {"0", true}, {"0300", false}, {" 300 ", false}, {"", false}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    model::Tables t;
    t.config = {{"default_bundle_timeout", c.value}};
    Explain explain;
    (void)ResolveBundle(t, "Latitude", &explain);
    bool noted = std::any_of(explain.begin(), explain.end(),
                             [](const ExplainEntry& e) { return e.rule == "bundle.timeout"; });
    EXPECT_EQ(noted, c.noted);
  }
}

TEST(IntOrString, AllDigitsBecomesInt) {
  EXPECT_EQ(IntOrString("6"), JsonScalar(int64_t{6}));
  EXPECT_EQ(IntOrString("0033"), JsonScalar(int64_t{33}));
  EXPECT_EQ(IntOrString("B-12"), JsonScalar(std::string("B-12")));
  EXPECT_EQ(IntOrString("-12"), JsonScalar(std::string("-12")));
  EXPECT_EQ(IntOrString("1.5"), JsonScalar(std::string("1.5")));
  EXPECT_EQ(IntOrString(""), JsonScalar(std::string("")));
  EXPECT_EQ(IntOrString("99999999999999999999"), JsonScalar(std::string("99999999999999999999")));
}

TEST(LegacyTaniumGlobal, OriginalAnswers) {
  model::Tables t = OriginalTables();
  auto vm = LegacyTaniumGlobal(t, "VMware Virtual Platform");
  ASSERT_TRUE(vm);
  EXPECT_EQ(vm->bundle_id, JsonScalar(int64_t{6}));
  EXPECT_EQ(vm->bundle_timeout, 120);
  // Sample default_bundle_id is empty: {} for an unknown model.
  EXPECT_FALSE(LegacyTaniumGlobal(t, "Dell Latitude"));
  EXPECT_FALSE(LegacyTaniumGlobal(t, ""));
  t.config = {{"default_bundle_id", "abc-1"}};
  auto d = LegacyTaniumGlobal(t, "");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->bundle_id, JsonScalar(std::string("abc-1")));
}

TEST(OriginalData, DriversCsvCopyMatchesInCodeTables) {
  auto rules = testing::ReadOriginalDrivers();
  if (!rules) GTEST_SKIP() << "tests/data/original not present yet";
  model::Tables t;
  t.drivers = *rules;
  EXPECT_EQ(t.drivers.size(), OriginalTables().drivers.size());
  EXPECT_EQ(ResolveBundle(t, "VMware Virtual Platform").bundle_id, "6");
  EXPECT_EQ(ResolveBundle(t, "HP EliteBook 840 G2").bundle_id, "33");
  ASSERT_EQ(t.drivers.back().min_ram_gb, 32.0);
}

TEST(Patterns, PythonOnlyConstructRefusedAtLoad) {
  auto p = Pattern::Compile(R"((?<!Pro )EliteBook)");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("lookbehind"), std::string::npos) << p.status().message();
}

}  // namespace
}  // namespace provisiond::core

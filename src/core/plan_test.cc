#include "core/plan.h"

#include <gtest/gtest.h>

#include "core/test_tables.h"

namespace provisiond::core {
namespace {

using testing::OriginalTables;

constexpr const char* kLtscCaption = "Microsoft Windows 10 Enterprise LTSC";

model::Tables PlanTables() {
  model::Tables t = OriginalTables();
  t.locales = {{"FR", "fr-FR", "040c:0000040c", "Romance Standard Time", 1, {}},
               {"BE", "nl-BE", "0813:00000813", "Romance Standard Time", 1, {}}};
  t.config.push_back({"naming_template", "{country}-{serial:-7}"});
  t.config.push_back({"default_country", "FR"});
  t.config.push_back({"deploy_root", R"(\\srv\deploy$)"});
  t.BuildIndexes();
  return t;
}

ResolveOptions Options() {
  ResolveOptions o;
  o.base_url = "https://prov:12176";
  o.random = [] { return uint64_t{0}; };
  return o;
}

TEST(Resolve, KnownSerialGetsItsRecord) {
  model::Tables t = PlanTables();
  Facts f{.serial = "5cg6050ph9", .model = "HP EliteBook 840 G2", .os_name = kLtscCaption, .ram_gb = 16};
  auto p = Resolve(f, t, Options());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_TRUE(p->computer);
  EXPECT_EQ(p->matched_key, MatchKey::kSerial);
  EXPECT_EQ(p->computer_name, "manu15");
  EXPECT_EQ(p->name_source, NameSource::kRecord);
  EXPECT_FALSE(p->name_violation);
  EXPECT_EQ(p->locale.type, (SourcedValue{"ACCUEIL", ValueSource::kRecord}));
  EXPECT_EQ(p->locale.timezone, (SourcedValue{"Romance Standard Time", ValueSource::kRecord}));
  ASSERT_EQ(p->apps.size(), 3u);  // GoogleChromeEnterprise is dangling
  EXPECT_EQ(p->apps[0].name, "PostypeGUIstart");
  EXPECT_EQ(p->apps[2].order, 3);
  ASSERT_EQ(p->drivers.size(), 1u);
  EXPECT_EQ(p->drivers[0].rule_id, 9u);
  EXPECT_EQ(p->bundle.bundle_id, "33");
  EXPECT_EQ(p->tags, std::vector<std::string>{"ACCUEIL"});
  EXPECT_FALSE(p->hardware.allowed);
  EXPECT_EQ(p->hardware.reason, "ram_gb 16 < 32 required by drivers.csv row 9");
  EXPECT_FALSE(p->needs_confirmation);
  EXPECT_TRUE(p->choices.types.empty());
  EXPECT_EQ(p->variables.at("DeployRoot"), R"(\\srv\deploy$)");
  EXPECT_EQ(p->variables.at("computername"), "manu15");
}

TEST(Resolve, AppFailurePolicyFromConfigElseContinue) {
  Facts f{.serial = "5cg6050ph9", .model = "HP EliteBook 840 G2", .os_name = kLtscCaption};
  const std::pair<const char*, const char*> cases[] = {
      {nullptr, "continue"}, {"stop", "stop"}, {" STOP ", "stop"}, {"continue", "continue"}, {"later", "continue"}};
  for (const auto& [value, want] : cases) {
    SCOPED_TRACE(value ? value : "(unset)");
    model::Tables t = PlanTables();
    if (value) t.config.push_back({"app_failure_policy", value});
    t.BuildIndexes();
    auto p = Resolve(f, t, Options());
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->on_app_failure, want);
  }
}

TEST(Resolve, UnknownDeviceNeedsConfirmationWithChoices) {
  model::Tables t = PlanTables();
  Facts f{.serial = "CZC1234XYZ9", .model = "VMware Virtual Platform", .os_name = kLtscCaption,
          .country = "be"};
  auto p = Resolve(f, t, Options());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_FALSE(p->computer);
  EXPECT_EQ(p->matched_key, MatchKey::kNone);
  EXPECT_TRUE(p->needs_confirmation);
  EXPECT_EQ(p->computer_name, "BE-234XYZ9");
  EXPECT_EQ(p->name_source, NameSource::kTemplate);
  EXPECT_EQ(p->choices.suggested_name, "BE-234XYZ9");
  ASSERT_EQ(p->choices.types.size(), 1u);
  EXPECT_EQ(p->choices.types[0].name, "Accueil");
  EXPECT_EQ(p->choices.countries, (std::vector<std::string>{"FR", "BE"}));
  EXPECT_EQ(p->locale.country, (SourcedValue{"BE", ValueSource::kFacts}));
  EXPECT_EQ(p->locale.language, (SourcedValue{"nl-BE", ValueSource::kCountry}));
  EXPECT_EQ(p->locale.type.source, ValueSource::kNone);
  EXPECT_TRUE(p->apps.empty());
  EXPECT_TRUE(p->tags.empty());
  EXPECT_EQ(p->bundle.bundle_id, "6");
  ASSERT_EQ(p->drivers.size(), 1u);
  EXPECT_EQ(p->drivers[0].path.rfind(R"(\\srv\deploy$\Applications)", 0), 0u) << p->drivers[0].path;
}

TEST(Resolve, NameCases) {
  struct Case {
    const char* name;
    const char* tmpl;  // nullptr: no template
    Facts facts;
    const char* want;
    NameSource source;
    bool violation;
  };
  const Case cases[] = {
      {"template from serial tail", "{country}-{serial:-7}", {.serial = "ABCDEFGHIJ"}, "FR-DEFGHIJ", NameSource::kTemplate, false},
      {"template sanitised", "{model}", {.serial = "X1", .model = "HP EliteBook 840"}, "HPEliteBook840", NameSource::kTemplate, false},
      {"template gives digits only", "{serial}", {.serial = "12345678"}, "12345678", NameSource::kTemplate, true},
      {"bad template: no name", "{site}", {.serial = "X1"}, "", NameSource::kNone, false},
      {"no template", nullptr, {.serial = "X1"}, "", NameSource::kNone, false},
      {"placeholder serial: template still used", "PC-{rand:3}", {.serial = "Default string"}, "PC-AAA", NameSource::kTemplate, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    model::Tables t = PlanTables();
    std::erase_if(t.config.Mutable(), [](const auto& kv) { return kv.first == "naming_template"; });
    if (c.tmpl) t.config.push_back({"naming_template", c.tmpl});
    auto p = Resolve(c.facts, t, Options());
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->computer_name, c.want);
    EXPECT_EQ(p->name_source, c.source);
    EXPECT_EQ(p->name_violation.has_value(), c.violation);
    bool explained = false;
    for (const auto& e : p->explain) explained = explained || e.rule == "name";
    EXPECT_TRUE(explained);
  }
}

TEST(Resolve, ExplainCoversEveryRule) {
  model::Tables t = PlanTables();
  auto p = Resolve({.serial = "5CG6050PH9", .model = "HP EliteBook 840 G2"}, t, Options());
  ASSERT_TRUE(p.ok());
  std::map<std::string, int> rules;
  for (const auto& e : p->explain) ++rules[e.rule];
  EXPECT_EQ(rules["identity.serial"], 1);
  EXPECT_EQ(rules["locale.type"] + rules["locale.country"] + rules["locale.language"] +
                rules["locale.keyboard"] + rules["locale.timezone"], 5);
  EXPECT_EQ(rules["app"], 4);     // 3 kept + 1 dangling
  EXPECT_EQ(rules["driver"], 9);  // every row of drivers.csv
  EXPECT_GE(rules["bundle"], 1);
  EXPECT_EQ(rules["hardware"], 1);
  EXPECT_EQ(rules["name"], 1);

  ResolveOptions quiet = Options();
  quiet.explain = false;
  auto q = Resolve({.serial = "5CG6050PH9"}, t, quiet);
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->explain.empty());
}

TEST(Resolve, BadFactsNameTheField) {
  model::Tables t = PlanTables();
  struct Case { const char* name; Facts facts; const char* part; };
  const Case cases[] = {
      {"long serial", {.serial = std::string(300, 'A')}, "facts.serial: 300 bytes"},
      {"bad utf8", {.model = "\xff\xfe"}, "facts.model: not valid UTF-8"},
      {"control char", {.os_name = "Win\n10"}, "facts.os_name: control character"},
      {"negative ram", {.ram_gb = -4}, "facts.ram_gb"},
      {"mac", {.macs = {"AA", std::string(300, 'B')}}, "facts.macs[1]"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto p = Resolve(c.facts, t, Options());
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find(c.part), std::string::npos) << p.status().message();
  }
}

TEST(TaniumVariables, FlatMapWithAdminNames) {
  model::Tables t = PlanTables();
  t.config.push_back({"var_name.BundleID", "OSBundle"});
  t.config.push_back({"var_name.timezone", " TZ "});  // any case: the variable's own spelling is kept
  t.config.push_back({"var_name.Keyboard", ""});
  t.config.push_back({"var_name.NoSuchVariable", "X"});
  auto p = Resolve({.serial = "5CG6050PH9", .model = "VMware Virtual Platform"}, t, Options());
  ASSERT_TRUE(p.ok());
  VariableNames names = VariableNamesFromConfig(t);
  EXPECT_EQ(names, (VariableNames{{"BundleID", "OSBundle"}, {"TimeZone", "TZ"}}));
  auto vars = TaniumVariables(*p, names);
  const std::map<std::string, TaniumValue> want = {
      {"OSBundle", {"6", true}},
      {"BundleTimeout", {"120", true}},
      {"ComputerName", {"manu15", false}},
      {"Type", {"ACCUEIL", false}},
      {"Country", {"FR", false}},
      {"Language", {"fr-FR", false}},
      {"Keyboard", {"fr-FR", false}},
      {"TZ", {"Romance Standard Time", false}},
      {"Tags", {"ACCUEIL", false}},
  };
  EXPECT_EQ(vars, want);
}

TEST(TaniumVariables, NoBundleNoTimeoutAndStringBundle) {
  model::Tables t = PlanTables();
  auto p = Resolve({.serial = "NEW-1", .model = "Dell"}, t, Options());
  ASSERT_TRUE(p.ok());
  auto vars = TaniumVariables(*p, {});
  EXPECT_FALSE(vars.contains("BundleID"));
  EXPECT_FALSE(vars.contains("BundleTimeout"));
  EXPECT_FALSE(vars.contains("Type"));
  ASSERT_TRUE(vars.contains("ComputerName"));
  EXPECT_EQ(vars["ComputerName"].text, "FR-NEW-1");

  for (auto& [k, v] : t.config.Mutable()) {
    if (k == "default_bundle_id") v = "W11-std";
  }
  auto q = Resolve({.serial = "NEW-1", .model = "Dell"}, t, Options());
  ASSERT_TRUE(q.ok());
  auto qv = TaniumVariables(*q, {});
  ASSERT_TRUE(qv.contains("BundleID"));
  EXPECT_EQ(qv["BundleID"], (TaniumValue{"W11-std", false}));
  EXPECT_EQ(qv["BundleTimeout"], (TaniumValue{"120", true}));
}

}  // namespace
}  // namespace provisiond::core

namespace provisiond::core {
namespace {

TEST(ResolveInto, RefillingOnePlanGivesWhatAFreshResolveGives) {
  model::Tables t = PlanTables();
  t.apps.push_back(testing::MakeApp("Share", R"(%DeployRoot%\Apps\%Site%\x)", "install.cmd"));
  t.apps.back().install_args = "/quiet";
  t.apps.push_back(testing::MakeApp("Kiosk", "/file/apps/Kiosk", "run.ps1", true));
  t.type_apps.push_back({"Accueil", "Share", {}});
  t.type_apps.push_back({"Accueil", "Kiosk", {}});
  t.BuildIndexes();
  PlanIndex index(t);
  // Many apps, then none, then an error, then apps again: nothing of an
  // earlier plan may show in a later one.
  const Facts sequence[] = {
      {.serial = "5CG6050PH9", .model = "HP EliteBook 840 G2", .os_name = kLtscCaption, .ram_gb = 64},
      {.serial = "NEWDEVICE1", .model = "VMware Virtual Platform", .os_name = kLtscCaption},
      {.serial = std::string(300, 'x')},  // refused by ValidateFacts
      {.serial = "5cg6050ph9", .model = "Unknown model"},
      {.serial = "5CG6050PH9", .model = "HP EliteBook 840 G2", .os_name = kLtscCaption, .ram_gb = 64},
  };
  Plan reused;
  for (bool explain : {false, true}) {
    for (const auto& f : sequence) {
      SCOPED_TRACE(f.serial.substr(0, 12) + (explain ? " explain" : ""));
      ResolveOptions o = Options();
      o.explain = explain;
      o.index = &index;
      auto fresh = Resolve(f, t, o);
      Status st = ResolveInto(f, t, o, &reused);
      ASSERT_EQ(st.ok(), fresh.ok());
      if (!fresh.ok()) {
        EXPECT_EQ(st.ToString(), fresh.status().ToString());
        EXPECT_EQ(reused, Plan{});
        continue;
      }
      EXPECT_EQ(reused, *fresh);
    }
  }
}

}  // namespace
}  // namespace provisiond::core

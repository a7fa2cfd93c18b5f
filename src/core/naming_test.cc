#include "core/naming.h"

#include <gtest/gtest.h>

namespace provisiond::core {
namespace {

TEST(CheckComputerName, NamesTheBrokenRule) {
  struct Case { const char* name; std::optional<NameRule> want; const char* msg_part; };
  const Case cases[] = {
      {"PC-01", std::nullopt, ""},
      {"a", std::nullopt, ""},
      {"ABCDEFGHIJKLMNO", std::nullopt, ""},  // 15
      {"FR-6050PH9", std::nullopt, ""},
      {"1A", std::nullopt, ""},
      {"", NameRule::kEmpty, "empty"},
      {"ABCDEFGHIJKLMNOP", NameRule::kTooLong, "16 characters"},
      {"PC_01", NameRule::kBadCharacter, "'_' at position 3"},
      {"PC 01", NameRule::kBadCharacter, "' ' at position 3"},
      {"PC.lab", NameRule::kBadCharacter, "'.' at position 3"},
      {"PC\xC3\xA9", NameRule::kBadCharacter, "byte 0xC3 at position 3"},
      {"123456", NameRule::kAllDigits, "only digits"},
      {"-PC01", NameRule::kLeadingHyphen, "starts with '-'"},
      {"PC01-", NameRule::kTrailingHyphen, "ends with '-'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string("name='") + c.name + "'");
    auto v = CheckComputerName(c.name);
    ASSERT_EQ(v.has_value(), c.want.has_value()) << (v ? v->message : "");
    if (v) {
      EXPECT_EQ(v->rule, *c.want);
      EXPECT_NE(v->message.find(c.msg_part), std::string::npos) << v->message;
    }
  }
}

TEST(SanitizeComputerName, KeepsTaniumCharactersAndCutsTo15) {
  struct Case { const char* in; const char* want; };
  const Case cases[] = {
      {"PC-01", "PC-01"},
      {"PC_01 lab", "PC01lab"},
      {"ABCDEFGHIJKLMNOPQRS", "ABCDEFGHIJKLMNO"},
      {"é-poste", "-poste"},
      {"", ""},
      {"A_B_C_D_E_F_G_H_I_J_K_L_M_N_O_P", "ABCDEFGHIJKLMNO"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(SanitizeComputerName(c.in), c.want);
  }
}

RandomSource Counter() {
  auto n = std::make_shared<uint64_t>(0);
  return [n] { return (*n)++; };
}

TEST(ExpandNamingTemplate, Placeholders) {
  NamingInputs in{" 5CG6050PH9 ", "HP EliteBook 840 G2", "Accueil", "FR"};
  struct Case { const char* tmpl; const char* want; };
  const Case cases[] = {
      {"{country}-{serial:-7}", "FR-6050PH9"},
      {"{COUNTRY}{Serial:3}", "FR5CG"},
      {"{serial}", "5CG6050PH9"},
      {"{serial:-50}", "5CG6050PH9"},
      {"{model:2}-{type:-3}", "HP-eil"},
      {"PC-{rand:4}", "PC-ABCD"},
      {"{{x}}", "{x}"},
      {"plain", "plain"},
      {"", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.tmpl);
    auto r = ExpandNamingTemplate(c.tmpl, in, Counter());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, c.want);
  }
}

TEST(ExpandNamingTemplate, RandUsesTheWholeAlphabet) {
  NamingInputs in;
  uint64_t v = 35;
  auto r = ExpandNamingTemplate("{rand:2}", in, [&] { return v++; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "9A");  // 35 -> '9', 36 wraps to 'A'
}

TEST(ExpandNamingTemplate, ErrorsNameThePlaceholder) {
  NamingInputs in{"SN", "M", "T", "FR"};
  struct Case { const char* tmpl; const char* part; bool with_random; };
  const Case cases[] = {
      {"{site}-{serial}", "{site} at offset 0: unknown name 'site'", true},
      {"AB{serial:x}", "{serial:x} at offset 2", true},
      {"{serial:0}", "non-zero", true},
      {"{serial", "'{' at offset 0 is not closed", true},
      {"{rand}", "{rand:N}", true},
      {"{rand:-2}", "{rand:N}", true},
      {"{rand:3}", "no random source", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.tmpl);
    auto r = ExpandNamingTemplate(c.tmpl, in, c.with_random ? Counter() : RandomSource());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.part), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("naming_template"), std::string::npos);
  }
}

TEST(SuggestName, SanitisesThenChecks) {
  struct Case { const char* tmpl; NamingInputs in; const char* want; std::optional<NameRule> rule; };
  const Case cases[] = {
      {"{country}-{serial:-7}", {"5CG6050PH9", "", "", "FR"}, "FR-6050PH9", std::nullopt},
      {"{country}-{serial}", {"SN 12_34", "", "", "FR"}, "FR-SN1234", std::nullopt},
      {"{serial}", {"1234567", "", "", ""}, "1234567", NameRule::kAllDigits},
      {"{country}-{serial}", {"ABCDEFGHIJKLMNOP", "", "", "FR"}, "FR-ABCDEFGHIJKL", std::nullopt},
      {"{country}-", {"", "", "", "FR"}, "FR-", NameRule::kTrailingHyphen},
      {"{country}", {"", "", "", ""}, "", NameRule::kEmpty},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.tmpl);
    auto r = SuggestName(c.tmpl, c.in, Counter());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->name, c.want);
    ASSERT_EQ(r->violation.has_value(), c.rule.has_value());
    if (c.rule) {
      EXPECT_EQ(r->violation->rule, *c.rule);
    }
  }
}

}  // namespace
}  // namespace provisiond::core

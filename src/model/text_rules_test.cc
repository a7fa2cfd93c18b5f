#include "model/text_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace provisiond::model {
namespace {

bool Has(const std::optional<std::string>& why, const std::string& part) {
  return why && why->find(part) != std::string::npos;
}

TEST(TextProblem, RefusesWhatTheCsvLoaderRefusesAndNamesTheByte) {
  struct Case {
    std::string value;
    TextRule rule;
    const char* part;  // "" = accepted
  } cases[] = {
      {"PC-01", TextRule::kIdentifier, ""},
      {"BE-R\xC3\xA9" "ception", TextRule::kIdentifier, ""},
      {"a\x01" "b", TextRule::kIdentifier, "control character (0x01) at byte 2"},
      {"a\x01" "b", TextRule::kLine, "control character (0x01) at byte 2"},
      {std::string("a\0b", 3), TextRule::kLine, "NUL (0x00) at byte 2"},
      {"x\x7f", TextRule::kLine, "DEL (0x7F) at byte 2"},
      {"one\ntwo", TextRule::kLine, "a line break (0x0A) at byte 4"},
      {"a\tb", TextRule::kLine, ""},
      {"one\r\ntwo\tthree", TextRule::kMultiline, ""},
      {"one\n\x01", TextRule::kMultiline, "control character (0x01) at byte 5"},
      {"a\tb", TextRule::kIdentifier, "control character (0x09) at byte 2"},
      {"ok\xC3", TextRule::kLine, "not valid UTF-8 (byte 3)"},
      {"\xC0\xAF", TextRule::kLine, "not valid UTF-8 (byte 1)"},          // overlong '/'
      {"a\xED\xA0\x80", TextRule::kLine, "not valid UTF-8 (byte 2)"},     // a surrogate
      {"\xF0\x9F\x98\x80", TextRule::kIdentifier, ""},                    // U+1F600
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    auto why = TextProblem(c.value, c.rule);
    if (*c.part == 0) {
      EXPECT_FALSE(why) << *why;
    } else {
      EXPECT_TRUE(Has(why, c.part)) << why.value_or("(accepted)");
    }
  }
}

TEST(TextProblem, IdentifiersNeverStartLikeAFormulaFreeTextMay) {
  for (const char* v : {"=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)"}) {
    SCOPED_TRACE(v);
    EXPECT_TRUE(StartsLikeFormula(v));
    EXPECT_TRUE(Has(TextProblem(v, TextRule::kIdentifier), "runs as a formula"));
    EXPECT_FALSE(TextProblem(v, TextRule::kLine));
  }
  EXPECT_FALSE(StartsLikeFormula("PC=1"));
  EXPECT_FALSE(StartsLikeFormula(""));
  EXPECT_FALSE(TextProblem("", TextRule::kIdentifier));
}

}  // namespace
}  // namespace provisiond::model

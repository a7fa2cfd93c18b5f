#include "model/computer_name.h"

#include <gtest/gtest.h>

namespace provisiond::model {
namespace {

// What every route answers for a stored name: the cleaned name and, when the
// stored one breaks the NetBIOS rule, its violation.
TEST(AnswerComputerName, CleansAndFlagsOnlyInvalidStoredNames) {
  struct Case {
    const char* stored;
    const char* name;
    std::optional<NameRule> rule;
  } cases[] = {
      {"PC-01", "PC-01", std::nullopt},
      {"  PC-01 ", "PC-01", std::nullopt},
      {"", "", std::nullopt},      // not set: no name, nothing to flag
      {"   ", "", std::nullopt},
      {"BE-R\xC3\xA9" "ception", "BE-Rception", NameRule::kBadCharacter},
      {"PC_01", "PC01", NameRule::kBadCharacter},
      {"ABCDEFGHIJKLMNOPQ", "ABCDEFGHIJKLMNO", NameRule::kTooLong},
      {"12345", "12345", NameRule::kAllDigits},
      {"PC01-", "PC01-", NameRule::kTrailingHyphen},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.stored);
    AnsweredName a = AnswerComputerName(c.stored);
    EXPECT_EQ(a.name, c.name);
    ASSERT_EQ(a.violation.has_value(), c.rule.has_value());
    if (!c.rule) continue;
    EXPECT_EQ(a.violation->rule, *c.rule);
    EXPECT_NE(a.violation->message.find("endpoints are given '" + std::string(c.name) + "'"), std::string::npos)
        << a.violation->message;
  }
}

TEST(SanitizeComputerName, IsIdentityOnValidNames) {
  for (const char* n : {"A", "PC-01", "ABCDEFGHIJKLMNO", "fr-lyo-ps-0001"}) {
    EXPECT_FALSE(CheckComputerName(n).has_value()) << n;
    EXPECT_EQ(SanitizeComputerName(n), n);
  }
}

}  // namespace
}  // namespace provisiond::model

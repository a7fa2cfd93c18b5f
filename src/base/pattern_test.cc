#include "base/pattern.h"

#include <gtest/gtest.h>

namespace provisiond {
namespace {

TEST(Pattern, PythonSyntaxCaseInsensitiveSearchAnywhere) {
  struct Case { const char* re; const char* subject; bool want; };
  const Case cases[] = {
      {"(?i)virtual", "VMware Virtual Platform", true},
      {"virtual", "VMWARE VIRTUAL PLATFORM", true},
      {R"(\bHP\s+EliteBook\s+840\s+G2\b)", "HP EliteBook 840 G2 Notebook PC", true},
      {R"(\bHP\s+EliteBook\s+840\s+G2\b)", "HP EliteBook 840 G3", false},
      {R"(\bXT[-\s]?6015\b)", "Posiflex XT-6015", true},
      {R"(\bBEETLE\s*/\s*MIII\b)", "BEETLE / MIII", true},
      {"^Latitude", "Dell Latitude 7420", false},
      {"", "anything", true},
      {R"((?<series>Latitude) \d+)", "Latitude 5520", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.re);
    auto p = Pattern::Compile(c.re);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->Matches(c.subject), c.want);
  }
}

TEST(Pattern, RefusesInvalidWithRe2Reason) {
  auto p = Pattern::Compile("(unclosed");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("missing )"), std::string::npos) << p.status().message();
}

TEST(Pattern, NamesPythonOnlyConstructs) {
  const std::pair<const char*, const char*> cases[] = {
      {"foo(?=bar)", "lookahead"},       {"foo(?!bar)", "negative lookahead"},
      {"(?<=a)b", "lookbehind"},         {"(?<!a)b", "negative lookbehind"},
      {R"((a)\1)", "backreference"},     {"(?P<x>a)(?P=x)", "named backreference"},
  };
  for (const auto& [re, name] : cases) {
    SCOPED_TRACE(re);
    auto p = Pattern::Compile(re);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.status().message().find(name), std::string::npos) << p.status().message();
    EXPECT_NE(p.status().message().find("RE2 cannot run"), std::string::npos);
  }
}

TEST(Pattern, EscapedParenIsNotALookaround) {
  auto p = Pattern::Compile(R"(\(?=x)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->Matches("(=x"));
}

}  // namespace
}  // namespace provisiond

namespace provisiond {
namespace {

TEST(Pattern, MemoisedAnswersStayCorrectAcrossPatternsAndSubjects) {
  auto a = Pattern::Compile(R"(\bLatitude\s+54\d0\b)");
  auto b = Pattern::Compile(R"(\bOptiPlex\b)");
  ASSERT_TRUE(a.ok() && b.ok());
  for (int round = 0; round < 3; ++round) {  // second and third rounds hit the memo
    EXPECT_TRUE(a->Matches("Latitude 5420"));
    EXPECT_FALSE(a->Matches("Latitude 5421"));
    EXPECT_FALSE(b->Matches("Latitude 5420"));
    EXPECT_TRUE(b->Matches("OptiPlex 7090"));
  }
  // A recompiled pattern with other text at the same address never reuses answers.
  for (int i = 0; i < 100; ++i) {
    auto p = Pattern::Compile(i % 2 ? "^odd" : "^even");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->Matches("odd"), i % 2 == 1);
  }
}

}  // namespace
}  // namespace provisiond

#include "core/locale.h"

#include <gtest/gtest.h>

#include "core/test_tables.h"

namespace provisiond::core {
namespace {

using testing::MakeComputer;

model::Tables LocaleTables(bool with_globals) {
  model::Tables t;
  t.locales = {{"FR", "fr-FR", "040c:0000040c", "Romance Standard Time", 1, {}},
               {"BE", "nl-BE", "", "", 1, {}}};
  if (with_globals) {
    t.config = {{"default_country", "us"},          {"default_language", "en-US"},
                {"default_keyboard", "0409:00000409"}, {"default_timezone", "UTC"},
                {"default_type", "STANDARD"}};
  }
  t.BuildIndexes();
  return t;
}

TEST(ResolveLocale, RecordThenCountryThenGlobal) {
  const model::Computer full =
      MakeComputer("S1", "PC1", "ACCUEIL", "fr-CH", "CH", "de-CH", "W. Europe Standard Time");
  const model::Computer fr_only = MakeComputer("S2", "PC2", "", "", "FR", "", "");
  const model::Computer be_lang = MakeComputer("S3", "PC3", "CAISSE", "", "BE", "", " ");
  using VS = ValueSource;
  struct Case {
    const char* name;
    const model::Computer* record;
    std::optional<std::string> hint;
    bool globals;
    LocaleSettings want;
  };
  const Case cases[] = {
      {"record wins everywhere", &full, "BE", true,
       {{"ACCUEIL", VS::kRecord}, {"CH", VS::kRecord}, {"de-CH", VS::kRecord},
        {"fr-CH", VS::kRecord}, {"W. Europe Standard Time", VS::kRecord}}},
      {"record country gives country defaults", &fr_only, std::nullopt, true,
       {{"STANDARD", VS::kGlobal}, {"FR", VS::kRecord}, {"fr-FR", VS::kCountry},
        {"040c:0000040c", VS::kCountry}, {"Romance Standard Time", VS::kCountry}}},
      {"country row incomplete falls to global per value", &be_lang, std::nullopt, true,
       {{"CAISSE", VS::kRecord}, {"BE", VS::kRecord}, {"nl-BE", VS::kCountry},
        {"0409:00000409", VS::kGlobal}, {"UTC", VS::kGlobal}}},
      {"unknown device uses the hint, upper-cased", nullptr, "fr", true,
       {{"STANDARD", VS::kGlobal}, {"FR", VS::kFacts}, {"fr-FR", VS::kCountry},
        {"040c:0000040c", VS::kCountry}, {"Romance Standard Time", VS::kCountry}}},
      {"unknown device without hint: global country, not in locales", nullptr, std::nullopt, true,
       {{"STANDARD", VS::kGlobal}, {"US", VS::kGlobal}, {"en-US", VS::kGlobal},
        {"0409:00000409", VS::kGlobal}, {"UTC", VS::kGlobal}}},
      {"blank hint ignored", nullptr, "  ", true,
       {{"STANDARD", VS::kGlobal}, {"US", VS::kGlobal}, {"en-US", VS::kGlobal},
        {"0409:00000409", VS::kGlobal}, {"UTC", VS::kGlobal}}},
      {"nothing anywhere", nullptr, std::nullopt, false,
       {{"", VS::kNone}, {"", VS::kNone}, {"", VS::kNone}, {"", VS::kNone}, {"", VS::kNone}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    model::Tables t = LocaleTables(c.globals);
    Explain explain;
    LocaleSettings got = ResolveLocale(c.record, c.hint, t, &explain);
    EXPECT_EQ(got.type, c.want.type);
    EXPECT_EQ(got.country, c.want.country);
    EXPECT_EQ(got.language, c.want.language);
    EXPECT_EQ(got.keyboard, c.want.keyboard);
    EXPECT_EQ(got.timezone, c.want.timezone);
    ASSERT_EQ(explain.size(), 5u);
    EXPECT_EQ(explain[1].rule, "locale.country");
    EXPECT_EQ(explain[4].matched, c.want.timezone.source != VS::kNone);
  }
}

TEST(ResolveLocale, ExplainSaysWhyNothingWasFound) {
  model::Tables t = LocaleTables(false);
  const model::Computer rec = MakeComputer("S", "N", "", "", "DE", "", "");
  Explain explain;
  ResolveLocale(&rec, std::nullopt, t, &explain);
  ASSERT_EQ(explain.size(), 5u);
  EXPECT_EQ(explain[2].rule, "locale.language");
  EXPECT_FALSE(explain[2].matched);
  EXPECT_NE(explain[2].reason.find("country DE not in locales.csv"), std::string::npos)
      << explain[2].reason;
  EXPECT_NE(explain[2].reason.find("default_language not set"), std::string::npos);
}

TEST(ValueSourceName, Names) {
  EXPECT_EQ(ValueSourceName(ValueSource::kRecord), "record");
  EXPECT_EQ(ValueSourceName(ValueSource::kFacts), "facts");
  EXPECT_EQ(ValueSourceName(ValueSource::kCountry), "country");
  EXPECT_EQ(ValueSourceName(ValueSource::kGlobal), "global");
  EXPECT_EQ(ValueSourceName(ValueSource::kNone), "none");
}

}  // namespace
}  // namespace provisiond::core

#include "core/variables.h"

#include <gtest/gtest.h>

namespace provisiond::core {
namespace {

TEST(ExpandVariables, KnownReplacedUnknownKeptAndListed) {
  Variables vars{{"DeployRoot", R"(\\srv\deploy$)"}, {"SERIAL", "5CG"}, {"Empty", ""}};
  struct Case { const char* in; const char* want; std::vector<std::string> unknown; };
  const Case cases[] = {
      {R"(%DeployRoot%\Apps\x.exe)", R"(\\srv\deploy$\Apps\x.exe)", {}},
      {R"(%deployroot%\a)", R"(\\srv\deploy$\a)", {}},
      {"%SERIAL%-%serial%", "5CG-5CG", {}},
      {"%Site%\\%SERIAL%\\%site%", "%Site%\\5CG\\%site%", {"Site"}},
      {"%A%%B%", "%A%%B%", {"A", "B"}},
      {"100% sure", "100% sure", {}},
      {"%%", "%%", {}},
      {"50% of %SERIAL%", "50% of 5CG", {}},
      {"%Empty%x", "x", {}},
      {"%has space%", "%has space%", {}},
      {"", "", {}},
      {"no variables at all", "no variables at all", {}},
      {"trailing %", "trailing %", {}},
      {"%SERIAL%", "5CG", {}},
      {"%SERIAL%%", "5CG%", {}},
      {"%x y%SERIAL%", "%x y5CG", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    Expansion e = ExpandVariables(c.in, vars);
    EXPECT_EQ(e.text, c.want);
    EXPECT_EQ(e.unknown, c.unknown);
  }
}

TEST(ResolveLocation, ServiceUrlThenVariables) {
  Variables vars{{"DeployRoot", R"(\\srv\deploy$)"}, {"SERIAL", "5CG"}};
  struct Case { const char* in; const char* want; std::vector<std::string> unknown; };
  const Case cases[] = {
      {"https://x/file/a", "https://x/file/a", {}},
      {"[baseurl]/file/%SERIAL%", "https://prov:1/file/5CG", {}},
      {"/file/%Site%", "https://prov:1/file/%Site%", {"Site"}},
      {R"(%DeployRoot%\a)", R"(\\srv\deploy$\a)", {}},
      {"  C:\\x  ", "  C:\\x  ", {}},  // not service-relative: returned as written
      {"", "", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    Expansion e = ResolveLocation(c.in, "https://prov:1/", vars);
    EXPECT_EQ(e, ExpandVariables(ResolveServiceUrl(c.in, "https://prov:1/"), vars));
    EXPECT_EQ(e.text, c.want);
    EXPECT_EQ(e.unknown, c.unknown);
  }
}

TEST(ClassifySource, Kinds) {
  struct Case { const char* in; SourceKind want; };
  const Case cases[] = {
      {"https://prov/file/apps/VLC", SourceKind::kHttps},
      {"HTTPS://prov/x", SourceKind::kHttps},
      {"http://prov/x", SourceKind::kHttp},
      {R"(\\srv\share\x)", SourceKind::kUnc},
      {"//srv/share/x", SourceKind::kUnc},
      {"[baseurl]/file/apps/VLC", SourceKind::kServiceRelative},
      {"[BaseURL]file/x", SourceKind::kServiceRelative},
      {"/file/apps/VLC", SourceKind::kServiceRelative},
      {R"(C:\provision\OtherFiles\x.zip)", SourceKind::kLocal},
      {R"(%DeployRoot%\x)", SourceKind::kLocal},
      {"", SourceKind::kLocal},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(ClassifySource(c.in), c.want);
  }
  EXPECT_EQ(SourceKindName(SourceKind::kServiceRelative), "service-relative");
  EXPECT_EQ(SourceKindName(SourceKind::kUnc), "unc");
}

TEST(ResolveServiceUrl, JoinsWithOneSlash) {
  struct Case { const char* in; const char* base; const char* want; };
  const Case cases[] = {
      {"[baseurl]/file/apps/VLC", "https://p:12176", "https://p:12176/file/apps/VLC"},
      {"[baseurl]file/apps/VLC", "https://p:12176/", "https://p:12176/file/apps/VLC"},
      {"/file/apps/VLC", "https://p", "https://p/file/apps/VLC"},
      {"//srv/share", "https://p", "//srv/share"},
      {"https://other/x", "https://p", "https://other/x"},
      {R"(%DeployRoot%\x)", "https://p", R"(%DeployRoot%\x)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(ResolveServiceUrl(c.in, c.base), c.want);
  }
}

}  // namespace
}  // namespace provisiond::core

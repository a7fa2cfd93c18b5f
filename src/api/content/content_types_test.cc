#include "api/content/content_types.h"

#include <gtest/gtest.h>

namespace provisiond::api::content {
namespace {

TEST(ActiveContent, DocumentAndScriptTypesAreActiveDownloadsAreNot) {
  struct Case {
    std::string_view name;
    bool active;
  };
  const Case cases[] = {
      {"page.html", true},      {"PAGE.HTM", true},        {"a.xhtml", true},   {"logo.svg", true},
      {"unattend.xml", true},   {"app.js", true},          {"mod.mjs", true},   {"t.xsl", true},
      {"Dir.With.Dots/x.Svg", true},
      {"Customer.ps1", false},  {"pack.zip", false},       {"setup.exe", false}, {"readme.txt", false},
      {"drivers.cab", false},   {"noext", false},          {"svg", false},       {"x.svg/child", false},
      {"style.css", false},     {"data.json", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.name));
    EXPECT_EQ(IsActiveContent(c.name), c.active);
  }
}

TEST(ActiveContent, AttachmentDispositionQuotesAndEncodesTheName) {
  EXPECT_EQ(AttachmentDisposition("logo.svg"), "attachment; filename=\"logo.svg\"; filename*=UTF-8''logo.svg");
  EXPECT_EQ(AttachmentDisposition("a \"b\"\\c.html"),
            "attachment; filename=\"a _b__c.html\"; filename*=UTF-8''a%20%22b%22%5Cc.html");
  EXPECT_EQ(AttachmentDisposition("été.svg"), "attachment; filename=\"__t__.svg\"; filename*=UTF-8''%C3%A9t%C3%A9.svg");
}

}  // namespace
}  // namespace provisiond::api::content

#include "api/content/ws_base.h"

#include <gtest/gtest.h>

#include "api/content/content_types.h"

namespace provisiond::api::content {
namespace {

TEST(IsTemplatedScript, OnlyPs1UnderProvision) {
  EXPECT_TRUE(IsTemplatedScript("Provision/Customer.ps1"));
  EXPECT_TRUE(IsTemplatedScript("provision/sub/X.PS1"));
  EXPECT_FALSE(IsTemplatedScript("Apps/Customer.ps1"));
  EXPECT_FALSE(IsTemplatedScript("Provision/readme.txt"));
  EXPECT_FALSE(IsTemplatedScript("Customer.ps1"));
}

TEST(RenderWsBase, ReplacesAssignmentsAndPlaceholders) {
  struct Case {
    std::string name, in, want;
  };
  const std::string url = "https://pv.example/provision";
  const Case cases[] = {
      {"single quotes", "$WsBase = 'http://old'\n", "$WsBase = 'https://pv.example/provision'\n"},
      {"double quotes, CRLF, comment kept", "  $WsBase=\"http://old\" # note\r\nx\r\n",
       "  $WsBase='https://pv.example/provision' # note\r\nx\r\n"},
      {"typed, case-insensitive", "[string]$wsbase = ''\n", "[string]$wsbase = 'https://pv.example/provision'\n"},
      {"BOM on first line", "\xEF\xBB\xBF$WsBase = 'a'\n", "\xEF\xBB\xBF$WsBase = 'https://pv.example/provision'\n"},
      {"other variable untouched", "$WsBaseUrl = 'a'\n", "$WsBaseUrl = 'a'\n"},
      {"comparison untouched", "if ($WsBase -eq 'a') {}\n", "if ($WsBase -eq 'a') {}\n"},
      {"non-literal untouched", "$WsBase = $env:WSBASE\n", "$WsBase = $env:WSBASE\n"},
      {"placeholders", "$u = \"{{WsBase}}/x\"; $v = '__WSBASE__'", "$u = \"https://pv.example/provision/x\"; $v = 'https://pv.example/provision'"},
      {"escaped quote inside literal", "$WsBase = 'it''s' # c\n", "$WsBase = 'https://pv.example/provision' # c\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(RenderWsBase(c.in, url), c.want);
  }
}

TEST(RenderWsBase, QuoteInUrlIsDoubled) {
  EXPECT_EQ(RenderWsBase("$WsBase = 'x'", "http://a'b"), "$WsBase = 'http://a''b'");
}

TEST(ContentTypeFor, KnownExtensions) {
  EXPECT_EQ(ContentTypeFor("a.ps1"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("A.ZIP"), "application/zip");
  EXPECT_EQ(ContentTypeFor("setup.exe"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("x.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("x.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("d.cab"), "application/vnd.ms-cab-compressed");
  EXPECT_EQ(ContentTypeFor("d.7z"), "application/x-7z-compressed");
  EXPECT_EQ(ContentTypeFor("d.msi"), "application/x-msi");
  EXPECT_EQ(ContentTypeFor("install.wim"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace provisiond::api::content

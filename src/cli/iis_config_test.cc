// The IIS web.config: the rule's match, target and headers, no outbound
// rule, the upload limit capped where IIS caps it, and bad input named.
#include "cli/iis_config.h"

#include <gtest/gtest.h>

namespace provisiond::cli {
namespace {

TEST(IisConfig, RulesSetTheForwardedHeadersAndRewriteToTheBackend) {
  auto x = IisWebConfig({"/provision/", "http://10.1.2.3:12176/", 1ULL << 20});
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  EXPECT_NE(x->find(R"(<match url="^provision(/.*)?$" />)"), std::string::npos);
  EXPECT_NE(x->find(R"(<action type="Rewrite" url="http://10.1.2.3:12176{R:1}" />)"), std::string::npos);
  EXPECT_NE(x->find(R"(<set name="HTTP_X_FORWARDED_PREFIX" value="/provision" />)"), std::string::npos);
  EXPECT_NE(x->find(R"(<set name="HTTP_X_FORWARDED_PROTO" value="https" />)"), std::string::npos);
  EXPECT_NE(x->find(R"(<set name="HTTP_X_FORWARDED_PROTO" value="http" />)"), std::string::npos);
  EXPECT_NE(x->find(R"(maxAllowedContentLength="1048576")"), std::string::npos);
  EXPECT_EQ(x->find("outboundRules"), std::string::npos);
}

TEST(IisConfig, NestedPrefixDotsAreEscapedAndTheLimitIsCapped) {
  auto x = IisWebConfig({"/it/prov.v2", "https://prov.internal:8443", 8ULL << 30});
  ASSERT_TRUE(x.ok());
  EXPECT_NE(x->find(R"(<match url="^it/prov\.v2(/.*)?$" />)"), std::string::npos);
  EXPECT_NE(x->find(R"(maxAllowedContentLength="4294967295")"), std::string::npos);
}

TEST(IisConfig, BadInputIsNamedWithAnExample) {
  struct Case {
    IisConfigInput in;
    const char* field;
  } cases[] = {
      {{"provision", "http://h:1", 1}, "--prefix"},  {{"/", "http://h:1", 1}, "--prefix"},
      {{"/a/../b", "http://h:1", 1}, "--prefix"},    {{"/a\"b", "http://h:1", 1}, "--prefix"},
      {{"/p", "10.1.2.3:12176", 1}, "--backend"},   {{"/p", "ftp://h", 1}, "--backend"},
      {{"/p", "http://h:1/sub", 1}, "--backend"},   {{"/p", "http://h:1/?x=1", 1}, "--backend"},
  };
  for (const auto& c : cases) {
    auto x = IisWebConfig(c.in);
    ASSERT_FALSE(x.ok()) << c.in.prefix << " " << c.in.backend;
    EXPECT_EQ(x.status().field(), c.field);
    EXPECT_NE(x.status().message().find("e.g."), std::string::npos);
  }
}

}  // namespace
}  // namespace provisiond::cli

#include "api/access/file_token.h"

#include <gtest/gtest.h>

namespace provisiond::api::access {
namespace {

TEST(FileToken, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

TEST(FileToken, CheckAcceptsQueryHeaderAndBearerAndSetsPrincipal) {
  AccessCheck check = FileTokenCheck("t0k");
  Route route;
  struct Case {
    std::string name;
    std::vector<std::pair<std::string, std::string>> query, headers;
    bool allowed;
  };
  const Case cases[] = {
      {"none", {}, {}, false},
      {"query", {{"token", "t0k"}}, {}, true},
      {"header", {}, {{"x-file-token", " t0k "}}, true},
      {"bearer", {}, {{"Authorization", "Bearer t0k"}}, true},
      {"basic is not a token", {}, {{"Authorization", "Basic t0k"}}, false},
      {"wrong query wins over right header", {{"token", "bad"}}, {{"X-File-Token", "t0k"}}, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Request req;
    req.query = c.query;
    for (const auto& [k, v] : c.headers) req.headers.Add(k, v);
    auto refused = check(req, route);
    EXPECT_EQ(!refused.has_value(), c.allowed);
    if (refused) {
      EXPECT_EQ(refused->status, 401);
      EXPECT_TRUE(refused->headers.Get("WWW-Authenticate"));
    } else {
      EXPECT_EQ(req.principal.kind, PrincipalKind::kFileToken);
    }
  }
}

TEST(FileToken, EmptyTokenLetsEveryoneIn) {
  Request req;
  Route route;
  EXPECT_FALSE(FileTokenCheck("")(req, route));
}

}  // namespace
}  // namespace provisiond::api::access

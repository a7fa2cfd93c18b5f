#include "api/health.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace provisiond::api {
namespace {

namespace json = boost::json;

Response Readyz(std::vector<ReadyCheck> checks) {
  Router router;
  RegisterHealthRoutes(router, {[checks] { return checks; }, "test"});
  Request r;
  r.method = "GET";
  r.target = r.path = "/readyz";
  return router.Dispatch(r);
}

TEST(Readyz, ReadyWhenEveryCheckPassesAndListsThem) {
  Response r = Readyz({{"data", "/d", true, ""}, {"content_root", "/file", true, ""}});
  EXPECT_EQ(r.status, 200);
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body["status"].as_string(), "ready");
  ASSERT_EQ(body["checks"].as_array().size(), 2u);
  EXPECT_EQ(body["checks"].as_array()[1].as_object()["path"].as_string(), "/file");
}

TEST(Readyz, AMissingContentFolderIs503NamingIt) {
  Response r = Readyz({{"data", "/d", true, ""}, {"content_root", "/srv/file", false, "/srv/file does not exist"}});
  EXPECT_EQ(r.status, 503);
  auto body = json::parse(r.body).as_object();
  std::string detail(body["detail"].as_string());
  EXPECT_NE(detail.find("content_root: /srv/file does not exist"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("data"), std::string::npos) << detail;  // only what fails is named
  EXPECT_FALSE(body["checks"].as_array()[1].as_object()["ok"].as_bool());
}

}  // namespace
}  // namespace provisiond::api

#include "api/problem.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace provisiond::api {
namespace {

boost::json::object Body(const Response& r) { return boost::json::parse(r.body).as_object(); }

// The one table: every code, its HTTP status. A new code without a row
// fails to compile (-Wswitch) and then fails here.
TEST(HttpStatusFor, MapsEveryStatusCode) {
  const std::pair<StatusCode, int> table[] = {
      {StatusCode::kOk, 200},
      {StatusCode::kInvalidArgument, 400},
      {StatusCode::kNotFound, 404},
      {StatusCode::kConflict, 409},
      {StatusCode::kUnavailable, 503},
      {StatusCode::kIoError, 500},
      {StatusCode::kPermissionDenied, 403},
      {StatusCode::kFailedPrecondition, 412},
      {StatusCode::kInternal, 500},
      {StatusCode::kTooLarge, 413},
      {StatusCode::kUnauthenticated, 401},
  };
  ASSERT_EQ(std::size(table), static_cast<size_t>(StatusCode::kUnauthenticated) + 1);
  for (auto [code, http] : table) {
    EXPECT_EQ(HttpStatusFor(code), http) << StatusCodeName(code);
    if (code == StatusCode::kOk) continue;
    Response r = ToProblem(Status(code, "why"));
    EXPECT_EQ(r.status, http) << StatusCodeName(code);
    auto o = Body(r);
    EXPECT_EQ(o.at("status").as_int64(), http);
    EXPECT_EQ(o.at("detail").as_string(), "why");
    EXPECT_EQ(o.at("title").as_string(), ReasonPhrase(http));
  }
}

TEST(ToProblem, CarriesTheFieldFromTheStatusNotFromItsText) {
  auto o = Body(ToProblem(Status::BadField("computerName", "16 characters; at most 15")));
  EXPECT_EQ(o.at("field").as_string(), "computerName");
  EXPECT_EQ(o.at("detail").as_string(), "computerName: 16 characters; at most 15");
  // Text that looks like a field prefix is not mistaken for one.
  auto plain = Body(ToProblem(Status::InvalidArgument("body: not JSON")));
  EXPECT_FALSE(plain.contains("field"));
}

TEST(ToProblem, CarriesLineAndColumn) {
  auto o = Body(ToProblem(Status::BadInputAt(12, 4, "unterminated quote").WithContext("computers.csv")));
  EXPECT_EQ(o.at("line").as_int64(), 12);
  EXPECT_EQ(o.at("column").as_int64(), 4);
  EXPECT_FALSE(o.contains("field"));
}

TEST(ToProblem, OverridesTheStatusAndKeepsExtraMembers) {
  Response r = ToProblem(404, Status::BadField("key", "unknown setting"), R"("known":["a"])");
  EXPECT_EQ(r.status, 404);
  auto o = Body(r);
  EXPECT_EQ(o.at("field").as_string(), "key");
  EXPECT_EQ(o.at("known").as_array().size(), 1u);
  EXPECT_EQ(r.headers.Get("Content-Type").value_or(""), "application/problem+json");
}

}  // namespace
}  // namespace provisiond::api

#include "base/status.h"

#include <gtest/gtest.h>

namespace provisiond {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Status UseHalf(int x, int* out) {
  PV_ASSIGN_OR_RETURN(int h, Half(x));
  *out = h;
  return Status::Ok();
}

TEST(Status, OkAndErrorCarryCodeAndMessage) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = Status::Conflict("version 3 is stale");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_EQ(s.ToString(), "Conflict: version 3 is stale");
  EXPECT_EQ(s.WithContext("computers.csv").message(), "computers.csv: version 3 is stale");
  EXPECT_EQ(Status::IoError("/x", "No space").message(), "/x: No space");
}

TEST(Result, AssignOrReturnPropagatesTheError) {
  int out = -1;
  EXPECT_TRUE(UseHalf(8, &out).ok());
  EXPECT_EQ(out, 4);
  Status s = UseHalf(7, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out, 4);
}

}  // namespace
}  // namespace provisiond

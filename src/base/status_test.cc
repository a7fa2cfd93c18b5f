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

TEST(Status, BadFieldCarriesTheFieldAsData) {
  Status s = Status::BadField("computer_name", "holds a control character (0x01)");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "computer_name");
  EXPECT_EQ(s.reason(), "holds a control character (0x01)");
  EXPECT_EQ(s.message(), "computer_name: holds a control character (0x01)");
  EXPECT_EQ(s.line(), 0);
  // A message that merely looks like "word: ..." names no field.
  EXPECT_EQ(Status::InvalidArgument("serial: x").field(), "");
}

TEST(Status, WithFieldRenamesTheFieldAndKeepsTheReason) {
  Status s = Status::BadField("computer_name", "16 characters; at most 15").WithField("computerName");
  EXPECT_EQ(s.field(), "computerName");
  EXPECT_EQ(s.reason(), "16 characters; at most 15");
  EXPECT_EQ(s.message(), "computerName: 16 characters; at most 15");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Status::Ok().WithField("x").ok());
}

TEST(Status, BadInputAtCarriesLineAndColumnAsData) {
  Status s = Status::BadInputAt(302, 5, "control character 0x01");
  EXPECT_EQ(s.line(), 302);
  EXPECT_EQ(s.column(), 5);
  EXPECT_EQ(s.reason(), "control character 0x01");
  EXPECT_EQ(s.message(), "line 302, column 5: control character 0x01");
  Status whole_line = Status::BadInputAt(7, 0, "too many fields");
  EXPECT_EQ(whole_line.message(), "line 7: too many fields");
  EXPECT_EQ(whole_line.column(), 0);
}

TEST(Status, WithContextKeepsFieldPositionAndReason) {
  Status s = Status::BadInputAt(3, 9, "unterminated quote").WithContext("computers.csv");
  EXPECT_EQ(s.message(), "computers.csv: line 3, column 9: unterminated quote");
  EXPECT_EQ(s.line(), 3);
  EXPECT_EQ(s.column(), 9);
  EXPECT_EQ(s.reason(), "unterminated quote");
  Status f = Status::BadField("serial", "empty").WithContext("row 2");
  EXPECT_EQ(f.field(), "serial");
  EXPECT_EQ(f.reason(), "empty");
}

TEST(Status, EveryCodeHasAName) {
  for (int c = 0; c <= static_cast<int>(StatusCode::kUnauthenticated); ++c)
    EXPECT_NE(StatusCodeName(static_cast<StatusCode>(c)), "Unknown") << c;
  EXPECT_EQ(Status::Unauthenticated("no session").ToString(), "Unauthenticated: no session");
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

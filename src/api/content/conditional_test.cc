#include "api/content/conditional.h"

#include <gtest/gtest.h>

namespace provisiond::api::content {
namespace {

TEST(HttpDate, FormatsAndParsesImfFixdate) {
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(FormatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate(FormatHttpDate(1795000000)), 1795000000);
  EXPECT_FALSE(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sun, 31 Feb 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("garbage"));
}

TEST(ParseRange, SingleRangesAgainstSize) {
  struct Case {
    std::string header;
    uint64_t size;
    RangeKind kind;
    uint64_t offset, length;
  };
  const Case cases[] = {
      {"bytes=0-0", 100, RangeKind::kSingle, 0, 1},             // first byte
      {"bytes=10-19", 100, RangeKind::kSingle, 10, 10},         // middle
      {"bytes=90-", 100, RangeKind::kSingle, 90, 10},           // open-ended (curl -C -)
      {"bytes=-5", 100, RangeKind::kSingle, 95, 5},             // suffix
      {"bytes=-500", 100, RangeKind::kSingle, 0, 100},          // suffix longer than file
      {"bytes=50-1000", 100, RangeKind::kSingle, 50, 50},       // end clamped
      {"BYTES = 1-2", 100, RangeKind::kNone, 0, 0},             // malformed unit: ignored
      {"bytes=100-", 100, RangeKind::kUnsatisfiable, 0, 0},     // resume of a complete file
      {"bytes=200-300", 100, RangeKind::kUnsatisfiable, 0, 0},
      {"bytes=-0", 100, RangeKind::kUnsatisfiable, 0, 0},
      {"bytes=0-", 0, RangeKind::kUnsatisfiable, 0, 0},         // empty file
      {"bytes=0-1,5-6", 100, RangeKind::kNone, 0, 0},           // several: whole body
      {"bytes=5-1", 100, RangeKind::kNone, 0, 0},               // invalid: ignored
      {"bytes=a-b", 100, RangeKind::kNone, 0, 0},
      {"items=0-1", 100, RangeKind::kNone, 0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.header);
    RangeSpec r = ParseRange(c.header, c.size);
    EXPECT_EQ(r.kind, c.kind);
    if (c.kind == RangeKind::kSingle) {
      EXPECT_EQ(r.offset, c.offset);
      EXPECT_EQ(r.length, c.length);
    }
  }
}

TEST(Evaluate, ConditionalsAndRanges) {
  Representation rep{1000, "\"abc\"", 784111777};
  const std::string lm = FormatHttpDate(rep.mtime_seconds);
  const std::string earlier = FormatHttpDate(rep.mtime_seconds - 10);
  struct Case {
    std::string name;
    std::vector<std::pair<std::string, std::string>> headers;
    int status;
    uint64_t offset = 0, length = 0;
  };
  const Case cases[] = {
      {"plain", {}, 200, 0, 1000},
      {"etag match", {{"If-None-Match", "\"abc\""}}, 304},
      {"weak etag in list matches", {{"If-None-Match", "\"x\", W/\"abc\""}}, 304},
      {"star", {{"If-None-Match", "*"}}, 304},
      {"etag mismatch", {{"If-None-Match", "\"old\""}}, 200, 0, 1000},
      {"etag mismatch wins over date", {{"If-None-Match", "\"old\""}, {"If-Modified-Since", lm}}, 200, 0, 1000},
      {"not modified since", {{"If-Modified-Since", lm}}, 304},
      {"modified since", {{"If-Modified-Since", earlier}}, 200, 0, 1000},
      {"bad date ignored", {{"If-Modified-Since", "yesterday"}}, 200, 0, 1000},
      {"range", {{"Range", "bytes=100-199"}}, 206, 100, 100},
      {"if-range etag match", {{"Range", "bytes=100-"}, {"If-Range", "\"abc\""}}, 206, 100, 900},
      {"if-range etag mismatch", {{"Range", "bytes=100-"}, {"If-Range", "\"old\""}}, 200, 0, 1000},
      {"if-range weak never matches", {{"Range", "bytes=100-"}, {"If-Range", "W/\"abc\""}}, 200, 0, 1000},
      {"if-range date match", {{"Range", "bytes=100-"}, {"If-Range", lm}}, 206, 100, 900},
      {"if-range date mismatch", {{"Range", "bytes=100-"}, {"If-Range", earlier}}, 200, 0, 1000},
      {"resume of a complete file: whole body", {{"Range", "bytes=1000-"}}, 200, 0, 1000},
      {"unsatisfiable", {{"Range", "bytes=1001-"}}, 416},
      {"unsatisfiable closed range", {{"Range", "bytes=1000-1001"}}, 416},
      {"multiple ranges", {{"Range", "bytes=0-1,3-4"}}, 200, 0, 1000},
      {"if-match fails", {{"If-Match", "\"old\""}}, 412},
      {"if-match ok", {{"If-Match", "\"abc\""}, {"Range", "bytes=0-0"}}, 206, 0, 1},
      {"unmodified since fails", {{"If-Unmodified-Since", earlier}}, 412},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Request req;
    for (const auto& [k, v] : c.headers) req.headers.Add(k, v);
    Decision d = Evaluate(req, rep);
    EXPECT_EQ(d.status, c.status);
    if (c.status == 200 || c.status == 206) {
      EXPECT_EQ(d.offset, c.offset);
      EXPECT_EQ(d.length, c.length);
    }
  }
}

TEST(FileETag, ChangesWithIdentityAndIsQuoted) {
  std::string a = FileETag(1, 2, 3);
  EXPECT_EQ(a.front(), '"');
  EXPECT_EQ(a.back(), '"');
  EXPECT_EQ(a, FileETag(1, 2, 3));
  EXPECT_NE(a, FileETag(9, 2, 3));
  EXPECT_NE(a, FileETag(1, 9, 3));
  EXPECT_NE(a, FileETag(1, 2, 9));
}

}  // namespace
}  // namespace provisiond::api::content

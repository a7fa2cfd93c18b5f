#include "api/content/path_safety.h"

#include <gtest/gtest.h>

namespace provisiond::api::content {
namespace {

struct Case {
  std::string name;
  std::string decoded;  // what the router captured (decoded once)
  std::string raw;      // the request-target as sent
  StatusCode want;      // kOk: accepted
  std::string normalised = {};
};

TEST(CheckContentPath, RefusesEveryTraversalTrick) {
  const std::string long_seg(256, 'a');
  std::string long_path;
  for (int i = 0; i < 20; ++i) long_path += std::string(250, 'b') + "/";
  const Case cases[] = {
      {"plain", "Apps/x.zip", "/file/Apps/x.zip", StatusCode::kOk, "Apps/x.zip"},
      {"root", "", "/file/", StatusCode::kOk, ""},
      {"double slash and trailing slash", "Apps//Sub/", "/file/Apps//Sub/", StatusCode::kOk, "Apps/Sub"},
      {"dots inside names", "a..b/.hidden", "/file/a..b/.hidden", StatusCode::kOk, "a..b/.hidden"},
      {"dotdot", "../etc/passwd", "/file/../etc/passwd", StatusCode::kInvalidArgument},
      {"dotdot in middle", "Apps/../../etc", "/file/Apps/../../etc", StatusCode::kInvalidArgument},
      {"dot", "./Apps", "/file/./Apps", StatusCode::kInvalidArgument},
      {"encoded dotdot", "../x", "/file/%2e%2e/x", StatusCode::kInvalidArgument},
      {"encoded dotdot upper", "../x", "/file/%2E%2E/x", StatusCode::kInvalidArgument},
      {"half encoded dotdot", "../x", "/file/.%2e/x", StatusCode::kInvalidArgument},
      {"double encoded dotdot", "%2e%2e/x", "/file/%252e%252e/x", StatusCode::kInvalidArgument},
      {"encoded slash then dotdot", "a/../x", "/file/a%2f..%2fx", StatusCode::kInvalidArgument},
      {"backslash", "..\\windows", "/file/..\\windows", StatusCode::kInvalidArgument},
      {"encoded backslash", "a\\b", "/file/a%5cb", StatusCode::kInvalidArgument},
      {"absolute", "/etc/passwd", "/file//etc/passwd", StatusCode::kInvalidArgument},
      {"drive letter", "C:/Windows/win.ini", "/file/C:/Windows/win.ini", StatusCode::kInvalidArgument},
      {"lower drive letter", "c:", "/file/c:", StatusCode::kInvalidArgument},
      {"NUL raw", std::string("a\0b", 3), std::string("/file/a\0b", 9), StatusCode::kInvalidArgument},
      {"NUL encoded", std::string("a\0b", 3), "/file/a%00b", StatusCode::kInvalidArgument},
      {"control char", "a\x01" "b", "/file/a%01b", StatusCode::kInvalidArgument},
      {"segment over 255 bytes", long_seg, "/file/" + long_seg, StatusCode::kInvalidArgument},
      {"path over 4096 bytes", long_path, "/file/" + long_path, StatusCode::kInvalidArgument},
      {"upload temp file", "Apps/.pv-upload-abc", "/file/Apps/.pv-upload-abc", StatusCode::kNotFound},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = CheckContentPath(c.decoded, c.raw);
    EXPECT_EQ(r.status().code(), c.want) << r.status().ToString();
    if (c.want == StatusCode::kOk && r.ok()) {
      EXPECT_EQ(*r, c.normalised);
    }
  }
}

TEST(CheckContentPath, SegmentOfExactly255BytesIsAccepted) {
  std::string seg(255, 'a');
  EXPECT_TRUE(CheckContentPath(seg, "/file/" + seg).ok());
}

TEST(PathParts, BaseAndDirName) {
  EXPECT_EQ(BaseName("a/b/c.zip"), "c.zip");
  EXPECT_EQ(DirName("a/b/c.zip"), "a/b");
  EXPECT_EQ(BaseName("c.zip"), "c.zip");
  EXPECT_EQ(DirName("c.zip"), "");
}

}  // namespace
}  // namespace provisiond::api::content

#include "base/cidr.h"

#include <gtest/gtest.h>

namespace provisiond {
namespace {

TEST(Cidr, ContainsV4V6AndMapped) {
  struct Case { const char* net; const char* addr; bool want; };
  const Case cases[] = {
      {"10.0.0.0/8", "10.200.3.4", true},      {"10.0.0.0/8", "11.0.0.1", false},
      {"192.168.0.0/16", "192.168.255.1", true}, {"0.0.0.0/0", "8.8.8.8", true},
      {"127.0.0.1", "127.0.0.1", true},        {"127.0.0.1", "127.0.0.2", false},
      {"::1/128", "::1", true},                {"::1/128", "::2", false},
      {"fd00::/8", "fd12:3456::1", true},      {"10.0.0.0/8", "::ffff:10.1.1.1", true},
      {"46.218.21.114/32", "46.218.21.114", true}, {"10.0.0.0/8", "not-an-ip", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.net) + " " + c.addr);
    auto n = Cidr::Parse(c.net);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(n->Contains(c.addr), c.want);
  }
}

TEST(Cidr, RefusesBadTextNamingIt) {
  for (const char* bad : {"10.0.0.0/33", "300.1.1.1", "10.0.0/8", "::1/129", "abc", "1.2.3.4/x"}) {
    SCOPED_TRACE(bad);
    auto n = Cidr::Parse(bad);
    ASSERT_FALSE(n.ok());
    EXPECT_NE(n.status().message().find(bad), std::string::npos) << n.status().message();
  }
}

}  // namespace
}  // namespace provisiond

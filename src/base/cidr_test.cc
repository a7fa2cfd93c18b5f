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

namespace provisiond {
namespace {

AddressRanges RangesOf(std::initializer_list<const char*> cidrs) {
  AddressRanges r;
  for (const char* c : cidrs) r.Add(*Cidr::Parse(c));
  r.Build();
  return r;
}

bool In(const AddressRanges& r, const char* address) {
  std::array<uint8_t, 16> a;
  EXPECT_TRUE(ParseIpAddress(address, &a)) << address;
  return r.Contains(a);
}

TEST(AddressRanges, AgreesWithCidrContains) {
  const std::vector<const char*> nets = {"10.0.0.0/8", "192.168.1.0/24", "192.168.1.128/25", "203.0.113.7",
                                         "2001:db8::/32", "::1/128"};
  AddressRanges r;
  for (const char* n : nets) r.Add(*Cidr::Parse(n));
  r.Build();
  for (const char* a : {"10.0.0.0", "10.255.255.255", "11.0.0.0", "9.255.255.255", "192.168.1.0", "192.168.1.255",
                        "192.168.2.0", "203.0.113.7", "203.0.113.8", "2001:db8::1", "2001:db9::", "::1", "::2",
                        "::ffff:10.1.2.3", "0.0.0.0"}) {
    bool want = false;
    for (const char* n : nets) want = want || Cidr::Parse(n)->Contains(a);
    EXPECT_EQ(In(r, a), want) << a;
  }
}

TEST(AddressRanges, EverythingAndNothing) {
  EXPECT_TRUE(In(RangesOf({"0.0.0.0/0"}), "8.8.8.8"));
  EXPECT_FALSE(In(RangesOf({"0.0.0.0/0"}), "2001:db8::1"));  // an IPv4 network holds no IPv6 address
  EXPECT_TRUE(In(RangesOf({"::/0"}), "2001:db8::1"));
  EXPECT_FALSE(In(RangesOf({}), "127.0.0.1"));
}

}  // namespace
}  // namespace provisiond

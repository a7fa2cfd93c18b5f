#include "pki/secret.h"

#include <gtest/gtest.h>

#include <set>

namespace provisiond::pki {
namespace {

TEST(Secret, HasPrefixAndEnoughRandomCharacters) {
  auto a = NewSecret("pvt_");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->starts_with("pvt_"));
  EXPECT_EQ(a->size(), 4u + 43u);  // 256 bits in base64url, no padding
  EXPECT_EQ(a->find_first_not_of("pvt_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(*NewSecret(""));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Secret, RandomHexLength) {
  auto h = RandomHex(4);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->size(), 8u);
}

TEST(Secret, HmacMatchesRfc4231Case2) {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace provisiond::pki

namespace provisiond::pki {
namespace {

TEST(Base64, DecodesWithOrWithoutPaddingAndRefusesJunk) {
  EXPECT_EQ(DecodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(DecodeBase64("aGVsbG8"), "hello");
  EXPECT_EQ(DecodeBase64("aGk="), "hi");
  EXPECT_EQ(DecodeBase64(""), "");
  EXPECT_FALSE(DecodeBase64("a%Gk"));
  EXPECT_EQ(HmacSha256("key", "msg").size(), 32u);
}

}  // namespace
}  // namespace provisiond::pki

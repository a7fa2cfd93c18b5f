#include "pki/password_hash.h"

#include <gtest/gtest.h>

namespace provisiond::pki {
namespace {

// Known answers. The werkzeug-format ones were made with Python's hashlib
// exactly as werkzeug builds them (hashlib.scrypt(pw, salt=salt.encode(),
// n, r, p, dklen=64).hex(); hashlib.pbkdf2_hmac(digest, pw, salt.encode(),
// iterations).hex(); the sha256: form with a hex salt). The argon2id one is
// the reference implementation's test vector (password/somesalt, t=2,
// m=65536, p=1), which the Debian `argon2` tool prints too.
constexpr std::string_view kPassword = "correct horse";
constexpr std::string_view kScrypt =
    "scrypt:32768:8:1$Xq3vK9aZ0b1c2d3e$13dc662fe58ee0b244c3d16c747fb95a7e5cbba72e5b6316c2cfb069e8547b2931fba97433028c2"
    "386a917c0decac7841c614be4bc363901ca113175a60511c3";
constexpr std::string_view kPbkdf2 =
    "pbkdf2:sha256:1000$Xq3vK9aZ0b1c2d3e$33bb119661ecc03a03f49ed87a615c71be369a246639990a3a7db74c00baa97e";
constexpr std::string_view kPbkdf2Werkzeug3 =
    "pbkdf2:sha256:600000$Xq3vK9aZ0b1c2d3e$a650b1f1543df30b8a568920f5cba51189fba858d061d410f9c7209e86c63130";
constexpr std::string_view kSha256 =
    "sha256:100000$000102030405060708090a0b0c0d0e0f$57f2c2f0739748d516419b062a884666323c583ea4ae165504a81f7b53c62a09";
constexpr std::string_view kArgon2Reference =
    "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

TEST(VerifyPassword, OriginalFormatsMatchAndAskForARehash) {
  for (std::string_view stored : {kScrypt, kPbkdf2, kPbkdf2Werkzeug3, kSha256}) {
    SCOPED_TRACE(stored.substr(0, 24));
    auto right = VerifyPassword(kPassword, stored);
    ASSERT_TRUE(right.ok()) << right.status().ToString();
    EXPECT_TRUE(right->match);
    EXPECT_TRUE(right->needs_rehash);
    auto wrong = VerifyPassword("correct horsf", stored);
    ASSERT_TRUE(wrong.ok());
    EXPECT_FALSE(wrong->match);
  }
}

TEST(VerifyPassword, NonAsciiPasswordIsItsUtf8Bytes) {
  auto r = VerifyPassword(
      "R\xC3\xA9" "ception-2024",
      "scrypt:16384:8:1$s4lt$b491f87350f5136b8c61fcfd2aab278a4002de0e9873e95418c8c8ba5cf39e05f09742e84b7565b3e09afe48c"
      "b952e0534bc358f643b49f38e8fc6d7148f39dd");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->match);
}

TEST(VerifyPassword, Argon2idReferenceVector) {
  Argon2Params weaker{2, 64 * 1024, 1};
  auto r = VerifyPassword("password", kArgon2Reference, weaker);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->match);
  EXPECT_FALSE(r->needs_rehash);  // as strong as asked
  auto stronger = VerifyPassword("password", kArgon2Reference, Argon2Params{3, 64 * 1024, 1});
  ASSERT_TRUE(stronger.ok());
  EXPECT_TRUE(stronger->needs_rehash);  // t=2 < 3: upgraded at the next login
  EXPECT_FALSE(VerifyPassword("passwore", kArgon2Reference)->match);
}

TEST(HashPassword, IsArgon2idWithAFreshSaltAndVerifies) {
  Argon2Params cheap{1, 8 * 1024, 1};  // a unit test, not a login
  auto a = HashPassword("s3cret!", cheap);
  auto b = HashPassword("s3cret!", cheap);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(SchemeOf(*a), PasswordScheme::kArgon2id);
  EXPECT_TRUE(a->starts_with("$argon2id$v=19$m=8192,t=1,p=1$")) << *a;
  EXPECT_NE(*a, *b);  // salted
  auto check = VerifyPassword("s3cret!", *a, cheap);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->match);
  EXPECT_FALSE(check->needs_rehash);
  EXPECT_FALSE(VerifyPassword("s3cret", *a, cheap)->match);
  EXPECT_EQ(a->find("s3cret"), std::string::npos);
}

TEST(VerifyPassword, EmptyNeverLogsIn) {
  // The original's sample users.csv: admin with an empty hash.
  for (std::string_view pw : {"", "admin", " "}) {
    auto r = VerifyPassword(pw, "");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->match) << "'" << pw << "'";
  }
  EXPECT_FALSE(VerifyPassword("", kSha256)->match);
  EXPECT_FALSE(HashPassword("").ok());
  EXPECT_EQ(HashPassword("").status().field(), "password");
}

TEST(VerifyPassword, UnusableHashesAreErrorsNotMatches) {
  const std::string_view bad[] = {
      "md5$abc$def",                                          // unknown scheme
      "plaintext",                                            // unknown scheme
      "scrypt:32768:8$salt$00",                               // missing p
      "scrypt:1000:8:1$salt$00",                              // N not a power of two
      "scrypt:1048576:8:8$salt$00",                           // 8 GiB of memory
      "pbkdf2:md5:1000$salt$00",                              // digest not allowed
      "pbkdf2:sha256$salt$00",                                // no iterations
      "pbkdf2:sha256:999999999$salt$00",                      // minutes of work
      "pbkdf2:sha256:1000$salt$zz",                           // not hex
      "sha256:1000$nothex$00",                                // salt not hex
      "sha256:1000$00$00$00",                                 // too many parts
      "$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHQ$AAAA",    // 4 GiB
      "$argon2id$v=16$m=65536,t=2,p=1$c29tZXNhbHQ$AAAA",      // old version
      "$argon2id$v=19$m=65536,t=2$c29tZXNhbHQ",               // cut
  };
  for (std::string_view stored : bad) {
    SCOPED_TRACE(stored);
    auto r = VerifyPassword("hunter2-secret", stored);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().find("hunter2"), std::string::npos);  // never the password
  }
}

TEST(SchemeOf, NamesEachFormat) {
  EXPECT_EQ(SchemeOf(""), PasswordScheme::kEmpty);
  EXPECT_EQ(SchemeOf(kScrypt), PasswordScheme::kScrypt);
  EXPECT_EQ(SchemeOf(kPbkdf2), PasswordScheme::kPbkdf2);
  EXPECT_EQ(SchemeOf(kSha256), PasswordScheme::kSha256Pbkdf2);
  EXPECT_EQ(SchemeOf(kArgon2Reference), PasswordScheme::kArgon2id);
  EXPECT_EQ(SchemeOf("x"), PasswordScheme::kUnknown);
}

}  // namespace
}  // namespace provisiond::pki

#include "pki/cert.h"

#include <gtest/gtest.h>

#include <set>

#include "pki/pem.h"

namespace provisiond::pki {
namespace {

Timestamp T0() { return Timestamp{} + std::chrono::hours(24) * 20000; }

struct Root {
  PkeyPtr key;
  X509Ptr cert;
};

Root MakeRoot(KeyType type) {
  auto key = GenerateKey(type);
  EXPECT_TRUE(key.ok());
  auto cert = CreateRootCert(key->get(), "CN=Root", 7300, T0());
  EXPECT_TRUE(cert.ok()) << cert.status().ToString();
  return {std::move(*key), std::move(*cert)};
}

X509ReqPtr MakeCsr(EVP_PKEY* key, std::vector<std::string> sans = {"DNS:a.example"}) {
  auto csr = CreateCsr(key, CsrOptions{"CN=a.example", std::move(sans)});
  EXPECT_TRUE(csr.ok()) << csr.status().ToString();
  return std::move(*csr);
}

TEST(Cert, SerialsArePositiveRandomAndAbout159Bits) {
  Root root = MakeRoot(KeyType::kEcP256);
  auto key = GenerateKey(KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  X509ReqPtr csr = MakeCsr(key->get());
  std::set<std::string> serials;
  for (int i = 0; i < 20; ++i) {
    auto cert = IssueFromCsr(csr.get(), root.cert.get(), root.key.get(), 3650, T0());
    ASSERT_TRUE(cert.ok()) << cert.status().ToString();
    BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert->get()), nullptr));
    EXPECT_FALSE(BN_is_negative(bn.get()));
    EXPECT_EQ(BN_num_bits(bn.get()), 159);
    serials.insert(DescribeCert(cert->get(), T0()).serial_hex);
  }
  EXPECT_EQ(serials.size(), 20u);
}

TEST(Cert, CsrWithBadSignatureIsRefused) {
  Root root = MakeRoot(KeyType::kEcP256);
  auto key = GenerateKey(KeyType::kEcP256);
  auto other = GenerateKey(KeyType::kEcP256);
  ASSERT_TRUE(key.ok() && other.ok());
  X509ReqPtr csr = MakeCsr(key->get());
  // Swap in another public key: the signature no longer proves possession.
  ASSERT_EQ(X509_REQ_set_pubkey(csr.get(), other->get()), 1);
  auto cert = IssueFromCsr(csr.get(), root.cert.get(), root.key.get(), 3650, T0());
  ASSERT_FALSE(cert.ok());
  EXPECT_EQ(cert.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(cert.status().message().find("signature"), std::string::npos) << cert.status().message();
}

TEST(Cert, CsrWithoutSanIsRefused) {
  Root root = MakeRoot(KeyType::kEcP256);
  auto key = GenerateKey(KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  X509ReqPtr csr = MakeCsr(key->get(), {});
  auto cert = IssueFromCsr(csr.get(), root.cert.get(), root.key.get(), 3650, T0());
  ASSERT_FALSE(cert.ok());
  EXPECT_NE(cert.status().message().find("--san"), std::string::npos);
}

TEST(Cert, RootKeyMustMatchRootCert) {
  Root root = MakeRoot(KeyType::kEcP256);
  auto wrong = GenerateKey(KeyType::kEcP256);
  auto key = GenerateKey(KeyType::kEcP256);
  ASSERT_TRUE(wrong.ok() && key.ok());
  X509ReqPtr csr = MakeCsr(key->get());
  auto cert = IssueFromCsr(csr.get(), root.cert.get(), wrong->get(), 3650, T0());
  ASSERT_FALSE(cert.ok());
  EXPECT_EQ(cert.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(cert.status().message().find("is not the private key"), std::string::npos);
}

TEST(Cert, SubjectAndSanParsing) {
  struct Case {
    std::string input;
    bool ok;
  } cases[] = {
      {"CN=a", true},           {"/CN=a/O=b", true},     {"CN=a, O=Société", true},
      {"", false},              {"CN", false},           {"XX=a", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(ParseSubject(c.input).ok(), c.ok);
  }
  struct SanCase {
    std::string input;
    bool ok;
  } sans[] = {
      {"DNS:a.example", true}, {"IP:10.0.0.1", true}, {"IP:fd00::1", true}, {"ip:127.0.0.1", true},
      {"DNS:", false},         {"IP:10.0.0", false},  {"URI:x", false},     {"a.example", false},
      {"DNS:a b", false},
  };
  for (const SanCase& c : sans) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(CheckSan(c.input).ok(), c.ok);
  }
}

TEST(Cert, FingerprintsAreColonHex) {
  Root root = MakeRoot(KeyType::kEcP256);
  std::string fp = Sha256Fingerprint(root.cert.get());
  EXPECT_EQ(fp.size(), 32u * 3 - 1);
  EXPECT_EQ(Sha1Fingerprint(root.cert.get()).size(), 20u * 3 - 1);
  // Matches the fingerprint of the DER encoding.
  unsigned char* der = nullptr;
  int n = i2d_X509(root.cert.get(), &der);
  unsigned char md[32];
  unsigned len = 0;
  EVP_Digest(der, static_cast<size_t>(n), md, &len, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  char first[3];
  std::snprintf(first, sizeof first, "%02X", md[0]);
  EXPECT_EQ(fp.substr(0, 2), first);
}

TEST(Pem, CertsRoundTripAndGarbageIsRefusedWithOrigin) {
  Root root = MakeRoot(KeyType::kEcP256);
  auto pem = CertToPem(root.cert.get());
  ASSERT_TRUE(pem.ok());
  auto back = CertsFromPem(*pem + *pem, "two.pem");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->size(), 2u);
  auto bad = CertsFromPem("hello", "bad.pem");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.pem"), std::string::npos);
  auto key = PrivateKeyFromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "k.pvk");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("k.pvk"), std::string::npos);
}

}  // namespace
}  // namespace provisiond::pki

#include "pki/keys_dir.h"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <set>

#include <unistd.h>

#include "platform/private_file.h"

namespace provisiond::pki {
namespace {

namespace fs = std::filesystem;

// A fresh keys directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("pv_pki_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string path() const { return (path_ / "keys").string(); }

 private:
  fs::path path_;
};

Timestamp Day(int days_from_base) {
  // A fixed base instant: tests never depend on the clock.
  return Timestamp{} + std::chrono::hours(24) * (20000 + days_from_base);
}

void RoundTrip(const KeysDir& keys, KeyType type, Timestamp now) {
  ASSERT_TRUE(InitRoot(keys, RootInitOptions{"CN=Test Root,O=provisiond", type}, now).ok());
  RequestOptions req;
  req.subject = "CN=prov.example.org";
  req.sans = {"DNS:prov.example.org", "IP:10.1.2.3", "dns:alt.example.org"};
  req.key_type = type;
  auto r = RequestServiceCert(keys, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto issued = IssueServiceCert(keys, IssueOptions{}, now);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
}

TEST(KeysDir, RoundTripEcVerifiesWithTheRootOnly) {
  TempDir tmp;
  KeysDir keys(tmp.path());
  RoundTrip(keys, KeyType::kEcP256, Day(0));
  Status s = VerifyCertFile(keys, "reporting.crt", {"root.crt"}, Day(1));
  EXPECT_TRUE(s.ok()) << s.ToString();
  // The service key belongs to the issued certificate.
  auto key = ReadPrivateKeyFile(keys.Path("reporting.pvk"));
  auto cert = ReadCertFile(keys.Path("reporting.crt"));
  ASSERT_TRUE(key.ok() && cert.ok());
  EXPECT_TRUE(CheckKeyMatchesCert(cert->get(), key->get(), "c", "k").ok());
  EXPECT_EQ(DescribeCert(cert->get(), Day(0)).key_type, "EC P-256");
}

TEST(KeysDir, RoundTripRsa) {
  TempDir tmp;
  KeysDir keys(tmp.path());
  RoundTrip(keys, KeyType::kRsa3072, Day(0));
  EXPECT_TRUE(VerifyCertFile(keys, "reporting.crt", {}, Day(1)).ok());
  auto cert = ReadCertFile(keys.Path("reporting.crt"));
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(DescribeCert(cert->get(), Day(0)).key_type, "RSA 3072");
  // RSA leaves also allow key encipherment (RSA key exchange is off, but
  // clients check the bit).
  EXPECT_TRUE(X509_get_key_usage(cert->get()) & KU_KEY_ENCIPHERMENT);
  EXPECT_TRUE(X509_get_key_usage(cert->get()) & KU_DIGITAL_SIGNATURE);
}

TEST(KeysDir, VerifyFailsAgainstAnotherRootWithReason) {
  TempDir a, b;
  KeysDir ka(a.path());
  RoundTrip(ka, KeyType::kEcP256, Day(0));
  KeysDir kb(b.path());
  ASSERT_TRUE(InitRoot(kb, RootInitOptions{"CN=Other Root"}, Day(0)).ok());
  Status s = VerifyCertFile(ka, "reporting.crt", {kb.Path("root.crt")}, Day(1));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("unable to get local issuer certificate"), std::string::npos) << s.message();
}

TEST(KeysDir, VerifyReportsExpiry) {
  TempDir tmp;
  KeysDir keys(tmp.path());
  RoundTrip(keys, KeyType::kEcP256, Day(0));
  Status s = VerifyCertFile(keys, "reporting.crt", {}, Day(3651));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("expired"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("depth 0"), std::string::npos) << s.message();
}

TEST(KeysDir, DefaultExpiryIs3650DaysAndSansAreCopied) {
  TempDir tmp;
  KeysDir keys(tmp.path());
  RoundTrip(keys, KeyType::kEcP256, Day(0));
  auto cert = ReadCertFile(keys.Path("reporting.crt"));
  ASSERT_TRUE(cert.ok());
  CertInfo info = DescribeCert(cert->get(), Day(0));
  EXPECT_EQ(info.not_after - Day(0), std::chrono::hours(24) * 3650);
  EXPECT_EQ(info.days_to_expiry, 3650);
  EXPECT_EQ(info.sans, (std::vector<std::string>{"DNS:prov.example.org", "IP:10.1.2.3", "DNS:alt.example.org"}));
  EXPECT_EQ(info.subject, "CN=prov.example.org");
  EXPECT_EQ(info.issuer, "O=provisiond,CN=Test Root");
  EXPECT_FALSE(info.is_ca);
  EXPECT_EQ(X509_get_version(cert->get()), X509_VERSION_3);
  EXPECT_TRUE(X509_get_extended_key_usage(cert->get()) & XKU_SSL_SERVER);
  EXPECT_NE(X509_get0_subject_key_id(cert->get()), nullptr);
  EXPECT_NE(X509_get0_authority_key_id(cert->get()), nullptr);
  auto root = ReadCertFile(keys.Path("root.crt"));
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(cert->get()),
                                  X509_get0_subject_key_id(root->get())),
            0);
}

TEST(KeysDir, ExpirationOptionSetsValidity) {
  TempDir tmp;
  KeysDir keys(tmp.path());
  RoundTrip(keys, KeyType::kEcP256, Day(0));
  IssueOptions opt;
  opt.out_path = "short.crt";
  opt.days = 90;
  auto info = IssueServiceCert(keys, opt, Day(0));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->days_to_expiry, 90);
}

TEST(KeysDir, RootIsACaWithSelfAuthorityKeyId) {
  TempDir tmp;
  KeysDir keys(tmp.path());
  auto info = InitRoot(keys, RootInitOptions{}, Day(0));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_TRUE(info->is_ca);
  EXPECT_TRUE(info->self_signed);
  auto root = ReadCertFile(keys.Path("root.crt"));
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(X509_get_key_usage(root->get()) & KU_KEY_CERT_SIGN);
  EXPECT_TRUE(X509_get_key_usage(root->get()) & KU_CRL_SIGN);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(root->get()),
                                  X509_get0_subject_key_id(root->get())),
            0);
  // A second root-init refuses to overwrite.
  auto again = InitRoot(keys, RootInitOptions{}, Day(0));
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("rotate-root"), std::string::npos);
}

TEST(KeysDir, PrivateKeysAreMode0600AndPkcs8) {
  TempDir tmp;
  KeysDir keys(tmp.path());
  RoundTrip(keys, KeyType::kEcP256, Day(0));
  for (const char* name : {"root.pvk", "reporting.pvk"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(platform::FileMode(keys.Path(name)), 0600);
    auto text = ReadTextFile(keys.Path(name));
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(text->rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  }
  EXPECT_EQ(platform::FileMode(keys.Path("reporting.crt")), 0644);
  EXPECT_EQ(platform::FileMode(keys.dir()), 0700);
}

TEST(KeysDir, TlsRequestRefusesToReplaceAKeyUnlessForced) {
  TempDir tmp;
  KeysDir keys(tmp.path());
  RequestOptions req;
  req.subject = "CN=a.example";
  ASSERT_TRUE(RequestServiceCert(keys, req).ok());
  auto before = ReadTextFile(keys.Path("reporting.pvk"));
  auto again = RequestServiceCert(keys, req);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("--force"), std::string::npos);
  EXPECT_EQ(*ReadTextFile(keys.Path("reporting.pvk")), *before);
  req.overwrite_key = true;
  ASSERT_TRUE(RequestServiceCert(keys, req).ok());
  EXPECT_NE(*ReadTextFile(keys.Path("reporting.pvk")), *before);
}

TEST(KeysDir, TlsRequestDefaultsSanToTheCommonName) {
  TempDir tmp;
  KeysDir keys(tmp.path());
  RequestOptions req;
  req.subject = "CN=prov.example.org,O=Example";
  auto r = RequestServiceCert(keys, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sans, std::vector<std::string>{"DNS:prov.example.org"});
}

TEST(KeysDir, IssueWithoutRootTellsHowToCreateIt) {
  TempDir tmp;
  KeysDir keys(tmp.path());
  ASSERT_TRUE(RequestServiceCert(keys, RequestOptions{}).ok());
  auto r = IssueServiceCert(keys, IssueOptions{}, Day(0));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("root-init"), std::string::npos) << r.status().message();
}

TEST(KeysDir, RotationReissuesAndBothRootsVerifyDuringGraceOnlyNewAfter) {
  TempDir tmp;
  KeysDir keys(tmp.path());
  RoundTrip(keys, KeyType::kEcP256, Day(0));
  // A certificate from another root sits in the directory: left alone.
  TempDir other_tmp;
  KeysDir other(other_tmp.path());
  RoundTrip(other, KeyType::kEcP256, Day(0));
  fs::copy_file(other.Path("reporting.crt"), keys.Path("foreign.crt"));

  auto old_leaf = ReadCertFile(keys.Path("reporting.crt"));
  auto old_root = ReadCertFile(keys.Path("root.crt"));
  ASSERT_TRUE(old_leaf.ok() && old_root.ok());
  CertInfo old_info = DescribeCert(old_leaf->get(), Day(10));
  // Keep a copy of the old leaf, as an endpoint-facing server might still serve it.
  ASSERT_TRUE(WriteCertFile(keys.dir() + "/../old-leaf.pem", old_leaf->get()).ok());

  RotateOptions opt;
  opt.grace_days = 30;
  auto rot = RotateRoot(keys, opt, Day(10));
  ASSERT_TRUE(rot.ok()) << rot.status().ToString();
  EXPECT_EQ(rot->reissued, std::vector<std::string>{keys.Path("reporting.crt")});
  ASSERT_EQ(rot->skipped.size(), 1u);
  EXPECT_NE(rot->skipped[0].find("foreign.crt"), std::string::npos);
  EXPECT_EQ(rot->grace_until, Day(40));
  EXPECT_NE(rot->new_root.sha256, rot->old_root.sha256);
  EXPECT_NE(rot->new_root.subject, rot->old_root.subject);

  auto new_leaf = ReadCertFile(keys.Path("reporting.crt"));
  ASSERT_TRUE(new_leaf.ok());
  CertInfo new_info = DescribeCert(new_leaf->get(), Day(10));
  EXPECT_EQ(new_info.subject, old_info.subject);
  EXPECT_EQ(new_info.sans, old_info.sans);
  EXPECT_NE(new_info.serial_hex, old_info.serial_hex);
  EXPECT_EQ(new_info.days_to_expiry, 3650);
  // Same key: the existing reporting.pvk still pairs with the new certificate.
  auto key = ReadPrivateKeyFile(keys.Path("reporting.pvk"));
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(CheckKeyMatchesCert(new_leaf->get(), key->get(), "c", "k").ok());
  // Previous root kept, mode 0600.
  EXPECT_EQ(platform::FileMode(keys.Path("root-previous.pvk")), 0600);
  auto prev = ReadCertFile(keys.Path("root-previous.crt"));
  ASSERT_TRUE(prev.ok());
  EXPECT_EQ(Sha256Fingerprint(prev->get()), rot->old_root.sha256);

  // During grace: roots.pem holds both; the re-issued and the old leaf verify.
  auto bundle = ReadCertsFile(keys.Path("roots.pem"));
  ASSERT_TRUE(bundle.ok());
  EXPECT_EQ(bundle->size(), 2u);
  EXPECT_TRUE(VerifyCertFile(keys, "reporting.crt", {}, Day(20)).ok());
  Status old_ok = VerifyCertFile(keys, keys.dir() + "/../old-leaf.pem", {}, Day(20));
  EXPECT_TRUE(old_ok.ok()) << old_ok.ToString();
  // The new leaf does not verify with the old root alone: rotation was needed.
  EXPECT_FALSE(VerifyCertFile(keys, "reporting.crt", {"root-previous.crt"}, Day(20)).ok());

  // After grace, the refresh (run by show/rotate) drops the old root.
  auto state = RefreshTrustBundle(keys, Day(41));
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_FALSE(state->previous_included);
  EXPECT_TRUE(state->rewritten);
  bundle = ReadCertsFile(keys.Path("roots.pem"));
  ASSERT_TRUE(bundle.ok());
  ASSERT_EQ(bundle->size(), 1u);
  EXPECT_EQ(Sha256Fingerprint(bundle->front().get()), rot->new_root.sha256);
  EXPECT_TRUE(VerifyCertFile(keys, "reporting.crt", {}, Day(41)).ok());
  EXPECT_FALSE(VerifyCertFile(keys, keys.dir() + "/../old-leaf.pem", {}, Day(41)).ok());
  // A second refresh leaves the file alone.
  EXPECT_FALSE(RefreshTrustBundle(keys, Day(42))->rewritten);
  fs::remove(keys.dir() + "/../old-leaf.pem");
}

TEST(KeysDir, RotationInsideGraceNeedsForce) {
  TempDir tmp;
  KeysDir keys(tmp.path());
  RoundTrip(keys, KeyType::kRsa3072, Day(0));
  ASSERT_TRUE(RotateRoot(keys, RotateOptions{}, Day(1)).ok());
  auto again = RotateRoot(keys, RotateOptions{}, Day(2));
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("--force"), std::string::npos);
  auto after = RotateRoot(keys, RotateOptions{}, Day(32));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->new_root.key_type, "RSA 3072");
  EXPECT_TRUE(VerifyCertFile(keys, "reporting.crt", {"root.crt"}, Day(33)).ok());
}

}  // namespace
}  // namespace provisiond::pki

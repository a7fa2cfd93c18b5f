#include "cli/keys_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "pki/cert.h"
#include "pki/pem.h"

namespace provisiond::cli {
namespace {

namespace fs = std::filesystem;

int Keys(std::vector<std::string> args) {
  args.insert(args.begin(), "keys");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return RunKeys(static_cast<int>(args.size()), argv.data());
}

class KeysDirFixture {
 public:
  KeysDirFixture() : dir_(fs::temp_directory_path() / ("pv_keys_cli_" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
  }
  ~KeysDirFixture() { fs::remove_all(dir_); }
  std::string keys() const { return (dir_ / "data" / "keys").string(); }
  std::string data() const { return (dir_ / "data").string(); }

 private:
  fs::path dir_;
};

TEST(KeysCommand, TheThreeSetupCommandsProduceAVerifiableCertificate) {
  KeysDirFixture f;
  const std::string dd = "--data-dir=" + f.data();
  ASSERT_EQ(Keys({"root-init", dd, "--subject", "CN=Test Root"}), 0);
  ASSERT_EQ(Keys({"tls-request", dd, "--subject", "CN=prov.example.org", "--san", "DNS:prov.example.org",
                 "--san", "IP:192.0.2.7"}),
            0);
  ASSERT_EQ(Keys({"tls-issue", "reporting.csr", "reporting.crt", dd}), 0);
  EXPECT_EQ(Keys({"verify", "reporting.crt", "--keys-dir", f.keys(), "--root", "root.crt"}), 0);
  EXPECT_EQ(Keys({"show", "--keys-dir", f.keys()}), 0);
  EXPECT_EQ(Keys({"show", "reporting.pvk", "reporting.csr", "--keys-dir", f.keys()}), 0);
  auto cert = pki::ReadCertFile(f.keys() + "/reporting.crt");
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(pki::CertSans(cert->get()), (std::vector<std::string>{"DNS:prov.example.org", "IP:192.0.2.7"}));
  // Issuing with a shorter validity through -o and --expiration.
  ASSERT_EQ(Keys({"tls-issue", "--csr", "reporting.csr", "-o", "short.crt", "--expiration", "30", dd}), 0);
  auto s = pki::ReadCertFile(f.keys() + "/short.crt");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(pki::DescribeCert(s->get(), Now()).days_to_expiry, 30);
  // Rotation then verify with the bundle.
  ASSERT_EQ(Keys({"rotate-root", dd, "--grace-days", "10"}), 0);
  EXPECT_EQ(Keys({"verify", "reporting.crt", dd}), 0);
  EXPECT_EQ(Keys({"verify", "reporting.crt", dd, "--root", "root-previous.crt"}), 1);
}

TEST(KeysCommand, BadUsageExits2AndFailuresExit1) {
  KeysDirFixture f;
  const std::string dd = "--data-dir=" + f.data();
  struct Case {
    std::vector<std::string> args;
    int want;
  } cases[] = {
      {{}, 2},
      {{"frobnicate"}, 2},
      {{"--help"}, 0},
      {{"tls-issue", "--help"}, 0},
      {{"root-init", "--bogus"}, 2},
      {{"root-init", dd, "--key-type", "dsa"}, 2},
      {{"root-init", dd, "--expiration", "ten"}, 2},
      {{"tls-request", dd, "--san", "URI:x"}, 2},
      {{"tls-request", dd, "--subject", "nonsense"}, 2},
      {{"tls-request", "a", "b", "c", dd}, 2},
      {{"verify", dd}, 2},
      {{"tls-issue", "--expiration"}, 2},
      {{"tls-issue", dd}, 1},  // no root yet: says to run root-init
      {{"verify", "missing.crt", dd, "--root", "missing-root.crt"}, 1},
      {{"rotate-root", dd}, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::PrintToString(c.args));
    EXPECT_EQ(Keys(c.args), c.want);
  }
}

}  // namespace
}  // namespace provisiond::cli

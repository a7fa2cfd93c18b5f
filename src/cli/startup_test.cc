// Safe start-up: `init` creates a data directory, serve's check names the
// init command, and follow-up commands carry the options the user gave.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/app.h"
#include "cli/options.h"
#include "model/setting_rules.h"
#include "store/testing/temp_dir_for_testing.h"

namespace provisiond::cli {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(InitDataDir, EmptyTablesHaveOnlyTheirHeaders) {
  store::testing::TempDir tmp;
  fs::path dir = fs::path(tmp.path()) / "data_csv";
  ASSERT_TRUE(InitDataDir(dir.string(), false).ok());
  std::string computers = Read(dir / "computers.csv");
  EXPECT_EQ(computers.rfind("serial,computername,postype", 0), 0u);
  EXPECT_EQ(std::count(computers.begin(), computers.end(), '\n'), 1);
  EXPECT_EQ(Read(dir / "config.csv"), "key,value\n");
  EXPECT_TRUE(fs::exists(dir / "users.csv"));
  EXPECT_TRUE(CheckDataDir(dir.string()).ok());
}

TEST(InitDataDir, SampleFillsTheTablesAndAnExistingDirIsRefused) {
  store::testing::TempDir tmp;
  fs::path dir = fs::path(tmp.path()) / "d";
  ASSERT_TRUE(InitDataDir(dir.string(), true).ok());
  std::string computers = Read(dir / "computers.csv");
  EXPECT_GT(std::count(computers.begin(), computers.end(), '\n'), 100);
  Status again = InitDataDir(dir.string(), false);
  EXPECT_EQ(again.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(again.message().find("nothing changed"), std::string::npos) << again.message();
  EXPECT_EQ(Read(dir / "computers.csv"), computers);
  // An empty directory (e.g. a mount point) is filled.
  fs::path empty = fs::path(tmp.path()) / "empty";
  fs::create_directory(empty);
  EXPECT_TRUE(InitDataDir(empty.string(), false).ok());
  EXPECT_TRUE(fs::exists(empty / "apps.csv"));
}

TEST(CheckDataDir, AMissingDirNamesThePathAndTheInitCommand) {
  store::testing::TempDir tmp;
  std::string dir = (fs::path(tmp.path()) / "typo").string();
  Status s = CheckDataDir(dir);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find(dir + " does not exist"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("provisiond init " + dir + " --sample"), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(dir));  // nothing created
}

TEST(FollowUpCommands, CarryTheDirectoryOptionsTheUserGave) {
  EXPECT_EQ(GivenDirOptions({"--port", "0", "--data-dir", "/srv/d", "--config=/etc/p.toml", "--keys-dir", "my keys"}),
            " --data-dir /srv/d --config /etc/p.toml --keys-dir 'my keys'");
  EXPECT_EQ(GivenDirOptions({"--port", "0"}), "");
  std::string text =
      "Create them with:\n  provisiond keys root-init\n  provisiond keys tls-issue a.csr a.crt\n"
      "or run `provisiond keys show` (see doc/tls.md)";
  EXPECT_EQ(WithOptions(text, " --data-dir /srv/d"),
            "Create them with:\n  provisiond keys root-init --data-dir /srv/d\n"
            "  provisiond keys tls-issue a.csr a.crt --data-dir /srv/d\n"
            "or run `provisiond keys show --data-dir /srv/d` (see doc/tls.md)");
  EXPECT_EQ(WithOptions(text, ""), text);
}

// doc/configuration.md's settings table follows the schema: each key with its
// allowed values and default.
TEST(SettingsDoc, ListsEverySettingWithItsAllowedValuesAndDefault) {
  std::string doc = Read(fs::path(PROVISIOND_SOURCE_DIR) / "doc" / "configuration.md");
  ASSERT_FALSE(doc.empty());
  for (const auto& spec : model::kSettings) {
    SCOPED_TRACE(std::string(spec.key));
    size_t at = doc.find("| `" + std::string(spec.key) + "` | ");
    ASSERT_NE(at, std::string::npos);
    std::string row = doc.substr(at, doc.find('\n', at) - at);
    EXPECT_NE(row.find("| " + model::AllowedValues(spec) + " |"), std::string::npos) << row;
    std::string def = spec.default_value.empty() ? "(not set)" : std::string(spec.default_value);
    EXPECT_NE(row.find("| " + def), std::string::npos) << row;
  }
}

}  // namespace
}  // namespace provisiond::cli

#include "cli/config.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cli/options.h"

namespace provisiond::cli {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("pvd_config_test_" + name + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

TEST(Config, FileOverridesDefaultsAndEnvOverridesFile) {
  Config c;
  std::string path = WriteTemp("precedence",
                               "[server]\nport = 8080\nbind = \"127.0.0.1\"\n"
                               "trusted_proxies = [\"10.0.0.0/8\"]\nwrite_timeout_ms = 60000\n"
                               "[data]\ndir = \"/srv/data_csv\"\ncomputers_flush_delay_ms = 0\n"
                               "[log]\nformat = \"json\"\n"
                               "[tls]\nReportingTLSMode = 2\nRequireIncomingEncryption = 1\n");
  ASSERT_TRUE(LoadConfigFile(path, &c).ok());
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.bind, "127.0.0.1");
  EXPECT_EQ(c.data_dir, "/srv/data_csv");
  EXPECT_EQ(c.trusted_proxies, std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_EQ(c.tls_mode, 2);
  EXPECT_TRUE(c.require_incoming_encryption);
  EXPECT_EQ(c.write_timeout_ms, 60000u);
  EXPECT_EQ(c.computers_flush_delay_ms, 0u);
  EXPECT_EQ(c.max_header_bytes, 16u * 1024);  // default kept
  ASSERT_TRUE(ApplyEnvironment(&c, {{"WS_PORT", "9000"}, {"WS_BIND_HOST", "0.0.0.0"},
                                    {"WS_FILE_TOKEN", "s3cret"}}).ok());
  EXPECT_EQ(c.port, 9000);
  EXPECT_EQ(c.bind, "0.0.0.0");
  EXPECT_EQ(c.file_token, "s3cret");
  EXPECT_TRUE(ValidateConfig(c).ok());
}

// The network hardening keys (issue 10): read from the file, shown by `provisiond config`.
TEST(Config, ConnectionCapAndUploadRateKeys) {
  Config c;
  EXPECT_EQ(c.max_connections_per_client, 256u);
  EXPECT_EQ(c.upload_min_rate, 1024u);
  std::string path = WriteTemp("net_limits",
                               "[server]\nmax_connections_per_client = 8\n"
                               "[content]\nupload_min_rate = 500\nupload_rate_window_ms = 2000\n");
  ASSERT_TRUE(LoadConfigFile(path, &c).ok());
  EXPECT_EQ(c.max_connections_per_client, 8u);
  EXPECT_EQ(c.upload_min_rate, 500u);
  EXPECT_EQ(c.upload_rate_window_ms, 2000u);
  std::string shown = DescribeConfig(c);
  EXPECT_NE(shown.find("max_connections_per_client = 8"), std::string::npos) << shown;
  EXPECT_NE(shown.find("upload_min_rate = 500"), std::string::npos) << shown;
  EXPECT_NE(shown.find("upload_rate_window_ms = 2000"), std::string::npos) << shown;
}

TEST(Config, MetricsSection) {
  Config c;
  EXPECT_TRUE(c.metrics_enabled);  // on by default; the route still needs an admin or the token
  EXPECT_EQ(c.metrics_max_models, 50u);
  std::string path = WriteTemp("metrics", "[metrics]\nenabled = false\ntoken_file = \"/etc/pv/metrics.token\"\n"
                                          "max_models = 12\n");
  ASSERT_TRUE(LoadConfigFile(path, &c).ok());
  EXPECT_FALSE(c.metrics_enabled);
  EXPECT_EQ(c.metrics_token_file, "/etc/pv/metrics.token");
  EXPECT_EQ(c.metrics_max_models, 12u);
  std::string shown = DescribeConfig(c);
  EXPECT_NE(shown.find("[metrics]\nenabled = false\ntoken_file = \"/etc/pv/metrics.token\"\nmax_models = 12"),
            std::string::npos)
      << shown;
  ASSERT_TRUE(ApplyEnvironment(&c, {{"PROVISIOND_METRICS", "1"}}).ok());
  EXPECT_TRUE(c.metrics_enabled);
  EXPECT_NE(ApplyEnvironment(&c, {{"PROVISIOND_METRICS", "maybe"}}).message().find("PROVISIOND_METRICS='maybe'"),
            std::string::npos);
  c.metrics_max_models = 0;
  EXPECT_NE(ValidateConfig(c).message().find("metrics.max_models"), std::string::npos);
}

TEST(Config, FlagsOverrideEnvironment) {
  Config c;
  std::vector<std::string> args = {"--port", "7000", "--data-dir=/x", "--log-format", "json", "--extra"};
  setenv("WS_PORT", "9000", 1);
  Status s = LoadEffectiveConfig(&args, true, &c);
  unsetenv("WS_PORT");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.port, 7000);
  EXPECT_EQ(c.data_dir, "/x");
  EXPECT_EQ(c.log_format, "json");
  EXPECT_EQ(args, std::vector<std::string>{"--extra"});  // unknown flags left for the command
}

TEST(Config, BadValuesNameTheKeyAndTheReason) {
  struct Case { std::string toml; std::string want; };
  const Case cases[] = {
      {"[server]\nport = 70000\n", "server.port must be an integer from 0 to 65535"},
      {"[server]\nport = \"http\"\n", "server.port must be an integer"},
      {"[server]\nprot = 1\n", "unknown key server.prot"},
      {"[server]\ntrusted_proxies = [1]\n", "server.trusted_proxies must be a list of strings"},
      {"[tls]\nmode = 3\n", "tls.mode must be an integer from 0 to 2"},
      {"[bogus]\nx = 1\n", "unknown section or key 'bogus'"},
      {"[server\nport = 1\n", ":1:"},  // TOML syntax error with line:col
      {"[log]\nformat = true\n", "log.format must be a string"},
      {"[server]\nwrite_timeout_ms = -1\n", "server.write_timeout_ms must be an integer"},
      {"[data]\ncomputers_flush_delay_ms = 600000\n", "data.computers_flush_delay_ms must be an integer from 0 to 60000"},
      {"[metrics]\nenabled = \"yes\"\n", "metrics.enabled must be true or false"},
      {"[metrics]\ntoken = \"x\"\n", "unknown key metrics.token (enabled, token_file, max_models)"},
  };
  int i = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.toml);
    Config cfg;
    Status s = LoadConfigFile(WriteTemp("bad" + std::to_string(i++), c.toml), &cfg);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find(c.want), std::string::npos) << s.message();
  }
}

TEST(Config, ValidationRejectsCrossFieldAndEnvErrors) {
  Config c;
  c.trusted_proxies = {"10.0.0.0/99"};
  EXPECT_NE(ValidateConfig(c).message().find("server.trusted_proxies"), std::string::npos);
  c = Config{};
  c.log_level = "loud";
  EXPECT_NE(ValidateConfig(c).message().find("log.level='loud'"), std::string::npos);
  c = Config{};
  c.tls_certs = {"a.crt", "b.crt"};
  c.tls_keys = {"a.pvk"};
  EXPECT_NE(ValidateConfig(c).message().find("same number"), std::string::npos);
  c = Config{};
  Status s = ApplyEnvironment(&c, {{"WS_PORT", "port"}});
  EXPECT_NE(s.message().find("WS_PORT='port'"), std::string::npos) << s.message();
  EXPECT_EQ(c.port, 12176);  // unchanged on error
}

TEST(Config, MissingFileIsNotFound) {
  Config c;
  EXPECT_EQ(LoadConfigFile("/nonexistent/provisiond.toml", &c).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace provisiond::cli

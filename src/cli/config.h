// Service configuration: built-in defaults, then the TOML config file, then
// environment variables, then command-line flags (each overrides the last).
// Every bad value is refused with its key, where it came from, and why.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/webhooks/webhook.h"
#include "base/status.h"

namespace provisiond::cli {

struct ListenerConfig {
  std::string bind;
  uint16_t port = 0;
  int tls_mode = 0;  // 0 plain, 1 TLS, 2 both on one port
};

struct Config {
  // [server]
  std::string bind = "0.0.0.0";   // env WS_BIND, WS_BIND_HOST
  uint16_t port = 12176;          // env WS_PORT
  int threads = 0;                // 0: one per core
  int blocking_threads = 0;       // routes waiting on fsync / the database; 0: 32
  std::vector<std::string> trusted_proxies = {"127.0.0.0/8", "::1/128"};
  uint64_t max_header_bytes = 16 * 1024;
  uint64_t max_body_bytes = 8 * 1024 * 1024;
  uint64_t header_timeout_ms = 10'000;
  uint64_t idle_timeout_ms = 30'000;
  uint64_t body_timeout_ms = 300'000;
  uint64_t write_timeout_ms = 300'000;
  uint64_t max_connections = 10'000;
  uint64_t max_connections_per_client = 256;  // per TCP peer address; 0: no cap
  uint64_t shutdown_grace_ms = 10'000;
  std::vector<ListenerConfig> extra_listeners;  // [[server.listener]]
  std::vector<std::string> admin_networks;      // "": admin routes answer every address
  uint64_t hsts_max_age_s = 31'536'000;         // Strict-Transport-Security over TLS; 0: not sent
  // [auth]
  uint64_t session_idle_minutes = 30;
  uint64_t session_absolute_hours = 12;
  uint64_t login_max_failures = 5;      // per user and per address, then locked out
  uint64_t login_lockout_minutes = 15;  // also the window the failures are counted in
  std::string proxy_user_header;        // e.g. "X-Remote-User"; "" off; only from trusted_proxies
  std::string proxy_groups_header;      // e.g. "X-Remote-Groups"
  std::map<std::string, std::string> proxy_roles;  // [auth.proxy_roles] user or group = role
  // [data]
  std::string data_dir = "data_csv";  // env PROVISIOND_DATA_DIR; created from the sample if missing
  uint64_t reload_interval_ms = 1000;
  uint64_t computers_flush_delay_ms = 1000;  // 0: no computers.csv.wal, rewrite per write
  int journal_retention_days = 90;
  // Where the tables and deployments live: "csv" (data_dir's files) or
  // "postgres" (postgres_url; doc/postgres.md). The data directory still
  // holds local state (webhook queue, lock) with either.
  std::string backend = "csv";
  std::string postgres_url;    // env PROVISIOND_POSTGRES_URL; may hold a password: never logged
  uint64_t postgres_pool = 16;  // connections per instance
  // [log]
  std::string log_level = "info";     // debug|info|warning|error
  std::string log_format = "text";    // text|json
  // [content]
  std::string content_root;           // "": <data-dir>/../file
  std::string file_token;             // env WS_FILE_TOKEN
  uint64_t max_upload_bytes = 4ull * 1024 * 1024 * 1024;
  uint64_t upload_min_rate = 1024;            // bytes/s over upload_rate_window_ms; 0: none
  uint64_t upload_rate_window_ms = 60'000;
  // [tls]
  int tls_mode = 0;                   // ReportingTLSMode: 0 plain, 1 TLS, 2 both
  bool require_incoming_encryption = false;
  std::vector<std::string> tls_certs; // ReportingTLSCertPath (repeatable: ECDSA + RSA)
  std::vector<std::string> tls_keys;  // ReportingTLSKeyPath
  std::string keys_dir;               // "": <data-dir>/keys
  // [webhooks] and [[webhooks.target]] (doc/webhooks.md)
  std::vector<api::webhooks::Target> webhook_targets;
  api::webhooks::RetryPolicy webhook_retry;
  std::string webhook_ca_file;        // "": the system CA store
  // [metrics] (doc/metrics.md)
  bool metrics_enabled = true;        // env PROVISIOND_METRICS; false: GET /metrics is 404 and nothing is counted
  std::string metrics_token_file;     // holds the bearer token a scraper may use for /metrics only; "": admins only
  uint64_t metrics_max_models = 50;   // models with their own series; the others count as "other"

  std::string source_file;  // the config file read, if any
};

// Reads `path` (TOML) over the defaults. Unknown keys are errors (a typo must
// not be silently ignored). A missing file is NotFound.
Status LoadConfigFile(const std::string& path, Config* config);
// Applies environment variables (names in the fields' comments and
// doc/configuration.md) through `getenv`.
Status ApplyEnvironment(Config* config, const std::map<std::string, std::string>& env);
std::map<std::string, std::string> ProcessEnvironment();
// Checks ranges and cross-field rules (e.g. TLS mode 1 needs a certificate
// path or a keys dir). InvalidArgument names the key.
Status ValidateConfig(const Config& config);
// The effective configuration as TOML (for `provisiond config`), secrets masked.
std::string DescribeConfig(const Config& config);

}  // namespace provisiond::cli

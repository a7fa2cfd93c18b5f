// Wiring: builds every layer's options from the Config and assembles the
// router. No rules here; this is the one place that knows all layers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/access/access_control.h"
#include "api/events/event_hub.h"
#include "api/health.h"
#include "api/router.h"
#include "api/tls_info.h"
#include "base/status.h"
#include "cli/config.h"

namespace provisiond::api::webhooks {
class Dispatcher;
}
namespace provisiond::metrics {
class Registry;
}

namespace provisiond::cli {

// `provisiond init`: creates the data directory `dir` with every table,
// from the built-in sample data (`sample`) or as empty tables with their
// headers. InvalidArgument, nothing changed, when `dir` exists and is not
// an empty directory.
Status InitDataDir(const std::string& dir, bool sample);

// Ok when `dir` is a directory. Otherwise NotFound / InvalidArgument naming
// the path and the `provisiond init` command that creates it.
Status CheckDataDir(const std::string& dir);

// The /file/ root: content.root, else <data-dir>/../file.
std::string ContentRoot(const Config& config);

// Everything `serve` runs, built from a config. `routes` works without data
// (handlers are not called) so `provisiond routes` can list the table.
class App {
 public:
  static Result<std::unique_ptr<App>> Create(const Config& config, bool load_data);
  ~App();
  std::shared_ptr<const api::Router> router() const { return router_; }
  // What /readyz reports: data loaded, content root present, TLS loaded.
  std::vector<api::ReadyCheck> ReadyChecks() const;
  // Settings warnings at start-up (config.csv problems, a TLS mode
  // endpoints are told that the listeners cannot serve).
  std::vector<std::string> SettingsWarnings() const;

  struct State;
  // TLS state `serve` fills and the TLS info routes read (app.cc).
  struct TlsRuntime;
  std::shared_ptr<TlsRuntime> tls_runtime() const;
  // Users, credentials, networks gate; null without data (`routes`).
  std::shared_ptr<api::access::AccessControl> access() const;
  std::shared_ptr<api::EventHub> events() const;
  std::shared_ptr<store::Store> store() const;  // null when data is not loaded
  // Null when no [[webhooks.target]] is configured (or without data).
  std::shared_ptr<api::webhooks::Dispatcher> webhooks() const;
  // The TLS certificates in service now (for the expiry check).
  std::vector<api::TlsCertificateInfo> Certificates() const;
  // The roots endpoints trust (<keys dir>/roots.pem or root.crt; none when
  // the keys directory has no root), watched for expiry like Certificates().
  std::vector<api::TlsCertificateInfo> RootCertificates() const;
  // What GET /metrics exposes (the server records into it); null when
  // metrics.enabled is false.
  std::shared_ptr<metrics::Registry> metrics() const;
  // Counts deployments newly stale into the metrics (no-op without them
  // or without data). Every 30 s from serve, and before each scrape.
  void ScanStaleForMetrics() const;

 private:
  App() = default;
  // GET /metrics and what it exposes (metrics.enabled).
  static void RegisterMetrics(App& app, const Config& config);
  std::shared_ptr<api::Router> router_;
  std::unique_ptr<State> state_;
};

// The per-deployment token key: <keys dir>/deployment-token.key, created
// (0600, 32 random bytes as hex) on first use. Every instance of a site
// must share it (copy the file).
Result<std::string> DeploymentSecret(const Config& config);
// The AccessOptions `serve` uses, from the config.
Result<api::access::AccessOptions> AccessOptionsFrom(const Config& config);

int RunServe(std::vector<std::string> args);
int RunRoutes(std::vector<std::string> args);
int RunInit(std::vector<std::string> args);

}  // namespace provisiond::cli

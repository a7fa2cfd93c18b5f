// Wiring: builds every layer's options from the Config and assembles the
// router. No rules here; this is the one place that knows all layers.
#pragma once

#include <memory>
#include <string>

#include "api/router.h"
#include "base/status.h"
#include "cli/config.h"

namespace provisiond::cli {

// Creates `dir` from the embedded sample data if it does not exist.
// Returns true in *created when it did.
Status EnsureDataDir(const std::string& dir, bool* created);

// The /file/ root: content.root, else <data-dir>/../file.
std::string ContentRoot(const Config& config);

// Everything `serve` runs, built from a config. `routes` works without data
// (handlers are not called) so `provisiond routes` can list the table.
class App {
 public:
  static Result<std::unique_ptr<App>> Create(const Config& config, bool load_data);
  ~App();
  std::shared_ptr<const api::Router> router() const { return router_; }
  // "" when ready to serve, else why not.
  std::string NotReadyReason() const;

  struct State;
  // TLS state `serve` fills and the TLS info routes read (app.cc).
  struct TlsRuntime;
  std::shared_ptr<TlsRuntime> tls_runtime() const;

 private:
  App() = default;
  std::shared_ptr<api::Router> router_;
  std::unique_ptr<State> state_;
};

int RunServe(std::vector<std::string> args);
int RunRoutes(std::vector<std::string> args);

}  // namespace provisiond::cli

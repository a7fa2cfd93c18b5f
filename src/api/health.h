// Liveness, readiness and the service index (absolute links built from the
// request's external origin, so they are right behind a reverse proxy).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/router.h"

namespace provisiond::api {

// One thing /readyz looks at: the data, the content root, the TLS files.
struct ReadyCheck {
  std::string name;    // "data", "content_root", "tls"
  std::string path;    // what was looked at ("" when no path applies)
  bool ok = false;
  std::string detail;  // when not ok: what is missing and how to fix it
};

struct HealthOptions {
  // What readiness depends on; ready when every check is ok (none: ready).
  std::function<std::vector<ReadyCheck>()> ready_checks;
  std::string version;
};

// GET /healthz, GET /readyz (200 {"status":"ready","checks":[...]} or a 503
// problem naming each failed check, with the same "checks"), GET / (302 to
// the index), GET /api/v1 (index).
void RegisterHealthRoutes(Router& router, HealthOptions options);

}  // namespace provisiond::api

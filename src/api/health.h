// Liveness, readiness and the service index (absolute links built from the
// request's external origin, so they are right behind a reverse proxy).
#pragma once

#include <functional>
#include <string>

#include "api/router.h"

namespace provisiond::api {

struct HealthOptions {
  // Returns "" when ready, else why not (e.g. "data not loaded: ...").
  std::function<std::string()> not_ready_reason;
  std::string version;
};

// GET /healthz, GET /readyz, GET / (302 to the index), GET /api/v1 (index).
void RegisterHealthRoutes(Router& router, HealthOptions options);

}  // namespace provisiond::api

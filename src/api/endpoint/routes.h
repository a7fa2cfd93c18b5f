// The versioned endpoint API under /api/v1/endpoint/ (doc/api.md): plan,
// confirm, deployments and their events, settings, apps, drivers, Tanium
// variables. Machine group; writing routes are blocking.
#pragma once

#include <memory>

#include "api/endpoint/service.h"
#include "api/router.h"

namespace provisiond::api::endpoint {

inline constexpr uint64_t kMaxEndpointBodyBytes = 64 * 1024;

void RegisterEndpointRoutes(Router& router, std::shared_ptr<Service> service);

}  // namespace provisiond::api::endpoint

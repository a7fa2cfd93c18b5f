// The original service's machine routes, unchanged for existing Tanium
// bundles (doc/api.md, "Drop-in routes"): same paths, parameters, JSON field
// names and status codes. /message feeds the same deployment records as the
// versioned API (source "legacy"). Machine group.
#pragma once

#include <memory>

#include "api/endpoint/service.h"
#include "api/router.h"

namespace provisiond::api::legacy {

// Registers GET /getcomputer, POST /setcomputer, GET /getapps,
// GET /getdrivers, GET /checkhardware, GET /list_used, GET /gettypes,
// POST /message, GET+POST /tanium/global.
void RegisterLegacyRoutes(Router& router, std::shared_ptr<endpoint::Service> service);

}  // namespace provisiond::api::legacy

// Admin helpers the forms call as the admin types: the regex check (RE2's
// verdict and the known models or OS names it matches) and the Bundle ID
// view (the default, the per-model rules, which bundle a model would get).
#pragma once

#include <memory>

#include "api/endpoint/service.h"
#include "api/router.h"

namespace provisiond::api::admin {

// GET /api/v1/admin/regex-check, /bundles, /bundles/resolve (viewer).
void RegisterCheckRoutes(Router& router, std::shared_ptr<endpoint::Service> service);

}  // namespace provisiond::api::admin

// Admin read routes of the provisioning data (doc/api.md): preview of what a
// device would get and why, deployments with filters and paging, one
// deployment with its events, store health. Admin group (the access check
// is installed elsewhere); none writes.
#pragma once

#include <memory>

#include "api/endpoint/service.h"
#include "api/router.h"

namespace provisiond::api::admin {

// GET /api/v1/admin/preview, /deployments, /deployments/{id}, /status.
void RegisterAdminReadRoutes(Router& router, std::shared_ptr<endpoint::Service> service);

}  // namespace provisiond::api::admin

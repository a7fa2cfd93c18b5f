// Bulk CSV through the admin API: import with a dry-run diff (added,
// changed before -> after, removed; errors with file, line and column) then
// apply, all or nothing; export of one table as CSV or of all as a .zip.
// Users and credentials are neither imported nor exported here (secrets).
#pragma once

#include <memory>

#include "api/endpoint/service.h"
#include "api/router.h"

namespace provisiond::api::admin {

// POST /api/v1/admin/import (admin), GET /export/{file} and /export.zip (viewer).
void RegisterTransferRoutes(Router& router, std::shared_ptr<endpoint::Service> service);

}  // namespace provisiond::api::admin

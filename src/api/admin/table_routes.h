// Admin CRUD of the configuration tables (doc/admin_api.md): computers,
// types with their ordered apps, applications, driver rules, locales.
// Lists search, sort and page on the server; every update names the row
// version it read (stale: 409 with the current row); a delete that would
// leave a dangling reference is refused with the referrers (409). The
// store's shared write rules decide the values.
#pragma once

#include <memory>

#include "api/endpoint/service.h"
#include "api/router.h"

namespace provisiond::api::admin {

// /api/v1/admin/{computers,types,apps,drivers,locales}[/{key}]. Computer
// writes need an operator, the others an admin; reads a viewer.
void RegisterTableRoutes(Router& router, std::shared_ptr<endpoint::Service> service);

}  // namespace provisiond::api::admin

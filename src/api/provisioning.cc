#include "api/provisioning.h"

#include "api/admin/routes.h"
#include "api/admin/source_check.h"
#include "api/admin/check_routes.h"
#include "api/admin/live_routes.h"
#include "api/admin/table_routes.h"
#include "api/admin/transfer_routes.h"
#include "api/endpoint/routes.h"
#include "api/endpoint/service.h"
#include "api/legacy/routes.h"

namespace provisiond::api {

void RegisterProvisioningRoutes(Router& router, ProvisioningDeps deps) {
  admin::SourceCheckDeps source_check;
  source_check.hub = std::move(deps.hub_entry);
  source_check.http = std::move(deps.outbound);
  auto service = std::make_shared<endpoint::Service>(std::move(deps));
  source_check.service = service;
  if (service->has_store()) {
    // Events another instance stored reach this instance's live stream. Weak:
    // the store outlives neither the service nor its observer.
    service->store().SetRemoteDeploymentObserver(
        [weak = std::weak_ptr<endpoint::Service>(service)](const model::Deployment& d) {
          if (auto s = weak.lock()) s->PublishRemoteDeployment(d);
        });
  }
  admin::RegisterSourceCheckRoute(router, std::move(source_check));
  endpoint::RegisterEndpointRoutes(router, service);
  legacy::RegisterLegacyRoutes(router, service);
  admin::RegisterAdminReadRoutes(router, service);
  admin::RegisterTableRoutes(router, service);
  admin::RegisterCheckRoutes(router, service);
  admin::RegisterLiveRoutes(router, service);
  admin::RegisterTransferRoutes(router, service);
}

}  // namespace provisiond::api

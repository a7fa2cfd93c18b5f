// The provisioning API: one call registers the versioned endpoint API
// (/api/v1/endpoint/...), the original service's drop-in machine routes
// (/getcomputer, /tanium/global, ...) and the admin read routes
// (/api/v1/admin/preview, deployments, status). See doc/api.md.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/content/hub_entry.h"
#include "api/outbound_http.h"
#include "api/router.h"
#include "base/time.h"
#include "core/naming.h"
#include "store/csv/transfer.h"
#include "store/store.h"

namespace provisiond::api {

struct ProvisioningDeps {
  std::shared_ptr<store::Store> store;  // required; shared by every route
  std::function<Timestamp()> clock;     // default: Now()
  // Deployment ids and server-side event ids (legacy /message); must be
  // unique. Default: 128 random bits as 32 hex characters.
  std::function<std::string()> new_id;
  // {rand:N} of the naming template. Default: a seeded PRNG.
  core::RandomSource random;
  // Runs a fire-and-forget write off the request thread (the placeholder row
  // /getcomputer creates for an unknown serial, like the original). Default:
  // one background thread owned by the routes. Tests pass an inline runner.
  std::function<void(std::function<void()>)> run_later;
  // TLS mode of each of serve's listeners, the primary first: an unset
  // ReportingTLSMode follows it (api/endpoint/settings.h). Empty: unknown.
  std::vector<int> listener_tls_modes;
  // The token a started deployment's later calls carry (X-Deployment-Token),
  // answered as deployment_token. Null: none answered.
  std::function<std::string(std::string_view deployment_id)> deployment_token;
  // What access control warns of (network gate off, unkeyed machine routes,
  // no admin who can sign in), listed by /api/v1/admin/status. Null: none.
  std::function<std::vector<std::string>()> access_warnings;
  // CSV import into the store, the interchange format of every backend
  // (doc/admin_api.md, "Import and export"): the plan, and with `apply` the
  // change, all or nothing; `errors` gets each invalid file's error. Null:
  // the import route answers 501.
  std::function<Result<store::ImportPlan>(const std::map<store::TableId, std::string>& texts,
                                          store::ImportMode mode, bool apply,
                                          std::vector<store::SourceError>* errors)>
      import_csv;
  // The admin event stream's hub. Null: the routes make their own.
  std::shared_ptr<class EventHub> events;
  // The source check's two halves (api/admin/source_check.h): what the
  // content hub holds at a path, and requests to HTTP(S) URLs. Null: that
  // kind of source is answered as not checkable here.
  std::function<Result<content::HubEntry>(std::string_view rel)> hub_entry;
  OutboundHttp outbound;
};

// Adds every route to `router` (machine group: endpoint + legacy; admin
// group: /api/v1/admin/...). Writing routes are marked blocking. The routes
// keep what they need alive (deps are shared into them).
void RegisterProvisioningRoutes(Router& router, ProvisioningDeps deps);

}  // namespace provisiond::api

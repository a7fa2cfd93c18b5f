// The options every admin route shares (group, permission, summary,
// blocking) and the empty 204 answer of a delete, written once.
#pragma once

#include <string>

#include "api/http.h"
#include "api/router.h"

namespace provisiond::api::admin {

inline RouteOptions AdminRoute(Permission permission, std::string summary, bool blocking) {
  RouteOptions o;
  o.group = RouteGroup::kAdmin;
  o.permission = permission;
  o.summary = std::move(summary);
  o.blocking = blocking;
  return o;
}

inline Response NoContent() {
  Response r;
  r.status = 204;
  return r;
}

}  // namespace provisiond::api::admin

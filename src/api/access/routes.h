// Sign-in and the access admin API: /api/v1/auth/{login,logout,me,setup},
// /api/v1/admin/{users,tokens,endpoint-keys,networks,audit,access}. The
// audit hook that records every admin change is installed here too.
// See doc/security.md.
#pragma once

#include <memory>

#include "api/access/access_control.h"
#include "api/router.h"

namespace provisiond::api::access {

struct AccessRoutesOptions {
  std::shared_ptr<AccessControl> access;  // required
  std::shared_ptr<store::Store> store;    // required
  bool file_token_set = false;            // for the access status
};

void RegisterAccessRoutes(Router& router, AccessRoutesOptions options);

// The audit record of one admin change, as the router's audit hook makes it.
// Secrets in a JSON body (password, secret, token keys) are replaced by "***".
model::AuditEntry AuditEntryFor(const Request& request, const Route& route, const Response& response);

}  // namespace provisiond::api::access

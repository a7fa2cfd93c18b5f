// TLS routes: the root certificate(s) endpoints and launchers embed, and the
// admin info route and page about the listeners' TLS state (doc/tls.md).
#pragma once

#include <functional>
#include <string>

#include "api/router.h"
#include "api/tls_info.h"
#include "base/time.h"

namespace provisiond::api {

struct TlsRoutesOptions {
  TlsInfoProvider info;               // required by the admin routes
  std::string keys_dir;               // where root.crt / roots.pem live
  std::function<Timestamp()> clock;   // default: Now()
};

// Machine group: GET /api/v1/tls/root.crt (PEM trust bundle: roots.pem, two
// roots during a rotation's grace period), GET /api/v1/tls/root (JSON:
// SHA-256 fingerprints, subjects, expiry). Admin group (admin-only once
// login exists): GET /api/v1/admin/tls (JSON), GET /admin/tls (HTML).
void RegisterTlsRoutes(Router& router, TlsRoutesOptions options);

}  // namespace provisiond::api

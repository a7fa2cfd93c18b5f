// Admin route that generates the bundle's launchers (launchers.h) for this
// service: the external base URL of the request (or the one asked for), the
// roots of the keys directory pinned, a bundle key when one is given.
#pragma once

#include <string>

#include "api/router.h"

namespace provisiond::api::launchers {

struct LauncherRoutesOptions {
  std::string tmpl;      // scripts/launchers/launcher.ps1, built into the binary
  std::string keys_dir;  // roots.pem / root.crt: the fingerprints pinned
  std::string version;   // provisiond's version
};

// GET  /api/v1/admin/launchers.zip[?ws_base=URL]            (admin)
// POST /api/v1/admin/launchers.zip {ws_base?, bundle_key?}  (admin; the key stays out of URLs and logs)
// Both answer application/zip; 400 naming the field for a bad value.
void RegisterLauncherRoutes(Router& router, LauncherRoutesOptions options);

// The SHA-256 of every root in `keys_dir` (roots.pem, else root.crt);
// empty when there is none (no pinning: the endpoints' own trust store).
std::vector<std::string> PinnedRoots(const std::string& keys_dir);

}  // namespace provisiond::api::launchers

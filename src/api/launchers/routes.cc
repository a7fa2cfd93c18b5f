#include "api/launchers/routes.h"

#include <boost/json.hpp>

#include "api/admin/admin_route.h"
#include "api/launchers/launchers.h"
#include "api/problem.h"
#include "api/tls_info.h"
#include "base/time.h"

namespace provisiond::api::launchers {
namespace {

// Reads ws_base / bundle_key from a JSON body (POST) or the query (GET).
Result<LauncherInput> InputOf(const LauncherRoutesOptions& o, const Request& req) {
  LauncherInput in;
  in.ws_base = req.origin.BaseUrl();
  in.version = o.version;
  in.root_sha256 = PinnedRoots(o.keys_dir);
  if (req.method == "POST" && !req.body.empty()) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(req.body, ec);
    if (ec || !v.is_object()) return Status::BadField("body", "must be a JSON object {\"ws_base\"?, \"bundle_key\"?}");
    for (const auto& [key, value] : v.as_object()) {
      if (key != "ws_base" && key != "bundle_key")
        return Status::BadField(key, "unknown field; known: ws_base, bundle_key");
      if (!value.is_string()) return Status::BadField(key, "must be a string");
      (key == "ws_base" ? in.ws_base : in.bundle_key) = std::string(value.as_string());
    }
  } else if (auto base = req.Query("ws_base")) {
    in.ws_base = std::string(*base);
  }
  return CheckLauncherInput(std::move(in));
}

Response Zip(const LauncherRoutesOptions& o, const Request& req) {
  auto in = InputOf(o, req);
  if (!in.ok()) return ToProblem(in.status());
  auto zip = LaunchersZip(o.tmpl, *in);
  if (!zip.ok()) return ToProblem(zip.status());
  Response r;
  r.status = 200;
  r.body = std::move(zip).value();
  r.headers.Set("Content-Type", "application/zip");
  r.headers.Set("Content-Disposition", "attachment; filename=\"provisiond-launchers.zip\"");
  r.headers.Set("Cache-Control", "no-store");  // may hold a bundle key
  r.headers.Set("Provisiond-Launcher-WsBase", in->ws_base);
  return r;
}

}  // namespace

std::vector<std::string> PinnedRoots(const std::string& keys_dir) {
  std::vector<std::string> out;
  auto roots = ReadTrustRoots(keys_dir, Now());
  if (!roots.ok()) return out;
  for (const auto& r : roots->roots) out.push_back(r.sha256);
  return out;
}

void RegisterLauncherRoutes(Router& router, LauncherRoutesOptions options) {
  auto o = std::make_shared<const LauncherRoutesOptions>(std::move(options));
  auto zip = [o](Request& r) { return Zip(*o, r); };
  router.Add("GET", "/api/v1/admin/launchers.zip", zip,
             admin::AdminRoute(Permission::kAdmin, "the four hook launchers for the bundle (?ws_base=; roots pinned), .zip", false));
  router.Add("POST", "/api/v1/admin/launchers.zip", zip,
             admin::AdminRoute(Permission::kAdmin, "the launchers with a bundle key {ws_base?, bundle_key?}, .zip", false));
}

}  // namespace provisiond::api::launchers

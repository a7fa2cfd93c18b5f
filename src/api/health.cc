#include "api/health.h"

#include <boost/json.hpp>

#include "api/problem.h"

namespace provisiond::api {

void RegisterHealthRoutes(Router& router, HealthOptions options) {
  router.Add("GET", "/healthz", [](Request&) {
    return Response::Json(200, R"({"status":"ok"})");
  }, {RouteGroup::kPublic, Permission::kAnyone, "liveness: the process answers"});

  auto checks = options.ready_checks;
  router.Add("GET", "/readyz", [checks](Request&) {
    std::vector<ReadyCheck> list = checks ? checks() : std::vector<ReadyCheck>();
    boost::json::array items;
    std::string why;
    for (const auto& c : list) {
      items.push_back({{"name", c.name}, {"path", c.path}, {"ok", c.ok}, {"detail", c.detail}});
      if (!c.ok) why += (why.empty() ? "" : "; ") + c.name + ": " + c.detail;
    }
    std::string checks_json = boost::json::serialize(items);
    if (!why.empty()) return Problem(503, "not ready: " + why, "\"checks\":" + checks_json);
    return Response::Json(200, R"({"status":"ready","checks":)" + checks_json + "}");
  }, {RouteGroup::kPublic, Permission::kAnyone, "readiness: data loaded, content root present (503 naming what is missing)"});

  router.Add("GET", "/", [](Request& req) {
    // A browser gets the admin UI, a program the service index.
    auto accept = req.headers.Get("Accept");
    bool browser = accept && accept->find("text/html") != std::string_view::npos;
    return Response::Redirect(302, req.origin.Url(browser ? "/ui/" : "/api/v1"));
  }, {RouteGroup::kPublic, Permission::kAnyone, "redirects a browser to the admin UI (/ui/), a program to the service index"});

  std::string version = options.version;
  const Router* table = &router;  // the router outlives its routes
  router.Add("GET", "/api/v1", [version, table](Request& req) {
    boost::json::object o;
    o["service"] = "provisiond";
    o["version"] = version;
    o["base_url"] = req.origin.BaseUrl();
    o["client_address"] = req.origin.client_address;
    boost::json::array routes;
    for (const auto& r : table->routes()) {
      boost::json::object ro;
      ro["method"] = r.method;
      ro["path"] = r.pattern;
      if (r.pattern.find('{') == std::string::npos) ro["url"] = req.origin.Url(r.pattern);
      ro["group"] = std::string(RouteGroupName(r.options.group));
      ro["summary"] = r.options.summary;
      routes.push_back(std::move(ro));
    }
    o["routes"] = std::move(routes);
    return Response::Json(200, boost::json::serialize(o));
  }, {RouteGroup::kPublic, Permission::kAnyone, "service index with absolute links"});
}

}  // namespace provisiond::api

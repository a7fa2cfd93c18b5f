#include "api/metrics/routes.h"

namespace provisiond::api::metrics {

void RegisterMetricsRoute(Router& router, MetricsRouteOptions options) {
  RouteOptions ro;
  ro.group = RouteGroup::kAdmin;
  ro.permission = Permission::kMetrics;
  ro.summary = "Prometheus metrics, text format 0.0.4 (admin, or the metrics.token_file bearer token)";
  // The stale scan lists running deployments from the store, and samplers
  // may read files (the trust roots): not on an I/O thread.
  ro.blocking = true;
  router.Add(
      "GET", "/metrics",
      [registry = std::move(options.registry), before = std::move(options.before_scrape)](Request&) {
        if (before) before();
        Response r = Response::Text(200, registry->Expose(), std::string(provisiond::metrics::Registry::kContentType));
        r.headers.Set("Cache-Control", "no-store");
        return r;
      },
      std::move(ro));
}

}  // namespace provisiond::api::metrics

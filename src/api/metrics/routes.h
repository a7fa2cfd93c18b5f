// GET /metrics: the Prometheus text exposition of a metrics registry. An
// admin group route (admin networks apply) with Permission::kMetrics: an
// admin (session or API token), or the scrape token of metrics.token_file.
// Not registered when metrics are off: the path then answers 404.
#pragma once

#include <functional>
#include <memory>

#include "api/router.h"
#include "base/metrics.h"

namespace provisiond::api::metrics {

struct MetricsRouteOptions {
  std::shared_ptr<provisiond::metrics::Registry> registry;  // required
  // Run before each exposition (the stale scan), on the worker pool.
  std::function<void()> before_scrape;
};

void RegisterMetricsRoute(Router& router, MetricsRouteOptions options);

}  // namespace provisiond::api::metrics

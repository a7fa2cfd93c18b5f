// Deployment metrics for GET /metrics, learnt from the admin event hub (the
// same events the UI and the webhooks see) and from a stale scan: started,
// finished (success/error) and stale deployments by type and model, stored
// deployment events, and how long each phase took, by model and phase.
// Models, types and phases come from endpoints, so each label is capped
// (DeploymentMetricsOptions); values past the cap count as "other".
// Thread rule: safe from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "api/events/event_hub.h"
#include "base/metrics.h"
#include "base/time.h"
#include "store/store.h"

namespace provisiond::api::metrics {

// Phase duration buckets (seconds): from a few seconds (a script step) to
// hours (an OS image over a slow link).
inline const std::vector<double> kPhaseSeconds = {5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400};

struct DeploymentMetricsOptions {
  size_t max_models = 50;   // metrics.max_models; more distinct models: "other"
  size_t max_types = 50;    // distinct deployment types with their own series
  size_t max_phases = 30;   // distinct phase names with their own series
  // Running deployments whose current phase (and since when) is kept to
  // time it; past this, the one tracked longest is forgotten (a deployment
  // that never ends must not hold memory forever).
  size_t max_tracked = 100'000;
};

class DeploymentMetrics {
 public:
  // Registers the families in `registry`, which must outlive this.
  DeploymentMetrics(provisiond::metrics::Registry& registry, DeploymentMetricsOptions options = {});

  // An EventHub observer: counts "deployment" events (kind started,
  // progress, finished) and every event by type. Malformed data is ignored.
  void OnEvent(const std::string& type, const std::string& data);
  EventHub::Observer Observer();

  // Counts each running deployment that is stale at `now` (no event for
  // longer than `stale_timeout`), once until it has an event again.
  void ScanStale(const store::Store& store, Timestamp now, std::chrono::milliseconds stale_timeout);

 private:
  struct Phase {
    std::string name;
    std::string model;
    Timestamp since{};
  };
  void EndPhase(const Phase& p, Timestamp at);

  DeploymentMetricsOptions options_;
  provisiond::metrics::Family<provisiond::metrics::Counter>& started_;
  provisiond::metrics::Family<provisiond::metrics::Counter>& finished_;
  provisiond::metrics::Family<provisiond::metrics::Counter>& stale_;
  provisiond::metrics::Counter& events_;
  provisiond::metrics::Family<provisiond::metrics::Counter>& hub_events_;
  provisiond::metrics::Family<provisiond::metrics::Histogram>& phase_seconds_;
  std::mutex mu_;
  std::unordered_map<std::string, Phase> phases_;  // by deployment id; guarded by mu_
  std::set<std::string> stale_ids_;                // stale at the last scan; guarded by mu_
};

}  // namespace provisiond::api::metrics

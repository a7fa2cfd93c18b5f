// The dashboard's figures from deployment records: today's counts by shown
// state, deployments per day by state, phase durations per model, the steps
// that fail most, the latest failures. Pure: the caller reads the records
// (and the events of the ended ones it wants phase durations of).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "base/time.h"
#include "core/deployment_rules.h"
#include "model/deployment.h"

namespace provisiond::core {

struct DayCounts {
  std::string day;  // YYYY-MM-DD (UTC)
  int running = 0, stale = 0, success = 0, error = 0;
};

struct PhaseDuration {
  std::string model, phase;
  double seconds = 0;  // mean over `samples`
  int samples = 0;
};

struct FailingStep {
  std::string phase;
  std::string step;  // "3/12", or "" when the event named none
  int count = 0;
};

struct DeploymentStats {
  DayCounts today;
  std::vector<DayCounts> per_day;  // oldest first, `days` entries ending today
  std::vector<PhaseDuration> phase_durations;  // by model, then phase order of first appearance
  std::vector<FailingStep> top_failing_steps;  // most first, at most 10
};

// `deployments`: any order; `events`: by deployment id, in append order
// (those missing give no phase durations). Days are UTC.
DeploymentStats ComputeStats(const std::vector<model::Deployment>& deployments,
                             const std::map<std::string, std::vector<model::DeploymentEvent>>& events, Timestamp now,
                             std::chrono::milliseconds stale_timeout, int days);

}  // namespace provisiond::core

#include "api/metrics/deployment_metrics.h"

#include <algorithm>

#include <boost/json.hpp>

#include "core/deployment_rules.h"

namespace provisiond::api::metrics {
namespace pm = provisiond::metrics;
namespace {

pm::FamilyOptions Caps(std::vector<size_t> caps) {
  pm::FamilyOptions o;
  o.max_values = std::move(caps);
  return o;
}

std::string_view StringOf(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

std::optional<Timestamp> TimeOf(const boost::json::object& o, std::string_view key) {
  return ParseIso8601(StringOf(o, key));
}

// An empty label reads badly in a dashboard: say what it means.
std::string_view OrUnknown(std::string_view v) { return v.empty() ? "unknown" : v; }

}  // namespace

DeploymentMetrics::DeploymentMetrics(pm::Registry& r, DeploymentMetricsOptions options)
    : options_(options),
      started_(r.AddCounter("provisiond_deployments_started_total", "Deployments started, by type and model.",
                            {"type", "model"}, Caps({options.max_types, options.max_models}))),
      finished_(r.AddCounter("provisiond_deployments_finished_total",
                             "Deployments ended, by type, model and status (success or error).",
                             {"type", "model", "status"}, Caps({options.max_types, options.max_models}))),
      stale_(r.AddCounter("provisiond_deployments_stale_total",
                          "Running deployments found stale (no event for longer than the stale timeout), "
                          "each counted once until it has an event again; by type and model.",
                          {"type", "model"}, Caps({options.max_types, options.max_models}))),
      events_(r.AddCounter("provisiond_deployment_events_total",
                           "Deployment events stored (progress and final events; retries of a stored event "
                           "are not counted). rate() is events per second.")
                  .With({})),
      hub_events_(r.AddCounter("provisiond_hub_events_total",
                               "Events published to the admin live-event hub, by type (deployment, pending, data).",
                               {"type"}, Caps({20}))),
      phase_seconds_(r.AddHistogram("provisiond_deployment_phase_duration_seconds",
                                    "How long deployment phases took (from the event that entered a phase to the "
                                    "one that left it, or the final event), by model and phase.",
                                    {"model", "phase"}, kPhaseSeconds, Caps({options.max_models, options.max_phases}))) {}

EventHub::Observer DeploymentMetrics::Observer() {
  return [this](const std::string& type, const std::string& data) { OnEvent(type, data); };
}

void DeploymentMetrics::EndPhase(const Phase& p, Timestamp at) {
  if (p.name.empty() || at < p.since) return;
  phase_seconds_.With({OrUnknown(p.model), p.name})
      .Observe(std::chrono::duration<double>(at - p.since).count());
}

void DeploymentMetrics::OnEvent(const std::string& type, const std::string& data) {
  hub_events_.With({type}).Inc();
  if (type != "deployment") return;
  boost::system::error_code ec;
  auto v = boost::json::parse(data, ec);
  if (ec || !v.is_object()) return;
  const auto& o = v.as_object();
  const auto* dep_value = o.if_contains("deployment");
  if (dep_value == nullptr || !dep_value->is_object()) return;
  const auto& dep = dep_value->as_object();
  std::string_view kind = StringOf(o, "kind");
  std::string id(StringOf(dep, "id"));
  std::string_view type_label = OrUnknown(StringOf(dep, "type"));
  std::string_view model = StringOf(dep, "model");
  std::string_view phase = StringOf(dep, "phase");
  Timestamp at = TimeOf(dep, "last_heartbeat").value_or(Now());
  if (kind == "started") {
    started_.With({type_label, OrUnknown(model)}).Inc();
    // A /message start is created holding its first event.
    if (StringOf(dep, "source") == "legacy") events_.Inc();
  } else if (kind == "progress" || kind == "finished") {
    events_.Inc();
  } else {
    if (kind == "deleted") {
      std::lock_guard lock(mu_);
      phases_.erase(id);
    }
    return;
  }
  const bool finished = kind == "finished";
  if (finished) {
    std::string_view status = StringOf(dep, "status");
    finished_.With({type_label, OrUnknown(model), status == "error" ? "error" : "success"}).Inc();
    at = TimeOf(dep, "finished").value_or(at);
  }
  std::lock_guard lock(mu_);
  auto it = phases_.find(id);
  if (it != phases_.end() && (finished || it->second.name != phase)) {
    EndPhase(it->second, at);
    if (finished) {
      phases_.erase(it);
      return;
    }
    it->second = {std::string(phase), std::string(model), at};
    return;
  }
  if (finished || it != phases_.end()) return;
  if (phases_.size() >= options_.max_tracked) {
    auto oldest = std::min_element(phases_.begin(), phases_.end(),
                                   [](const auto& a, const auto& b) { return a.second.since < b.second.since; });
    phases_.erase(oldest);
  }
  // First seen (a start, or the first event after a restart): the phase is
  // timed from this event on.
  phases_.emplace(std::move(id), Phase{std::string(phase), std::string(model), at});
}

void DeploymentMetrics::ScanStale(const store::Store& store, Timestamp now, std::chrono::milliseconds stale_timeout) {
  store::DeploymentQuery q;
  q.status = model::DeploymentStatus::kRunning;
  q.limit = 0;
  auto page = store.ListDeployments(q);
  if (!page.ok()) return;
  std::lock_guard lock(mu_);
  std::set<std::string> stale_now;
  for (const auto& d : page->items) {
    if (!core::IsStale(d, now, stale_timeout)) continue;
    stale_now.insert(d.id);
    if (!stale_ids_.count(d.id)) stale_.With({OrUnknown(d.type), OrUnknown(d.model)}).Inc();
  }
  // One that had an event since is no longer stale, and may become so again.
  stale_ids_ = std::move(stale_now);
}

}  // namespace provisiond::api::metrics

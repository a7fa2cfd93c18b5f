#include "core/deployment_stats.h"

#include <algorithm>

namespace provisiond::core {
namespace {

std::string DayOf(Timestamp t) { return FormatIso8601(t).substr(0, 10); }

void Count(DayCounts& c, DisplayState s) {
  switch (s) {
    case DisplayState::kRunning: ++c.running; break;
    case DisplayState::kStale: ++c.stale; break;
    case DisplayState::kSuccess: ++c.success; break;
    case DisplayState::kError: ++c.error; break;
  }
}

// Time spent in each phase: from its first event to the next phase's first
// event (the last phase ends at `finished`).
void AddPhases(const model::Deployment& d, const std::vector<model::DeploymentEvent>& events,
               std::map<std::pair<std::string, std::string>, std::pair<double, int>>& sums,
               std::vector<std::pair<std::string, std::string>>& order) {
  std::string phase;
  Timestamp began{};
  auto close = [&](Timestamp end) {
    if (phase.empty()) return;
    auto key = std::make_pair(d.model, phase);
    auto [it, inserted] = sums.try_emplace(key, 0.0, 0);
    if (inserted) order.push_back(key);
    it->second.first += std::chrono::duration<double>(end - began).count();
    it->second.second += 1;
  };
  for (const auto& e : events) {
    if (e.phase.empty() || e.phase == phase) continue;
    close(e.at);
    phase = e.phase;
    began = e.at;
  }
  if (d.finished) close(*d.finished);
}

}  // namespace

DeploymentStats ComputeStats(const std::vector<model::Deployment>& deployments,
                             const std::map<std::string, std::vector<model::DeploymentEvent>>& events, Timestamp now,
                             std::chrono::milliseconds stale_timeout, int days) {
  DeploymentStats out;
  std::map<std::string, size_t> day_index;
  for (int i = days - 1; i >= 0; --i) {
    DayCounts c;
    c.day = DayOf(now - std::chrono::hours(24) * i);
    day_index[c.day] = out.per_day.size();
    out.per_day.push_back(c);
  }
  out.today.day = DayOf(now);
  std::map<std::pair<std::string, std::string>, std::pair<double, int>> sums;
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, int> failing;
  for (const auto& d : deployments) {
    DisplayState s = EffectiveState(d, now, stale_timeout);
    std::string day = DayOf(d.started);
    if (day == out.today.day) Count(out.today, s);
    if (auto it = day_index.find(day); it != day_index.end()) Count(out.per_day[it->second], s);
    if (s == DisplayState::kError) {
      std::string step = d.step ? std::to_string(*d.step) + (d.step_count ? "/" + std::to_string(*d.step_count) : "") : "";
      ++failing[{d.phase, step}];
    }
    if (auto e = events.find(d.id); e != events.end() && d.finished) AddPhases(d, e->second, sums, order);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& key : order) {
    const auto& [sum, n] = sums[key];
    out.phase_durations.push_back({key.first, key.second, n ? sum / n : 0, n});
  }
  for (const auto& [key, n] : failing) out.top_failing_steps.push_back({key.first, key.second, n});
  std::stable_sort(out.top_failing_steps.begin(), out.top_failing_steps.end(),
                   [](const auto& a, const auto& b) { return a.count > b.count; });
  if (out.top_failing_steps.size() > 10) out.top_failing_steps.resize(10);
  return out;
}

}  // namespace provisiond::core

#include "core/deployment_rules.h"

#include "base/strings.h"

namespace provisiond::core {

model::Deployment StartDeployment(const Facts& facts, const StartInfo& info, Timestamp now) {
  model::Deployment d;
  d.id = info.id;
  d.previous_id = info.previous_id;
  d.serial = std::string(Trim(facts.serial));
  d.model = std::string(Trim(facts.model));
  d.computer_name = info.computer_name;
  d.type = info.type;
  d.client_address = info.client_address;
  d.tls = info.tls;
  d.tls_version = info.tls_version;
  d.source = info.source;
  d.started = now;
  d.last_heartbeat = now;
  d.status = model::DeploymentStatus::kRunning;
  d.version = 1;
  return d;
}

// The stored names (model/deployment.h), also the API's.
std::string_view DeploymentStatusName(model::DeploymentStatus status) { return model::StatusName(status); }
std::string_view EventLevelName(model::EventLevel level) { return model::LevelName(level); }

Result<model::DeploymentStatus> ParseDeploymentStatus(std::string_view text,
                                                      std::string_view field) {
  std::string t = ToLower(Trim(text));
  if (t == "running") return model::DeploymentStatus::kRunning;
  if (t == "success") return model::DeploymentStatus::kSuccess;
  if (t == "error") return model::DeploymentStatus::kError;
  return Status::BadField(field, "'" + std::string(text) + "' is not a status; use running, success or error");
}

Result<model::EventLevel> ParseEventLevel(std::string_view text, std::string_view field) {
  std::string t = ToLower(Trim(text));
  if (t == "debug") return model::EventLevel::kDebug;
  if (t == "info" || t.empty()) return model::EventLevel::kInfo;
  if (t == "warning" || t == "warn") return model::EventLevel::kWarning;
  if (t == "error") return model::EventLevel::kError;
  return Status::BadField(field, "'" + std::string(text) + "' is not a level; use debug, info, warning or error");
}

Result<model::Deployment> ApplyEvent(const model::Deployment& deployment,
                                     const model::DeploymentEvent& e, Timestamp now) {
  if (!e.deployment_id.empty() && e.deployment_id != deployment.id) {
    return Status::BadField("deployment_id", "event is for '" + e.deployment_id +
                                   "', not deployment '" + deployment.id + "'");
  }
  if (e.percent && (*e.percent < 0 || *e.percent > 100)) {
    return Status::BadField("percent", std::to_string(*e.percent) +
                                   " is outside 0..100");
  }
  if (e.step_count && *e.step_count < 1) {
    return Status::BadField("step_count", std::to_string(*e.step_count) +
                                   " must be at least 1");
  }
  if (e.step && *e.step < 0) {
    return Status::BadField("step", std::to_string(*e.step) + " must not be negative");
  }
  bool ended = deployment.status != model::DeploymentStatus::kRunning;
  // After the end the step is not applied (see below), so it cannot be "beyond".
  std::optional<int> count = e.step_count ? e.step_count : deployment.step_count;
  if (!ended && e.step && count && *e.step > *count) {
    return Status::BadField("step", std::to_string(*e.step) + " is beyond step_count " +
                                   std::to_string(*count));
  }
  if (e.message.size() > kMaxEventMessageBytes) {
    return Status::BadField("message", std::to_string(e.message.size()) +
                                   " bytes, at most " + std::to_string(kMaxEventMessageBytes));
  }
  if (ended && e.final_status) {
    return Status::FailedPrecondition(
        "status: deployment " + deployment.id + " already ended with status " +
        std::string(DeploymentStatusName(deployment.status)) + "; start a new deployment to "
        "report another outcome");
  }
  if (e.final_status && *e.final_status == model::DeploymentStatus::kRunning) {
    return Status::BadField("status", "'running' is not a final status; use success or error");
  }

  model::Deployment d = deployment;
  d.last_heartbeat = now;
  if (e.level == model::EventLevel::kWarning) ++d.warning_count;
  if (e.level == model::EventLevel::kError) ++d.error_count;
  ++d.version;
  if (ended) return d;  // a note after the end: the outcome stays as reported

  if (!e.phase.empty()) d.phase = e.phase;
  if (e.step_count) d.step_count = e.step_count;
  if (e.step) d.step = e.step;
  if (e.percent) d.percent = *e.percent;
  if (e.final_status) {
    d.status = *e.final_status;
    d.finished = now;
    d.final_message = e.message;
    if (d.status == model::DeploymentStatus::kSuccess) d.percent = 100;
  }
  return d;
}

bool IsStale(const model::Deployment& d, Timestamp now, std::chrono::milliseconds stale_timeout) {
  return d.status == model::DeploymentStatus::kRunning && now - d.last_heartbeat > stale_timeout;
}

std::string_view DisplayStateName(DisplayState state) {
  switch (state) {
    case DisplayState::kRunning: return "running";
    case DisplayState::kStale: return "stale";
    case DisplayState::kSuccess: return "success";
    case DisplayState::kError: return "error";
  }
  return "running";
}

DisplayState EffectiveState(const model::Deployment& d, Timestamp now,
                            std::chrono::milliseconds stale_timeout) {
  switch (d.status) {
    case model::DeploymentStatus::kSuccess: return DisplayState::kSuccess;
    case model::DeploymentStatus::kError: return DisplayState::kError;
    case model::DeploymentStatus::kRunning: break;
  }
  // The original showed ERROR as soon as one [ERROR] message arrived.
  if (d.source == "legacy" && d.error_count > 0) return DisplayState::kError;
  return IsStale(d, now, stale_timeout) ? DisplayState::kStale : DisplayState::kRunning;
}

std::optional<std::chrono::milliseconds> Duration(const model::Deployment& d) {
  if (!d.finished) return std::nullopt;
  return *d.finished - d.started;
}

}  // namespace provisiond::core

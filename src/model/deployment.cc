#include "model/deployment.h"

#include "base/strings.h"

namespace provisiond::model {

std::string_view StatusName(DeploymentStatus s) {
  switch (s) {
    case DeploymentStatus::kRunning: return "running";
    case DeploymentStatus::kSuccess: return "success";
    case DeploymentStatus::kError: return "error";
  }
  return "running";
}

std::optional<DeploymentStatus> ParseStatusName(std::string_view s) {
  if (IEquals(s, "running")) return DeploymentStatus::kRunning;
  if (IEquals(s, "success")) return DeploymentStatus::kSuccess;
  if (IEquals(s, "error")) return DeploymentStatus::kError;
  return std::nullopt;
}

std::string_view LevelName(EventLevel l) {
  switch (l) {
    case EventLevel::kDebug: return "debug";
    case EventLevel::kInfo: return "info";
    case EventLevel::kWarning: return "warning";
    case EventLevel::kError: return "error";
  }
  return "info";
}

EventLevel ParseLevelName(std::string_view s) {
  if (IEquals(s, "debug")) return EventLevel::kDebug;
  if (IEquals(s, "warning") || IEquals(s, "warn")) return EventLevel::kWarning;
  if (IEquals(s, "error")) return EventLevel::kError;
  return EventLevel::kInfo;
}

}  // namespace provisiond::model

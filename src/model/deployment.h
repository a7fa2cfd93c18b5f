// Deployments and their events: written by endpoints (high volume), read by
// the admin API. Plain values; the rules that move a deployment from state to
// state live in core/, the journal that stores them in store/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace provisiond::model {

enum class DeploymentStatus { kRunning, kSuccess, kError };

enum class EventLevel { kDebug, kInfo, kWarning, kError };

struct DeploymentEvent {
  std::string deployment_id;
  std::string event_id;  // client-generated; (deployment_id, event_id) is unique
  Timestamp at{};        // server receive time
  std::string phase;     // winpe, os-apply, specialize, oobe, apps, done, ... (open list)
  std::optional<int> step;
  std::optional<int> step_count;
  std::optional<int> percent;  // 0..100
  EventLevel level = EventLevel::kInfo;
  std::string message;
  // Set on the final event only.
  std::optional<DeploymentStatus> final_status;
  friend bool operator==(const DeploymentEvent&, const DeploymentEvent&) = default;
};

struct Deployment {
  std::string id;
  std::string serial;
  std::string computer_name;
  std::string model;
  std::string type;
  std::string client_address;  // as seen through trusted proxies
  bool tls = false;            // "Using TLS"
  std::string tls_version;     // e.g. TLSv1.3
  std::string source;          // "api" (versioned) or "legacy" (/message)
  Timestamp started{};
  Timestamp last_heartbeat{};
  std::optional<Timestamp> finished;
  std::string phase;
  std::optional<int> step;
  std::optional<int> step_count;
  int percent = 0;
  DeploymentStatus status = DeploymentStatus::kRunning;
  std::string final_message;
  int warning_count = 0;
  int error_count = 0;
  std::string previous_id;  // the earlier attempt for the same computer, if any
  uint64_t version = 1;
  friend bool operator==(const Deployment&, const Deployment&) = default;
};

// The stored names: "running", "success", "error"; "debug", "info",
// "warning", "error". Parsing ignores case; an unknown level reads as info
// ("warn" as warning), an unknown status as nullopt.
std::string_view StatusName(DeploymentStatus s);
std::optional<DeploymentStatus> ParseStatusName(std::string_view s);
std::string_view LevelName(EventLevel l);
EventLevel ParseLevelName(std::string_view s);

}  // namespace provisiond::model

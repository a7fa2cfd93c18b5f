// Deployment state rules: starting an attempt, applying an event, staleness
// and the state the UI shows. Pure: `now` is a parameter.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/time.h"
#include "core/facts.h"
#include "model/deployment.h"

namespace provisiond::core {

inline constexpr std::chrono::minutes kDefaultStaleTimeout{30};
inline constexpr size_t kMaxEventMessageBytes = 8192;

struct StartInfo {
  std::string id;               // chosen by the caller (unique)
  std::string previous_id;      // the latest earlier attempt for this computer, if any
  std::string computer_name;
  std::string type;
  std::string client_address;   // as seen through trusted proxies
  bool tls = false;
  std::string tls_version;
  std::string source = "api";   // "api" or "legacy"
};

// A running deployment: started = last_heartbeat = now, percent 0, serial and
// model from the facts, version 1.
model::Deployment StartDeployment(const Facts& facts, const StartInfo& info, Timestamp now);

// Returns the deployment after `event`, or an error leaving nothing changed:
//  - InvalidArgument naming the field: deployment_id not this one, percent
//    outside 0..100, step < 0, step_count < 1, step > step_count (the event's
//    step_count, else the deployment's), message longer than kMaxEventMessageBytes,
//    final_status kRunning (not a final status);
//  - FailedPrecondition naming the final status when the deployment already
//    ended and the event carries a final_status.
// An event without final_status after the end is kept as a note: counters
// and heartbeat move, phase/step/percent do not.
// Otherwise: heartbeat = now; phase, step, step_count, percent taken when
// set; warning/error counters by level; final_status sets status, finished =
// now, final_message = message, percent = 100 on success. version + 1.
Result<model::Deployment> ApplyEvent(const model::Deployment& deployment,
                                     const model::DeploymentEvent& event, Timestamp now);

// Running and no event for longer than `stale_timeout`.
bool IsStale(const model::Deployment& deployment, Timestamp now,
             std::chrono::milliseconds stale_timeout = kDefaultStaleTimeout);

enum class DisplayState { kRunning, kStale, kSuccess, kError };
// "running", "stale", "success", "error".
std::string_view DisplayStateName(DisplayState state);

// Final status when ended; else stale per IsStale; else running. A legacy
// deployment (source "legacy") with an [ERROR] message (error_count > 0)
// shows error at once, as the original's progress did.
DisplayState EffectiveState(const model::Deployment& deployment, Timestamp now,
                            std::chrono::milliseconds stale_timeout = kDefaultStaleTimeout);

// finished - started for an ended deployment, else nullopt.
std::optional<std::chrono::milliseconds> Duration(const model::Deployment& deployment);

// Parses the status name used in API bodies: "running", "success", "error"
// (case-insensitive). InvalidArgument naming `field` otherwise.
Result<model::DeploymentStatus> ParseDeploymentStatus(std::string_view text,
                                                      std::string_view field = "status");
std::string_view DeploymentStatusName(model::DeploymentStatus status);
// "debug", "info", "warning" (also "warn"), "error"; InvalidArgument naming `field`.
Result<model::EventLevel> ParseEventLevel(std::string_view text, std::string_view field = "level");
std::string_view EventLevelName(model::EventLevel level);

}  // namespace provisiond::core

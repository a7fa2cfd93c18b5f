// The original service's POST /message: "[SERIAL] text" messages, their
// markers, how they feed deployment records, and the original's progress
// rule over a serial's messages. Pure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "model/deployment.h"

namespace provisiond::core {

inline constexpr size_t kMaxLegacySerialBytes = 64;

// Markers (case-sensitive substrings, as the original's `in` tests).
inline constexpr std::string_view kStartMarker = "START PROVISION";      // resets
inline constexpr std::string_view kStartedMarker = "START PROVISIONING"; // for Completed
inline constexpr std::string_view kEndMarker = "END PROVISIONING";
inline constexpr std::string_view kErrorMarker = "[ERROR]";
inline constexpr std::string_view kWarnMarker = "[WARN";  // [WARN] and [WARNING]

struct LegacyMessage {
  std::string serial;  // inside the leading brackets, trimmed
  std::string text;    // after them, trimmed
  model::EventLevel level = model::EventLevel::kInfo;  // [ERROR] > [WARN] > info
  bool start = false;  // contains START PROVISION: a new attempt
  bool end = false;    // contains END PROVISIONING
  std::optional<int> step;  // NNN of the first "STEP NNN" marker
  friend bool operator==(const LegacyMessage&, const LegacyMessage&) = default;
};

// Parses "[SERIAL] text" (leading whitespace allowed). Returns
// InvalidArgument naming `message` when it does not start with '[', has no
// ']', the serial is empty, longer than kMaxLegacySerialBytes or holds a
// control character or '[' - with the expected format in the message.
Result<LegacyMessage> ParseLegacyMessage(std::string_view message);

// A stored message of a serial, with its receive time.
struct TimedMessage {
  Timestamp at{};
  std::string text;  // the full message or its text part; markers are searched in it
  friend bool operator==(const TimedMessage&, const TimedMessage&) = default;
};

// The distinct NNN of every "STEP NNN" marker (uppercase STEP, spaces, digits).
std::vector<int> StepMarkers(std::string_view text);

struct LegacyProgress {
  std::string status;  // "ERROR", "WARNING", "Completed", "In progress", "Idle", or "" (no messages)
  int percent = 0;     // distinct STEP markers * 10, capped at 100
  friend bool operator==(const LegacyProgress&, const LegacyProgress&) = default;
};

inline constexpr std::chrono::minutes kLegacyActiveWindow{15};

// The original's rule over the messages since the last START PROVISION
// (callers pass them; earlier ones are ignored here too): ERROR if any has
// [ERROR]; else WARNING if any has [WARN; else Completed if START PROVISIONING
// and END PROVISIONING both appear; else "In progress" if the newest message
// is under 15 minutes before `now`; else "Idle" (our name: the original
// showed nothing specific).
LegacyProgress ComputeLegacyProgress(const std::vector<TimedMessage>& messages, Timestamp now);

// How a parsed message lands in the deployment records.
struct LegacyApply {
  bool start_new = false;       // create `deployment` as a new attempt
  model::Deployment deployment; // after the message
  model::DeploymentEvent event; // what to journal
};

// `latest`: the serial's latest deployment (null if none); `earlier`: its
// messages so far (for percent). START PROVISION, or no latest deployment,
// starts a new one (id `new_id`, previous_id = latest's id, source "legacy").
// Percent = ComputeLegacyProgress over the attempt's messages; STEP NNN sets
// step; END PROVISIONING ends it (error when it saw an [ERROR], else
// success). A message after the end is kept as a note (see ApplyEvent).
Result<LegacyApply> ApplyLegacyMessage(const model::Deployment* latest,
                                       const std::vector<TimedMessage>& earlier,
                                       const LegacyMessage& message, std::string_view new_id,
                                       std::string_view event_id, Timestamp now);

}  // namespace provisiond::core

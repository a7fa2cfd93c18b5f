#include "core/legacy_message.h"

#include <algorithm>
#include <set>

#include "base/strings.h"
#include "core/deployment_rules.h"

namespace provisiond::core {
namespace {

constexpr std::string_view kFormatHint =
    "expected \"[SERIAL] text\", e.g. \"[5CG6050PH9] STEP 010 disk ready\"";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool Has(std::string_view text, std::string_view marker) {
  return text.find(marker) != std::string_view::npos;
}

}  // namespace

std::vector<int> StepMarkers(std::string_view text) {
  std::vector<int> out;
  for (size_t pos = text.find("STEP"); pos != std::string_view::npos;
       pos = text.find("STEP", pos + 1)) {
    if (pos > 0 && IsAlnum(text[pos - 1])) continue;  // "MYSTEP 5" is not a marker
    size_t i = pos + 4;
    size_t spaces = i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i == spaces) continue;
    size_t digits = i;
    int n = 0;
    while (i < text.size() && IsDigit(text[i]) && i - digits < 6) n = n * 10 + (text[i++] - '0');
    if (i == digits || (i < text.size() && IsAlnum(text[i]))) continue;
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
  return out;
}

Result<LegacyMessage> ParseLegacyMessage(std::string_view message) {
  std::string_view s = Trim(message);
  if (s.empty()) return Status::BadField("message", "empty; " + std::string(kFormatHint));
  if (s.front() != '[') {
    return Status::BadField("message", "does not start with [SERIAL]; " +
                                   std::string(kFormatHint));
  }
  size_t close = s.find(']');
  if (close == std::string_view::npos) {
    return Status::BadField("message", "'[' without ']'; " + std::string(kFormatHint));
  }
  std::string_view serial = Trim(s.substr(1, close - 1));
  if (serial.empty()) {
    return Status::BadField("message", "the serial between [ and ] is empty; " +
                                   std::string(kFormatHint));
  }
  if (serial.size() > kMaxLegacySerialBytes) {
    return Status::BadField("message", "serial of " + std::to_string(serial.size()) +
                                   " bytes, at most " + std::to_string(kMaxLegacySerialBytes));
  }
  for (char c : serial) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '[') {
      return Status::BadField("message", "the serial holds a control character or '['; " +
                                     std::string(kFormatHint));
    }
  }
  LegacyMessage m;
  m.serial = std::string(serial);
  m.text = std::string(Trim(s.substr(close + 1)));
  if (Has(m.text, kErrorMarker)) m.level = model::EventLevel::kError;
  else if (Has(m.text, kWarnMarker)) m.level = model::EventLevel::kWarning;
  m.start = Has(m.text, kStartMarker);
  m.end = Has(m.text, kEndMarker);
  auto steps = StepMarkers(m.text);
  if (!steps.empty()) m.step = steps.front();
  return m;
}

LegacyProgress ComputeLegacyProgress(const std::vector<TimedMessage>& messages, Timestamp now) {
  LegacyProgress out;
  if (messages.empty()) return out;
  size_t first = 0;
  for (size_t i = messages.size(); i-- > 0;) {
    if (Has(messages[i].text, kStartMarker)) {
      first = i;
      break;
    }
  }
  bool error = false, warn = false, started = false, ended = false;
  std::set<int> steps;
  Timestamp newest = messages[first].at;
  for (size_t i = first; i < messages.size(); ++i) {
    const std::string& t = messages[i].text;
    error = error || Has(t, kErrorMarker);
    warn = warn || Has(t, kWarnMarker);
    started = started || Has(t, kStartedMarker);
    ended = ended || Has(t, kEndMarker);
    for (int n : StepMarkers(t)) steps.insert(n);
    newest = std::max(newest, messages[i].at);
  }
  out.percent = std::min<int>(100, static_cast<int>(steps.size()) * 10);
  if (error) out.status = "ERROR";
  else if (warn) out.status = "WARNING";
  else if (started && ended) out.status = "Completed";
  else if (now - newest < kLegacyActiveWindow) out.status = "In progress";
  else out.status = "Idle";
  return out;
}

Result<LegacyApply> ApplyLegacyMessage(const model::Deployment* latest,
                                       const std::vector<TimedMessage>& earlier,
                                       const LegacyMessage& message, std::string_view new_id,
                                       std::string_view event_id, Timestamp now) {
  LegacyApply out;
  std::vector<TimedMessage> attempt;
  model::Deployment current;
  if (message.start || latest == nullptr) {
    Facts facts;
    facts.serial = message.serial;
    StartInfo info;
    info.id = std::string(new_id);
    info.previous_id = latest ? latest->id : "";
    info.source = "legacy";
    if (latest) {
      info.computer_name = latest->computer_name;
      info.type = latest->type;
    }
    current = StartDeployment(facts, info, now);
    out.start_new = true;
  } else {
    current = *latest;
    attempt = earlier;
  }
  attempt.push_back({now, message.text});

  model::DeploymentEvent& e = out.event;
  e.deployment_id = current.id;
  e.event_id = std::string(event_id);
  e.at = now;
  e.level = message.level;
  e.message = message.text;
  e.step = message.step;
  // A "STEP NNN" marker is a label, not "x of y": on a deployment our own
  // scripts started with a step_count it must not be refused as "beyond".
  // The original accepted every well-formed message; so does this route.
  if (e.step && current.step_count && *e.step > *current.step_count) e.step.reset();
  e.percent = ComputeLegacyProgress(attempt, now).percent;
  bool saw_error = current.error_count > 0 || message.level == model::EventLevel::kError;
  if (message.end && current.status == model::DeploymentStatus::kRunning) {
    e.final_status = saw_error ? model::DeploymentStatus::kError : model::DeploymentStatus::kSuccess;
  }
  PV_ASSIGN_OR_RETURN(out.deployment, ApplyEvent(current, e, now));
  return out;
}

}  // namespace provisiond::core

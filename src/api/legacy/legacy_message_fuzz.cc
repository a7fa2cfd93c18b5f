// libFuzzer target for the original's POST /message: the body (form or
// JSON, chosen by the first input byte) -> "[SERIAL] text" -> the parsed
// message -> the deployment and event it leads to. Every refusal names the
// field "message" (or "body"); what is accepted obeys the text rules, and the
// store's write rules either accept the records or refuse them with a
// field, never anything else. See doc/fuzzing.md.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/legacy/message_body.h"
#include "core/legacy_message.h"
#include "model/text_rules.h"
#include "store/write_rules.h"

namespace {

using provisiond::Status;
using provisiond::StatusCode;
namespace core = provisiond::core;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "legacy_message_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

void ExpectFieldError(const Status& s, const char* where) {
  if (s.ok()) return;
  if (s.code() != StatusCode::kInvalidArgument) Fail(where, s.ToString());
  if (s.field().empty()) Fail("refusal without a field", std::string(where) + ": " + s.ToString());
}

bool Has(std::string_view text, std::string_view marker) { return text.find(marker) != std::string_view::npos; }

void CheckParsed(const core::LegacyMessage& m) {
  if (m.serial.empty() || m.serial.size() > core::kMaxLegacySerialBytes) Fail("serial size", m.serial);
  for (char c : m.serial) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '[') Fail("serial holds a control character or '['", m.serial);
  }
  const bool error = Has(m.text, core::kErrorMarker);
  const bool warn = Has(m.text, core::kWarnMarker);
  auto want = error ? provisiond::model::EventLevel::kError
                    : warn ? provisiond::model::EventLevel::kWarning : provisiond::model::EventLevel::kInfo;
  if (m.level != want) Fail("level disagrees with the markers", m.text);
  if (m.start != Has(m.text, core::kStartMarker) || m.end != Has(m.text, core::kEndMarker))
    Fail("start/end disagree with the markers", m.text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  provisiond::api::Request req;
  req.method = "POST";
  req.path = "/message";
  if (data[0] & 1) req.headers.Add("Content-Type", "application/x-www-form-urlencoded");
  else req.headers.Add("Content-Type", "application/json");
  req.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto text = provisiond::api::legacy::LegacyMessageText(req);
  if (!text.ok()) {
    ExpectFieldError(text.status(), "LegacyMessageText");
    return 0;
  }
  if (auto why = provisiond::model::TextProblem(*text, provisiond::model::TextRule::kMultiline))
    Fail("accepted message breaks the multi-line text rule", *why);

  auto parsed = core::ParseLegacyMessage(*text);
  if (!parsed.ok()) {
    ExpectFieldError(parsed.status(), "ParseLegacyMessage");
    if (parsed.status().field() != "message") Fail("parse error names another field", parsed.status().ToString());
    return 0;
  }
  CheckParsed(*parsed);

  const provisiond::Timestamp now{};
  auto applied = core::ApplyLegacyMessage(nullptr, {}, *parsed, "d1", "e1", now);
  if (!applied.ok()) {
    ExpectFieldError(applied.status(), "ApplyLegacyMessage");
    return 0;
  }
  if (!applied->start_new) Fail("a first message does not start a deployment", parsed->text);
  if (applied->deployment.serial != parsed->serial) Fail("deployment serial", applied->deployment.serial);
  ExpectFieldError(provisiond::store::CheckDeployment(applied->deployment), "CheckDeployment");
  ExpectFieldError(provisiond::store::CheckEvent(applied->event), "CheckEvent");
  return 0;
}

#include "api/legacy/message_body.h"

#include <boost/json.hpp>

#include "api/endpoint/json_in.h"
#include "base/strings.h"
#include "model/text_rules.h"

namespace provisiond::api::legacy {
namespace {

constexpr size_t kMaxMessageBytes = 16 * 1024;

bool IsForm(const Request& req) {
  auto ct = req.headers.Get("Content-Type");
  return ct && StartsWithI(Trim(*ct), "application/x-www-form-urlencoded");
}

}  // namespace

Result<std::string> LegacyMessageText(const Request& req) {
  if (IsForm(req)) {
    for (auto& [k, v] : ParseQuery(req.body)) {
      if (k != "message") continue;
      // As ReadString checks a JSON string: a form value is decoded bytes.
      if (v.size() > kMaxMessageBytes)
        return Status::BadField("message", "is " + std::to_string(v.size()) + " bytes; at most " +
                                               std::to_string(kMaxMessageBytes) + " allowed");
      if (auto why = model::TextProblem(v, model::TextRule::kMultiline)) return Status::BadField("message", *why);
      return v;
    }
    return Status::BadField("message", "required: form field message=\"[SERIAL] text\"");
  }
  boost::json::object body;
  PV_RETURN_IF_ERROR(endpoint::ParseObject(req.body, &body));
  std::optional<std::string> m;
  PV_RETURN_IF_ERROR(
      endpoint::ReadString(body, "message", &m, kMaxMessageBytes, {}, model::TextRule::kMultiline));
  if (!m) return Status::BadField("message", "required: {\"message\": \"[SERIAL] text\"}");
  return std::move(*m);
}

}  // namespace provisiond::api::legacy

// libFuzzer target for the JSON request readers (api/endpoint/json_in.h):
// any body parses or fails with InvalidArgument naming its field; a string
// a reader accepts obeys its text rule; a number is inside its range; Facts
// read from any object pass the core's own validation. See doc/fuzzing.md.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/endpoint/json_in.h"
#include "core/facts.h"
#include "model/text_rules.h"

namespace {

namespace endpoint = provisiond::api::endpoint;
using provisiond::Status;
using provisiond::StatusCode;
using provisiond::model::TextProblem;
using provisiond::model::TextRule;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "json_in_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

// A reader's error is a 400 that names the field it read.
void ExpectFieldError(const Status& s, std::string_view field) {
  if (s.ok()) return;
  if (s.code() != StatusCode::kInvalidArgument) Fail("reader error is not InvalidArgument", s.ToString());
  if (s.field() != field) Fail("reader error names another field", std::string(field) + " vs " + s.ToString());
}

void CheckStrings(const boost::json::object& o) {
  // The fields the routes read, each under the rule a route gives it.
  const std::pair<std::string_view, TextRule> fields[] = {
      {"serial", TextRule::kIdentifier}, {"name", TextRule::kIdentifier}, {"notes", TextRule::kLine},
      {"message", TextRule::kMultiline},  {"value", TextRule::kLine},
  };
  for (auto [name, rule] : fields) {
    std::optional<std::string> v;
    Status s = endpoint::ReadString(o, name, &v, 256, {}, rule);
    ExpectFieldError(s, name);
    if (!s.ok() || !v) continue;
    if (v->size() > 256) Fail("string over its limit accepted", name.data());
    if (auto why = TextProblem(*v, rule)) Fail("string breaking its rule accepted", *why);
  }
  std::optional<int64_t> i;
  Status si = endpoint::ReadInt(o, "percent", &i, 0, 100);
  ExpectFieldError(si, "percent");
  if (si.ok() && i && (*i < 0 || *i > 100)) Fail("integer out of range accepted", std::to_string(*i));
  std::optional<double> d;
  Status sd = endpoint::ReadNumber(o, "ram_gb", &d, 0, 65536);
  ExpectFieldError(sd, "ram_gb");
  if (sd.ok() && d && !(*d >= 0 && *d <= 65536)) Fail("number out of range accepted", std::to_string(*d));
  Status su = endpoint::RejectUnknown(o, {"serial", "name", "notes", "message", "value", "percent", "ram_gb"});
  if (!su.ok() && su.code() != StatusCode::kInvalidArgument) Fail("RejectUnknown", su.ToString());
}

void CheckFacts(const boost::json::object& o) {
  auto facts = endpoint::FactsFromJson(o, {"percent"});
  if (!facts.ok()) {
    if (facts.status().code() != StatusCode::kInvalidArgument) Fail("facts error", facts.status().ToString());
    return;
  }
  if (Status v = provisiond::core::ValidateFacts(*facts); !v.ok()) Fail("accepted facts fail validation", v.ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  boost::json::object o;
  Status parsed = endpoint::ParseObject(body, &o);
  if (!parsed.ok()) {
    ExpectFieldError(parsed, "body");
    return 0;
  }
  CheckStrings(o);
  CheckFacts(o);
  if (o.contains("facts") && o.at("facts").is_object()) CheckFacts(o.at("facts").as_object());
  return 0;
}

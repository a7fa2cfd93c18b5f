// Reading request bodies: a JSON object with typed, named fields. Every
// error is Status::BadField: InvalidArgument with the field as data (and
// first in the message, "percent: must be an integer 0..100, got 150"), so
// ToProblem's 400 carries "field".
// Boost.JSON stays in .cc files: callers that read fields include it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "api/http.h"
#include "base/status.h"
#include "core/facts.h"
#include "model/text_rules.h"

namespace boost::json {
class object;
}

namespace provisiond::api::endpoint {

// `s` with field `from` named `to` (a route whose body calls a field other
// than the store does, e.g. computer_name -> name); other statuses unchanged.
Status RenameField(Status s, std::string_view from, std::string_view to);

// Parses `body` as one JSON object. InvalidArgument "body: ..." for empty
// input, malformed JSON (with the byte offset) or another JSON type.
// Parses into out's memory resource (a hot route may give a stack-backed
// monotonic one; a default-constructed object uses the heap as before).
Status ParseObject(std::string_view body, boost::json::object* out);

// Each reader leaves *out nullopt when the field is absent or null; returns
// InvalidArgument naming `prefix` + name for a wrong type or range.
// ReadString also refuses a string that breaks `rule` (model/text_rules.h:
// control characters, invalid UTF-8; one line unless kMultiline).
Status ReadString(const boost::json::object& o, std::string_view name, std::optional<std::string>* out,
                  size_t max_bytes, std::string_view prefix = {},
                  model::TextRule rule = model::TextRule::kLine);
Status ReadInt(const boost::json::object& o, std::string_view name, std::optional<int64_t>* out,
               int64_t min, int64_t max, std::string_view prefix = {});
Status ReadNumber(const boost::json::object& o, std::string_view name, std::optional<double>* out,
                  double min, double max, std::string_view prefix = {});
// InvalidArgument naming the first key not in `known`, listing the known ones.
Status RejectUnknown(const boost::json::object& o, std::initializer_list<std::string_view> known,
                     std::string_view prefix = {});

// Facts from a JSON object: serial, make, model, uuid, macs (array of
// strings, or one string with ',' or ';'), os_name, os_version, os_build,
// firmware, client_version, ram_gb, disk_gb, cpu_count, country. Unknown
// keys, wrong types and core::ValidateFacts failures are InvalidArgument
// naming "facts.<field>". `also_known` are keys the caller reads itself.
Result<core::Facts> FactsFromJson(const boost::json::object& o,
                                  std::initializer_list<std::string_view> also_known = {});
// Facts from the query: serial, make, model, uuid, mac, os (or os_name),
// firmware, country, ram_gb, disk_gb, cpu_count. Validated the same way.
Result<core::Facts> FactsFromQuery(const Request& req);

// True for "1", "true", "yes", "on" (any case).
bool IsTruthy(std::string_view v);

}  // namespace provisiond::api::endpoint

namespace provisiond::api::endpoint {

// 200/201 with a JSON body.
Response JsonResponse(int status, std::string body);

}  // namespace provisiond::api::endpoint

#include "api/admin/settings_routes.h"

#include <boost/json.hpp>

#include "api/endpoint/json_in.h"
#include "api/endpoint/json_writer.h"
#include "api/problem.h"
#include "base/strings.h"
#include "model/setting_rules.h"

namespace provisiond::api::admin {
namespace json = boost::json;

namespace {

constexpr size_t kMaxValueBytes = 4096;

// {"value": "x" | 5 | null} -> the text to store.
Result<std::string> ValueFromBody(std::string_view body) {
  json::object o;
  PV_RETURN_IF_ERROR(endpoint::ParseObject(body, &o));
  PV_RETURN_IF_ERROR(endpoint::RejectUnknown(o, {"value"}));
  const json::value* v = o.if_contains("value");
  if (v == nullptr) return endpoint::BadField("value", "missing; send {\"value\": \"...\"} (\"\" clears it)");
  if (v->is_null()) return std::string();
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  if (v->is_string()) {
    std::string s(v->as_string());
    if (s.size() > kMaxValueBytes)
      return endpoint::BadField("value", "longer than " + std::to_string(kMaxValueBytes) + " bytes");
    return s;
  }
  return endpoint::BadField("value", "must be a string, an integer or null");
}

Response PutSetting(store::Store& store, Request& req) {
  std::string key(Trim(req.Param("key").value_or("")));
  auto value = ValueFromBody(req.body);
  if (!value.ok()) return endpoint::ErrorResponse(value.status());
  // The key names the field: "OptionalTLSMinAttemptCount: must be an integer 1..100, got '0'".
  if (Status s = model::ValidateSetting(key, *value); !s.ok()) return endpoint::ErrorResponse(s);
  if (Status s = store.SetConfig(key, *value); !s.ok()) return endpoint::ErrorResponse(s);
  endpoint::JsonWriter w(256);
  w.BeginObject().Key("key").String(key).Key("value").String(*value).EndObject();
  return endpoint::JsonResponse(200, w.Take());
}

}  // namespace

void RegisterSettingsRoutes(Router& router, std::shared_ptr<store::Store> store) {
  RouteOptions o;
  o.group = RouteGroup::kAdmin;
  o.summary = "set one setting ({\"value\": ...}); ranged settings are checked";
  o.blocking = true;
  o.max_body_bytes = 16 * 1024;
  router.Add("PUT", "/api/v1/admin/settings/{key}", [store](Request& r) { return PutSetting(*store, r); },
             std::move(o));
}

}  // namespace provisiond::api::admin

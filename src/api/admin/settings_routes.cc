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

using endpoint::ListenerTls;
using endpoint::Setting;

constexpr size_t kMaxValueBytes = model::kMaxSettingTextBytes;

// {"value": "x" | 5 | null} -> the text to store.
Result<std::string> ValueFromBody(std::string_view body) {
  json::object o;
  PV_RETURN_IF_ERROR(endpoint::ParseObject(body, &o));
  PV_RETURN_IF_ERROR(endpoint::RejectUnknown(o, {"value"}));
  const json::value* v = o.if_contains("value");
  if (v == nullptr) return Status::BadField("value", "missing; send {\"value\": \"...\"} (\"\" clears it)");
  if (v->is_null()) return std::string();
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  if (v->is_string()) {
    std::string s(v->as_string());
    if (s.size() > kMaxValueBytes)
      return Status::BadField("value", "longer than " + std::to_string(kMaxValueBytes) + " bytes");
    return s;
  }
  return Status::BadField("value", "must be a string, an integer or null");
}

// The key as config.csv stores it: the schema's spelling for a known key
// (the readers look it up as spelled there), else as given. InvalidArgument
// naming "key" for an unknown one.
Result<std::string> CanonicalKey(std::string_view raw) {
  std::string key(Trim(raw));
  PV_RETURN_IF_ERROR(model::CheckSettingKey(key));  // field "key"
  // "endpoint.ReportingTLSMode" too: the table's settings are read only under their own name.
  if (model::ClassifyKey(key) == model::KeyKind::kKnown) return std::string(model::FindSetting(key)->key);
  return key;
}

void WriteSetting(endpoint::JsonWriter& w, const Setting& s) {
  w.BeginObject().Key("key").String(s.key).Key("value").String(s.value).Key("source").String(s.source);
  if (s.spec != nullptr) {
    w.Key("default").String(s.spec->default_value);
    w.Key("type").String(s.spec->type == model::SettingType::kInteger  ? "integer"
                         : s.spec->type == model::SettingType::kChoice ? "choice"
                                                                       : "text");
    w.Key("allowed").String(model::AllowedValues(*s.spec));
    w.Key("description").String(s.spec->description);
    w.Key("endpoint").Bool(s.spec->endpoint);
  } else {
    w.Key("default").Null().Key("type").String("text").Key("allowed").String("text");
    w.Key("description").String(model::ClassifyKey(s.key) == model::KeyKind::kUnknown
                                    ? "unknown key: kept, never read"
                                    : "custom or prefixed key, kept as written");
    w.Key("endpoint").Bool(model::ClassifyKey(s.key) == model::KeyKind::kEndpoint);
  }
  w.EndObject();
}

// The effective setting named `key` (canonical), if listed.
const Setting* Find(const std::vector<Setting>& all, std::string_view key) {
  for (const auto& s : all)
    if (IEquals(s.key, key)) return &s;
  return nullptr;
}

Response ListSettings(store::Store& store, const ListenerTls& listener) {
  auto tables = store.Snapshot();
  endpoint::JsonWriter w(8192);
  w.BeginObject().Key("settings").BeginArray();
  for (const auto& s : endpoint::AllSettings(*tables, listener, true)) WriteSetting(w, s);
  w.EndArray().Key("warnings").BeginArray();
  for (const auto& warning : endpoint::SettingsWarnings(*tables, listener)) w.String(warning);
  w.EndArray().EndObject();
  return endpoint::JsonResponse(200, w.Take());
}

// 200 with the effective setting `key` after a change (or a read).
Response OneSetting(store::Store& store, const ListenerTls& listener, const std::string& key) {
  auto all = endpoint::AllSettings(*store.Snapshot(), listener, true);
  const Setting* s = Find(all, key);
  if (s == nullptr) {
    // A prefixed key without a row: not set.
    Setting unset{key, "", endpoint::kSourceDefault};
    endpoint::JsonWriter w(512);
    WriteSetting(w, unset);
    return endpoint::JsonResponse(200, w.Take());
  }
  endpoint::JsonWriter w(1024);
  WriteSetting(w, *s);
  return endpoint::JsonResponse(200, w.Take());
}

Response GetSetting(store::Store& store, const ListenerTls& listener, Request& req) {
  std::string raw(Trim(req.Param("key").value_or("")));
  auto key = CanonicalKey(raw);
  if (!key.ok()) return ToProblem(404, key.status());
  return OneSetting(store, listener, *key);
}

// The audit log's target and value before the change ("(default)" when unset).
void NoteForAudit(store::Store& store, const std::string& key, Request* req) {
  req->audit.target = key;
  req->audit.before = store.Snapshot()->Config(key).value_or("(default)");
}

Response PutSetting(store::Store& store, const ListenerTls& listener, Request& req) {
  auto key = CanonicalKey(req.Param("key").value_or(""));
  if (!key.ok()) return ToProblem(key.status());
  auto value = ValueFromBody(req.body);
  if (!value.ok()) return ToProblem(value.status());
  NoteForAudit(store, *key, &req);
  req.audit.after = *value;
  // The key names the field: "OptionalTLSMinAttemptCount: must be an integer 1..100, got '0'".
  if (Status s = model::ValidateSetting(*key, *value); !s.ok()) return ToProblem(s);
  if (Status s = store.SetConfig(*key, *value); !s.ok()) return ToProblem(s);
  return OneSetting(store, listener, *key);
}

Response DeleteSetting(store::Store& store, const ListenerTls& listener, Request& req) {
  auto key = CanonicalKey(req.Param("key").value_or(""));
  if (!key.ok()) return ToProblem(key.status());
  NoteForAudit(store, *key, &req);
  req.audit.after = "(default)";
  if (Status s = store.DeleteConfig(*key); !s.ok()) return ToProblem(s);
  return OneSetting(store, listener, *key);
}

}  // namespace

void RegisterSettingsRoutes(Router& router, std::shared_ptr<store::Store> store, ListenerTls listener) {
  auto opts = [](std::string summary, bool blocking) {
    RouteOptions o;
    o.group = RouteGroup::kAdmin;
    o.permission = blocking ? Permission::kAdmin : Permission::kViewer;  // reads: viewer; changes: admin
    o.summary = std::move(summary);
    o.blocking = blocking;
    o.max_body_bytes = 16 * 1024;
    return o;
  };
  const std::string p = "/api/v1/admin/settings";
  router.Add("GET", p, [store, listener](Request&) { return ListSettings(*store, listener); },
             opts("every setting: value, source, default, allowed values, description; warnings", false));
  router.Add("GET", p + "/{key}", [store, listener](Request& r) { return GetSetting(*store, listener, r); },
             opts("one setting with its source and default", false));
  router.Add("PUT", p + "/{key}", [store, listener](Request& r) { return PutSetting(*store, listener, r); },
             opts("set one setting ({\"value\": ...}); unknown keys and invalid values refused", true));
  router.Add("DELETE", p + "/{key}", [store, listener](Request& r) { return DeleteSetting(*store, listener, r); },
             opts("reset one setting to its default (removes the config.csv row)", true));
}

}  // namespace provisiond::api::admin

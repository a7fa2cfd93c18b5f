// Hot paths (/getcomputer, /tanium/global) take one snapshot (an atomic
// load, no lock), look up by index and write the answer straight into the
// body string: no DOM, no table copy.
#include "api/legacy/routes.h"

#include "api/legacy/message_body.h"

#include <boost/json.hpp>
#include <charconv>
#include <mutex>
#include <set>
#include <unordered_map>

#include "api/endpoint/json_in.h"
#include "api/endpoint/json_writer.h"
#include "api/endpoint/tanium_query.h"
#include "api/problem.h"
#include "base/strings.h"
#include "core/apps.h"
#include "core/drivers.h"
#include "core/hardware.h"
#include "core/identity.h"
#include "core/legacy_message.h"
#include "core/used_values.h"
#include "model/computer_name.h"
#include "model/text_rules.h"

namespace provisiond::api::legacy {
namespace json = boost::json;
using endpoint::JsonWriter;
using endpoint::Service;

namespace {

constexpr size_t kMaxSerialBytes = 64;
constexpr size_t kMaxValueBytes = 256;
constexpr size_t kMaxPendingPlaceholders = 1024;

// The original answered errors as {"error": "..."}; the problem document
// carries the same member so scripts reading .error keep working.
Response LegacyError(int status, std::string_view detail) {
  return Problem(status, detail, "\"error\":\"" + JsonEscape(detail) + "\"");
}
Response LegacyError(const Status& s) {
  return ToProblem(HttpStatusFor(s), s, "\"error\":\"" + JsonEscape(s.message()) + "\"");
}

Response Json(std::string body) { return Response::Json(200, std::move(body)); }

// Why `serial` cannot key a computer record (the store's identifier rule:
// printable UTF-8, no formula start), or nullopt.
std::optional<std::string> SerialProblem(std::string_view serial) {
  if (serial.size() > kMaxSerialBytes)
    return "is " + std::to_string(serial.size()) + " bytes; at most " + std::to_string(kMaxSerialBytes);
  return model::TextProblem(serial, model::TextRule::kIdentifier);
}

// ---- GET /getcomputer ------------------------------------------------------

// Unknown serials get an empty row, like the original (the admin then fills
// it in). Written off the request thread; one pending write per serial.
class PlaceholderRows {
 public:
  // The work runs on the Service's runner, which finishes queued work
  // before the Service goes away; the pending set is shared with it.
  void Request(Service& s, std::string serial) {
    std::string key = model::Tables::SerialKey(serial);
    {
      std::lock_guard lock(state_->mu);
      if (state_->pending.size() >= kMaxPendingPlaceholders || !state_->pending.insert(key).second) return;
    }
    s.RunLater([state = state_, svc = &s, serial = std::move(serial), key] {
      if (!svc->Snapshot()->FindComputerBySerial(serial)) {
        model::Computer c;
        c.serial = serial;
        c.created_by = "endpoint";
        c.notes = "created by /getcomputer for an unknown serial";
        auto r = svc->store().PutComputer(std::move(c), std::nullopt);
        (void)r;  // kConflict: created meanwhile; other errors: retried on the next call
      }
      std::lock_guard lock(state->mu);
      state->pending.erase(key);
    });
  }

 private:
  struct State {
    std::mutex mu;
    std::set<std::string> pending;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// The original's computer fields, each null when empty. The name is the one
// every route answers (model::AnswerComputerName): a stored name that breaks
// the NetBIOS rule is given sanitised, flagged by "nameViolation" (absent
// when the name is valid, so the original's shape is unchanged).
void WriteLegacyComputerFields(JsonWriter& w, const model::Computer& c) {
  model::AnsweredName name = model::AnswerComputerName(c.computer_name);
  w.Key("computerName").StringOrNull(name.name);
  if (name.violation) w.Key("nameViolation").String(name.violation->message);
  w.Key("type").StringOrNull(c.type);
  w.Key("country").StringOrNull(c.country);
  w.Key("language").StringOrNull(c.language);
  w.Key("timezone").StringOrNull(c.timezone);
  w.Key("keyboard").StringOrNull(c.keyboard);
}

void WriteLegacyComputer(JsonWriter& w, const model::Computer* c) {
  static const model::Computer kEmpty;
  w.BeginObject();
  WriteLegacyComputerFields(w, c ? *c : kEmpty);
  w.EndObject();
}

Response GetComputer(Service& s, PlaceholderRows& rows, Request& req) {
  std::string_view serial = Trim(req.Query("serial").value_or(""));
  if (serial.empty()) return LegacyError(400, "serial: query parameter required (GET /getcomputer?serial=...)");
  if (auto why = SerialProblem(serial)) return LegacyError(Status::BadField("serial", *why));
  auto tables = s.Snapshot();
  const model::Computer* c = tables->FindComputerBySerial(serial);
  if (!c && !core::IsPlaceholderSerial(serial)) rows.Request(s, std::string(serial));
  JsonWriter w(160);
  WriteLegacyComputer(w, c);
  return Json(w.Take());
}

// ---- POST /setcomputer -----------------------------------------------------

Response SetComputer(Service& s, Request& req) {
  json::object body;
  if (Status st = endpoint::ParseObject(req.body, &body); !st.ok()) return LegacyError(st);
  // The original's field names; unknown fields are ignored, as it did.
  struct Field {
    const char* name;
    std::string model::Computer::*member;
  } fields[] = {{"computerName", &model::Computer::computer_name}, {"type", &model::Computer::type},
                {"country", &model::Computer::country},            {"language", &model::Computer::language},
                {"timezone", &model::Computer::timezone},          {"keyboard", &model::Computer::keyboard}};
  std::optional<std::string> serial;
  if (Status st = endpoint::ReadString(body, "serial", &serial, kMaxSerialBytes); !st.ok()) return LegacyError(st);
  if (!serial || Trim(*serial).empty()) return LegacyError(400, "serial: required");
  if (auto why = SerialProblem(Trim(*serial))) return LegacyError(Status::BadField("serial", *why));

  std::vector<std::pair<std::string model::Computer::*, std::string>> changes;
  for (const auto& f : fields) {
    auto it = body.find(f.name);
    if (it == body.end()) continue;  // absent: unchanged
    std::optional<std::string> v;
    if (Status st = endpoint::ReadString(body, f.name, &v, kMaxValueBytes); !st.ok()) return LegacyError(st);
    changes.emplace_back(f.member, v ? std::string(Trim(*v)) : std::string());  // null clears
  }
  // A valid name, a known type (stored in the catalogue's spelling): the
  // store's write rules (store/write_rules.h), as on every route.

  // Last writer wins, as in the original: on a concurrent change, re-read
  // and re-apply a few times.
  for (int attempt = 0;; ++attempt) {
    auto current = s.Snapshot();
    const model::Computer* old = current->FindComputerBySerial(Trim(*serial));
    model::Computer c;
    if (old) c = *old;
    else {
      c.serial = std::string(Trim(*serial));
      c.created_by = "endpoint";
    }
    for (const auto& [member, value] : changes) c.*member = value;
    auto stored = s.store().PutComputer(std::move(c), old ? std::optional<uint64_t>(old->version) : std::nullopt);
    if (stored.ok()) {
      JsonWriter w(256);
      w.BeginObject();
      w.Key("status").String("ok");
      w.Key("serial").String(stored->serial);
      w.Key("created").Bool(old == nullptr);
      WriteLegacyComputerFields(w, *stored);
      w.EndObject();
      return Json(w.Take());
    }
    if (stored.status().code() != StatusCode::kConflict || attempt >= 3)
      return LegacyError(endpoint::RenameField(stored.status(), "computer_name", "computerName"));
  }
}

// ---- GET /getapps, /getdrivers, /checkhardware -------------------------------

Response GetApps(Service& s, Request& req) {
  auto tables = s.Snapshot();
  std::string base = req.origin.host.empty() ? std::string() : req.origin.BaseUrl();
  auto apps = core::LegacyGetApps(*tables, Trim(req.Query("type").value_or("")),
                                  Trim(req.Query("country").value_or("")), Trim(req.Query("model").value_or("")),
                                  base);
  JsonWriter w(512);
  w.BeginObject().Key("applications").BeginArray();
  for (const auto& a : apps) {
    w.BeginObject();
    w.Key("name").String(a.name);
    w.Key("url").String(a.url);
    w.Key("script").String(a.script);
    w.Key("order").Int(a.order);
    w.Key("reboot").Bool(a.reboot);
    w.Key("kind").String(a.kind);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return Json(w.Take());
}

Response GetDrivers(Service& s, Request& req) {
  auto tables = s.Snapshot();
  auto d = core::LegacyGetDrivers(*tables, Trim(req.Query("name").value_or("")),
                                  Trim(req.Query("os").value_or("")));
  JsonWriter w(256);
  w.BeginObject();
  w.Key("name").Null();
  w.Key("url").StringOrNull(d ? std::string_view(d->url) : std::string_view());
  w.Key("bundle_id");
  if (d && d->bundle_id) w.String(*d->bundle_id);
  else w.Null();
  w.EndObject();
  return Json(w.Take());
}

Status ParseNumber(const Request& req, std::string_view name, std::optional<double>* out) {
  auto v = req.Query(name);
  if (!v || Trim(*v).empty()) return Status::Ok();
  std::string_view t = Trim(*v);
  double d = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), d);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !(d >= 0) || d > 1e9) {
    return Status::BadField(name, "must be a non-negative number, got '" + std::string(t) + "'");
  }
  *out = d;
  return Status::Ok();
}

Response CheckHardware(Service& s, Request& req) {
  core::HardwareReport report;
  std::optional<double> cpus;
  for (auto [name, out] : {std::pair{"ram_gb", &report.ram_gb}, std::pair{"disk_gb", &report.disk_gb},
                           std::pair{"cpu_count", &cpus}}) {
    if (Status st = ParseNumber(req, name, out); !st.ok()) return LegacyError(st);
  }
  if (cpus) report.cpu_count = static_cast<int>(*cpus);
  std::string_view model = Trim(req.Query("model").value_or(""));
  std::string_view os = Trim(req.Query("os").value_or(""));
  auto tables = s.Snapshot();
  core::HardwareCheck h = core::CheckHardware(*tables, model, os, report);
  JsonWriter w(512);
  w.BeginObject();
  w.Key("allowed").Bool(h.allowed);
  w.Key("reason").String(h.reason);
  w.Key("serial").StringOrNull(Trim(req.Query("serial").value_or("")));
  w.Key("model").StringOrNull(model);
  w.Key("rule_id").Optional(h.rule_id);
  w.Key("requirements").BeginObject();
  w.Key("min_ram_gb").Optional(h.min_ram_gb);
  w.Key("min_disk_gb").Optional(h.min_disk_gb);
  w.Key("min_cpu_count").Optional(h.min_cpu_count);
  w.EndObject();
  w.Key("reported").BeginObject();
  w.Key("ram_gb").Optional(report.ram_gb);
  w.Key("disk_gb").Optional(report.disk_gb);
  w.Key("cpu_count").Optional(report.cpu_count);
  w.EndObject();
  w.Key("not_checked").BeginArray();
  for (const auto& n : h.not_checked) w.String(n);
  w.EndArray();
  w.Key("failures").BeginArray();
  for (const auto& f : h.failures) w.String(f.message);
  w.EndArray();
  w.EndObject();
  return Json(w.Take());
}

// ---- GET /list_used, /gettypes ----------------------------------------------

Response ListUsed(Service& s, Request& req) {
  bool lower = endpoint::IsTruthy(req.Query("lower").value_or(""));
  bool counts = endpoint::IsTruthy(req.Query("counts").value_or(""));
  auto tables = s.Snapshot();
  core::UsedValues used = core::ListUsed(*tables, {lower});
  JsonWriter w(1024);
  auto list = [&](std::string_view key, const std::vector<core::UsedValue>& values) {
    w.Key(key);
    if (counts) {
      w.BeginObject();
      for (const auto& v : values) w.Key(v.value).Int(v.count);
      w.EndObject();
    } else {
      w.BeginArray();
      for (const auto& v : values) w.String(v.value);
      w.EndArray();
    }
  };
  w.BeginObject();
  list("types", used.types);
  list("keyboards", used.keyboards);
  list("countries", used.countries);
  list("languages", used.languages);
  list("timezones", used.timezones);
  w.EndObject();
  return Json(w.Take());
}

Response GetTypes(Service& s, Request&) {
  auto tables = s.Snapshot();
  auto catalog = core::TypeCatalog(*tables);
  JsonWriter w(512);
  w.BeginObject().Key("types").BeginArray();
  for (const auto& t : catalog) w.String(t.name);
  w.EndArray();
  w.Key("catalog").BeginArray();
  for (const auto& t : catalog) {
    w.BeginObject().Key("name").String(t.name).Key("applications").BeginArray();
    for (const auto& a : t.apps) w.String(a);
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return Json(w.Take());
}

// ---- POST /message -----------------------------------------------------------

Response Message(Service& s, Request& req) {
  auto m = LegacyMessageText(req);
  if (!m.ok()) return LegacyError(m.status());
  auto out = s.PostLegacyMessage(*m, req);
  if (!out.ok()) return LegacyError(out.status());
  JsonWriter w(128);
  w.BeginObject();
  w.Key("status").String("ok");
  w.Key("deployment_id").String(out->deployment.id);
  w.Key("started").Bool(out->started);
  w.EndObject();
  return Json(w.Take());
}

// ---- GET, POST /tanium/global --------------------------------------------------

// The answer for `model` in `tables`. A whole fleet asks for a handful of
// models, and matching every drivers.csv regex (RE2 without a DFA for \b)
// costs more than the rest of the request: the answers are memoised per
// thread (no lock) for the current snapshot, dropped when it changes.
std::string TaniumGlobalBody(const std::shared_ptr<const model::Tables>& tables, std::string_view model) {
  struct Memo {
    std::weak_ptr<const model::Tables> tables;  // weak: never keeps an old snapshot alive
    std::unordered_map<std::string, std::string> bodies;
  };
  constexpr size_t kMaxMemo = 4096;
  thread_local Memo memo;
  if (memo.tables.owner_before(tables) || tables.owner_before(memo.tables) || memo.tables.expired()) {
    memo.tables = tables;
    memo.bodies.clear();
  }
  std::string key(model);
  if (auto it = memo.bodies.find(key); it != memo.bodies.end()) return it->second;
  auto g = core::LegacyTaniumGlobal(*tables, model);
  std::string body = "{}";
  if (g) {
    JsonWriter w(96);
    w.BeginObject().Key("BundleID");
    if (auto* n = std::get_if<int64_t>(&g->bundle_id)) w.Int(*n);
    else w.String(std::get<std::string>(g->bundle_id));
    w.Key("BundleTimeout").Int(g->bundle_timeout);
    w.EndObject();
    body = w.Take();
  }
  if (memo.bodies.size() >= kMaxMemo) memo.bodies.clear();
  memo.bodies.emplace(std::move(key), body);
  return body;
}

Response TaniumGlobal(Service& s, Request& req) {
  // The same reader as the variables route: every spelling and body form.
  std::string model = endpoint::ReadTaniumQuery(req).model;
  auto tables = s.Snapshot();
  return Json(TaniumGlobalBody(tables, model));
}

}  // namespace

void RegisterLegacyRoutes(Router& router, std::shared_ptr<Service> s) {
  auto rows = std::make_shared<PlaceholderRows>();
  auto opts = [](std::string summary, bool blocking, Permission permission = Permission::kMachine) {
    RouteOptions o;
    o.group = RouteGroup::kMachine;
    o.permission = permission;
    o.summary = "legacy: " + std::move(summary);
    o.blocking = blocking;
    o.max_body_bytes = 64 * 1024;
    return o;
  };
  router.Add("GET", "/getcomputer", [s, rows](Request& r) { return GetComputer(*s, *rows, r); },
             opts("computer record by serial (unknown: empty row created)", false));
  router.Add("POST", "/setcomputer", [s](Request& r) { return SetComputer(*s, r); },
             opts("create/update a computer record", true));
  router.Add("GET", "/getapps", [s](Request& r) { return GetApps(*s, r); }, opts("applications of type/country/model", false));
  router.Add("GET", "/getdrivers", [s](Request& r) { return GetDrivers(*s, r); }, opts("driver package of model/os", false));
  router.Add("GET", "/checkhardware", [s](Request& r) { return CheckHardware(*s, r); },
             opts("hardware minimums of the model's driver row", false));
  router.Add("GET", "/list_used", [s](Request& r) { return ListUsed(*s, r); }, opts("values in use", false));
  router.Add("GET", "/gettypes", [s](Request& r) { return GetTypes(*s, r); }, opts("type catalog", false));
  router.Add("POST", "/message", [s](Request& r) { return Message(*s, r); },
             opts("\"[SERIAL] text\" progress message", true));
  router.Add("GET", "/tanium/global", [s](Request& r) { return TaniumGlobal(*s, r); },
             opts("Tanium Provision BundleID/BundleTimeout", false, Permission::kVariables));
  router.Add("POST", "/tanium/global", [s](Request& r) { return TaniumGlobal(*s, r); },
             opts("Tanium Provision BundleID/BundleTimeout", false, Permission::kVariables));
}

}  // namespace provisiond::api::legacy

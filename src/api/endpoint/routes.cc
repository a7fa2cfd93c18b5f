// Handlers are thin: parse and validate the request (nothing stored on a bad
// one), hand the work to core / the Service, render with JsonWriter.
#include "api/endpoint/routes.h"

#include <algorithm>
#include <boost/json.hpp>

#include "api/endpoint/json_in.h"
#include "api/endpoint/render.h"
#include "api/endpoint/settings.h"
#include "api/endpoint/snapshot_cache.h"
#include "api/endpoint/tanium_query.h"
#include "api/problem.h"
#include "base/strings.h"
#include "core/deployment_rules.h"
#include "core/drivers.h"
#include "core/identity.h"
#include "core/naming.h"

namespace provisiond::api::endpoint {
namespace json = boost::json;
namespace {

constexpr size_t kMaxFieldBytes = 256;
constexpr size_t kMaxEventIdBytes = 128;
constexpr size_t kMaxPhaseBytes = 64;

using ServicePtr = std::shared_ptr<Service>;

bool WantsExplain(const Request& req) {
  auto v = req.Query("explain");
  return v && IsTruthy(*v);
}

// ---- POST plan ---------------------------------------------------------

Response Plan(Service& s, Request& req) {
  // The parsed facts live on the stack (a bigger body spills to the heap):
  // no allocation per JSON node.
  unsigned char parse_buf[4096];
  json::monotonic_resource parse_mr(parse_buf, sizeof parse_buf);
  json::object body(&parse_mr);
  if (Status st = ParseObject(req.body, &body); !st.ok()) return ToProblem(st);
  auto facts = FactsFromJson(body);
  if (!facts.ok()) return ToProblem(facts.status());
  bool explain = WantsExplain(req);
  auto tables = s.Snapshot();
  SnapshotDerived derived = DerivedFor(tables);
  core::ResolveOptions options = s.ResolveOptionsFor(req, explain, tables);
  // One plan per server thread, refilled: its app list keeps its strings'
  // capacity from request to request (ResolveInto replaces every field).
  thread_local core::Plan plan;
  if (Status st = core::ResolveInto(*facts, *tables, options, &plan); !st.ok()) return ToProblem(st);
  s.NotePlan(*facts, plan, req, "plan");
  // Reserve what this thread's last plan took: one allocation, no regrowth
  // copies of a 6 kB body.
  thread_local size_t last_size = 4096;
  JsonWriter w(last_size + 256);
  WritePlan(w, plan, explain, *derived.names);
  last_size = std::min<size_t>(w.text().size(), 1 << 20);
  return JsonResponse(200, w.Take());
}

// ---- POST confirm ------------------------------------------------------

Response Confirm(Service& s, Request& req) {
  json::object body;
  if (Status st = ParseObject(req.body, &body); !st.ok()) return ToProblem(st);
  if (Status st = RejectUnknown(body, {"serial", "name", "type", "country", "language", "keyboard", "timezone",
                                       "uuid", "macs", "notes"});
      !st.ok()) {
    return ToProblem(st);
  }
  std::optional<std::string> serial, name, type, country, language, keyboard, timezone, uuid, macs, notes;
  struct Field {
    const char* name;
    std::optional<std::string>* out;
  } fields[] = {{"serial", &serial},     {"name", &name},         {"type", &type},
                {"country", &country},   {"language", &language}, {"keyboard", &keyboard},
                {"timezone", &timezone}, {"uuid", &uuid},         {"notes", &notes}};
  for (auto& f : fields) {
    if (Status st = ReadString(body, f.name, f.out, kMaxFieldBytes); !st.ok()) return ToProblem(st);
  }
  std::vector<std::string> mac_list;
  if (auto it = body.find("macs"); it != body.end() && !it->value().is_null()) {
    if (!it->value().is_array()) return ToProblem(Status::BadField("macs", "must be an array of strings"));
    for (const auto& m : it->value().get_array()) {
      if (!m.is_string() || m.get_string().size() > 64) {
        return ToProblem(Status::BadField("macs", "must be an array of MAC address strings"));
      }
      mac_list.emplace_back(m.get_string());
    }
  }
  std::string_view serial_v = serial ? Trim(*serial) : std::string_view();
  if (serial_v.empty()) return ToProblem(Status::BadField("serial", "required"));
  if (auto why = core::PlaceholderSerialReason(serial_v)) {
    return ToProblem(Status::BadField("serial", *why + "; it cannot key a computer record, set a real serial "
                                                   "in the firmware or create the record as an admin"));
  }
  // Required here (a person confirms both); what a valid name and a known
  // type are is the store's write rules (store/write_rules.h), the same for
  // every route: the type is stored in the catalogue's spelling.
  if (!name || Trim(*name).empty()) return ToProblem(Status::BadField("name", "required"));
  if (!type || Trim(*type).empty()) return ToProblem(Status::BadField("type", "required"));

  auto tables = s.Snapshot();
  if (tables->FindComputerBySerial(serial_v)) {
    return Problem(409, "a computer with serial '" + std::string(serial_v) +
                            "' exists; it needs no confirmation (an admin edits it)",
                   "\"field\":\"serial\"");
  }
  model::Computer c;
  c.serial = std::string(serial_v);
  c.computer_name = std::string(Trim(*name));
  c.type = std::string(Trim(*type));
  auto set = [](std::string& out, const std::optional<std::string>& v) {
    if (v) out = std::string(Trim(*v));
  };
  set(c.country, country);  // stored in locales.csv's spelling / upper-cased by the write rules
  set(c.language, language);
  set(c.keyboard, keyboard);
  set(c.timezone, timezone);
  set(c.uuid, uuid);
  set(c.notes, notes);
  c.mac = Join(mac_list, ";");
  c.created_by = "endpoint";
  auto stored = s.store().PutComputer(std::move(c), std::nullopt);
  if (!stored.ok()) {
    if (stored.status().code() == StatusCode::kConflict) {
      return Problem(409, stored.status().message(), "\"field\":\"serial\"");
    }
    return ToProblem(RenameField(stored.status(), "computer_name", "name"));
  }
  s.Confirmed(stored->serial);
  JsonWriter w;
  w.BeginObject().Key("computer");
  WriteComputer(w, *stored);
  w.EndObject();
  return JsonResponse(201, w.Take());
}

// ---- POST deployments ----------------------------------------------------

Response StartDeployment(Service& s, Request& req) {
  json::object body;
  if (Status st = ParseObject(req.body, &body); !st.ok()) return ToProblem(st);
  auto facts = FactsFromJson(body);
  if (!facts.ok()) return ToProblem(facts.status());
  if (Trim(facts->serial).empty() && facts->uuid.empty() && facts->macs.empty()) {
    return ToProblem(Status::BadField("facts.serial", "required (or uuid / macs when the serial is unusable)"));
  }
  auto tables = s.Snapshot();
  auto plan = core::Resolve(*facts, *tables, s.ResolveOptionsFor(req, false, tables));
  if (!plan.ok()) return ToProblem(plan.status());
  auto d = s.StartDeployment(*facts, *plan, req);
  if (!d.ok()) return ToProblem(d.status());
  JsonWriter w(1024);
  w.BeginObject();
  w.Key("id").String(d->id);
  w.Key("previous_id").StringOrNull(d->previous_id);
  w.Key("started").String(FormatIso8601(d->started));
  w.Key("events_url").String(req.origin.Url("/api/v1/endpoint/deployments/" + d->id + "/events"));
  if (std::string token = s.DeploymentToken(d->id); !token.empty()) w.Key("deployment_token").String(token);
  w.Key("plan").BeginObject();
  w.Key("computer_name").StringOrNull(plan->computer_name);
  w.Key("type").StringOrNull(plan->locale.type.value);
  w.Key("needs_confirmation").Bool(plan->needs_confirmation);
  w.Key("apps").Int(static_cast<int64_t>(plan->apps.size()));
  w.Key("drivers").Int(static_cast<int64_t>(plan->drivers.size()));
  w.Key("bundle_id");
  if (plan->bundle.bundle_id) w.String(*plan->bundle.bundle_id);
  else w.Null();
  w.Key("hardware_allowed").Bool(plan->hardware.allowed);
  w.EndObject();
  w.Key("deployment");
  WriteDeployment(w, *d, s.Now(), StaleTimeout(*tables));
  w.EndObject();
  Response r = JsonResponse(201, w.Take());
  r.headers.Set("Location", req.origin.Path("/api/v1/admin/deployments/" + d->id));
  return r;
}

// ---- POST deployments/{id}/events ----------------------------------------

Response PostEvent(Service& s, Request& req) {
  std::string id(req.Param("id").value_or(""));
  json::object body;
  if (Status st = ParseObject(req.body, &body); !st.ok()) return ToProblem(st);
  if (Status st = RejectUnknown(body, {"event_id", "phase", "step", "step_count", "percent", "level", "message",
                                       "status"});
      !st.ok()) {
    return ToProblem(st);
  }
  model::DeploymentEvent e;
  e.deployment_id = id;
  std::optional<std::string> event_id, phase, level, message, status;
  if (Status st = ReadString(body, "event_id", &event_id, kMaxEventIdBytes); !st.ok()) return ToProblem(st);
  if (!event_id || Trim(*event_id).empty()) {
    return ToProblem(Status::BadField("event_id", "required: a client-generated id (e.g. a GUID) so a retry is "
                                              "not stored twice"));
  }
  e.event_id = std::string(Trim(*event_id));
  if (Status st = ReadString(body, "phase", &phase, kMaxPhaseBytes); !st.ok()) return ToProblem(st);
  if (phase) e.phase = std::string(Trim(*phase));
  std::optional<int64_t> step, step_count, percent;
  // Wide ranges here so core's messages (with the rule) answer in-range
  // types; only values that do not fit an int are refused at this layer.
  if (Status st = ReadInt(body, "step", &step, -1000000, 1000000); !st.ok()) return ToProblem(st);
  if (Status st = ReadInt(body, "step_count", &step_count, -1000000, 1000000); !st.ok()) return ToProblem(st);
  if (Status st = ReadInt(body, "percent", &percent, -1000000, 1000000); !st.ok()) return ToProblem(st);
  if (step) e.step = static_cast<int>(*step);
  if (step_count) e.step_count = static_cast<int>(*step_count);
  if (percent) e.percent = static_cast<int>(*percent);
  if (Status st = ReadString(body, "level", &level, 32); !st.ok()) return ToProblem(st);
  if (level) {
    auto l = core::ParseEventLevel(*level, "level");
    if (!l.ok()) return ToProblem(l.status());
    e.level = *l;
  }
  // One byte over the limit is enough for core to name it.
  if (Status st = ReadString(body, "message", &message, core::kMaxEventMessageBytes + 1, {},
                             model::TextRule::kMultiline);
      !st.ok()) {
    return ToProblem(st);
  }
  if (message) e.message = std::move(*message);
  if (Status st = ReadString(body, "status", &status, 32); !st.ok()) return ToProblem(st);
  if (status) {
    auto fs = core::ParseDeploymentStatus(*status, "status");
    if (!fs.ok()) return ToProblem(fs.status());
    if (*fs == model::DeploymentStatus::kRunning) {
      return ToProblem(Status::BadField("status", "must be a final status: success or error (omit it while running)"));
    }
    e.final_status = *fs;
  }
  auto out = s.PostEvent(std::move(e));
  if (!out.ok()) {
    const Status& st = out.status();
    if (st.code() == StatusCode::kNotFound) {
      return Problem(404, "no deployment '" + id + "'; start one with POST /api/v1/endpoint/deployments");
    }
    if (st.code() == StatusCode::kFailedPrecondition) return Problem(409, st.message(), "\"field\":\"status\"");
    return ToProblem(st);
  }
  JsonWriter w(1024);
  w.BeginObject();
  w.Key("duplicate").Bool(out->duplicate);
  w.Key("deployment");
  WriteDeployment(w, out->deployment, s.Now(), StaleTimeout(*s.Snapshot()));
  w.EndObject();
  return JsonResponse(out->duplicate ? 200 : 201, w.Take());
}

// ---- GET settings --------------------------------------------------------

Response Settings(Service& s, Request&) {
  auto tables = s.Snapshot();
  auto settings = EffectiveSettings(*tables, {s.ListenerTlsModes()});
  JsonWriter w(1024);
  // A value that reads as an integer is answered as a JSON number.
  auto write_value = [&w](const std::string& value) {
    auto v = core::IntOrString(value);
    if (auto* n = std::get_if<int64_t>(&v)) w.Int(*n);
    else w.String(value);
  };
  w.BeginObject().Key("settings").BeginObject();
  for (const auto& x : settings) {
    w.Key(x.key);
    write_value(x.value);
  }
  w.EndObject();
  // The platform's names as the endpoint stores them (Server_<name>).
  w.Key("server_variables").BeginObject();
  for (const auto& x : settings) {
    if (!x.server_variable) continue;
    w.Key("Server_" + x.key);
    write_value(x.value);
  }
  w.EndObject();
  w.Key("items");
  WriteSettingItems(w, settings);
  w.EndObject();
  return JsonResponse(200, w.Take());
}

// ---- GET apps / drivers --------------------------------------------------

Response Apps(Service& s, Request& req) {
  auto facts = FactsFromQuery(req);
  if (!facts.ok()) return ToProblem(facts.status());
  auto tables = s.Snapshot();
  auto options = s.ResolveOptionsFor(req, false, tables);
  auto plan = core::Resolve(*facts, *tables, options);
  if (!plan.ok()) return ToProblem(plan.status());
  core::AppContext ctx{plan->locale.type.value, plan->locale.country.value, facts->model, facts->os_name,
                       plan->variables, options.base_url};
  // Explicit type / country win over the record's: a later phase may ask
  // for a type chosen on the confirmation screen.
  if (auto t = req.Query("type"); t && !Trim(*t).empty()) ctx.type = std::string(Trim(*t));
  if (auto c = req.Query("country"); c && !Trim(*c).empty()) ctx.country = ToUpper(Trim(*c));
  auto apps = core::PlanApps(*options.index, ctx);
  JsonWriter w(2048);
  w.BeginObject();
  w.Key("type").StringOrNull(ctx.type);
  w.Key("country").StringOrNull(ctx.country);
  w.Key("model").StringOrNull(facts->model);
  w.Key("on_app_failure").String(plan->on_app_failure);
  w.Key("apps").BeginArray();
  for (const auto& a : apps) WritePlannedApp(w, a);
  w.EndArray().EndObject();
  return JsonResponse(200, w.Take());
}

Response Drivers(Service& s, Request& req) {
  auto facts = FactsFromQuery(req);
  if (!facts.ok()) return ToProblem(facts.status());
  auto tables = s.Snapshot();
  auto plan = core::Resolve(*facts, *tables, s.ResolveOptionsFor(req, false, tables));
  if (!plan.ok()) return ToProblem(plan.status());
  JsonWriter w(2048);
  w.BeginObject();
  w.Key("model").StringOrNull(facts->model);
  w.Key("os").StringOrNull(facts->os_name);
  w.Key("drivers").BeginArray();
  for (const auto& d : plan->drivers) WritePlannedDriver(w, d);
  w.EndArray().EndObject();
  return JsonResponse(200, w.Take());
}

// ---- GET, POST variables[/{name}] -------------------------------------------

struct VariablesResult {
  std::map<std::string, core::TaniumValue> values;
  core::Plan plan;
  core::VariableNames names;
  core::Facts facts;
};

// Facts from the query (serial, model, uuid, mac, os, ...), with serial and
// model read as /tanium/global reads them: Tanium's spellings, query or body.
Result<VariablesResult> ResolveVariables(Service& s, const Request& req) {
  PV_ASSIGN_OR_RETURN(core::Facts facts, FactsFromQuery(req));
  TaniumQuery tq = ReadTaniumQuery(req);
  facts.serial = std::move(tq.serial);
  facts.model = std::move(tq.model);
  PV_RETURN_IF_ERROR(core::ValidateFacts(facts));
  if (facts.serial.empty() && facts.model.empty()) {
    return Status::BadField("serial", std::string("give the serial and/or the model, in the query (?serial=5CG6050PH9&model="
                                          "HP+EliteBook+840+G2) or a JSON or form body; names, any case: ") +
                                  kTaniumSerialNames + "; " + kTaniumModelNames);
  }
  auto tables = s.Snapshot();
  PV_ASSIGN_OR_RETURN(core::Plan plan, core::Resolve(facts, *tables, s.ResolveOptionsFor(req, false, tables)));
  VariablesResult r;
  r.names = *DerivedFor(tables).names;  // parsed once per snapshot
  r.values = core::TaniumVariables(plan, r.names);
  r.plan = std::move(plan);
  r.facts = std::move(facts);
  return r;
}

std::string NoValueReason(const core::Plan& plan, std::string_view def) {
  if (def == core::kVarBundleId || def == core::kVarBundleTimeout) {
    return plan.bundle.reason.empty() ? "no driver rule with a bundle_id matches the model and "
                                        "config default_bundle_id is empty"
                                      : plan.bundle.reason;
  }
  std::string identity = plan.identity_reason.empty() ? "no computer record matches" : plan.identity_reason;
  return identity + "; and no country or global default gives " + std::string(def);
}

// The flat variables map has no room for a flag: a stored name that breaks
// the NetBIOS rule (answered sanitised, as by every route) is flagged in a
// header, its message with bytes outside printable ASCII as %XX.
void FlagNameViolation(const core::Plan& plan, Response* resp) {
  if (!plan.name_violation) return;
  std::string v;
  for (unsigned char c : plan.name_violation->message) {
    if (c >= 0x20 && c < 0x7f && c != '%') {
      v += static_cast<char>(c);
    } else {
      v += '%';
      v += "0123456789ABCDEF"[c >> 4];
      v += "0123456789ABCDEF"[c & 15];
    }
  }
  resp->headers.Set("Provisiond-Name-Violation", v);
}

Response Variables(Service& s, Request& req) {
  auto r = ResolveVariables(s, req);
  if (!r.ok()) return ToProblem(r.status());
  if (r->values.empty()) {
    return Problem(404, "no Tanium variables for serial '" + r->facts.serial + "' model '" + r->facts.model +
                            "': " + NoValueReason(r->plan, core::kVarBundleId) + "; " +
                            NoValueReason(r->plan, core::kVarComputerName));
  }
  JsonWriter w(512);
  WriteTaniumVariables(w, r->values);
  Response resp = JsonResponse(200, w.Take());
  FlagNameViolation(r->plan, &resp);
  return resp;
}

Response Variable(Service& s, Request& req) {
  std::string asked(req.Param("name").value_or(""));
  auto r = ResolveVariables(s, req);
  if (!r.ok()) return ToProblem(r.status());
  // A variable answers under its configured name only: Tanium is set up
  // with that name, and an old one answering too would hide a typo.
  std::string def, out_name, renamed_from, renamed_to;
  std::vector<std::string> known;
  for (const char* d : core::kTaniumVariables) {
    auto it = r->names.find(d);
    std::string out = it == r->names.end() ? d : it->second;
    known.push_back(out);
    if (IEquals(asked, out)) {
      def = d;
      out_name = out;
    } else if (IEquals(asked, d)) {
      renamed_from = d;
      renamed_to = out;
    }
  }
  if (def.empty() && !renamed_from.empty()) {
    return Problem(404, "variable '" + asked + "' is renamed '" + renamed_to + "' by config.csv key " +
                            core::kVarNamePrefix + renamed_from + "; ask for " + renamed_to +
                            " (/api/v1/endpoint/variables/" + renamed_to + ")",
                   "\"renamed_to\":\"" + JsonEscape(renamed_to) + "\"");
  }
  if (def.empty()) {
    return Problem(404, "unknown variable '" + asked + "'; known: " + Join(known, ", "));
  }
  auto it = r->values.find(out_name);
  if (it == r->values.end()) {
    return Problem(404, "no value for " + out_name + ": " + NoValueReason(r->plan, def));
  }
  Response resp = Response::Text(200, it->second.text);
  resp.headers.Set("Cache-Control", "no-store");
  if (def == core::kVarComputerName) FlagNameViolation(r->plan, &resp);
  return resp;
}

template <typename F>
Handler Bind(const ServicePtr& s, F f) {
  return [s, f](Request& req) { return f(*s, req); };
}

}  // namespace

void RegisterEndpointRoutes(Router& router, std::shared_ptr<Service> s) {
  const std::string p = "/api/v1/endpoint";
  auto opts = [](std::string summary, bool blocking, Permission permission = Permission::kMachine) {
    RouteOptions o;
    o.group = RouteGroup::kMachine;
    o.permission = permission;
    o.summary = std::move(summary);
    o.blocking = blocking;
    o.max_body_bytes = kMaxEndpointBodyBytes;
    return o;
  };
  router.Add("POST", p + "/plan", Bind(s, Plan), opts("plan for the posted facts (?explain=1 adds the trail)", false));
  router.Add("POST", p + "/confirm", Bind(s, Confirm),
             opts("confirm an unknown device: creates its computer record", true));
  router.Add("POST", p + "/deployments", Bind(s, StartDeployment),
             opts("start a deployment for the posted facts", true));
  router.Add("POST", p + "/deployments/{id}/events", Bind(s, PostEvent),
             opts("progress event / final status of a deployment (idempotent by event_id)", true, Permission::kDeployment));
  router.Add("GET", p + "/settings", Bind(s, Settings), opts("global endpoint settings", false));
  router.Add("GET", p + "/apps", Bind(s, Apps), opts("applications for serial/model/os (same filters as plan)", false));
  router.Add("GET", p + "/drivers", Bind(s, Drivers), opts("driver packages for model/os", false));
  // GET and POST, query, JSON or form: as Tanium Provision calls /tanium/global.
  for (const char* method : {"GET", "POST"}) {
    router.Add(method, p + "/variables", Bind(s, Variables),
               opts("Tanium Provision variables for serial/model (flat JSON)", false, Permission::kVariables));
    router.Add(method, p + "/variables/{name}", Bind(s, Variable),
               opts("one Tanium Provision variable as text/plain", false, Permission::kVariables));
  }
}

}  // namespace provisiond::api::endpoint

#include "api/admin/routes.h"

#include <charconv>

#include "api/endpoint/json_in.h"
#include "api/endpoint/render.h"
#include "api/endpoint/settings.h"
#include "api/endpoint/snapshot_cache.h"
#include "api/problem.h"
#include "base/strings.h"
#include "core/deployment_rules.h"

namespace provisiond::api::admin {
using endpoint::JsonResponse;
using endpoint::JsonWriter;
using endpoint::Service;

namespace {

constexpr size_t kMaxLimit = 1000;

Response Preview(Service& s, Request& req) {
  auto facts = endpoint::FactsFromQuery(req);
  if (!facts.ok()) return ToProblem(facts.status());
  auto tables = s.Snapshot();
  auto plan = core::Resolve(*facts, *tables, s.ResolveOptionsFor(req, true, tables));
  if (!plan.ok()) return ToProblem(plan.status());
  JsonWriter w(4096);
  w.BeginObject();
  w.Key("query").BeginObject();
  w.Key("serial").String(facts->serial);
  w.Key("model").String(facts->model);
  w.Key("os").String(facts->os_name);
  w.EndObject();
  w.Key("plan");
  endpoint::WritePlan(w, *plan, true, *endpoint::DerivedFor(tables).names);
  w.EndObject();
  return JsonResponse(200, w.Take());
}

Status ParseSize(const Request& req, std::string_view name, size_t max, size_t* out) {
  auto v = req.Query(name);
  if (!v || Trim(*v).empty()) return Status::Ok();
  std::string_view t = Trim(*v);
  size_t n = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), n);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || n > max) {
    return Status::BadField(name, "must be an integer 0.." + std::to_string(max) + ", got '" + std::string(t) + "'");
  }
  *out = n;
  return Status::Ok();
}

Status ParseTime(const Request& req, std::string_view name, std::optional<Timestamp>* out) {
  auto v = req.Query(name);
  if (!v || Trim(*v).empty()) return Status::Ok();
  auto t = ParseIso8601(Trim(*v));
  if (!t) {
    return Status::BadField(name, "must be a date or time like 2026-11-23 or 2026-11-23T07:28:05Z, got '" +
                              std::string(Trim(*v)) + "'");
  }
  *out = *t;
  return Status::Ok();
}

Response Deployments(Service& s, Request& req) {
  store::DeploymentQuery q;
  std::optional<core::DisplayState> state;
  if (auto st = req.Query("status"); st && !Trim(*st).empty()) {
    std::string v = ToLower(Trim(*st));
    if (v == "running") state = core::DisplayState::kRunning;
    else if (v == "stale") state = core::DisplayState::kStale;
    else if (v == "success") state = core::DisplayState::kSuccess;
    else if (v == "error") state = core::DisplayState::kError;
    else return ToProblem(Status::BadField("status", "must be running, stale, success or error, got '" + v + "'"));
  }
  q.type = std::string(Trim(req.Query("type").value_or("")));
  q.model = std::string(Trim(req.Query("model").value_or("")));
  q.text = std::string(Trim(req.Query("q").value_or("")));
  size_t offset = 0, limit = 100;
  for (Status st : {ParseTime(req, "from", &q.from), ParseTime(req, "to", &q.to),
                    ParseSize(req, "offset", SIZE_MAX / 2, &offset), ParseSize(req, "limit", kMaxLimit, &limit)}) {
    if (!st.ok()) return ToProblem(st);
  }
  if (limit == 0) limit = 100;
  auto tables = s.Snapshot();
  auto stale = endpoint::StaleTimeout(*tables);
  Timestamp now = s.Now();

  store::DeploymentPage page;
  if (!state) {
    q.offset = offset;
    q.limit = limit;
    auto r = s.store().ListDeployments(q);
    if (!r.ok()) return ToProblem(r.status());
    page = std::move(*r);
  } else {
    // The shown state depends on `now` (stale) and on legacy error counts,
    // which the store does not know: narrow by stored status, then filter.
    switch (*state) {
      case core::DisplayState::kRunning:
      case core::DisplayState::kStale: q.status = model::DeploymentStatus::kRunning; break;
      case core::DisplayState::kSuccess: q.status = model::DeploymentStatus::kSuccess; break;
      case core::DisplayState::kError: break;  // ended with error, or a legacy run with [ERROR]
    }
    q.offset = 0;
    q.limit = 0;
    auto r = s.store().ListDeployments(q);
    if (!r.ok()) return ToProblem(r.status());
    for (auto& d : r->items) {
      if (core::EffectiveState(d, now, stale) != *state) continue;
      if (page.total++ < offset) continue;
      if (page.items.size() < limit) page.items.push_back(std::move(d));
    }
  }
  JsonWriter w(512 + page.items.size() * 512);
  w.BeginObject();
  w.Key("total").Int(static_cast<int64_t>(page.total));
  w.Key("offset").Int(static_cast<int64_t>(offset));
  w.Key("limit").Int(static_cast<int64_t>(limit));
  w.Key("items").BeginArray();
  for (const auto& d : page.items) endpoint::WriteDeployment(w, d, now, stale);
  w.EndArray().EndObject();
  return JsonResponse(200, w.Take());
}

Response Deployment(Service& s, Request& req) {
  std::string id(req.Param("id").value_or(""));
  auto d = s.store().GetDeployment(id);
  if (!d.ok()) {
    if (d.status().code() == StatusCode::kNotFound) return Problem(404, "no deployment '" + id + "'");
    return ToProblem(d.status());
  }
  auto events = s.store().EventsOf(id);
  if (!events.ok()) return ToProblem(events.status());
  auto tables = s.Snapshot();
  JsonWriter w(1024 + events->size() * 256);
  w.BeginObject();
  w.Key("deployment");
  endpoint::WriteDeployment(w, *d, s.Now(), endpoint::StaleTimeout(*tables));
  w.Key("events").BeginArray();
  for (const auto& e : *events) endpoint::WriteEvent(w, e);
  w.EndArray().EndObject();
  return JsonResponse(200, w.Take());
}

Response StatusRoute(Service& s, Request&) {
  auto health = s.store().Health();
  auto tables = s.Snapshot();
  JsonWriter w(1024);
  w.BeginObject();
  w.Key("store");
  endpoint::WriteHealth(w, health);
  w.Key("counts").BeginObject();
  w.Key("computers").Int(static_cast<int64_t>(tables->computers.size()));
  w.Key("types").Int(static_cast<int64_t>(tables->TypeNames().size()));
  w.Key("apps").Int(static_cast<int64_t>(tables->apps.size()));
  w.Key("drivers").Int(static_cast<int64_t>(tables->drivers.size()));
  w.Key("locales").Int(static_cast<int64_t>(tables->locales.size()));
  w.Key("networks").Int(static_cast<int64_t>(tables->networks.size()));
  w.EndObject();
  endpoint::ListenerTls listener{s.ListenerTlsModes()};
  w.Key("settings");
  endpoint::WriteSettingItems(w, endpoint::AllSettings(*tables, listener, true));
  // config.csv values provisiond does not use (the default applies) and a
  // TLS mode endpoints are told that the listeners cannot serve.
  w.Key("settings_warnings").BeginArray();
  for (const auto& warning : endpoint::SettingsWarnings(*tables, listener)) w.String(warning);
  w.EndArray();
  w.Key("access_warnings").BeginArray();
  for (const auto& warning : s.AccessWarnings()) w.String(warning);
  w.EndArray();
  w.EndObject();
  return JsonResponse(200, w.Take());
}

}  // namespace

void RegisterAdminReadRoutes(Router& router, std::shared_ptr<Service> s) {
  const std::string p = "/api/v1/admin";
  auto opts = [](std::string summary, bool blocking) {
    RouteOptions o;
    o.group = RouteGroup::kAdmin;
    o.permission = Permission::kViewer;
    o.summary = std::move(summary);
    o.blocking = blocking;
    return o;
  };
  // Deployment reads may scan journals of the CSV store or query a
  // database: blocking, off the I/O threads.
  router.Add("GET", p + "/preview", [s](Request& r) { return Preview(*s, r); },
             opts("what serial/model/os would get, and why", false));
  router.Add("GET", p + "/deployments", [s](Request& r) { return Deployments(*s, r); },
             opts("deployments (status incl. stale, type, model, from, to, q, offset, limit)", true));
  router.Add("GET", p + "/deployments/{id}", [s](Request& r) { return Deployment(*s, r); },
             opts("one deployment with its events", true));
  router.Add("GET", p + "/status", [s](Request& r) { return StatusRoute(*s, r); },
             opts("store health: load errors, warnings, counts", false));
}

}  // namespace provisiond::api::admin

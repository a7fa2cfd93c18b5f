#include "api/admin/routes.h"

#include <charconv>

#include "api/admin/admin_route.h"
#include "api/admin/list_query.h"
#include "api/endpoint/json_in.h"
#include "api/endpoint/render.h"
#include "api/endpoint/settings.h"
#include "api/endpoint/snapshot_cache.h"
#include "api/problem.h"
#include "base/strings.h"
#include "core/deployment_rules.h"
#include "core/deployment_stats.h"

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
                    ParseCount(req, "offset", SIZE_MAX / 2, &offset), ParseCount(req, "limit", kMaxLimit, &limit)}) {
    if (!st.ok()) return ToProblem(st);
  }
  if (limit == 0) limit = 100;
  std::optional<bool> tls;
  if (auto t = req.Query("tls"); t && !Trim(*t).empty()) tls = endpoint::IsTruthy(Trim(*t));
  auto tables = s.Snapshot();
  auto stale = endpoint::StaleTimeout(*tables);
  Timestamp now = s.Now();

  store::DeploymentPage page;
  if (!state && !tls) {
    q.offset = offset;
    q.limit = limit;
    auto r = s.store().ListDeployments(q);
    if (!r.ok()) return ToProblem(r.status());
    page = std::move(*r);
  } else {
    // The shown state depends on `now` (stale) and on legacy error counts,
    // which the store does not know: narrow by stored status, then filter.
    switch (state.value_or(core::DisplayState::kError)) {
      case core::DisplayState::kRunning:
      case core::DisplayState::kStale: q.status = model::DeploymentStatus::kRunning; break;
      case core::DisplayState::kSuccess: q.status = model::DeploymentStatus::kSuccess; break;
      case core::DisplayState::kError: break;  // ended with error, or a legacy run with [ERROR]
    }
    if (!state) q.status.reset();
    q.offset = 0;
    q.limit = 0;
    auto r = s.store().ListDeployments(q);
    if (!r.ok()) return ToProblem(r.status());
    for (auto& d : r->items) {
      if (state && core::EffectiveState(d, now, stale) != *state) continue;
      if (tls && d.tls != *tls) continue;
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
  w.EndArray();
  // Earlier attempts of the same device, newest first, following previous_id.
  w.Key("attempts").BeginArray();
  std::string prev = d->previous_id;
  for (int i = 0; i < 20 && !prev.empty(); ++i) {
    auto p = s.store().GetDeployment(prev);
    if (!p.ok()) break;
    endpoint::WriteDeployment(w, *p, s.Now(), endpoint::StaleTimeout(*tables));
    prev = p->previous_id;
  }
  w.EndArray().EndObject();
  return JsonResponse(200, w.Take());
}

Response DeleteDeployment(Service& s, Request& req) {
  std::string id(req.Param("id").value_or(""));
  auto d = s.store().GetDeployment(id);
  if (!d.ok()) {
    if (d.status().code() == StatusCode::kNotFound) return Problem(404, "no deployment '" + id + "'");
    return ToProblem(d.status());
  }
  uint64_t version = d->version;
  if (auto v = req.Query("version"); v && !Trim(*v).empty()) {
    size_t n = 0;
    if (Status st = ParseCount(req, "version", SIZE_MAX / 2, &n); !st.ok()) return ToProblem(st);
    version = n;
  }
  req.audit.before = d->serial + " " + d->computer_name + " started " + FormatIso8601(d->started) + " " +
                     std::string(core::DisplayStateName(core::EffectiveState(*d, s.Now(), endpoint::StaleTimeout(*s.Snapshot()))));
  if (Status st = s.store().DeleteDeployment(id, version); !st.ok()) return ToProblem(st);
  s.PublishDeployment("deleted", *d);
  return NoContent();
}

// The dashboard: one read of the period's deployments; events only of the
// newest ended ones (phase durations), so a busy journal stays cheap.
Response Stats(Service& s, Request& req) {
  size_t days = 30;
  if (Status st = ParseCount(req, "days", 366, &days); !st.ok()) return ToProblem(st);
  if (days == 0) days = 30;
  Timestamp now = s.Now();
  auto tables = s.Snapshot();
  auto stale = endpoint::StaleTimeout(*tables);
  store::DeploymentQuery q;
  q.from = now - std::chrono::hours(24) * static_cast<int>(days);
  q.limit = 0;
  auto page = s.store().ListDeployments(q);
  if (!page.ok()) return ToProblem(page.status());
  std::map<std::string, std::vector<model::DeploymentEvent>> events;
  size_t sampled = 0;
  for (const auto& d : page->items) {  // newest first
    if (!d.finished || sampled >= 300) continue;
    if (auto e = s.store().EventsOf(d.id); e.ok()) events.emplace(d.id, std::move(*e));
    ++sampled;
  }
  auto st = core::ComputeStats(page->items, events, now, stale, static_cast<int>(days));
  JsonWriter w(4096);
  auto counts = [&w](const core::DayCounts& c) {
    w.BeginObject().Key("day").String(c.day).Key("running").Int(c.running).Key("stale").Int(c.stale);
    w.Key("success").Int(c.success).Key("error").Int(c.error).EndObject();
  };
  w.BeginObject();
  w.Key("today");
  counts(st.today);
  w.Key("per_day").BeginArray();
  for (const auto& c : st.per_day) counts(c);
  w.EndArray();
  w.Key("phase_durations").BeginArray();
  for (const auto& p : st.phase_durations) {
    w.BeginObject().Key("model").String(p.model).Key("phase").String(p.phase);
    w.Key("seconds").Double(p.seconds).Key("samples").Int(p.samples).EndObject();
  }
  w.EndArray();
  w.Key("top_failing_steps").BeginArray();
  for (const auto& f : st.top_failing_steps)
    w.BeginObject().Key("phase").String(f.phase).Key("step").String(f.step).Key("count").Int(f.count).EndObject();
  w.EndArray();
  w.Key("running").BeginArray();
  size_t listed = 0;
  for (const auto& d : page->items)
    if (core::EffectiveState(d, now, stale) == core::DisplayState::kRunning && listed++ < 200)
      endpoint::WriteDeployment(w, d, now, stale);
  w.EndArray();
  w.Key("latest_failures").BeginArray();
  listed = 0;
  for (const auto& d : page->items)
    if (core::EffectiveState(d, now, stale) == core::DisplayState::kError && listed++ < 10)
      endpoint::WriteDeployment(w, d, now, stale);
  w.EndArray();
  w.EndObject();
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
  auto opts = [](std::string summary, bool blocking) { return AdminRoute(Permission::kViewer, std::move(summary), blocking); };
  // Deployment reads may scan journals of the CSV store or query a
  // database: blocking, off the I/O threads.
  router.Add("GET", p + "/preview", [s](Request& r) { return Preview(*s, r); },
             opts("what serial/model/os would get, and why", false));
  router.Add("GET", p + "/deployments", [s](Request& r) { return Deployments(*s, r); },
             opts("deployments (status incl. stale, type, model, from, to, q, offset, limit)", true));
  router.Add("GET", p + "/deployments/{id}", [s](Request& r) { return Deployment(*s, r); },
             opts("one deployment with its events", true));
  router.Add("DELETE", p + "/deployments/{id}", [s](Request& r) { return DeleteDeployment(*s, r); },
             AdminRoute(Permission::kOperator,
                        "clear a deployment record and its events (?version=N guards a concurrent update)", true));
  router.Add("GET", p + "/stats", [s](Request& r) { return Stats(*s, r); },
             opts("dashboard figures: today's counts, per day by final state, phase durations by model, failing steps", true));
  router.Add("GET", p + "/status", [s](Request& r) { return StatusRoute(*s, r); },
             opts("store health: load errors, warnings, counts", false));
}

}  // namespace provisiond::api::admin

#include "api/admin/check_routes.h"

#include "api/admin/admin_route.h"
#include "api/admin/row_json.h"
#include "api/endpoint/json_in.h"
#include "api/problem.h"
#include "base/pattern.h"
#include "base/strings.h"
#include "core/drivers.h"
#include "model/tables.h"

namespace provisiond::api::admin {
using endpoint::JsonResponse;
using endpoint::Service;

namespace {

constexpr size_t kMaxMatches = 50;

Response RegexCheck(Service& s, Request& req) {
  std::string field = ToLower(Trim(req.Query("field").value_or("model")));
  if (field != "model" && field != "os")
    return ToProblem(Status::BadField("field", "must be model or os, got '" + field + "'"));
  std::string source(req.Query("regex").value_or(""));
  if (source.size() > 1024) return ToProblem(Status::BadField("regex", "longer than 1024 bytes"));
  auto known = field == "model" ? s.KnownModels() : s.KnownOsNames();
  JsonWriter w(1024);
  w.BeginObject();
  auto p = Pattern::Compile(Trim(source));
  w.Key("valid").Bool(p.ok());
  if (!p.ok()) w.Key("error").String(p.status().message());
  w.Key("known").Int(static_cast<int64_t>(known.size()));
  w.Key("matches").BeginArray();
  size_t matched = 0;
  if (p.ok()) {
    for (const auto& k : known) {
      if (!p->Matches(k)) continue;
      if (++matched <= kMaxMatches) w.String(k);
    }
  }
  w.EndArray();
  w.Key("match_count").Int(static_cast<int64_t>(matched));
  w.EndObject();
  return JsonResponse(200, w.Take());
}

Response Bundles(Service& s, Request&) {
  auto t = s.Snapshot();
  JsonWriter w(2048);
  w.BeginObject();
  w.Key("default_bundle_id").StringOrNull(t->Config(model::kDefaultBundleId).value_or(""));
  w.Key("default_bundle_timeout").StringOrNull(t->Config(model::kDefaultBundleTimeout).value_or(""));
  w.Key("effective_timeout").Int(core::ResolveBundle(*t, "").timeout_seconds);
  w.Key("rules").BeginArray();
  for (size_t i = 0; i < t->drivers.size(); ++i)
    if (t->drivers[i].bundle_id) WriteDriverRow(w, t->drivers[i], i + 1);
  w.EndArray();
  w.EndObject();
  return JsonResponse(200, w.Take());
}

Response ResolveBundle(Service& s, Request& req) {
  std::string model(Trim(req.Query("model").value_or("")));
  std::string serial(Trim(req.Query("serial").value_or("")));
  std::string model_source = "query";
  if (model.empty() && !serial.empty()) {
    // Computers hold no model: the device's latest deployment tells it.
    auto latest = s.store().LatestDeploymentForSerial(serial);
    if (!latest.ok()) return ToProblem(latest.status());
    if (*latest) {
      model = (*latest)->model;
      model_source = "latest deployment " + (*latest)->id;
    } else {
      model_source = "none (no deployment of this serial yet)";
    }
  }
  auto t = s.Snapshot();
  auto b = core::ResolveBundle(*t, model);
  JsonWriter w(512);
  w.BeginObject();
  w.Key("model").String(model);
  w.Key("model_source").String(model_source);
  w.Key("bundle_id").StringOrNull(b.bundle_id.value_or(""));
  w.Key("source").String(core::BundleSourceName(b.source));
  if (b.source == core::BundleSource::kDriverRule) w.Key("rule_id").Int(static_cast<int64_t>(b.rule_id));
  w.Key("timeout").Int(b.timeout_seconds);
  w.Key("reason").String(b.reason);
  w.EndObject();
  return JsonResponse(200, w.Take());
}

}  // namespace

void RegisterCheckRoutes(Router& router, std::shared_ptr<Service> s) {
  const std::string p = "/api/v1/admin";
  auto opts = [](std::string summary, bool blocking) { return AdminRoute(Permission::kViewer, std::move(summary), blocking); };
  // The first regex check reads the journal's newest deployments once.
  router.Add("GET", p + "/regex-check", [s](Request& r) { return RegexCheck(*s, r); },
             opts("RE2's verdict on ?regex= and the known models (field=model) or OS names (field=os) it matches", true));
  router.Add("GET", p + "/bundles", [s](Request& r) { return Bundles(*s, r); },
             opts("Bundle IDs: the default, its timeout, the per-model rules (driver rows with bundle_id)", false));
  router.Add("GET", p + "/bundles/resolve", [s](Request& r) { return ResolveBundle(*s, r); },
             opts("which Bundle ID a model (or a serial's latest deployment) would get, and why", true));
}

}  // namespace provisiond::api::admin

#include "api/webhooks/bridge.h"

#include <boost/json.hpp>

#include "base/log.h"
#include "core/deployment_rules.h"

namespace provisiond::api::webhooks {
namespace {

void EmitOrLog(Dispatcher& d, std::string_view type, std::string_view data, std::string_view key) {
  auto r = d.Emit(type, data, key);
  if (!r.ok()) LogError("webhook not queued", {{"type", std::string(type)}, {"error", r.status().ToString()}});
}

std::string DeploymentJson(const model::Deployment& d) {
  boost::json::object o;
  o["id"] = d.id;
  o["serial"] = d.serial;
  o["computer_name"] = d.computer_name;
  o["model"] = d.model;
  o["type"] = d.type;
  o["phase"] = d.phase;
  o["started"] = FormatIso8601(d.started);
  o["last_heartbeat"] = FormatIso8601(d.last_heartbeat);
  return boost::json::serialize(o);
}

}  // namespace

EventHub::Observer HubObserver(std::shared_ptr<Dispatcher> dispatcher) {
  return [d = std::move(dispatcher)](const std::string& type, const std::string& data) {
    if (type != "deployment" && type != "data") return;
    boost::system::error_code ec;
    auto v = boost::json::parse(data, ec);
    if (ec || !v.is_object()) return;
    const auto& o = v.as_object();
    const auto* kind = o.if_contains("kind");
    if (kind == nullptr || !kind->is_string()) return;
    if (type == "data") {
      if (kind->as_string() == "refused") EmitOrLog(*d, "data.refused", data, "");
      return;
    }
    if (kind->as_string() != "finished") return;
    const auto* dep = o.if_contains("deployment");
    if (dep == nullptr || !dep->is_object()) return;
    const auto* status = dep->as_object().if_contains("status");
    const auto* id = dep->as_object().if_contains("id");
    if (status == nullptr || !status->is_string() || id == nullptr || !id->is_string()) return;
    std::string_view webhook = status->as_string() == "error" ? "deployment.failed" : "deployment.finished";
    EmitOrLog(*d, webhook, boost::json::serialize(*dep), std::string(webhook) + ":" + std::string(id->as_string()));
  };
}

void EmitStale(Dispatcher& d, store::Store& store, Timestamp now, std::chrono::milliseconds stale_timeout,
               std::set<std::string>* notified) {
  store::DeploymentQuery q;
  q.status = model::DeploymentStatus::kRunning;
  q.limit = 0;
  auto page = store.ListDeployments(q);
  if (!page.ok()) return;
  std::set<std::string> stale_now;
  for (const auto& dep : page->items) {
    if (!core::IsStale(dep, now, stale_timeout)) continue;
    stale_now.insert(dep.id);
    if (notified->count(dep.id)) continue;
    // Several instances notice the same stale deployment: the first to
    // claim this silence (its last heartbeat) announces it.
    auto first = store.ClaimOnce("stale-webhook", dep.id + "@" + FormatIso8601(dep.last_heartbeat));
    if (first.ok() && !*first) continue;
    EmitOrLog(d, "deployment.stale", DeploymentJson(dep), "deployment.stale:" + dep.id);
  }
  // A deployment that came back (an event) may go stale again: forget it.
  *notified = std::move(stale_now);
}

int ExpiryThreshold(int days_left) {
  for (int t : {7, 14, 30})
    if (days_left <= t) return t;
  return 0;
}

int EmitCertificateExpiry(Dispatcher* d, const std::vector<TlsCertificateInfo>& certs, std::set<std::string>* notified) {
  int announced = 0;
  for (const auto& c : certs) {
    int threshold = ExpiryThreshold(c.days_to_expiry);
    if (threshold == 0) continue;
    std::string key = "certificate.expiring:" + c.sha256 + ":" + std::to_string(threshold);
    if (!notified->insert(key).second) continue;
    LogWarning("certificate expires soon", {{"subject", c.subject}, {"days", std::to_string(c.days_to_expiry)},
                                            {"path", c.cert_path}});
    boost::json::object o{{"subject", c.subject}, {"path", c.cert_path}, {"sha256", c.sha256},
                          {"not_after", FormatIso8601(c.not_after)}, {"days_left", c.days_to_expiry},
                          {"threshold_days", threshold}};
    ++announced;
    if (d != nullptr) (void)d->Emit("certificate.expiring", boost::json::serialize(o), key);
  }
  return announced;
}

}  // namespace provisiond::api::webhooks

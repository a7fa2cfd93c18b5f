#include "api/webhooks/routes.h"

#include <boost/json.hpp>

#include "api/admin/admin_route.h"
#include "api/endpoint/json_in.h"
#include "api/problem.h"

namespace provisiond::api::webhooks {
namespace {

using admin::AdminRoute;
using admin::NoContent;

std::string Iso(int64_t ms) { return FormatIso8601(Timestamp(std::chrono::milliseconds(ms))); }

boost::json::object DeliveryJson(const Delivery& d) {
  boost::json::object o;
  o["id"] = d.id;
  o["target"] = d.target;
  o["type"] = d.type;
  o["created"] = Iso(d.created_ms);
  o["attempts"] = d.attempts;
  o["next_attempt"] = d.next_ms == INT64_MAX ? boost::json::value("sending") : boost::json::value(Iso(d.next_ms));
  o["last_status"] = d.last_status;
  o["last_error"] = d.last_error;
  return o;
}

Status NotConfigured() {
  return Status::FailedPrecondition(
      "no webhook target is configured: add a [[webhooks.target]] with url, events and secret to the config file");
}

Response List(const std::shared_ptr<Dispatcher>& d) {
  boost::json::object o;
  boost::json::array targets, pending, dead, unreadable;
  if (d) {
    for (const auto& t : d->targets()) {
      boost::json::array events;
      for (const auto& e : t.events) events.push_back(boost::json::value(e));
      targets.push_back(boost::json::object{{"name", t.name}, {"url", t.url}, {"events", events}});
    }
    auto v = d->Snapshot();
    for (const auto& x : v.pending) pending.push_back(DeliveryJson(x));
    for (const auto& x : v.dead) dead.push_back(DeliveryJson(x));
    for (const auto& x : v.unreadable) unreadable.push_back(boost::json::value(x));
    o["delivered"] = v.delivered;
    o["failed_attempts"] = v.failed_attempts;
  } else {
    o["delivered"] = 0;
    o["failed_attempts"] = 0;
  }
  o["targets"] = std::move(targets);
  o["pending"] = std::move(pending);
  o["dead"] = std::move(dead);
  o["unreadable"] = std::move(unreadable);
  return Response::Json(200, boost::json::serialize(o));
}

Response Test(const std::shared_ptr<Dispatcher>& d, Request& req) {
  if (!d) return ToProblem(409, NotConfigured());
  std::string data = "{\"message\":\"test delivery from provisiond\",\"by\":" +
                     boost::json::serialize(boost::json::value(req.principal.AuditName())) + "}";
  auto ids = d->Emit("webhook.test", data);
  if (!ids.ok()) return ToProblem(ids.status());
  boost::json::array a;
  for (const auto& id : *ids) a.push_back(boost::json::value(id));
  return Response::Json(202, boost::json::serialize(boost::json::object{{"queued", a}}));
}

}  // namespace

void RegisterWebhookRoutes(Router& router, std::shared_ptr<Dispatcher> d) {
  router.Add("GET", "/api/v1/admin/webhooks", [d](Request&) { return List(d); },
             AdminRoute(Permission::kAdmin, "webhook targets, pending deliveries and dead letters", true));
  router.Add("POST", "/api/v1/admin/webhooks/test", [d](Request& r) { return Test(d, r); },
             AdminRoute(Permission::kAdmin, "queue a signed test delivery to every target (202 with the ids)", true));
  router.Add("POST", "/api/v1/admin/webhooks/dead/{id}/retry",
             [d](Request& r) {
               if (!d) return ToProblem(409, NotConfigured());
               Status s = d->Retry(std::string(r.Param("id").value_or("")));
               return s.ok() ? Response::Json(202, "{\"queued\":true}") : ToProblem(s);
             },
             AdminRoute(Permission::kAdmin, "send a dead letter again (a fresh 24 h of retries)", true));
  router.Add("DELETE", "/api/v1/admin/webhooks/dead/{id}",
             [d](Request& r) {
               if (!d) return ToProblem(409, NotConfigured());
               Status s = d->Discard(std::string(r.Param("id").value_or("")));
               return s.ok() ? NoContent() : ToProblem(s);
             },
             AdminRoute(Permission::kAdmin, "drop a dead letter", true));
}

}  // namespace provisiond::api::webhooks

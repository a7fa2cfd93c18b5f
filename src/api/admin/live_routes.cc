#include "api/admin/live_routes.h"

#include <boost/json.hpp>
#include <charconv>

#include "api/admin/admin_route.h"
#include "api/admin/row_json.h"
#include "api/endpoint/json_in.h"
#include "api/endpoint/render.h"
#include "api/problem.h"
#include "base/strings.h"

namespace provisiond::api::admin {
namespace json = boost::json;
using endpoint::JsonResponse;
using endpoint::Service;

namespace {

Response Events(Service& s, Request& req) {
  std::optional<uint64_t> last;
  auto header = req.headers.Get("Last-Event-ID");
  std::string_view text = Trim(header ? *header : req.Query("last_event_id").value_or(""));
  if (!text.empty()) {
    uint64_t n = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), n);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size())
      return ToProblem(Status::BadField("Last-Event-ID", "must be an event id (an integer), got '" +
                                                           std::string(text) + "'"));
    last = n;
  }
  auto stream = s.events().Subscribe(req.principal.AuditName(), last);
  if (!stream.ok()) return ToProblem(429, stream.status());
  Response r;
  r.status = 200;
  r.headers.Add("Content-Type", "text/event-stream; charset=utf-8");
  r.stream = std::move(*stream);
  return r;
}

Response ListPending(Service& s, Request&) {
  auto t = s.Snapshot();
  JsonWriter w(1024);
  w.BeginObject().Key("items").BeginArray();
  size_t n = 0;
  for (const auto& d : s.pending().List()) {
    if (t->FindComputerBySerial(d.serial) != nullptr) continue;  // confirmed meanwhile
    endpoint::WritePendingDevice(w, d);
    ++n;
  }
  w.EndArray().Key("total").Int(static_cast<int64_t>(n)).EndObject();
  return JsonResponse(200, w.Take());
}

Response Confirm(Service& s, Request& req) {
  std::string serial(Trim(req.Param("serial").value_or("")));
  auto pending = s.pending().Find(serial);
  if (!pending) return Problem(404, "no pending device with serial '" + serial + "' (confirmed already, or not seen)");
  json::object o;
  if (Status st = endpoint::ParseObject(req.body, &o); !st.ok()) return ToProblem(st);
  model::Computer base;
  base.serial = pending->serial;
  base.created_by = req.principal.AuditName();
  auto c = ComputerFromJson(o, std::move(base));
  if (!c.ok()) return ToProblem(c.status());
  if (!IEquals(Trim(c->serial), pending->serial))
    return ToProblem(Status::BadField("serial", "must be the pending device's serial '" + pending->serial + "'"));
  // A person confirms both; the write rules check the name and the type.
  if (Trim(c->computer_name).empty()) return ToProblem(Status::BadField("computer_name", "required"));
  if (Trim(c->type).empty()) return ToProblem(Status::BadField("type", "required"));
  auto stored = s.store().PutComputer(std::move(*c), std::nullopt);
  if (!stored.ok()) return ToProblem(stored.status());
  s.Confirmed(stored->serial);
  JsonWriter w(512);
  WriteComputerRow(w, *stored);
  return JsonResponse(201, w.Take());
}

Response Dismiss(Service& s, Request& req) {
  std::string serial(Trim(req.Param("serial").value_or("")));
  auto pending = s.pending().Find(serial);
  if (!pending || !s.pending().Remove(serial)) return Problem(404, "no pending device with serial '" + serial + "'");
  s.PublishPending(*pending, true);
  return NoContent();
}

}  // namespace

void RegisterLiveRoutes(Router& router, std::shared_ptr<Service> s) {
  const std::string p = "/api/v1/admin";
  auto opts = AdminRoute;
  router.Add("GET", p + "/events", [s](Request& r) { return Events(*s, r); },
             opts(Permission::kViewer, "live events (text/event-stream): deployment, pending, data; Last-Event-ID resumes", false));
  router.Add("GET", p + "/pending", [s](Request& r) { return ListPending(*s, r); },
             opts(Permission::kViewer, "unknown devices waiting for confirmation", false));
  router.Add("POST", p + "/pending/{serial}/confirm", [s](Request& r) { return Confirm(*s, r); },
             opts(Permission::kOperator, "confirm a pending device {computer_name,type,country,...}: creates its computer", true));
  router.Add("DELETE", p + "/pending/{serial}", [s](Request& r) { return Dismiss(*s, r); },
             opts(Permission::kOperator, "dismiss a pending device", false));
}

}  // namespace provisiond::api::admin

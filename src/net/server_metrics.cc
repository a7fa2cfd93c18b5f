#include "net/server_metrics.h"

#include <array>
#include <functional>
#include <string>

namespace provisiond::net {

std::string_view MethodLabel(std::string_view method) {
  for (std::string_view m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    if (method == m) return m;
  return metrics::kOther;
}

std::string_view TlsVersionLabel(std::string_view version) {
  if (version.empty() || version == "unknown") return "unknown";
  for (std::string_view v : {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"})
    if (version == v) return v;
  return metrics::kOther;
}

ServerMetrics::ServerMetrics(metrics::Registry& registry, const api::Router& router,
                             std::function<double()> open_connections)
    : first_route_(router.routes().empty() ? nullptr : router.routes().data()),
      route_count_(router.routes().size()),
      slots_(std::make_unique<RouteSlot[]>(route_count_)),
      requests_(registry.AddCounter("provisiond_http_requests_total",
                                    "HTTP requests answered, by route pattern (\"unmatched\": no route), method "
                                    "(HEAD is counted on its GET route) and status code.",
                                    {"route", "method", "code"})),
      duration_(registry.AddHistogram("provisiond_http_request_duration_seconds",
                                      "Time from a request's header to the end of its answer, by route pattern "
                                      "and method.",
                                      {"route", "method"}, kRequestSeconds)),
      content_bytes_(registry
                         .AddCounter("provisiond_content_bytes_served_total",
                                     "Body bytes of /file/ answers written to clients (downloads, listings).")
                         .With({})),
      handshakes_(registry.AddCounter("provisiond_tls_handshakes_total", "TLS handshakes completed, by version.",
                                      {"version"})),
      handshake_failures_(registry.AddCounter(
          "provisiond_tls_handshake_failures_total",
          "TLS handshakes that failed (no shared version or cipher, not TLS, timeout), by the version OpenSSL had "
          "reached (\"unknown\" before one was chosen).",
          {"version"})) {
  registry.AddSampled(metrics::Type::kGauge, "provisiond_open_connections",
                      "TCP connections open now (plaintext and TLS, idle keep-alive included).", {},
                      [open = std::move(open_connections)] {
                        return std::vector<metrics::Sample>{{{}, open ? open() : 0}};
                      });
}

metrics::Counter& ServerMetrics::RequestsOf(RouteSlot* slot, std::string_view route, std::string_view method,
                                            int status) {
  // Three digits fit the string's own buffer: no allocation.
  auto find = [&] {
    std::string code = status >= 100 && status <= 599 ? std::to_string(status) : std::string(metrics::kOther);
    return &requests_.With({route, method, code});
  };
  if (!slot) return *find();
  for (auto& c : slot->codes) {
    int seen = c.status.load(std::memory_order_acquire);
    if (seen == 0) {
      // Claim the free place; another thread may win it for another status.
      if (!c.status.compare_exchange_strong(seen, status, std::memory_order_acq_rel)) {
        if (seen != status) continue;
      } else {
        metrics::Counter* counter = find();
        c.counter.store(counter, std::memory_order_release);
        return *counter;
      }
    }
    if (seen == status) {
      // Null while its claimer is still looking it up: look it up too.
      metrics::Counter* counter = c.counter.load(std::memory_order_acquire);
      return counter ? *counter : *find();
    }
  }
  return *find();
}

metrics::Histogram& ServerMetrics::DurationOf(RouteSlot* slot, std::string_view route, std::string_view method) {
  if (slot) {
    if (metrics::Histogram* h = slot->duration.load(std::memory_order_acquire)) return *h;
  }
  metrics::Histogram& h = duration_.With({route, method});
  if (slot) slot->duration.store(&h, std::memory_order_release);
  return h;
}

void ServerMetrics::OnResponse(const api::Route* route, std::string_view method, int status,
                               std::chrono::steady_clock::time_point started, uint64_t body_bytes) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string_view pattern = route ? std::string_view(route->pattern) : std::string_view("unmatched");
  std::string_view m = route ? std::string_view(route->method) : MethodLabel(method);
  // Routes live in the router's vector: a route's place there is its slot.
  RouteSlot* slot = nullptr;
  std::less<const api::Route*> before;  // total order, even for a route of another router
  if (route && first_route_ && !before(route, first_route_) && before(route, first_route_ + route_count_))
    slot = &slots_[static_cast<size_t>(route - first_route_)];
  RequestsOf(slot, pattern, m, status).Inc();
  DurationOf(slot, pattern, m).Observe(seconds);
  if (route && route->options.group == api::RouteGroup::kContent) content_bytes_.Inc(body_bytes);
}

void ServerMetrics::OnTlsHandshake(std::string_view version, bool ok) {
  (ok ? handshakes_ : handshake_failures_).With({TlsVersionLabel(version)}).Inc();
}

}  // namespace provisiond::net

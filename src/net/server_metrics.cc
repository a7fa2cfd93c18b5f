#include "net/server_metrics.h"

#include <array>
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

ServerMetrics::ServerMetrics(metrics::Registry& registry, std::function<double()> open_connections)
    : requests_(registry.AddCounter("provisiond_http_requests_total",
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

void ServerMetrics::OnResponse(const api::Route* route, std::string_view method, int status,
                               std::chrono::steady_clock::time_point started, uint64_t body_bytes) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string_view pattern = route ? std::string_view(route->pattern) : std::string_view("unmatched");
  std::string_view m = route ? std::string_view(route->method) : MethodLabel(method);
  // Three digits fit the string's own buffer: no allocation.
  std::string code = status >= 100 && status <= 599 ? std::to_string(status) : std::string(metrics::kOther);
  requests_.With({pattern, m, code}).Inc();
  duration_.With({pattern, m}).Observe(seconds);
  if (route && route->options.group == api::RouteGroup::kContent) content_bytes_.Inc(body_bytes);
}

void ServerMetrics::OnTlsHandshake(std::string_view version, bool ok) {
  (ok ? handshakes_ : handshake_failures_).With({TlsVersionLabel(version)}).Inc();
}

}  // namespace provisiond::net

// What the HTTP server counts for GET /metrics: requests by route pattern,
// method and status with their latency, bytes of /file/ answers, open
// connections, TLS handshakes and their failures by protocol version.
// Labels are bounded by construction: a route is its pattern (never the
// raw path), a request no route matched is route="unmatched", methods and
// TLS versions outside a fixed list are "other".
// Thread rule: safe from any thread (the registry's atomics).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <functional>
#include <string_view>

#include "api/router.h"
#include "base/metrics.h"

namespace provisiond::net {

// Latency buckets (seconds): a cached /getcomputer answers in ~0.1 ms, an
// admin list of 100k computers or an fsync'd write in tens of ms.
inline const std::vector<double> kRequestSeconds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                    0.1,    0.25,  0.5,    1,     2.5,  5,    10};

class ServerMetrics {
 public:
  // Registers the families in `registry` (which must outlive this);
  // `open_connections` is read at each scrape. `router` (which must
  // outlive this, its routes all added) sizes the per-route cache.
  ServerMetrics(metrics::Registry& registry, const api::Router& router, std::function<double()> open_connections);

  // One answered request. `route` null: no route matched (or the request
  // was refused before routing: 400, 408, 431). `method` is the request's;
  // `body_bytes` what of the body reached the socket.
  void OnResponse(const api::Route* route, std::string_view method, int status,
                  std::chrono::steady_clock::time_point started, uint64_t body_bytes);
  // A finished TLS handshake; `version` as OpenSSL names it ("TLSv1.3").
  void OnTlsHandshake(std::string_view version, bool ok);

  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

 private:
  // The series of one route, found once: a request on a known route and
  // status reads two pointers and takes no lock.
  struct RouteSlot {
    std::atomic<metrics::Histogram*> duration{nullptr};
    struct Code {
      std::atomic<int> status{0};  // 0: free
      std::atomic<metrics::Counter*> counter{nullptr};
    };
    std::array<Code, 6> codes;  // a route answers a handful of statuses; more take With()
  };
  metrics::Counter& RequestsOf(RouteSlot* slot, std::string_view route, std::string_view method, int status);
  metrics::Histogram& DurationOf(RouteSlot* slot, std::string_view route, std::string_view method);

  const api::Route* first_route_ = nullptr;
  size_t route_count_ = 0;
  std::unique_ptr<RouteSlot[]> slots_;
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& duration_;
  metrics::Counter& content_bytes_;
  metrics::Family<metrics::Counter>& handshakes_;
  metrics::Family<metrics::Counter>& handshake_failures_;
};

// The label of a method: a standard one as is, anything else "other".
std::string_view MethodLabel(std::string_view method);
// "TLSv1".."TLSv1.3" as is, anything else "other" ("unknown" when empty).
std::string_view TlsVersionLabel(std::string_view version);

}  // namespace provisiond::net

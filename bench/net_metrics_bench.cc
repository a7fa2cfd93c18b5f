// The CPU metrics add to one answer, in process (no network noise): what
// HttpSession calls once per answer, ServerMetrics::OnResponse on a known
// route and status (a /getcomputer 200), from 1 thread and from 2 threads
// at once (they share the series: the contended case), and the same for a
// request no route matched (the slower path through the family's shards).
// Prints the CPU ns per answer of each (thread CPU time, so the figure
// holds on a machine others load too). With metrics off the server does none of it.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "base/metrics.h"
#include "net/server_metrics.h"

namespace {

using namespace provisiond;

// CPU time of the calling thread: what the calls cost, whatever else the
// machine runs meanwhile.
double ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// CPU ns per call, averaged over `threads` threads each making `calls`.
double NsPerCall(net::ServerMetrics& m, const api::Route* route, int threads, int calls) {
  std::vector<double> cpu(static_cast<size_t>(threads));
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      auto began = std::chrono::steady_clock::now();
      double c0 = ThreadCpuNs();
      for (int i = 0; i < calls; ++i) m.OnResponse(route, "GET", route ? 200 : 404, began, 0);
      cpu[static_cast<size_t>(t)] = ThreadCpuNs() - c0;
    });
  }
  for (auto& t : ts) t.join();
  double total = 0;
  for (double c : cpu) total += c;
  return total / threads / calls;
}

}  // namespace

int main() {
  api::Router router;
  for (const char* p : {"/healthz", "/getcomputer", "/tanium/global", "/api/v1/endpoint/plan", "/file/{*path}"})
    router.Add("GET", p, [](api::Request&) { return api::Response::Text(200, ""); });
  metrics::Registry registry;
  net::ServerMetrics m(registry, router, [] { return 0.0; });
  const api::Route* getcomputer = router.Find("GET", "/getcomputer");
  constexpr int kCalls = 2'000'000;
  NsPerCall(m, getcomputer, 1, kCalls / 10);  // warm: series created
  NsPerCall(m, nullptr, 1, kCalls / 10);
  std::printf("metrics: one answer recorded (ServerMetrics::OnResponse), CPU ns per answer\n");
  std::printf("  /getcomputer 200, 1 thread:            %.1f ns\n", NsPerCall(m, getcomputer, 1, kCalls));
  std::printf("  /getcomputer 200, 2 threads at once:   %.1f ns\n", NsPerCall(m, getcomputer, 2, kCalls));
  std::printf("  unmatched 404, 1 thread:               %.1f ns\n", NsPerCall(m, nullptr, 1, kCalls));
  std::printf("  unmatched 404, 2 threads at once:      %.1f ns\n", NsPerCall(m, nullptr, 2, kCalls));
  return registry.status().ok() ? 0 : 1;
}

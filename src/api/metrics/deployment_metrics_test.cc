#include "api/metrics/deployment_metrics.h"

#include <gtest/gtest.h>

#include "api/endpoint/settings.h"
#include "api/endpoint/test_env_for_testing.h"
#include "api/metrics/routes.h"
#include "api/metrics/service_metrics.h"

namespace provisiond::api::metrics {
namespace {

using api::testing::Env;
using api::testing::Parse;
using api::testing::SampleData;
using namespace std::chrono_literals;

// The value of the exposition line `series` ("name{labels}"), or -1 when
// no line is that series.
double ValueOf(const std::string& text, const std::string& series) {
  size_t p = 0;
  while (p < text.size()) {
    size_t end = text.find('\n', p);
    std::string_view line(text.data() + p, end - p);
    if (line.starts_with(series + " ")) return std::stod(std::string(line.substr(series.size() + 1)));
    p = end + 1;
  }
  return -1;
}

struct Fixture {
  std::shared_ptr<EventHub> hub = std::make_shared<EventHub>();
  provisiond::metrics::Registry registry;
  std::unique_ptr<DeploymentMetrics> metrics;
  std::unique_ptr<Env> env;

  explicit Fixture(DeploymentMetricsOptions o = {}) {
    metrics = std::make_unique<DeploymentMetrics>(registry, o);
    hub->AddObserver(metrics->Observer());
    env = std::make_unique<Env>(SampleData(), std::vector<int>{}, hub);
  }

  // Starts a deployment; returns its id and type.
  std::pair<std::string, std::string> Start(const std::string& serial, const std::string& model) {
    auto r = env->Post("/api/v1/endpoint/deployments", R"({"serial":")" + serial + R"(","model":")" + model + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    auto d = Parse(r).at("deployment").as_object();
    return {std::string(d.at("id").as_string()), std::string(d.at("type").as_string())};
  }

  void Event(const std::string& id, const std::string& event_id, const std::string& phase,
             const std::string& status = "") {
    std::string body = R"({"event_id":")" + event_id + R"(","phase":")" + phase + "\"";
    if (!status.empty()) body += R"(,"status":")" + status + "\"";
    auto r = env->Post("/api/v1/endpoint/deployments/" + id + "/events", body + "}");
    EXPECT_LT(r.status, 300) << r.body;
  }

  std::string Text() const { return registry.Expose(); }
};

TEST(DeploymentMetrics, CountsStartsFinishesEventsAndTimesPhases) {
  Fixture f;
  ASSERT_TRUE(f.registry.status().ok()) << f.registry.status().ToString();
  auto [id, type] = f.Start("SDK86P3", "Latitude 5420");
  ASSERT_FALSE(type.empty());
  const std::string labels = "type=\"" + type + "\",model=\"Latitude 5420\"";
  f.env->Advance(60s);
  f.Event(id, "e1", "apps");
  f.env->Advance(120s);
  f.Event(id, "e2", "drivers");
  f.env->Advance(30s);
  f.Event(id, "e3", "done", "success");
  f.Event(id, "e3", "done", "success");  // a client retry: stored once, counted once

  std::string text = f.Text();
  EXPECT_EQ(ValueOf(text, "provisiond_deployments_started_total{" + labels + "}"), 1) << text;
  EXPECT_EQ(ValueOf(text, "provisiond_deployments_finished_total{" + labels + ",status=\"success\"}"), 1) << text;
  EXPECT_EQ(ValueOf(text, "provisiond_deployments_finished_total{" + labels + ",status=\"error\"}"), -1);
  EXPECT_EQ(ValueOf(text, "provisiond_deployment_events_total"), 3) << text;
  // apps lasted from e1 to e2, drivers from e2 to the final event.
  const std::string apps = "{model=\"Latitude 5420\",phase=\"apps\"}";
  const std::string drivers = "{model=\"Latitude 5420\",phase=\"drivers\"}";
  EXPECT_EQ(ValueOf(text, "provisiond_deployment_phase_duration_seconds_count" + apps), 1) << text;
  EXPECT_EQ(ValueOf(text, "provisiond_deployment_phase_duration_seconds_sum" + apps), 120) << text;
  EXPECT_EQ(ValueOf(text, "provisiond_deployment_phase_duration_seconds_bucket{model=\"Latitude 5420\","
                          "phase=\"apps\",le=\"60\"}"), 0);
  EXPECT_EQ(ValueOf(text, "provisiond_deployment_phase_duration_seconds_bucket{model=\"Latitude 5420\","
                          "phase=\"apps\",le=\"120\"}"), 1);
  EXPECT_EQ(ValueOf(text, "provisiond_deployment_phase_duration_seconds_sum" + drivers), 30) << text;
  EXPECT_EQ(ValueOf(text, "provisiond_hub_events_total{type=\"deployment\"}"), 4) << text;

  auto [failed, failed_type] = f.Start("SDK86P3", "Latitude 5420");
  f.Event(failed, "x1", "os-apply", "error");
  text = f.Text();
  EXPECT_EQ(ValueOf(text, "provisiond_deployments_started_total{" + labels + "}"), 2);
  EXPECT_EQ(ValueOf(text, "provisiond_deployments_finished_total{" + labels + ",status=\"error\"}"), 1) << text;
  EXPECT_EQ(ValueOf(text, "provisiond_deployment_events_total"), 4);
}

TEST(DeploymentMetrics, ModelsPastTheCapCountAsOther) {
  DeploymentMetricsOptions o;
  o.max_models = 2;
  Fixture f(o);
  std::string type;
  for (const char* model : {"Model A", "Model B", "Model C", "Model D"}) type = f.Start("SDK86P3", model).second;
  std::string text = f.Text();
  EXPECT_EQ(ValueOf(text, "provisiond_deployments_started_total{type=\"" + type + "\",model=\"Model A\"}"), 1);
  EXPECT_EQ(ValueOf(text, "provisiond_deployments_started_total{type=\"" + type + "\",model=\"Model B\"}"), 1);
  EXPECT_EQ(ValueOf(text, "provisiond_deployments_started_total{type=\"" + type + "\",model=\"other\"}"), 2) << text;
  EXPECT_EQ(text.find("Model C"), std::string::npos);
}

TEST(DeploymentMetrics, StaleDeploymentsAreCountedOnceUntilTheyComeBack) {
  Fixture f;
  auto [id, type] = f.Start("SDK86P3", "Latitude 5420");
  const std::string series =
      "provisiond_deployments_stale_total{type=\"" + type + "\",model=\"Latitude 5420\"}";
  const auto timeout = endpoint::StaleTimeout(*f.env->store->Snapshot());
  f.metrics->ScanStale(*f.env->store, *f.env->now, timeout);
  EXPECT_EQ(ValueOf(f.Text(), series), -1);  // fresh: not stale
  f.env->Advance(timeout + 1min);
  f.metrics->ScanStale(*f.env->store, *f.env->now, timeout);
  f.metrics->ScanStale(*f.env->store, *f.env->now, timeout);
  EXPECT_EQ(ValueOf(f.Text(), series), 1);  // twice seen, once counted
  f.Event(id, "e1", "apps");
  f.metrics->ScanStale(*f.env->store, *f.env->now, timeout);
  f.env->Advance(timeout + 1min);
  f.metrics->ScanStale(*f.env->store, *f.env->now, timeout);
  EXPECT_EQ(ValueOf(f.Text(), series), 2);  // came back, went stale again
}

TEST(DeploymentMetrics, MalformedEventsAreIgnored) {
  provisiond::metrics::Registry r;
  DeploymentMetrics m(r);
  for (const char* data : {"", "not json", "[]", R"({"kind":"started"})", R"({"kind":"started","deployment":3})",
                           R"({"kind":"other","deployment":{}})"}) {
    m.OnEvent("deployment", data);
  }
  std::string text = r.Expose();
  EXPECT_EQ(text.find("provisiond_deployments_started_total{"), std::string::npos) << text;
  EXPECT_EQ(ValueOf(text, "provisiond_hub_events_total{type=\"deployment\"}"), 6);
}

TEST(MetricsRoute, ServesTheExpositionAsPrometheusText) {
  auto registry = std::make_shared<provisiond::metrics::Registry>();
  AddBuildInfo(*registry, "1.2.3");
  int scans = 0;
  Router router;
  RegisterMetricsRoute(router, {registry, [&scans] { ++scans; }});
  router.AllowEveryoneForTesting();
  const Route* route = router.Find("GET", "/metrics");
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->options.permission, Permission::kMetrics);
  EXPECT_EQ(route->options.group, RouteGroup::kAdmin);
  Request req;
  req.method = "GET";
  req.path = "/metrics";
  Response res = router.Dispatch(req);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.headers.Get("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(res.body.find("provisiond_build_info{version=\"1.2.3\"} 1\n"), std::string::npos) << res.body;
  EXPECT_EQ(scans, 1);
}

TEST(CertificateMetrics, SecondsToEachEndFromTheClock) {
  provisiond::metrics::Registry r;
  Timestamp now = *ParseIso8601("2026-11-23T00:00:00Z");
  AddCertificateMetrics(
      r,
      [now] {
        return std::vector<CertificateExpiry>{{"service", "CN=pv", "AA:BB", now + std::chrono::hours(24 * 10)},
                                              {"root", "CN=root", "CC:DD", now - std::chrono::hours(1)}};
      },
      [now] { return now; });
  std::string text = r.Expose();
  EXPECT_EQ(ValueOf(text, "provisiond_certificate_expiry_seconds{cert=\"service\",subject=\"CN=pv\",sha256=\"AA:BB\"}"),
            864000)
      << text;
  EXPECT_EQ(ValueOf(text, "provisiond_certificate_expiry_seconds{cert=\"root\",subject=\"CN=root\",sha256=\"CC:DD\"}"),
            -3600);
}

}  // namespace
}  // namespace provisiond::api::metrics

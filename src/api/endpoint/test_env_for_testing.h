// Test environment of the provisioning routes: a real CsvStore on a temp
// copy of a data directory, the routes registered on a Router, an injected
// clock and id sequence, background work run inline. Header-only, for
// *_test.cc files.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "api/events/event_hub.h"
#include "api/provisioning.h"
#include "api/router.h"
#include "base/time.h"
#include "store/csv/csv_store.h"
#include "store/testing/temp_dir_for_testing.h"

namespace provisiond::api::testing {

inline std::string OriginalData() { return store::testing::SourceDir() + "/tests/data/original"; }
inline std::string SampleData() { return store::testing::SourceDir() + "/data/sample"; }

// 2026-11-23T07:28:05Z.
inline Timestamp T0() { return *ParseIso8601("2026-11-23T07:28:05Z"); }

struct Env {
  store::testing::TempDir dir;
  std::shared_ptr<store::CsvStore> store;
  Router router;
  std::shared_ptr<Timestamp> now = std::make_shared<Timestamp>(T0());
  std::shared_ptr<int> next_id = std::make_shared<int>(0);

  // `listener_tls_modes`: serve's listeners as ProvisioningDeps gets them;
  // `events`: the hub the routes publish to (null: one of their own).
  explicit Env(const std::string& source, std::vector<int> listener_tls_modes = {},
               std::shared_ptr<EventHub> events = nullptr) {
    store::testing::CopyDir(source, dir.path());
    store::CsvStoreOptions o;
    o.data_dir = dir.path();
    o.reload_interval = std::chrono::milliseconds(0);
    o.fsync = false;
    o.log = [](LogLevel, const std::string&) {};
    auto clock = now;
    o.clock = [clock] { return *clock; };
    auto s = store::CsvStore::Open(o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (s.ok()) store = std::shared_ptr<store::CsvStore>(std::move(s).value());
    ProvisioningDeps deps;
    deps.store = store;
    deps.clock = [clock] { return *clock; };
    auto ids = next_id;
    deps.new_id = [ids] { return "d" + std::to_string(++*ids); };
    deps.random = [] { return uint64_t{42}; };
    deps.run_later = [](std::function<void()> f) { f(); };
    deps.listener_tls_modes = std::move(listener_tls_modes);
    deps.events = std::move(events);
    RegisterProvisioningRoutes(router, std::move(deps));
    router.AllowEveryoneForTesting();
  }

  void Advance(std::chrono::milliseconds d) { *now += d; }

  Request Make(std::string method, std::string target, std::string body = {}) const {
    Request r;
    r.method = std::move(method);
    r.target = target;
    size_t q = target.find('?');
    r.path = *PercentDecode(target.substr(0, q), false);
    if (q != std::string::npos) r.query = ParseQuery(target.substr(q + 1));
    r.body = std::move(body);
    r.origin.scheme = "http";
    r.origin.host = "prov.test";
    r.origin.port = 12176;
    r.origin.client_address = "192.168.1.50";
    r.connection.peer_address = "192.168.1.50";
    if (!r.body.empty()) r.headers.Add("Content-Type", "application/json");
    return r;
  }

  Response Call(std::string method, std::string target, std::string body = {}) const {
    Request r = Make(std::move(method), std::move(target), std::move(body));
    return router.Dispatch(r);
  }
  Response Get(std::string target) const { return Call("GET", std::move(target)); }
  Response Post(std::string target, std::string body) const { return Call("POST", std::move(target), std::move(body)); }
};

// The body parsed as JSON (null on a parse error, which the test then shows).
inline boost::json::value Parse(const Response& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return ec ? boost::json::value() : v;
}

}  // namespace provisiond::api::testing

// The CPU the access checks add to one machine request, in process (no
// network noise): Router::Authorize of a keyed /getcomputer through the
// network gate (networks.csv with 1000 rows) and the bundle key, against the
// same route with no networks and no key. Prints ns per request each.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "api/access/access_control.h"
#include "store/csv/csv_store.h"

namespace {

using namespace provisiond;

struct Setup {
  std::string dir;
  std::shared_ptr<store::CsvStore> store;
  std::shared_ptr<api::access::AccessControl> access;
  api::Router router;
  std::string key;
};

std::unique_ptr<Setup> Make(const std::string& dir, bool on) {
  auto s = std::make_unique<Setup>();
  s->dir = dir;
  std::filesystem::create_directories(dir);
  std::ofstream n(dir + "/networks.csv");
  n << "network,kind,status,first_seen,last_seen,hits\n";
  if (on) {
    for (int i = 0; i < 999; ++i)
      n << "10." << i / 250 << "." << i % 250 << ".0/24,subnet," << (i % 2 ? "Allow" : "Blocked") << ",,,0\n";
    n << "127.0.0.0/8,manual,Allow,,,0\n";
  }
  n.close();
  store::CsvStoreOptions o;
  o.data_dir = dir;
  o.reload_interval = std::chrono::milliseconds(0);
  o.log = [](LogLevel, const std::string&) {};
  s->store = std::shared_ptr<store::CsvStore>(store::CsvStore::Open(o).value());
  api::access::AccessOptions a;
  a.deployment_secret = [] { return Result<std::string>(std::string(64, 'a')); };
  s->access = std::make_shared<api::access::AccessControl>(s->store, std::move(a));
  s->access->Install(s->router);
  api::RouteOptions ro;
  ro.group = api::RouteGroup::kMachine;
  ro.permission = api::Permission::kMachine;
  s->router.Add("GET", "/getcomputer", [](api::Request&) { return api::Response::Text(200, "{}"); }, ro);
  if (on) s->key = s->access->Issue("endpoint-key", "bench", "", std::nullopt, "").value().secret;
  return s;
}

double NsPerCheck(Setup& s, int n) {
  api::Request r;
  r.method = "GET";
  r.path = "/getcomputer";
  r.target = "/getcomputer?serial=X";
  r.origin.client_address = "127.0.0.1";
  r.headers.Add("Host", "127.0.0.1");
  r.headers.Add("X-Provision-Key", s.key.empty() ? "pvk_unused" : s.key);
  const api::Route* route = s.router.Find("GET", "/getcomputer");
  auto t0 = std::chrono::steady_clock::now();
  int refused = 0;
  for (int i = 0; i < n; ++i) refused += s.router.Authorize(r, *route).has_value();
  auto t1 = std::chrono::steady_clock::now();
  if (refused) std::fprintf(stderr, "%d refused\n", refused);
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / n;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
  std::string base = std::filesystem::temp_directory_path() / ("pvd-access-check-" + std::to_string(::getpid()));
  auto off = Make(base + "/off", false);
  auto on = Make(base + "/on", true);
  NsPerCheck(*off, n / 10);  // warm up
  NsPerCheck(*on, n / 10);
  double a = NsPerCheck(*off, n), b = NsPerCheck(*on, n);
  std::printf("access checks per machine request (%d runs): off %.0f ns, gate (1000 rows) + key %.0f ns\n", n, a, b);
  std::filesystem::remove_all(base);
  return 0;
}

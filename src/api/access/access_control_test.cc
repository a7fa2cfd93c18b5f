#include "api/access/access_control.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/access/routes.h"
#include "api/problem.h"
#include "pki/sha256.h"
#include "store/csv/csv_store.h"
#include "store/testing/temp_dir_for_testing.h"

namespace provisiond::api::access {
namespace {

Timestamp T0() { return *ParseIso8601("2026-12-03T10:00:00Z"); }

// A store on a temp dir with the given networks/users files, an
// AccessControl with a movable clock, and a router with one route per
// permission, the access checks installed.
struct Fixture {
  store::testing::TempDir dir;
  std::shared_ptr<store::CsvStore> store;
  std::shared_ptr<Timestamp> now = std::make_shared<Timestamp>(T0());
  std::shared_ptr<AccessControl> access;
  Router router;

  // `metrics_token`: the scrape token of GET /metrics ("": none).
  explicit Fixture(std::string networks = "", std::string users = "", std::string metrics_token = "") {
    if (!networks.empty()) store::testing::WriteText(dir / "networks.csv", networks);
    if (!users.empty()) store::testing::WriteText(dir / "users.csv", users);
    store::CsvStoreOptions o;
    o.data_dir = dir.path();
    o.reload_interval = std::chrono::milliseconds(0);
    o.computers_flush_delay = std::chrono::milliseconds(0);
    o.fsync = false;
    o.log = [](LogLevel, const std::string&) {};
    auto clock = now;
    o.clock = [clock] { return *clock; };
    store = std::shared_ptr<store::CsvStore>(store::CsvStore::Open(o).value());
    AccessOptions a;
    a.clock = [clock] { return *clock; };
    a.argon2 = {1, 1024, 1};  // cheap for tests; the real cost is in bench/
    a.trusted_proxies = *CidrList::Parse({"127.0.0.1/32"});
    a.proxy_user_header = "X-Remote-User";
    a.proxy_groups_header = "X-Remote-Groups";
    a.proxy_roles = {{"carol", "operator"}, {"deploy-admins", "admin"}};
    a.deployment_secret = [] { return Result<std::string>(std::string("0123456789abcdef0123456789abcdef")); };
    if (!metrics_token.empty()) a.metrics_token_sha256 = pki::Sha256::HexOf(metrics_token);
    access = std::make_shared<AccessControl>(store, std::move(a));
    access->Install(router);
    auto ok = [](Request& r) { return Response::Text(200, "in:" + r.principal.AuditName()); };
    auto add = [&](std::string method, std::string path, RouteGroup g, Permission p) {
      RouteOptions o;
      o.group = g;
      o.permission = p;
      router.Add(std::move(method), std::move(path), ok, o);
    };
    add("GET", "/admin/read", RouteGroup::kAdmin, Permission::kViewer);
    add("POST", "/admin/operate", RouteGroup::kAdmin, Permission::kOperator);
    add("PUT", "/admin/settings", RouteGroup::kAdmin, Permission::kAdmin);
    add("PUT", "/admin/files/{*path}", RouteGroup::kAdmin, Permission::kFilesByPath);
    add("GET", "/getcomputer", RouteGroup::kMachine, Permission::kMachine);
    add("POST", "/deployments/{id}/events", RouteGroup::kMachine, Permission::kDeployment);
    add("GET", "/tanium/global", RouteGroup::kMachine, Permission::kVariables);
    add("GET", "/file/{*path}", RouteGroup::kContent, Permission::kContent);
    add("GET", "/metrics", RouteGroup::kAdmin, Permission::kMetrics);
  }

  Request Make(std::string method, std::string target, std::string client = "127.0.0.1") {
    Request r;
    r.method = std::move(method);
    r.target = target;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = ParseQuery(target.substr(q + 1));
    r.connection.peer_address = client;
    r.origin.client_address = client;
    r.origin.host = "deploy.example";
    r.origin.port = 12176;
    r.request_id = "t";
    return r;
  }
  Response Call(Request& r) { return router.Dispatch(r); }
  int Status(Request r) { return Call(r).status; }

  void AddUser(const std::string& name, const std::string& password, const std::string& role) {
    auto u = access->SetUser(name, password, role, std::nullopt, true);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
  }
};

TEST(NetworkGate, AllowNetworksAdmitBlockedRowsAreRecordsNotDenyRules) {
  // The original's sample: 0.0.0.0/0 Allow beside 10.0.0.0/8 Blocked.
  Fixture f(
      "network,kind,status,first_seen,last_seen,hits\n"
      "10.0.0.0/8,subnet,Blocked,2026-06-14 18:01:57,2026-06-14 18:01:57,0\n"
      "0.0.0.0/0,manual,Allow,2026-06-15 09:31:01,2026-06-15 09:31:01,0\n");
  EXPECT_TRUE(f.access->gate().enabled());
  EXPECT_EQ(f.Status(f.Make("GET", "/getcomputer?serial=A", "10.1.2.3")), 200);
  EXPECT_EQ(f.Status(f.Make("GET", "/getcomputer?serial=A", "203.0.113.9")), 200);
  EXPECT_EQ(f.Status(f.Make("GET", "/getcomputer?serial=A", "2001:db8::5")), 403);  // no IPv6 Allow row
  EXPECT_EQ(f.Status(f.Make("GET", "/file/Apps/x", "2001:db8::5")), 403);
  EXPECT_EQ(f.access->gate().PendingForTesting(), 1u);  // the same /128, seen twice
}

TEST(NetworkGate, RecordingRuleAndBatchedWrite) {
  Fixture f(
      "network,kind,status,first_seen,last_seen,hits\n"
      "192.168.0.0/16,subnet,Allow,2026-06-14 18:01:57,2026-06-14 18:01:57,0\n");
  struct Case { const char* address; const char* network; const char* kind; };
  const Case cases[] = {{"10.9.8.7", "10.0.0.0/8", "subnet"},       {"172.20.1.1", "172.16.0.0/12", "subnet"},
                        {"46.218.21.114", "46.218.21.114/32", "host"}, {"2001:db8::1", "2001:db8::1/128", "host"},
                        {"172.32.0.1", "172.32.0.1/32", "host"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.address);
    auto s = NetworkGate::SightingFor(c.address, T0());
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->network, c.network);
    EXPECT_EQ(s->kind, c.kind);
    EXPECT_EQ(f.Status(f.Make("GET", "/getcomputer?serial=A", c.address)), 403);
  }
  EXPECT_EQ(f.Status(f.Make("GET", "/getcomputer?serial=A", "10.1.1.1")), 403);  // same 10/8: one sighting, 2 hits
  std::string before = store::testing::ReadText(f.dir / "networks.csv");
  EXPECT_EQ(before.find("10.0.0.0/8"), std::string::npos);  // nothing written per request
  ASSERT_TRUE(f.access->Flush().ok());
  auto snap = f.store->Snapshot();
  ASSERT_EQ(snap->networks.size(), 6u);
  for (const auto& n : snap->networks) {
    if (n.network == "10.0.0.0/8") {
      EXPECT_EQ(n.status, "Blocked");
      EXPECT_EQ(n.hits, "2");
      EXPECT_EQ(n.first_seen, "2026-12-03 10:00:00");
    }
  }
  // Recorded now: a Blocked row covers 10.x, nothing new is pending.
  EXPECT_EQ(f.Status(f.Make("GET", "/getcomputer?serial=A", "10.2.2.2")), 403);
  EXPECT_EQ(f.access->gate().PendingForTesting(), 0u);
  // An admin approves it: 10.x passes.
  ASSERT_TRUE(f.store->PutNetwork({"10.0.0.0/8", "", "Allow", "", "", "", {}}).ok());
  EXPECT_EQ(f.Status(f.Make("GET", "/getcomputer?serial=A", "10.2.2.2")), 200);
}

TEST(NetworkGate, NoRowsMeansOff) {
  Fixture f;
  EXPECT_FALSE(f.access->gate().enabled());
  EXPECT_EQ(f.Status(f.Make("GET", "/getcomputer?serial=A", "203.0.113.1")), 200);
}

TEST(AccessControl, AdminRoutesNeedCredentialsAndTheRole) {
  Fixture f;
  f.AddUser("vera", "viewer-pass-1", "viewer");
  f.AddUser("otto", "operator-pass", "operator");
  f.AddUser("ada", "admin-pass-12", "admin");
  EXPECT_EQ(f.Status(f.Make("GET", "/admin/read")), 401);
  auto token = [&](const char* role) { return f.access->Issue("token", "test", role, std::nullopt, "").value().secret; };
  struct Case { const char* role; int read, operate, settings, apps, provision; };
  const Case cases[] = {{"viewer", 200, 403, 403, 403, 403},
                        {"operator", 200, 200, 403, 200, 403},
                        {"admin", 200, 200, 200, 200, 200}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.role);
    std::string t = token(c.role);
    auto with = [&](std::string method, std::string target) {
      Request r = f.Make(std::move(method), std::move(target));
      r.headers.Add("Authorization", "Bearer " + t);
      return f.Status(r);
    };
    EXPECT_EQ(with("GET", "/admin/read"), c.read);
    EXPECT_EQ(with("POST", "/admin/operate"), c.operate);
    EXPECT_EQ(with("PUT", "/admin/settings"), c.settings);
    EXPECT_EQ(with("PUT", "/admin/files/Apps/7zip/7z.msi"), c.apps);
    EXPECT_EQ(with("PUT", "/admin/files/Provision/Customer.ps1"), c.provision);
    EXPECT_EQ(with("PUT", "/admin/files/Apps/../Provision/Customer.ps1"), c.provision);
  }
  Request bad = f.Make("GET", "/admin/read");
  bad.headers.Add("Authorization", "Bearer pvt_not-a-token");
  EXPECT_EQ(f.Status(bad), 401);
}

TEST(AccessControl, MetricsAnswerAnAdminOrTheScrapeTokenOnly) {
  const std::string scrape = "scrape-token-0123456789";
  Fixture f("", "", scrape);
  auto token = [&](const char* role) { return f.access->Issue("token", "test", role, std::nullopt, "").value().secret; };
  auto call = [&](const std::string& target, const std::string& bearer) {
    Request r = f.Make("GET", target);
    if (!bearer.empty()) r.headers.Add("Authorization", "Bearer " + bearer);
    return f.Call(r);
  };
  struct Case {
    const char* name;
    std::string target, bearer;
    int want;
  };
  const std::vector<Case> cases = {
      {"no credentials", "/metrics", "", 401},
      {"scrape token", "/metrics", scrape, 200},
      {"a wrong scrape token", "/metrics", scrape + "x", 401},
      {"viewer", "/metrics", token("viewer"), 403},
      {"operator", "/metrics", token("operator"), 403},
      {"admin", "/metrics", token("admin"), 200},
      {"scrape token elsewhere", "/admin/read", scrape, 401},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(call(c.target, c.bearer).status, c.want);
  }
  EXPECT_EQ(call("/metrics", scrape).body, "in:token:metrics");
  // Without a configured scrape token, the same bearer opens nothing.
  Fixture none;
  Request r = none.Make("GET", "/metrics");
  r.headers.Add("Authorization", "Bearer " + scrape);
  EXPECT_EQ(none.Status(r), 401);
}

TEST(AccessControl, TokenExpiryAndRevocation) {
  Fixture f;
  auto issued = f.access->Issue("token", "ci", "viewer", std::chrono::hours(24), "ci").value();
  auto call = [&] {
    Request r = f.Make("GET", "/admin/read");
    r.headers.Add("Authorization", "Bearer " + issued.secret);
    return f.Status(r);
  };
  EXPECT_EQ(call(), 200);
  ASSERT_TRUE(f.access->Flush().ok());
  EXPECT_FALSE(f.store->Snapshot()->FindCredential(issued.credential.id)->last_used.empty());
  *f.now += std::chrono::hours(25);
  EXPECT_EQ(call(), 401);
  *f.now = T0();
  EXPECT_EQ(call(), 200);
  ASSERT_TRUE(f.access->Revoke(issued.credential.id).ok());
  EXPECT_EQ(call(), 401);
  EXPECT_EQ(f.access->Revoke(issued.credential.id).code(), StatusCode::kNotFound);
  // Stored as a hash only.
  EXPECT_EQ(store::testing::ReadText(f.dir / "credentials.csv").find(issued.secret), std::string::npos);
}

std::string CookieOf(const Response& r) {
  std::string c(r.headers.Get("Set-Cookie").value_or(""));
  return c.substr(0, c.find(';'));
}

Response Login(Fixture& f, const std::string& user, const std::string& password, std::string client = "127.0.0.1") {
  Request r = f.Make("POST", "/api/v1/auth/login", client);
  r.headers.Add("Content-Type", "application/json");
  r.body = "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
  return f.Call(r);
}

TEST(AccessControl, SessionLoginCsrfIdleAndAbsoluteExpiry) {
  Fixture f;
  RegisterAccessRoutes(f.router, {f.access, f.store, false});
  f.AddUser("ada", "admin-pass-12", "admin");
  Response in = Login(f, "ada", "admin-pass-12");
  ASSERT_EQ(in.status, 200) << in.body;
  std::string set = std::string(in.headers.Get("Set-Cookie").value_or(""));
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(set.find("Secure"), std::string::npos);  // plain http here
  std::string cookie = CookieOf(in);
  std::string csrf = boost::json::parse(in.body).at("csrf_token").as_string().c_str();
  auto change = [&](bool with_csrf, std::string origin) {
    Request r = f.Make("PUT", "/admin/settings");
    r.headers.Add("Cookie", cookie);
    if (with_csrf) r.headers.Add("X-CSRF-Token", csrf);
    if (!origin.empty()) r.headers.Add("Origin", origin);
    return f.Status(r);
  };
  EXPECT_EQ(change(false, "http://deploy.example:12176"), 403);  // no token
  EXPECT_EQ(change(true, "https://evil.example"), 403);        // cross-origin
  EXPECT_EQ(change(true, ""), 403);                            // neither Origin nor Sec-Fetch-Site
  EXPECT_EQ(change(true, "http://deploy.example:12176"), 200);
  {
    Request r = f.Make("PUT", "/admin/settings");  // a text/plain body: a cross-site form could send one
    r.headers.Add("Cookie", cookie);
    r.headers.Add("X-CSRF-Token", csrf);
    r.headers.Add("Origin", "http://deploy.example:12176");
    r.headers.Add("Content-Type", "text/plain");
    r.headers.Add("Content-Length", "2");
    r.body = "{}";
    EXPECT_EQ(f.Status(r), 415);
  }
  auto read = [&] {
    Request r = f.Make("GET", "/admin/read");
    r.headers.Add("Cookie", cookie);
    return f.Status(r);
  };
  // Idle: 29 min between calls keeps it alive; 31 min ends it.
  for (int i = 0; i < 3; ++i) {
    *f.now += std::chrono::minutes(29);
    EXPECT_EQ(read(), 200) << i;
  }
  *f.now += std::chrono::minutes(31);
  EXPECT_EQ(read(), 401);
  // Absolute: 12 h even when used every few minutes.
  cookie = CookieOf(Login(f, "ada", "admin-pass-12"));
  for (int i = 0; i < 12 * 3; ++i) {
    *f.now += std::chrono::minutes(20);
    int want = i < 12 * 3 - 1 ? 200 : 401;
    ASSERT_EQ(read(), want) << i;
  }
  // Sessions survive a restart: a new AccessControl on the same store.
  cookie = CookieOf(Login(f, "ada", "admin-pass-12"));
  ASSERT_TRUE(f.access->Flush().ok());
  AccessOptions o;
  auto clock = f.now;
  o.clock = [clock] { return *clock; };
  AccessControl again(f.store, std::move(o));
  Router r2;
  again.Install(r2);
  RouteOptions ro;
  ro.group = RouteGroup::kAdmin;
  ro.permission = Permission::kViewer;
  r2.Add("GET", "/admin/read", [](Request&) { return Response::Text(200, "ok"); }, ro);
  Request after = f.Make("GET", "/admin/read");
  after.headers.Add("Cookie", cookie);
  EXPECT_EQ(r2.Dispatch(after).status, 200);
}

TEST(AccessControl, PasswordChangeOrDisableEndsSessionsAndLogoutEndsOne) {
  Fixture f;
  RegisterAccessRoutes(f.router, {f.access, f.store, false});
  f.AddUser("ada", "admin-pass-12", "admin");
  auto read = [&](const std::string& cookie) {
    Request r = f.Make("GET", "/admin/read");
    r.headers.Add("Cookie", cookie);
    return f.Status(r);
  };
  std::string a = CookieOf(Login(f, "ada", "admin-pass-12"));
  ASSERT_EQ(read(a), 200);
  ASSERT_TRUE(f.access->SetUser("ada", std::string("a-new-password"), std::nullopt, std::nullopt, false).ok());
  EXPECT_EQ(read(a), 401);
  EXPECT_EQ(Login(f, "ada", "admin-pass-12").status, 401);
  std::string b = CookieOf(Login(f, "ada", "a-new-password"));
  ASSERT_EQ(read(b), 200);
  ASSERT_TRUE(f.access->SetUser("ada", std::nullopt, std::nullopt, true, false).ok());
  EXPECT_EQ(read(b), 401);
  EXPECT_EQ(Login(f, "ada", "a-new-password").status, 401);
  ASSERT_TRUE(f.access->SetUser("ada", std::nullopt, std::nullopt, false, false).ok());
  std::string c = CookieOf(Login(f, "ada", "a-new-password"));
  Request out = f.Make("POST", "/api/v1/auth/logout");
  out.headers.Add("Cookie", c);
  out.headers.Add("Origin", "http://deploy.example:12176");
  out.headers.Add("X-CSRF-Token", f.access->CsrfFor(c.substr(c.find('=') + 1)));
  EXPECT_EQ(f.Status(out), 204);
  EXPECT_EQ(read(c), 401);
}

TEST(AccessControl, EmptyPasswordNeverSignsInAndUnknownUsersLookTheSame) {
  Fixture f("", "username,password_hash\nadmin,\n");
  RegisterAccessRoutes(f.router, {f.access, f.store, false});
  EXPECT_FALSE(f.access->HasUsableAdmin());
  Response empty = Login(f, "admin", "");
  Response unknown = Login(f, "nobody", "whatever-1");
  Response blank_hash = Login(f, "admin", "anything-1");
  EXPECT_EQ(empty.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(blank_hash.status, 401);
  EXPECT_EQ(boost::json::parse(unknown.body).at("detail"), boost::json::parse(blank_hash.body).at("detail"));
}

TEST(AccessControl, LockoutPerUserAndAddressClearsByItself) {
  Fixture f;
  RegisterAccessRoutes(f.router, {f.access, f.store, false});
  f.AddUser("ada", "admin-pass-12", "admin");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Login(f, "ada", "wrong-guess", "10.0.0." + std::to_string(i + 1)).status, 401);
  Response locked = Login(f, "ada", "admin-pass-12", "10.0.0.99");  // right password, user locked
  EXPECT_EQ(locked.status, 429);
  EXPECT_TRUE(locked.headers.Get("Retry-After").has_value());
  // Locks names that do not exist the same way.
  for (int i = 0; i < 5; ++i) Login(f, "ghost", "x-wrong-1", "10.1.0." + std::to_string(i + 1));
  EXPECT_EQ(Login(f, "ghost", "x-wrong-1", "10.1.0.99").status, 429);
  *f.now += std::chrono::minutes(16);
  EXPECT_EQ(Login(f, "ada", "admin-pass-12", "10.0.0.99").status, 200);
  // Per address: one address spraying many names.
  for (int i = 0; i < 5; ++i) Login(f, "user" + std::to_string(i), "wrong-guess", "192.0.2.7");
  EXPECT_EQ(Login(f, "ada", "admin-pass-12", "192.0.2.7").status, 429);
}

TEST(AccessControl, SetupTokenIsSingleUse) {
  Fixture f("", "username,password_hash\nadmin,\n");
  RegisterAccessRoutes(f.router, {f.access, f.store, false});
  auto token = f.access->BeginSetup();
  ASSERT_TRUE(token.has_value());
  auto setup = [&](const std::string& t) {
    Request r = f.Make("POST", "/api/v1/auth/setup");
    r.headers.Add("Content-Type", "application/json");
    r.body = "{\"token\":\"" + t + "\",\"password\":\"first-admin-pass\"}";
    return f.Status(r);
  };
  EXPECT_EQ(setup("pvsetup_wrong"), 403);
  EXPECT_EQ(setup(*token), 200);
  EXPECT_TRUE(f.access->HasUsableAdmin());
  EXPECT_EQ(setup(*token), 403);  // used
  EXPECT_EQ(Login(f, "admin", "first-admin-pass").status, 200);
  EXPECT_FALSE(f.access->BeginSetup().has_value());  // an admin exists: no token
}

TEST(AccessControl, SetupTokenExpiresAfterAnHour) {
  Fixture f("", "username,password_hash\nadmin,\n");
  auto token = f.access->BeginSetup();
  ASSERT_TRUE(token.has_value());
  *f.now += std::chrono::minutes(61);
  EXPECT_EQ(f.access->CompleteSetup(*token, "admin", "first-admin-pass").status().code(),
            StatusCode::kPermissionDenied);
}

TEST(AccessControl, EndpointKeysTwoActiveForRotationAndRevocation) {
  Fixture f;
  auto get = [&](const std::string& key, bool header) {
    Request r = f.Make("GET", header || key.empty() ? "/getcomputer?serial=A" : "/getcomputer?serial=A&key=" + key);
    if (header) r.headers.Add("X-Provision-Key", key);
    return f.Status(r);
  };
  EXPECT_FALSE(f.access->MachineRoutesKeyed());
  EXPECT_EQ(get("", false), 200);  // unkeyed: the original's bundles work
  auto old_key = f.access->Issue("endpoint-key", "bundle-2026-06", "", std::nullopt, "").value();
  EXPECT_TRUE(f.access->MachineRoutesKeyed());
  EXPECT_EQ(get("", false), 401);
  EXPECT_EQ(get("pvk_wrong", true), 401);
  EXPECT_EQ(get(old_key.secret, true), 200);
  EXPECT_EQ(get(old_key.secret, false), 200);  // ?key= on a legacy GET route
  auto new_key = f.access->Issue("endpoint-key", "bundle-2026-12", "", std::nullopt, "").value();
  EXPECT_EQ(get(old_key.secret, true), 200);
  EXPECT_EQ(get(new_key.secret, true), 200);
  ASSERT_TRUE(f.access->Revoke(old_key.credential.id).ok());
  EXPECT_EQ(get(old_key.secret, true), 401);
  EXPECT_EQ(get(new_key.secret, true), 200);
}

TEST(AccessControl, VariablesKeyOpensOnlyTheVariablesRoutes) {
  Fixture f;
  auto machine = f.access->Issue("endpoint-key", "bundle", "", std::nullopt, "").value();
  auto vars = f.access->Issue("variables-key", "tanium", "", std::nullopt, "").value();
  auto call = [&](const char* target, const std::string& key) {
    Request r = f.Make("GET", target);
    r.headers.Add("X-Provision-Key", key);
    return f.Status(r);
  };
  EXPECT_EQ(call("/tanium/global?serial=A", vars.secret), 200);
  EXPECT_EQ(call("/tanium/global?serial=A", machine.secret), 200);
  EXPECT_EQ(call("/getcomputer?serial=A", vars.secret), 401);
}

TEST(AccessControl, DeploymentTokenOpensOnlyItsOwnDeployment) {
  Fixture f;
  auto post = [&](const std::string& id, const std::string& token) {
    Request r = f.Make("POST", "/deployments/" + id + "/events");
    if (!token.empty()) r.headers.Add("X-Deployment-Token", token);
    return f.Status(r);
  };
  EXPECT_EQ(post("A", ""), 200);  // unkeyed: no token needed
  ASSERT_TRUE(f.access->Issue("endpoint-key", "bundle", "", std::nullopt, "").ok());
  std::string a = f.access->DeploymentToken("A"), b = f.access->DeploymentToken("B");
  EXPECT_NE(a, b);
  EXPECT_EQ(post("A", ""), 401);
  EXPECT_EQ(post("A", a), 200);
  EXPECT_EQ(post("B", a), 401);  // A's token cannot post to B
  EXPECT_EQ(post("B", b), 200);
}

TEST(AccessControl, ProxyUserBelievedOnlyFromATrustedProxy) {
  Fixture f;
  auto call = [&](const std::string& peer, const char* user, const char* groups, const char* method, const char* path) {
    Request r = f.Make(method, path, peer);
    r.headers.Add("X-Remote-User", user);
    if (groups) r.headers.Add("X-Remote-Groups", groups);
    return f.Status(r);
  };
  EXPECT_EQ(call("127.0.0.1", "carol", nullptr, "POST", "/admin/operate"), 200);
  EXPECT_EQ(call("127.0.0.1", "carol", nullptr, "PUT", "/admin/settings"), 403);
  EXPECT_EQ(call("127.0.0.1", "dave", "staff;deploy-admins", "PUT", "/admin/settings"), 200);
  EXPECT_EQ(call("127.0.0.1", "mallory", "staff", "GET", "/admin/read"), 403);  // no role mapped
  EXPECT_EQ(call("192.0.2.50", "dave", "deploy-admins", "GET", "/admin/read"), 401);  // not a trusted proxy
}

TEST(AccessControl, OldHashesVerifyAndAreReplacedByArgon2id) {
  // The original's formats, made with Python's hashlib as werkzeug does
  // (password "correct horse"; the same vectors as pki/password_hash_test.cc).
  Fixture f("",
            "username,password_hash\n"
            "s,scrypt:32768:8:1$Xq3vK9aZ0b1c2d3e$13dc662fe58ee0b244c3d16c747fb95a7e5cbba72e5b6316c2cfb069e8547b2931fba9"
            "7433028c2386a917c0decac7841c614be4bc363901ca113175a60511c3\n"
            "p,pbkdf2:sha256:1000$Xq3vK9aZ0b1c2d3e$33bb119661ecc03a03f49ed87a615c71be369a246639990a3a7db74c00baa97e\n"
            "h,sha256:100000$000102030405060708090a0b0c0d0e0f$"
            "57f2c2f0739748d516419b062a884666323c583ea4ae165504a81f7b53c62a09\n");
  RegisterAccessRoutes(f.router, {f.access, f.store, false});
  for (const char* user : {"s", "p", "h"}) {
    SCOPED_TRACE(user);
    EXPECT_EQ(Login(f, user, "correct horsf").status, 401);
    std::string before = f.store->Snapshot()->FindUser(user)->password_hash;
    EXPECT_FALSE(before.starts_with("$argon2id$"));
    EXPECT_EQ(Login(f, user, "correct horse").status, 200);
    std::string after = f.store->Snapshot()->FindUser(user)->password_hash;
    EXPECT_TRUE(after.starts_with("$argon2id$")) << after;
    EXPECT_NE(store::testing::ReadText(f.dir / "users.csv").find(after), std::string::npos);
    EXPECT_EQ(Login(f, user, "correct horse").status, 200);  // the new hash works
  }
}

TEST(AuditEntryFor, RedactsSecretsInTheBody) {
  Request r;
  r.method = "POST";
  r.body = "{\"username\":\"bob\",\"password\":\"hunter2-long\",\"nested\":{\"api_token\":\"x\"}}";
  Route route{"POST", "/api/v1/admin/users", nullptr, {}};
  auto e = AuditEntryFor(r, route, Response::Text(201, ""));
  EXPECT_EQ(e.after.find("hunter2"), std::string::npos) << e.after;
  EXPECT_NE(e.after.find("\"bob\""), std::string::npos) << e.after;
  EXPECT_NE(e.after.find("***"), std::string::npos);
  EXPECT_EQ(e.outcome, "ok");
  EXPECT_EQ(e.route, "POST /api/v1/admin/users");
}

}  // namespace
}  // namespace provisiond::api::access

#include "api/access/access_control.h"

#include <algorithm>

#include "api/access/file_token.h"
#include "api/problem.h"
#include "base/log.h"
#include "base/strings.h"
#include "pki/secret.h"
#include "pki/sha256.h"

namespace provisiond::api::access {
namespace {

constexpr auto kSetupValidity = std::chrono::hours(1);
constexpr size_t kMinPasswordLength = 8;

std::string HashOf(std::string_view secret) { return pki::Sha256::HexOf(secret); }

bool IsUnsafeMethod(std::string_view m) { return m != "GET" && m != "HEAD" && m != "OPTIONS"; }

}  // namespace

std::string_view SessionSecretOf(const Request& request) {
  const std::string_view name = kSessionCookie;
  for (const auto& [k, v] : request.headers.items()) {
    if (!IEquals(k, "Cookie")) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) return Trim(pair.substr(eq + 1));
    }
  }
  return {};
}

namespace {

std::string_view BearerOf(const Request& request) {
  auto h = request.headers.Get("Authorization");
  if (!h) return {};
  std::string_view v = Trim(*h);
  return StartsWithI(v, "Bearer ") ? Trim(v.substr(7)) : std::string_view();
}

std::string_view IdPrefix(std::string_view kind) {
  if (kind == "session") return "ses-";
  if (kind == "token") return "tok-";
  if (kind == "endpoint-key") return "key-";
  return "var-";
}

std::string_view SecretPrefix(std::string_view kind) {
  if (kind == "session") return "pvs_";
  if (kind == "token") return "pvt_";
  if (kind == "endpoint-key") return "pvk_";
  return "pvv_";
}

Timestamp ParsedOr(std::string_view iso, Timestamp fallback) {
  auto t = ParseIso8601(iso);
  return t ? *t : fallback;
}

uint64_t NextInstanceId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1);
}

Response Unauthorized(std::string detail) {
  Response r = Problem(401, detail);
  r.headers.Set("WWW-Authenticate", "Bearer realm=\"provisiond\"");
  return r;
}

}  // namespace

AccessControl::AccessControl(std::shared_ptr<store::Store> store, AccessOptions options)
    : store_(std::move(store)),
      options_(std::move(options)),
      gate_(store_, options_.clock ? options_.clock : std::function<Timestamp()>(provisiond::Now)),
      limiter_(options_.limits),
      instance_(NextInstanceId()) {
  if (!options_.clock) options_.clock = provisiond::Now;
}

// ---- credentials ----------------------------------------------------------

const AccessControl::CredentialIndex* AccessControl::Index() const {
  const uint64_t generation = store_->Generation();
  // Per thread, so the hot path takes no lock: the index of the snapshot
  // this thread saw last, rebuilt (once, under index_mu_) when it changed.
  thread_local uint64_t owner = 0;
  thread_local std::shared_ptr<const CredentialIndex> mine;
  if (owner == instance_ && mine && mine->generation >= generation) return mine.get();
  std::lock_guard lock(index_mu_);
  auto snap = store_->Snapshot();
  if (!index_ || index_->generation != snap->generation) {
    auto next = std::make_shared<CredentialIndex>();
    next->generation = snap->generation;
    const Timestamp now = Now();
    std::unordered_map<std::string, UseCell> cells;
    for (const auto& c : snap->credentials) {
      UseCell& cell = cells[c.id];
      if (auto it = cells_.find(c.id); it != cells_.end()) cell = it->second;
      if (!cell) cell = std::make_shared<std::atomic<int64_t>>(0);
      next->by_hash.emplace(c.secret_hash, Entry{c, cell});
      bool live = c.expires.empty() || ParsedOr(c.expires, Timestamp{}) > now;
      if (live && c.kind == "endpoint-key") ++next->endpoint_keys;
      if (live && c.kind == "variables-key") ++next->variables_keys;
    }
    cells_ = std::move(cells);
    index_ = next;
  }
  owner = instance_;
  mine = index_;
  return mine.get();
}

const AccessControl::Entry* AccessControl::FindCatchingUp(std::string_view secret,
                                                          std::initializer_list<std::string_view> kinds,
                                                          Timestamp now) const {
  if (const Entry* e = Find(*Index(), secret, kinds, now)) return e;
  // Created on another instance a moment ago (a sign-in through A, this
  // request through B)? One round trip to the store before saying no.
  if (secret.empty() || !store_->CatchUp()) return nullptr;
  return Find(*Index(), secret, kinds, now);
}

const AccessControl::Entry* AccessControl::Find(const CredentialIndex& index, std::string_view secret,
                                                std::initializer_list<std::string_view> kinds,
                                                Timestamp now) const {
  if (secret.empty()) return nullptr;
  // The lookup is by the secret's SHA-256: timing tells nothing of the secret.
  auto it = index.by_hash.find(HashOf(secret));
  if (it == index.by_hash.end()) return nullptr;
  const model::Credential& c = it->second.credential;
  if (std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) return nullptr;
  if (!c.expires.empty() && ParsedOr(c.expires, Timestamp{}) <= now) return nullptr;
  return &it->second;
}

bool AccessControl::SessionAlive(const model::Credential& c, const UseCell& last_use, Timestamp now) const {
  Timestamp created = ParsedOr(c.created, Timestamp{});
  if (now - created >= options_.session_absolute) return false;
  Timestamp last = std::max(created, ParsedOr(c.last_used, created));
  if (last_use) last = std::max(last, Timestamp(std::chrono::milliseconds(last_use->load(std::memory_order_relaxed))));
  return now - last < options_.session_idle;
}

void AccessControl::Touch(const Entry& e, Timestamp now) {
  const int64_t t = now.time_since_epoch().count();
  // At most one locked write per credential and second: the store keeps
  // last use to the minute's use, not every request's.
  if (t - e.last_use->load(std::memory_order_relaxed) < 1000) return;
  e.last_use->store(t, std::memory_order_relaxed);
  std::lock_guard lock(touch_mu_);
  Timestamp& slot = touched_[e.credential.id];
  slot = std::max(slot, now);
}

bool AccessControl::MachineRoutesKeyed() const { return Index()->endpoint_keys > 0; }

std::vector<std::string> AccessControl::Warnings() {
  std::vector<std::string> out;
  if (!gate_.enabled())
    out.push_back("networks.csv has no rows: the network gate is off; machine routes and /file/ answer every "
                  "address (add Allow networks: PUT /api/v1/admin/networks)");
  if (!MachineRoutesKeyed())
    out.push_back("machine routes are unkeyed: any client the network gate lets through may call them "
                  "(`provisiond endpoint-keys create`)");
  if (!HasUsableAdmin())
    out.push_back("no admin can sign in: set a password with `provisiond users passwd admin`");
  return out;
}

std::string AccessControl::DeploymentToken(std::string_view deployment_id) const {
  std::call_once(secret_once_, [this] {
    auto s = options_.deployment_secret ? options_.deployment_secret() : Result<std::string>(Status::Internal("no deployment token key configured"));
    if (s.ok()) deployment_secret_ = *s;
    else LogError("per-deployment tokens unavailable", {{"error", s.status().message()}});
  });
  if (deployment_secret_.empty()) return "";
  return "pvd_" + pki::HmacSha256Hex(deployment_secret_, "deployment:" + std::string(deployment_id));
}

std::string AccessControl::CsrfFor(std::string_view session_secret) const {
  return pki::Sha256::HexOf("csrf:" + std::string(session_secret)).substr(0, 43);
}

// ---- checks ---------------------------------------------------------------

std::optional<Principal> AccessControl::ProxyUser(const Request& request) const {
  if (options_.proxy_user_header.empty()) return std::nullopt;
  // Believed only from a trusted proxy: anyone else could send the header.
  if (!options_.trusted_proxies.Contains(request.connection.peer_address)) return std::nullopt;
  auto name = request.headers.Get(options_.proxy_user_header);
  if (!name || Trim(*name).empty()) return std::nullopt;
  Principal p;
  p.kind = PrincipalKind::kUser;
  p.name = std::string(Trim(*name));
  p.via = "proxy-header";
  p.address = request.origin.client_address;
  auto role_of = [this](std::string_view who) {
    auto it = options_.proxy_roles.find(ToLower(Trim(who)));
    return it == options_.proxy_roles.end() ? Role::kNone : ParseRole(it->second);
  };
  Role role = role_of(p.name);
  if (!options_.proxy_groups_header.empty()) {
    if (auto groups = request.headers.Get(options_.proxy_groups_header)) {
      std::string list(*groups);
      std::replace(list.begin(), list.end(), ';', ',');
      for (const auto& g : SplitList(list, ',')) role = std::max(role, role_of(g));
    }
  }
  // A users.csv row can disable a proxy user, never raise their role.
  if (auto snap = store_->Snapshot(); const model::User* u = snap->FindUser(p.name)) {
    if (u->disabled) role = Role::kNone;
  }
  p.role = role;
  return p;
}

std::optional<Response> AccessControl::CheckCsrf(const Request& request) const {
  std::string_view secret = SessionSecretOf(request);
  auto sent = request.headers.Get("X-CSRF-Token");
  if (!sent || !ConstantTimeEquals(Trim(*sent), CsrfFor(secret)))
    return Problem(403, "a signed-in change needs the header X-CSRF-Token with the csrf_token of "
                        "POST /api/v1/auth/login or GET /api/v1/auth/me");
  // The same origin as the service as the browser sees it (through proxies).
  auto origin = request.headers.Get("Origin");
  auto site = request.headers.Get("Sec-Fetch-Site");
  const std::string ours = request.origin.Origin();
  bool same = origin ? IEquals(Trim(*origin), ours) : (site && IEquals(Trim(*site), "same-origin"));
  if (!same)
    return Problem(403, "cross-origin change refused: Origin must be " + ours + " (or Sec-Fetch-Site: same-origin)");
  return std::nullopt;
}

std::optional<Response> AccessControl::Authenticate(Request& request, const Route& route) {
  const Timestamp now = Now();
  if (!options_.admin_networks.empty() && !options_.admin_networks.Contains(request.origin.client_address))
    return Problem(403, "admin routes answer only to server.admin_networks; " + request.origin.client_address +
                            " is not in them");
  Principal p;
  bool session = false;
  if (auto proxied = ProxyUser(request)) {
    p = std::move(*proxied);
  } else if (std::string_view bearer = BearerOf(request); !bearer.empty()) {
    if (route.options.permission == Permission::kMetrics && !options_.metrics_token_sha256.empty() &&
        ConstantTimeEquals(HashOf(bearer), options_.metrics_token_sha256)) {
      // The scrape token opens this route only: no role, nothing else.
      p.kind = PrincipalKind::kApiToken;
      p.name = "metrics";
      p.via = "metrics-token";
      p.address = request.origin.client_address;
      request.principal = std::move(p);
      return std::nullopt;
    }
    const Entry* e = FindCatchingUp(bearer, {"token"}, now);
    if (!e) return Unauthorized("the API token is unknown, expired or revoked (Authorization: Bearer)");
    const model::Credential* c = &e->credential;
    p.kind = PrincipalKind::kApiToken;
    p.name = c->id;
    p.role = ParseRole(c->role);
    p.via = "bearer";
    p.credential_id = c->id;
    Touch(*e, now);
  } else if (std::string_view cookie = SessionSecretOf(request); !cookie.empty()) {
    const Entry* e = FindCatchingUp(cookie, {"session"}, now);
    const model::Credential* c = e ? &e->credential : nullptr;
    auto snap = store_->Snapshot();
    const model::User* u = c ? snap->FindUser(c->subject) : nullptr;
    if (!c || !SessionAlive(*c, e->last_use, now) || !u || u->disabled || u->version != c->subject_version)
      return Unauthorized("the session has ended (expired, signed out, or the user changed); sign in again");
    p.kind = PrincipalKind::kUser;
    p.name = u->username;
    p.role = ParseRole(u->role);
    p.via = "session";
    p.credential_id = c->id;
    session = true;
    Touch(*e, now);
  } else {
    return Unauthorized("sign in first: POST /api/v1/auth/login, or send Authorization: Bearer <API token>");
  }
  p.address = request.origin.client_address;
  Role need = RequiredRole(route.options.permission, request.Param("path").value_or(""));
  if (p.role < need || p.role == Role::kNone) {
    std::string have = p.role == Role::kNone ? "no role" : "role " + std::string(RoleName(p.role));
    request.principal = std::move(p);
    return Problem(403, route.method + " " + route.pattern + " needs role " + std::string(RoleName(need)) +
                            "; " + request.principal.AuditName() + " has " + have);
  }
  if (session && IsUnsafeMethod(request.method)) {
    if (auto refused = CheckCsrf(request)) return refused;
  }
  // JSON routes take JSON only: a form or text/plain body is what a
  // cross-site page can send without CORS.
  bool has_body = request.headers.Get("Content-Length").value_or("0") != "0" ||
                  request.headers.Get("Transfer-Encoding").has_value();
  if (IsUnsafeMethod(request.method) && has_body && !route.options.open_body_sink) {
    auto type = request.headers.Get("Content-Type");
    if (!type || !StartsWithI(Trim(*type), "application/json"))
      return Problem(415, "this route takes a JSON body: send Content-Type: application/json");
  }
  request.principal = std::move(p);
  return std::nullopt;
}

AccessCheck AccessControl::AdminCheck() {
  return [this](Request& request, const Route& route) { return Authenticate(request, route); };
}

AccessCheck AccessControl::MachineCheck() {
  return [this](Request& request, const Route& route) -> std::optional<Response> {
    const Timestamp now = Now();
    auto index = Index();
    Principal& p = request.principal;
    p.kind = PrincipalKind::kEndpoint;
    p.via = "network";
    p.address = request.origin.client_address;
    const Permission perm = route.options.permission;
    if (perm == Permission::kDeployment) {
      if (index->endpoint_keys == 0) return std::nullopt;
      std::string id(request.Param("id").value_or(""));
      auto sent = request.headers.Get("X-Deployment-Token");
      std::string want = DeploymentToken(id);
      if (!sent || want.empty() || !ConstantTimeEquals(Trim(*sent), want))
        return Unauthorized("this deployment's calls need its X-Deployment-Token (the deployment_token its start "
                            "answered); a token of another deployment is refused");
      p.via = "deployment-token";
      p.deployment_id = id;
      return std::nullopt;
    }
    const bool variables = perm == Permission::kVariables;
    size_t keys = index->endpoint_keys + (variables ? index->variables_keys : 0);
    if (keys == 0) return std::nullopt;  // unkeyed: the old bundles keep working
    std::string_view key;
    if (auto h = request.headers.Get("X-Provision-Key")) key = Trim(*h);
    else if (request.method == "GET" || request.method == "HEAD") key = request.Query("key").value_or("");
    if (key.empty())
      return Unauthorized("this service requires an endpoint key: send the header X-Provision-Key (or ?key= on "
                          "GET routes); see provisiond endpoint-keys");
    const Entry* e = variables ? Find(*index, key, {"endpoint-key", "variables-key"}, now)
                               : Find(*index, key, {"endpoint-key"}, now);
    if (!e) return Unauthorized("the endpoint key is unknown, expired or revoked");
    p.name = e->credential.id;
    p.via = "endpoint-key";
    p.credential_id = e->credential.id;
    Touch(*e, now);
    return std::nullopt;
  };
}

void AccessControl::Install(Router& router) {
  router.AddAccessCheck(RouteGroup::kMachine, gate_.Check());
  router.AddAccessCheck(RouteGroup::kMachine, MachineCheck());
  router.AddAccessCheck(RouteGroup::kContent, gate_.Check());
  router.AddAccessCheck(RouteGroup::kAdmin, AdminCheck());
}

// ---- sign-in --------------------------------------------------------------

Result<IssuedSecret> AccessControl::Issue(std::string_view kind, std::string_view subject, std::string_view role,
                                          std::optional<std::chrono::milliseconds> expires, std::string_view note) {
  if (kind == "token" && ParseRole(role) == Role::kNone)
    return Status::BadField("role", "'" + std::string(role) + "' is not a role; use admin, operator or viewer");
  if (kind == "token" && Trim(role).empty()) return Status::BadField("role", "required for a token");
  PV_ASSIGN_OR_RETURN(std::string secret, pki::NewSecret(SecretPrefix(kind)));
  PV_ASSIGN_OR_RETURN(std::string id, pki::RandomHex(4));
  const Timestamp now = Now();
  model::Credential c;
  c.id = std::string(IdPrefix(kind)) + id;
  c.kind = std::string(kind);
  c.subject = std::string(subject);
  c.role = kind == "token" || kind == "session" ? ToLower(Trim(role)) : "";
  c.secret_hash = HashOf(secret);
  c.created = FormatIso8601(now);
  if (expires) c.expires = FormatIso8601(now + *expires);
  c.note = std::string(note);
  if (kind == "session") {
    auto snap = store_->Snapshot();  // held: `u` points into it
    if (const model::User* u = snap->FindUser(subject)) c.subject_version = u->version;
  }
  PV_RETURN_IF_ERROR(store_->AddCredential(c));
  return IssuedSecret{std::move(secret), std::move(c)};
}

Status AccessControl::Revoke(std::string_view id) {
  PV_ASSIGN_OR_RETURN(size_t n, store_->RemoveCredentials([id](const model::Credential& c) { return c.id == id; }));
  if (n == 0) return Status::NotFound("no token, key or session with id '" + std::string(id) + "'");
  return Status::Ok();
}

Result<SignIn> AccessControl::ChangeOwnPassword(const Principal& principal, std::string_view current,
                                                std::string_view password, const Request& request) {
  if (principal.via != "session")
    return Status::PermissionDenied("only a signed-in user changes their own password (a token has none)");
  const Timestamp now = Now();
  const std::string& address = request.origin.client_address;
  if (int64_t wait = limiter_.RetryAfter(principal.name, address, now); wait > 0)
    return Status::Unavailable("too many failed attempts; try again in " + std::to_string(wait) + " s");
  auto snap = store_->Snapshot();
  const model::User* u = snap->FindUser(principal.name);
  if (u == nullptr) return Status::NotFound("no user '" + principal.name + "'");
  auto check = current.empty() ? Result<pki::PasswordCheck>(pki::PasswordCheck{})
                               : pki::VerifyPassword(current, u->password_hash, options_.argon2);
  if (!check.ok() || !check->match) {
    limiter_.Failed(principal.name, address, now);
    model::AuditEntry e;
    e.action = "password.change";
    e.actor = principal.name;
    e.target = principal.name;
    e.outcome = "wrong current password";
    Audit(std::move(e), &request);
    return Status::BadField("current", "is not your current password");
  }
  PV_RETURN_IF_ERROR(SetUser(principal.name, std::string(password), std::nullopt, std::nullopt, false).status());
  return Login(principal.name, password, request);
}

Result<SignIn> AccessControl::Login(std::string_view username, std::string_view password, const Request& request) {
  const Timestamp now = Now();
  const std::string& address = request.origin.client_address;
  std::string typed(Trim(username).substr(0, 64));
  model::AuditEntry entry;
  entry.action = "login.failed";
  entry.target = typed;
  entry.actor = typed;
  if (int64_t wait = limiter_.RetryAfter(typed, address, now); wait > 0) {
    entry.outcome = "locked out";
    Audit(entry, &request);
    return Status::Unavailable("too many failed sign-ins; try again in " + std::to_string(wait) + " s");
  }
  auto snap = store_->Snapshot();
  const model::User* u = snap->FindUser(typed);
  std::string stored = u ? u->password_hash : std::string();
  if (stored.empty() || pki::SchemeOf(stored) == pki::PasswordScheme::kEmpty) {
    // Unknown user or an empty hash: the same work as a real check, so the
    // time does not tell whether the user exists.
    std::call_once(dummy_once_, [this] {
      auto h = pki::HashPassword("provisiond-dummy-password", options_.argon2);
      dummy_hash_ = h.ok() ? *h : std::string();
    });
    (void)pki::VerifyPassword(password.empty() ? "x" : password, dummy_hash_, options_.argon2);
    stored.clear();
  }
  auto check = stored.empty() || password.empty() ? Result<pki::PasswordCheck>(pki::PasswordCheck{})
                                                  : pki::VerifyPassword(password, stored, options_.argon2);
  if (!check.ok()) LogWarning("users.csv: a password hash cannot be used", {{"user", typed}, {"error", check.status().message()}});
  bool ok = u && !u->disabled && ParseRole(u->role) != Role::kNone && check.ok() && check->match;
  if (!ok) {
    limiter_.Failed(typed, address, now);
    entry.outcome = u && u->disabled ? "disabled" : "refused";
    Audit(entry, &request);
    return Status::Unauthenticated("wrong user name or password");
  }
  limiter_.Succeeded(typed);
  SignIn out;
  out.user = *u;
  if (check->needs_rehash) {
    auto fresh = pki::HashPassword(password, options_.argon2);
    if (fresh.ok()) {
      model::User next = *u;
      next.password_hash = *fresh;
      auto stored_user = store_->PutUser(next, u->version);
      if (stored_user.ok()) {
        out.user = *stored_user;
        out.rehashed = true;
      } else {
        LogWarning("users.csv: the old password hash could not be replaced", {{"user", u->username},
                                                                              {"error", stored_user.status().message()}});
      }
    }
  }
  PV_ASSIGN_OR_RETURN(out.session, Issue("session", out.user.username, RoleName(ParseRole(out.user.role)),
                                         std::nullopt, "signed in from " + address));
  out.csrf = CsrfFor(out.session.secret);
  entry.action = "login";
  entry.actor = out.user.username;
  entry.role = std::string(RoleName(ParseRole(out.user.role)));
  entry.target = out.user.username;
  entry.outcome = out.rehashed ? "ok (password hash upgraded to argon2id)" : "ok";
  Audit(entry, &request);
  return out;
}

int64_t AccessControl::LoginRetryAfter(std::string_view username, const Request& request) {
  return limiter_.RetryAfter(Trim(username).substr(0, 64), request.origin.client_address, Now());
}

Status AccessControl::Logout(const Principal& principal) {
  if (principal.via != "session" || principal.credential_id.empty()) return Status::Ok();
  auto n = store_->RemoveCredentials(
      [&](const model::Credential& c) { return c.kind == "session" && c.id == principal.credential_id; });
  return n.ok() ? Status::Ok() : n.status();
}

// ---- users ----------------------------------------------------------------

Result<model::User> AccessControl::SetUser(std::string_view username, std::optional<std::string> password,
                                           std::optional<std::string> role, std::optional<bool> disabled,
                                           bool create) {
  auto snap = store_->Snapshot();
  const model::User* old = snap->FindUser(username);
  if (create && old) return Status::Conflict("user '" + old->username + "' exists; change it with passwd/role");
  if (!create && !old) return Status::NotFound("no user '" + std::string(Trim(username)) + "'");
  model::User u = old ? *old : model::User{};
  if (!old) u.username = std::string(Trim(username));
  if (password) {
    if (password->size() < kMinPasswordLength)
      return Status::BadField("password", "too short: at least " + std::to_string(kMinPasswordLength) +
                                              " characters");
    PV_ASSIGN_OR_RETURN(u.password_hash, pki::HashPassword(*password, options_.argon2));
  }
  if (role) u.role = *role;
  if (disabled) u.disabled = *disabled;
  if (create && u.role.empty()) u.role = "viewer";
  return store_->PutUser(std::move(u), old ? std::optional<uint64_t>(old->version) : std::nullopt);
}

Status AccessControl::SetFirstAdminPassword(std::string_view password) {
  bool exists = store_->Snapshot()->FindUser("admin") != nullptr;
  auto u = SetUser("admin", std::string(password), std::string("admin"), false, !exists);
  if (!u.ok()) return u.status();
  model::AuditEntry e;
  e.actor = "environment";
  e.action = "setup.env";
  e.target = "admin";
  e.outcome = "ok";
  Audit(std::move(e));
  return Status::Ok();
}

bool AccessControl::HasUsableAdmin() const {
  for (auto snap = store_->Snapshot(); const auto& u : snap->users) {
    auto scheme = pki::SchemeOf(u.password_hash);
    if (ParseRole(u.role) == Role::kAdmin && !u.disabled && scheme != pki::PasswordScheme::kEmpty &&
        scheme != pki::PasswordScheme::kUnknown)
      return true;
  }
  return false;
}

std::optional<std::string> AccessControl::BeginSetup() {
  if (HasUsableAdmin()) return std::nullopt;
  auto token = pki::NewSecret("pvsetup_", 24);
  if (!token.ok()) return std::nullopt;
  std::lock_guard lock(setup_mu_);
  setup_hash_ = HashOf(*token);
  setup_expires_ = Now() + std::chrono::duration_cast<std::chrono::milliseconds>(kSetupValidity);
  return *token;
}

Result<model::User> AccessControl::CompleteSetup(std::string_view token, std::string_view username,
                                                 std::string_view password) {
  {
    std::lock_guard lock(setup_mu_);
    if (setup_hash_.empty() || Now() >= setup_expires_ || !ConstantTimeEquals(HashOf(token), setup_hash_))
      return Status::PermissionDenied("the setup token is wrong, used or expired (it is printed once in the log "
                                      "at start; restart the service for a new one)");
    setup_hash_.clear();  // one use, even if what follows fails
  }
  std::string name = Trim(username).empty() ? std::string("admin") : std::string(Trim(username));
  bool exists = store_->Snapshot()->FindUser(name) != nullptr;
  return SetUser(name, std::string(password), std::string("admin"), false, !exists);
}

// ---- audit, flush ---------------------------------------------------------

void AccessControl::Audit(model::AuditEntry e, const Request* request) {
  e.at = Now();
  if (request) {
    if (e.address.empty()) e.address = request->origin.client_address;
    if (e.actor.empty()) e.actor = request->principal.AuditName();
    if (e.role.empty()) e.role = std::string(RoleName(request->principal.role));
    if (e.request_id.empty()) e.request_id = request->request_id;
  }
  if (Status s = store_->AppendAudit(std::move(e)); !s.ok())
    LogError("audit entry not written", {{"error", s.message()}});
}

Status AccessControl::Flush() {
  // Last use is stored to kLastUseStep: every write publishes a new
  // snapshot, which costs every route's per-snapshot caches a rebuild, so a
  // key in constant use must not rewrite credentials.csv every few seconds.
  // (Idle expiry reads the in-memory value; after a restart a session may
  // end up to kLastUseStep early.)
  constexpr auto kLastUseStep = std::chrono::minutes(5);
  std::vector<std::pair<std::string, std::string>> batch;
  {
    auto snap = store_->Snapshot();
    std::lock_guard lock(touch_mu_);
    for (auto it = touched_.begin(); it != touched_.end();) {
      const model::Credential* c = snap->FindCredential(it->first);
      bool due = !c || c->last_used.empty() || it->second - ParsedOr(c->last_used, Timestamp{}) >= kLastUseStep;
      if (!due) {
        ++it;
        continue;
      }
      if (c) batch.emplace_back(it->first, FormatIso8601(it->second));
      it = touched_.erase(it);
    }
  }
  Status first = store_->TouchCredentials(batch);
  if (Status s = gate_.Flush(); !s.ok() && first.ok()) first = s;
  const Timestamp now = Now();
  auto index = Index();
  auto ended = store_->RemoveCredentials(
      [&](const model::Credential& c) {
        if (c.kind != "session") return false;
        auto it = index->by_hash.find(c.secret_hash);
        return !SessionAlive(c, it == index->by_hash.end() ? UseCell() : it->second.last_use, now);
      });
  if (!ended.ok() && first.ok()) first = ended.status();
  return first;
}

}  // namespace provisiond::api::access

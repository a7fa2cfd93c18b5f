#include "api/access/routes.h"

#include <boost/json.hpp>

#include "api/endpoint/json_in.h"
#include "api/endpoint/json_writer.h"
#include "api/problem.h"
#include "base/strings.h"
#include "store/csv/csv_codec.h"

namespace provisiond::api::access {
namespace {

namespace json = boost::json;
using endpoint::JsonResponse;
using endpoint::JsonWriter;
using endpoint::ParseObject;
using endpoint::ReadInt;
using endpoint::ReadString;
using endpoint::RejectUnknown;

constexpr size_t kMaxField = 1024;

struct Deps {
  std::shared_ptr<AccessControl> access;
  std::shared_ptr<store::Store> store;
  bool file_token_set = false;
};
using DepsPtr = std::shared_ptr<const Deps>;

bool IsSecretKey(std::string_view k) {
  std::string l = ToLower(k);
  return l.find("password") != std::string::npos || l.find("secret") != std::string::npos ||
         l.find("token") != std::string::npos;
}

void Redact(json::value& v) {
  if (v.is_object()) {
    for (auto& [k, x] : v.as_object()) {
      if (IsSecretKey(k)) x = "***";
      else Redact(x);
    }
  } else if (v.is_array()) {
    for (auto& x : v.as_array()) Redact(x);
  }
}

std::string CookieFor(const Request& req, std::string_view value, bool clear) {
  std::string c = std::string(kSessionCookie) + "=" + std::string(value) +
                  "; Path=" + (req.origin.prefix.empty() ? std::string("/") : req.origin.prefix) +
                  "; HttpOnly; SameSite=Strict";
  if (req.origin.scheme == "https" || req.connection.tls) c += "; Secure";
  if (clear) c += "; Max-Age=0";
  return c;
}

model::AuditEntry Event(std::string action, std::string target, std::string outcome) {
  model::AuditEntry e;
  e.action = std::move(action);
  e.target = std::move(target);
  e.outcome = std::move(outcome);
  return e;
}

Response NoContent() {
  Response r;
  r.status = 204;
  return r;
}

// A body from a browser page of another site, or not JSON: refused before
// the password is even read.
std::optional<Response> RefuseForeignBody(const Request& req) {
  auto type = req.headers.Get("Content-Type");
  if (!type || !StartsWithI(Trim(*type), "application/json"))
    return Problem(415, "send the body as JSON with Content-Type: application/json");
  if (auto origin = req.headers.Get("Origin"); origin && !IEquals(Trim(*origin), req.origin.Origin()))
    return Problem(403, "cross-origin sign-in refused: Origin must be " + req.origin.Origin());
  return std::nullopt;
}

void WriteUser(JsonWriter& w, const model::User& u) {
  w.BeginObject();
  w.Key("username").String(u.username);
  w.Key("role").String(RoleName(ParseRole(u.role)));
  w.Key("disabled").Bool(u.disabled);
  w.Key("password_set").Bool(!u.password_hash.empty());
  w.Key("version").Int(static_cast<int64_t>(u.version));
  w.EndObject();
}

void WriteCredential(JsonWriter& w, const model::Credential& c) {
  w.BeginObject();
  w.Key("id").String(c.id);
  w.Key("kind").String(c.kind);
  w.Key("subject").StringOrNull(c.subject);
  w.Key("role").StringOrNull(c.role);
  w.Key("created").StringOrNull(c.created);
  w.Key("expires").StringOrNull(c.expires);
  w.Key("last_used").StringOrNull(c.last_used);
  w.Key("note").StringOrNull(c.note);
  w.EndObject();
}

// ---- /api/v1/auth ---------------------------------------------------------

Response Login(const Deps& d, Request& req) {
  if (auto refused = RefuseForeignBody(req)) return *refused;
  json::object body;
  if (Status s = ParseObject(req.body, &body); !s.ok()) return ToProblem(s);
  std::optional<std::string> user, password;
  if (Status s = RejectUnknown(body, {"username", "password"}); !s.ok()) return ToProblem(s);
  if (Status s = ReadString(body, "username", &user, 256); !s.ok()) return ToProblem(s);
  if (Status s = ReadString(body, "password", &password, kMaxField); !s.ok()) return ToProblem(Status::BadField("password", "must be a string"));
  auto in = d.access->Login(user.value_or(""), password.value_or(""), req);
  if (!in.ok()) {
    if (in.status().code() == StatusCode::kUnavailable) {
      Response r = Problem(429, in.status().message());
      r.headers.Set("Retry-After", std::to_string(std::max<int64_t>(1, d.access->LoginRetryAfter(user.value_or(""), req))));
      return r;
    }
    return ToProblem(in.status());
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("username").String(in->user.username);
  w.Key("role").String(RoleName(ParseRole(in->user.role)));
  w.Key("csrf_token").String(in->csrf);
  w.Key("session_id").String(in->session.credential.id);
  w.EndObject();
  Response r = JsonResponse(200, w.Take());
  r.headers.Add("Set-Cookie", CookieFor(req, in->session.secret, false));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

Response Logout(const Deps& d, Request& req) {
  if (Status s = d.access->Logout(req.principal); !s.ok()) return ToProblem(s);  // audited by the hook
  Response r = NoContent();
  r.headers.Add("Set-Cookie", CookieFor(req, "", true));
  return r;
}

Response Me(const Deps& d, Request& req) {
  JsonWriter w;
  w.BeginObject();
  w.Key("username").String(req.principal.name);
  w.Key("name").String(req.principal.name);  // the first spelling, kept for scripts
  w.Key("role").String(RoleName(req.principal.role));
  w.Key("via").String(req.principal.via);
  if (req.principal.via == "session") w.Key("csrf_token").String(d.access->CsrfFor(SessionSecretOf(req)));
  w.EndObject();
  Response r = JsonResponse(200, w.Take());
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

Response ChangePassword(const Deps& d, Request& req) {
  json::object body;
  if (Status s = ParseObject(req.body, &body); !s.ok()) return ToProblem(s);
  if (Status s = RejectUnknown(body, {"current", "password"}); !s.ok()) return ToProblem(s);
  std::optional<std::string> current, password;
  if (Status s = ReadString(body, "current", &current, kMaxField); !s.ok()) return ToProblem(Status::BadField("current", "must be a string"));
  if (Status s = ReadString(body, "password", &password, kMaxField); !s.ok()) return ToProblem(Status::BadField("password", "must be a string"));
  if (!password || password->empty()) return ToProblem(Status::BadField("password", "required"));
  auto in = d.access->ChangeOwnPassword(req.principal, current.value_or(""), *password, req);
  if (!in.ok()) {
    if (in.status().code() == StatusCode::kUnavailable) return Problem(429, in.status().message());
    return ToProblem(in.status());
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("username").String(in->user.username);
  w.Key("role").String(RoleName(ParseRole(in->user.role)));
  w.Key("csrf_token").String(in->csrf);
  w.EndObject();
  Response r = JsonResponse(200, w.Take());
  r.headers.Add("Set-Cookie", CookieFor(req, in->session.secret, false));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

Response Setup(const Deps& d, Request& req) {
  if (auto refused = RefuseForeignBody(req)) return *refused;
  json::object body;
  if (Status s = ParseObject(req.body, &body); !s.ok()) return ToProblem(s);
  std::optional<std::string> token, user, password;
  if (Status s = RejectUnknown(body, {"token", "username", "password"}); !s.ok()) return ToProblem(s);
  if (Status s = ReadString(body, "token", &token, 256); !s.ok()) return ToProblem(s);
  if (Status s = ReadString(body, "username", &user, 256); !s.ok()) return ToProblem(s);
  if (Status s = ReadString(body, "password", &password, kMaxField); !s.ok()) return ToProblem(Status::BadField("password", "must be a string"));
  if (!password || password->empty()) return ToProblem(Status::BadField("password", "required"));
  auto u = d.access->CompleteSetup(token.value_or(""), user.value_or(""), *password);
  model::AuditEntry e = Event("setup", user.value_or("admin"), u.ok() ? "ok" : u.status().message());
  e.actor = "setup";
  d.access->Audit(std::move(e), &req);
  if (!u.ok()) return ToProblem(u.status());
  JsonWriter w;
  WriteUser(w, *u);
  return JsonResponse(200, w.Take());
}

// ---- users ------------------------------------------------------------------

Response ListUsers(const Deps& d, Request&) {
  JsonWriter w;
  w.BeginObject().Key("users").BeginArray();
  for (auto snap = d.store->Snapshot(); const auto& u : snap->users) WriteUser(w, u);
  w.EndArray().EndObject();
  return JsonResponse(200, w.Take());
}

Response PutUser(const Deps& d, Request& req, bool create) {
  json::object body;
  if (Status s = ParseObject(req.body, &body); !s.ok()) return ToProblem(s);
  if (Status s = RejectUnknown(body, {"username", "password", "role", "disabled"}); !s.ok()) return ToProblem(s);
  std::optional<std::string> name, password, role;
  if (Status s = ReadString(body, "username", &name, 256); !s.ok()) return ToProblem(s);
  if (Status s = ReadString(body, "password", &password, kMaxField); !s.ok()) return ToProblem(Status::BadField("password", "must be a string"));
  if (Status s = ReadString(body, "role", &role, 64); !s.ok()) return ToProblem(s);
  std::optional<bool> disabled;
  if (auto it = body.find("disabled"); it != body.end() && !it->value().is_null()) {
    if (!it->value().is_bool()) return ToProblem(Status::BadField("disabled", "must be true or false"));
    disabled = it->value().as_bool();
  }
  std::string username = create ? name.value_or("") : std::string(req.Param("name").value_or(""));
  if (create && !password) return ToProblem(Status::BadField("password", "required for a new user"));
  auto snap = d.store->Snapshot();  // held: `old` points into it
  if (const model::User* old = snap->FindUser(username))
    req.audit.before = "role=" + std::string(RoleName(ParseRole(old->role))) + " disabled=" + (old->disabled ? "1" : "0");
  req.audit.target = username;
  auto u = d.access->SetUser(username, password, role, disabled, create);
  if (!u.ok()) return ToProblem(u.status());
  req.audit.after = "role=" + std::string(RoleName(ParseRole(u->role))) + " disabled=" + (u->disabled ? "1" : "0") +
                    (password ? " password changed" : "");
  JsonWriter w;
  WriteUser(w, *u);
  return JsonResponse(create ? 201 : 200, w.Take());
}

Response DeleteUser(const Deps& d, Request& req) {
  std::string name(req.Param("name").value_or(""));
  auto snap = d.store->Snapshot();  // held: `u` points into it
  const model::User* u = snap->FindUser(name);
  if (!u) return ToProblem(Status::NotFound("no user '" + name + "'"));
  if (Status s = d.store->DeleteUser(name, u->version); !s.ok()) return ToProblem(s);
  return NoContent();
}

// ---- tokens and keys --------------------------------------------------------

Response ListCredentials(const Deps& d, std::initializer_list<std::string_view> kinds) {
  JsonWriter w;
  w.BeginObject().Key("items").BeginArray();
  for (auto snap = d.store->Snapshot(); const auto& c : snap->credentials)
    if (std::find(kinds.begin(), kinds.end(), c.kind) != kinds.end()) WriteCredential(w, c);
  w.EndArray().EndObject();
  return JsonResponse(200, w.Take());
}

Response CreateCredential(const Deps& d, Request& req, std::string_view default_kind) {
  json::object body;
  if (Status s = ParseObject(req.body, &body); !s.ok()) return ToProblem(s);
  if (Status s = RejectUnknown(body, {"role", "expires_days", "note", "kind", "name"}); !s.ok()) return ToProblem(s);
  std::optional<std::string> role, note, kind, name;
  std::optional<int64_t> days;
  if (Status s = ReadString(body, "role", &role, 64); !s.ok()) return ToProblem(s);
  if (Status s = ReadString(body, "note", &note, 256); !s.ok()) return ToProblem(s);
  if (Status s = ReadString(body, "kind", &kind, 64); !s.ok()) return ToProblem(s);
  if (Status s = ReadString(body, "name", &name, 128); !s.ok()) return ToProblem(s);
  if (Status s = ReadInt(body, "expires_days", &days, 1, 3650); !s.ok()) return ToProblem(s);
  std::string k = kind.value_or(std::string(default_kind));
  if (default_kind == "token" && k != "token") return ToProblem(Status::BadField("kind", "must be token here"));
  if (default_kind != "token" && k != "endpoint-key" && k != "variables-key")
    return ToProblem(Status::BadField("kind", "must be endpoint-key or variables-key"));
  std::optional<std::chrono::milliseconds> expires;
  if (days) expires = std::chrono::hours(24) * *days;
  std::string subject = name.value_or(req.principal.AuditName());
  auto issued = d.access->Issue(k, subject, role.value_or(""), expires, note.value_or(""));
  if (!issued.ok()) return ToProblem(issued.status());
  req.audit.target = issued->credential.id;
  req.audit.after = k + (role ? " role=" + *role : std::string()) + (days ? " expires_days=" + std::to_string(*days) : "");
  JsonWriter w;
  w.BeginObject();
  w.Key("secret").String(issued->secret);
  w.Key("credential");
  WriteCredential(w, issued->credential);
  w.Key("note").String("the secret is shown once; store it now");
  w.EndObject();
  Response r = JsonResponse(201, w.Take());
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

Response RevokeCredential(const Deps& d, Request& req) {
  std::string id(req.Param("id").value_or(""));
  req.audit.target = id;
  if (Status s = d.access->Revoke(id); !s.ok()) return ToProblem(s);
  return NoContent();
}

// ---- networks ---------------------------------------------------------------

Response ListNetworks(const Deps& d, Request&) {
  JsonWriter w;
  w.BeginObject();
  w.Key("gate").String(d.access->gate().enabled() ? "on" : "off (networks.csv has no rows)");
  w.Key("networks").BeginArray();
  for (auto snap = d.store->Snapshot(); const auto& n : snap->networks) {
    w.BeginObject();
    w.Key("network").String(n.network);
    w.Key("kind").String(n.kind);
    w.Key("status").String(n.status);
    w.Key("first_seen").StringOrNull(n.first_seen);
    w.Key("last_seen").StringOrNull(n.last_seen);
    w.Key("hits").String(n.hits);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return JsonResponse(200, w.Take());
}

Response PutNetwork(const Deps& d, Request& req) {
  json::object body;
  if (Status s = ParseObject(req.body, &body); !s.ok()) return ToProblem(s);
  if (Status s = RejectUnknown(body, {"network", "status", "kind"}); !s.ok()) return ToProblem(s);
  std::optional<std::string> network, status, kind;
  if (Status s = ReadString(body, "network", &network, 64); !s.ok()) return ToProblem(s);
  if (Status s = ReadString(body, "status", &status, 16); !s.ok()) return ToProblem(s);
  if (Status s = ReadString(body, "kind", &kind, 16); !s.ok()) return ToProblem(s);
  if (!network) return ToProblem(Status::BadField("network", "required, e.g. 10.0.0.0/8"));
  for (auto snap = d.store->Snapshot(); const auto& n : snap->networks)
    if (n.network == Trim(*network)) req.audit.before = n.status;
  req.audit.target = *network;
  auto n = d.store->PutNetwork({*network, kind.value_or(""), status.value_or("Allow"), "", "", "", {}});
  if (!n.ok()) return ToProblem(n.status());
  req.audit.after = n->status;
  JsonWriter w;
  w.BeginObject().Key("network").String(n->network).Key("status").String(n->status).Key("kind").String(n->kind);
  w.EndObject();
  return JsonResponse(200, w.Take());
}

Response DeleteNetwork(const Deps& d, Request& req) {
  std::string network(req.Query("network").value_or(""));
  req.audit.target = network;
  if (network.empty()) return ToProblem(Status::BadField("network", "give ?network=CIDR"));
  if (Status s = d.store->DeleteNetwork(network); !s.ok()) return ToProblem(s);
  return NoContent();
}

// ---- audit ------------------------------------------------------------------

Response ListAudit(const Deps& d, Request& req) {
  store::AuditQuery q;
  q.actor = std::string(req.Query("actor").value_or(""));
  q.action = std::string(req.Query("action").value_or(""));
  q.text = std::string(req.Query("q").value_or(""));
  for (auto [name, out] : {std::pair{"from", &q.from}, std::pair{"to", &q.to}}) {
    if (auto v = req.Query(name)) {
      auto t = ParseIso8601(*v);
      if (!t) return ToProblem(Status::BadField(name, "not a date; write 2026-12-03 or 2026-12-03T10:00:00Z"));
      *out = *t;
    }
  }
  for (auto [name, out] : {std::pair{"offset", &q.offset}, std::pair{"limit", &q.limit}}) {
    if (auto v = req.Query(name)) {
      char* end = nullptr;
      unsigned long long x = std::strtoull(std::string(*v).c_str(), &end, 10);
      if (v->empty() || *end != '\0') return ToProblem(Status::BadField(name, "must be a whole number"));
      *out = static_cast<size_t>(x);
    }
  }
  bool csv = req.Query("format").value_or("") == "csv";
  if (csv && !req.Query("limit")) q.limit = 0;
  auto page = d.store->ListAudit(q);
  if (!page.ok()) return ToProblem(page.status());
  if (csv) {
    store::CsvTable t;
    t.header = {"at", "actor", "role", "address", "action", "route", "target", "before", "after", "outcome",
                "request_id"};
    for (const auto& e : page->items)
      t.rows.push_back({FormatIso8601(e.at), e.actor, e.role, e.address, e.action, e.route, e.target, e.before,
                        e.after, e.outcome, e.request_id});
    store::CsvWriteOptions wo;
    wo.neutralize_formulas = true;
    wo.bom = true;
    Response r = Response::Text(200, store::WriteCsv(t, wo), "text/csv; charset=utf-8");
    r.headers.Set("Content-Disposition", "attachment; filename=\"audit.csv\"");
    return r;
  }
  JsonWriter w(4096);
  w.BeginObject();
  w.Key("total").Int(static_cast<int64_t>(page->total));
  w.Key("items").BeginArray();
  for (const auto& e : page->items) {
    w.BeginObject();
    w.Key("at").String(FormatIso8601(e.at));
    w.Key("actor").StringOrNull(e.actor);
    w.Key("role").StringOrNull(e.role);
    w.Key("address").StringOrNull(e.address);
    w.Key("action").String(e.action);
    w.Key("route").StringOrNull(e.route);
    w.Key("target").StringOrNull(e.target);
    w.Key("before").StringOrNull(e.before);
    w.Key("after").StringOrNull(e.after);
    w.Key("outcome").StringOrNull(e.outcome);
    w.Key("request_id").StringOrNull(e.request_id);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return JsonResponse(200, w.Take());
}

Response AccessStatus(const Deps& d, Request&) {
  auto snap = d.store->Snapshot();
  JsonWriter w;
  w.BeginObject();
  w.Key("network_gate").String(d.access->gate().enabled() ? "on" : "off");
  w.Key("machine_routes_keyed").Bool(d.access->MachineRoutesKeyed());
  w.Key("usable_admin").Bool(d.access->HasUsableAdmin());
  w.Key("file_token").Bool(d.file_token_set);
  w.Key("users").Int(static_cast<int64_t>(snap->users.size()));
  w.Key("warnings").Strings(d.access->Warnings());
  w.EndObject();
  return JsonResponse(200, w.Take());
}

}  // namespace

model::AuditEntry AuditEntryFor(const Request& req, const Route& route, const Response& res) {
  model::AuditEntry e;
  e.action = ToLower(route.method) + " " + route.pattern;
  e.route = route.method + " " + route.pattern;
  e.target = req.audit.target;
  if (e.target.empty()) {
    for (const auto& [k, v] : req.params) e.target += (e.target.empty() ? "" : " ") + k + "=" + v;
  }
  e.before = req.audit.before;
  e.after = req.audit.after;
  if (e.after.empty() && !req.body.empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(req.body, ec);
    if (!ec) {
      Redact(v);
      e.after = json::serialize(v);
      if (e.after.size() > 4096) e.after = e.after.substr(0, 4096) + "...";
    } else {
      e.after = "(" + std::to_string(req.body.size()) + " bytes, not JSON)";
    }
  }
  if (e.after.empty() && req.body_sink) e.after = "(uploaded body)";
  e.outcome = res.status < 400 ? "ok" : std::to_string(res.status);
  return e;
}

void RegisterAccessRoutes(Router& router, AccessRoutesOptions options) {
  auto d = std::make_shared<const Deps>(Deps{options.access, options.store, options.file_token_set});
  auto bind = [d](Response (*f)(const Deps&, Request&)) { return [d, f](Request& r) { return f(*d, r); }; };
  auto opts = [](RouteGroup g, Permission p, std::string summary, bool blocking) {
    RouteOptions o;
    o.group = g;
    o.permission = p;
    o.summary = std::move(summary);
    o.blocking = blocking;
    o.max_body_bytes = 16 * 1024;
    return o;
  };
  using G = RouteGroup;
  using P = Permission;
  router.Add("POST", "/api/v1/auth/login", bind(Login),
             opts(G::kPublic, P::kAnyone, "sign in {username,password}: session cookie + csrf_token", true));
  router.Add("POST", "/api/v1/auth/setup", bind(Setup),
             opts(G::kPublic, P::kAnyone, "first start: set the admin password with the one-time setup token", true));
  router.Add("POST", "/api/v1/auth/logout", bind(Logout), opts(G::kAdmin, P::kSignedIn, "end this session", true));
  router.Add("PUT", "/api/v1/auth/password", bind(ChangePassword),
             opts(G::kAdmin, P::kSignedIn, "change your own password {current,password}: a new session", true));
  router.Add("GET", "/api/v1/auth/me", bind(Me), opts(G::kAdmin, P::kSignedIn, "who am I: name, role, csrf_token", false));
  const std::string a = "/api/v1/admin";
  router.Add("GET", a + "/access", bind(AccessStatus),
             opts(G::kAdmin, P::kViewer, "access status: network gate, keys, usable admin, warnings", false));
  router.Add("GET", a + "/users", bind(ListUsers), opts(G::kAdmin, P::kAdmin, "users (no hashes)", false));
  router.Add("POST", a + "/users", [d](Request& r) { return PutUser(*d, r, true); },
             opts(G::kAdmin, P::kAdmin, "create a user {username,password,role}", true));
  router.Add("PUT", a + "/users/{name}", [d](Request& r) { return PutUser(*d, r, false); },
             opts(G::kAdmin, P::kAdmin, "change a user {password?,role?,disabled?}; ends their sessions", true));
  router.Add("DELETE", a + "/users/{name}", bind(DeleteUser), opts(G::kAdmin, P::kAdmin, "delete a user", true));
  router.Add("GET", a + "/tokens", [d](Request&) { return ListCredentials(*d, {"token"}); },
             opts(G::kAdmin, P::kAdmin, "API tokens with last use (never the secret)", false));
  router.Add("POST", a + "/tokens", [d](Request& r) { return CreateCredential(*d, r, "token"); },
             opts(G::kAdmin, P::kAdmin, "create an API token {role,expires_days?,note?}: secret shown once", true));
  router.Add("DELETE", a + "/tokens/{id}", bind(RevokeCredential), opts(G::kAdmin, P::kAdmin, "revoke an API token", true));
  router.Add("GET", a + "/endpoint-keys", [d](Request&) { return ListCredentials(*d, {"endpoint-key", "variables-key"}); },
             opts(G::kAdmin, P::kAdmin, "endpoint bundle keys and variables keys", false));
  router.Add("POST", a + "/endpoint-keys", [d](Request& r) { return CreateCredential(*d, r, "endpoint-key"); },
             opts(G::kAdmin, P::kAdmin, "create a bundle key {kind?,name?,expires_days?}: secret shown once", true));
  router.Add("DELETE", a + "/endpoint-keys/{id}", bind(RevokeCredential),
             opts(G::kAdmin, P::kAdmin, "revoke a bundle key", true));
  router.Add("GET", a + "/networks", bind(ListNetworks), opts(G::kAdmin, P::kViewer, "networks.csv rows and the gate state", false));
  router.Add("PUT", a + "/networks", bind(PutNetwork),
             opts(G::kAdmin, P::kAdmin, "allow or block a network {network,status,kind?}", true));
  router.Add("DELETE", a + "/networks", bind(DeleteNetwork), opts(G::kAdmin, P::kAdmin, "remove a network row (?network=CIDR)", true));
  router.Add("GET", a + "/audit", bind(ListAudit),
             opts(G::kAdmin, P::kAdmin, "audit log (actor, action, q, from, to, offset, limit; format=csv)", true));
  router.SetAuditHook([access = options.access](const Request& req, const Route& route, const Response& res) {
    access->Audit(AuditEntryFor(req, route, res), &req);
  });
}

}  // namespace provisiond::api::access

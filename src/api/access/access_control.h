// AccessControl: who may call what, for every route group, and the
// credentials behind it: users (users.csv), sessions, API tokens and
// endpoint bundle keys (credentials.csv, secrets stored as SHA-256 only),
// the networks.csv gate, failed-login limits, the first-start setup token
// and per-deployment tokens. Install() puts its checks on a router.
//
// The checks run on I/O threads: they read the store's snapshot and this
// object's memory, never the disk. What they learn (last use of a
// credential, new source networks) is written by Flush(), which the server
// calls every few seconds and at stop. Login, Issue, Revoke... write to the
// store: call them from blocking routes or the CLI.
// Safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/access/login_limiter.h"
#include "api/access/network_gate.h"
#include "api/router.h"
#include "base/cidr.h"
#include "pki/password_hash.h"
#include "store/store.h"

namespace provisiond::api::access {

inline constexpr std::string_view kSessionCookie = "provisiond_session";

// The session cookie's value in the request's Cookie header(s), or empty.
std::string_view SessionSecretOf(const Request& request);

struct AccessOptions {
  std::chrono::milliseconds session_idle{30 * 60 * 1000};        // auth.session_idle
  std::chrono::milliseconds session_absolute{12 * 3600 * 1000};  // auth.session_absolute
  LoginLimits limits;
  pki::Argon2Params argon2;
  // Trusted reverse-proxy sign-in (IIS Windows Authentication, nginx
  // auth_request): the header naming the user, believed only from a peer in
  // trusted_proxies. "" turns it off.
  std::string proxy_user_header;
  std::string proxy_groups_header;           // comma/semicolon list of groups; "" none
  std::map<std::string, std::string> proxy_roles;  // user or group (lower-cased) -> role
  CidrList trusted_proxies;
  CidrList admin_networks;                   // empty: admin routes not gated by address
  // Key of the per-deployment tokens (HMAC-SHA256), shared by every
  // instance of one site. Called once, when the first token is needed
  // (only keyed sites need one); an error makes every token check fail.
  std::function<Result<std::string>()> deployment_secret;
  std::function<Timestamp()> clock;          // default: Now()
  // Hex SHA-256 of the token that may scrape GET /metrics (and nothing
  // else) as a bearer; "" none: only admins may.
  std::string metrics_token_sha256;
};

// A new secret and the credential that stands for it. The secret is shown
// once and never stored.
struct IssuedSecret {
  std::string secret;
  model::Credential credential;
};

struct SignIn {
  IssuedSecret session;  // secret: the cookie value
  std::string csrf;      // the X-CSRF-Token value for this session
  model::User user;
  bool rehashed = false;  // an old-scheme hash was replaced by argon2id
};

class AccessControl {
 public:
  AccessControl(std::shared_ptr<store::Store> store, AccessOptions options);

  // The checks of every group: public routes declare kAnyone; machine:
  // network gate, then endpoint keys; content: network gate (the file token
  // is added by the content routes); admin: admin networks, credentials,
  // role, CSRF.
  void Install(Router& router);
  NetworkGate& gate() { return gate_; }

  // ---- sign-in (blocking: argon2id) -----------------------------------
  // Unauthenticated with one message for a wrong password, an unknown or
  // disabled user and an empty password; Unavailable ("try again in N s")
  // while locked out. Replaces an old-scheme hash on success.
  Result<SignIn> Login(std::string_view username, std::string_view password, const Request& request);
  // Seconds until `username` may try again from `request`'s address (0: now).
  int64_t LoginRetryAfter(std::string_view username, const Request& request);
  // Removes the session the principal signed in with (no-op otherwise).
  Status Logout(const Principal& principal);
  // X-CSRF-Token of a session (derived from its secret, not stored).
  std::string CsrfFor(std::string_view session_secret) const;

  // ---- users ----------------------------------------------------------
  // Creates or changes a user; a new password is hashed here (argon2id).
  // Any change ends the user's sessions (they carry the row's version).
  Result<model::User> SetUser(std::string_view username, std::optional<std::string> password,
                              std::optional<std::string> role, std::optional<bool> disabled, bool create);
  // The signed-in user (a session, not a token) changes their own password:
  // BadField "current" when it is wrong (counted like a failed sign-in), the
  // new one checked like SetUser's. Every session of the user ends; the
  // answer is a fresh one for this browser. Audited.
  Result<SignIn> ChangeOwnPassword(const Principal& principal, std::string_view current, std::string_view password,
                                   const Request& request);
  // Sets (or creates) user "admin" with role admin and `password`: the
  // first start from PROVISIOND_ADMIN_PASSWORD. Audited.
  Status SetFirstAdminPassword(std::string_view password);
  // True when an enabled admin with a usable password exists.
  bool HasUsableAdmin() const;

  // ---- first start ------------------------------------------------------
  // With no usable admin: a one-time setup token (valid 1 h, one use) to
  // print in the log; nullopt when an admin exists.
  std::optional<std::string> BeginSetup();
  // Sets the admin password with the setup token; PermissionDenied for a
  // wrong, used or expired token.
  Result<model::User> CompleteSetup(std::string_view token, std::string_view username, std::string_view password);

  // ---- tokens and keys ---------------------------------------------------
  // kind: "token" (role required), "endpoint-key" or "variables-key".
  // expires: nullopt never.
  Result<IssuedSecret> Issue(std::string_view kind, std::string_view subject, std::string_view role,
                             std::optional<std::chrono::milliseconds> expires, std::string_view note);
  // NotFound if no credential has this id.
  Status Revoke(std::string_view id);
  // The token a deployment's later calls must carry (X-Deployment-Token);
  // "" when the secret cannot be had (logged).
  std::string DeploymentToken(std::string_view deployment_id) const;
  // True when endpoint keys exist: machine routes then require one.
  bool MachineRoutesKeyed() const;
  // The gate off, unkeyed machine routes, no admin who can sign in: what an
  // admin should know (status routes, the log at start).
  std::vector<std::string> Warnings();

  // ---- audit ----------------------------------------------------------
  // Appends an entry (address and actor from `request` when given); a failed
  // write is logged, never thrown.
  void Audit(model::AuditEntry entry, const Request* request = nullptr);

  // Last use of credentials and recorded networks, written in one batch
  // each; expired sessions removed.
  Status Flush();

  // The checks, for tests and for Install.
  AccessCheck AdminCheck();
  AccessCheck MachineCheck();

 private:
  // Last use of one credential, shared by the indexes of successive
  // snapshots: a request updates it without a lock.
  using UseCell = std::shared_ptr<std::atomic<int64_t>>;  // ms since the epoch
  struct Entry {
    model::Credential credential;
    UseCell last_use;
  };
  struct CredentialIndex {
    uint64_t generation = 0;
    std::unordered_map<std::string, Entry> by_hash;  // secret_hash -> row
    size_t endpoint_keys = 0;
    size_t variables_keys = 0;
  };
  // The index of the current snapshot, held by this thread's cache (valid
  // until this thread's next call).
  const CredentialIndex* Index() const;
  // The live credential for `secret` of one of `kinds`, or nullopt.
  const Entry* Find(const CredentialIndex& index, std::string_view secret,
                    std::initializer_list<std::string_view> kinds, Timestamp now) const;
  // Find in the current index; on a miss, once more after Store::CatchUp().
  const Entry* FindCatchingUp(std::string_view secret, std::initializer_list<std::string_view> kinds,
                              Timestamp now) const;
  bool SessionAlive(const model::Credential& c, const UseCell& last_use, Timestamp now) const;
  void Touch(const Entry& e, Timestamp now);
  std::optional<Response> Authenticate(Request& request, const Route& route);
  std::optional<Response> CheckCsrf(const Request& request) const;
  std::optional<Principal> ProxyUser(const Request& request) const;
  Timestamp Now() const { return options_.clock(); }

  std::shared_ptr<store::Store> store_;
  AccessOptions options_;
  NetworkGate gate_;
  LoginLimiter limiter_;
  const uint64_t instance_;  // unique per object: keys the per-thread index cache
  mutable std::mutex index_mu_;
  mutable std::shared_ptr<const CredentialIndex> index_;  // guarded by index_mu_
  mutable std::unordered_map<std::string, UseCell> cells_;  // by credential id; guarded by index_mu_
  mutable std::mutex touch_mu_;
  std::unordered_map<std::string, Timestamp> touched_;    // id -> last use; guarded by touch_mu_
  std::mutex setup_mu_;
  std::string setup_hash_;  // SHA-256 of the setup token; "" none or used
  Timestamp setup_expires_{};
  mutable std::once_flag secret_once_;
  mutable std::string deployment_secret_;  // set once by secret_once_
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // verified for unknown users: the same time as a real check
};

}  // namespace provisiond::api::access

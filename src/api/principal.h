// Who is calling, as the access checks established it, and what a route
// needs. Handlers read Request::principal; they never derive it again.
#pragma once

#include <string>
#include <string_view>

namespace provisiond::api {

// Admin roles, weakest first: each includes what the weaker ones may do.
enum class Role { kNone = 0, kViewer = 1, kOperator = 2, kAdmin = 3 };
std::string_view RoleName(Role r);  // "viewer"...; "" for kNone
// "admin" | "operator" | "viewer" (any case); "" is admin (the original's
// users.csv has no role column). kNone for anything else.
Role ParseRole(std::string_view text);

enum class PrincipalKind {
  kAnonymous,
  kUser,       // a signed-in person: session cookie or trusted proxy header
  kApiToken,   // Authorization: Bearer <API token>
  kEndpoint,   // a machine: network gate passed, bundle key when configured
  kFileToken,  // the /file/ token
};

struct Principal {
  PrincipalKind kind = PrincipalKind::kAnonymous;
  std::string name;      // user name, token id, endpoint key id ("" when unkeyed)
  Role role = Role::kNone;
  std::string via;       // "session", "bearer", "proxy-header", "endpoint-key", "network", "file-token"
  std::string address;   // client address as seen through trusted proxies
  std::string credential_id;  // the session or token id (logout, last use); never the secret
  std::string deployment_id;  // set when a per-deployment token was presented

  // How the audit log names the actor: "alice", "token:tok-1a2b", "endpoint".
  std::string AuditName() const;
};

// What a route needs. A route that declares none answers 401 (deny by
// default); so does a route whose group has no access check installed.
enum class Permission {
  kUndeclared,
  kAnyone,      // health, index, login: no credentials
  kMachine,     // endpoints: the network gate, then the bundle key when keys exist
  kDeployment,  // a machine route on one deployment: also its per-deployment token when keys exist
  kVariables,   // Tanium Provision's variables: the network gate, then the variables key when one exists
  kContent,     // /file/: the network gate, then the file token when set
  kSignedIn,    // any signed-in user or token (me, logout)
  kViewer,      // read-only admin
  kOperator,    // computers, deployments, files under Apps/ and Drivers/
  kAdmin,       // settings, users, tokens, keys, networks, audit, files under Provision/
  kFilesByPath, // operator under Apps/ and Drivers/ of the {path} param, else admin
  kMetrics,     // GET /metrics: admin, or the scrape token of metrics.token_file
};
std::string_view PermissionName(Permission p);

// The role a user needs for `p` at `path_param` (kNone: no user role applies).
Role RequiredRole(Permission p, std::string_view path_param);

}  // namespace provisiond::api

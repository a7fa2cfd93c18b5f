#include "api/principal.h"

#include "base/strings.h"

namespace provisiond::api {

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kNone: return "";
    case Role::kViewer: return "viewer";
    case Role::kOperator: return "operator";
    case Role::kAdmin: return "admin";
  }
  return "";
}

Role ParseRole(std::string_view text) {
  std::string_view t = Trim(text);
  if (t.empty() || IEquals(t, "admin")) return Role::kAdmin;
  if (IEquals(t, "operator")) return Role::kOperator;
  if (IEquals(t, "viewer")) return Role::kViewer;
  return Role::kNone;
}

std::string Principal::AuditName() const {
  switch (kind) {
    case PrincipalKind::kAnonymous: return "";
    case PrincipalKind::kUser: return name;
    case PrincipalKind::kApiToken: return "token:" + name;
    case PrincipalKind::kEndpoint: return name.empty() ? "endpoint" : "endpoint:" + name;
    case PrincipalKind::kFileToken: return "file-token";
  }
  return "";
}

std::string_view PermissionName(Permission p) {
  switch (p) {
    case Permission::kUndeclared: return "UNDECLARED";
    case Permission::kAnyone: return "anyone";
    case Permission::kMachine: return "machine";
    case Permission::kDeployment: return "deployment";
    case Permission::kVariables: return "variables";
    case Permission::kContent: return "content";
    case Permission::kSignedIn: return "signed-in";
    case Permission::kViewer: return "viewer";
    case Permission::kOperator: return "operator";
    case Permission::kAdmin: return "admin";
    case Permission::kFilesByPath: return "operator:Apps/,Drivers/|admin";
    case Permission::kMetrics: return "admin|metrics-token";
  }
  return "?";
}

namespace {
// A path that could climb out of its folder ("Apps/../Provision") is not
// under it, whatever the content layer would later make of it.
bool UnderOperatorFolders(std::string_view path) {
  if (path.find('\\') != std::string_view::npos) return false;
  for (const std::string& seg : SplitList(path, '/'))
    if (seg == "." || seg == "..") return false;
  while (path.starts_with('/')) path.remove_prefix(1);
  for (std::string_view top : {"Apps", "Drivers"}) {
    if (path.size() > top.size() && IEquals(path.substr(0, top.size()), top) && path[top.size()] == '/')
      return true;
  }
  return false;
}
}  // namespace

Role RequiredRole(Permission p, std::string_view path_param) {
  switch (p) {
    case Permission::kSignedIn: return Role::kViewer;
    case Permission::kViewer: return Role::kViewer;
    case Permission::kOperator: return Role::kOperator;
    case Permission::kAdmin: return Role::kAdmin;
    case Permission::kMetrics: return Role::kAdmin;  // or the metrics token (AccessControl)
    case Permission::kFilesByPath: return UnderOperatorFolders(path_param) ? Role::kOperator : Role::kAdmin;
    case Permission::kUndeclared:
    case Permission::kAnyone:
    case Permission::kMachine:
    case Permission::kDeployment:
    case Permission::kVariables:
    case Permission::kContent: return Role::kNone;
  }
  return Role::kAdmin;
}

}  // namespace provisiond::api

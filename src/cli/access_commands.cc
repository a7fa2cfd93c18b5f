#include "cli/access_commands.h"

#include <charconv>
#include <algorithm>
#include <cctype>
#include <iostream>

#include "api/access/access_control.h"
#include "cli/app.h"
#include "cli/open_store.h"
#include "cli/options.h"
#include "platform/terminal.h"

namespace provisiond::cli {
namespace {

using api::access::AccessControl;

// The data directory's store and the access rules on it, for one command.
struct Session {
  std::shared_ptr<store::Store> store;
  std::unique_ptr<AccessControl> access;
};

Result<Session> Open(std::vector<std::string>* args) {
  Config config;
  PV_RETURN_IF_ERROR(LoadEffectiveConfig(args, false, &config));
  if (config.backend == "csv") PV_RETURN_IF_ERROR(CheckDataDir(config.data_dir));
  Session s;
  PV_ASSIGN_OR_RETURN(s.store, OpenStore(config, StoreUse::kCommand));
  PV_ASSIGN_OR_RETURN(auto options, AccessOptionsFrom(config));
  s.access = std::make_unique<AccessControl>(s.store, std::move(options));
  return s;
}

void AuditCli(AccessControl& access, std::string action, std::string target, std::string after = {}) {
  model::AuditEntry e;
  e.actor = "cli:" + platform::CurrentUserName();
  e.action = std::move(action);
  e.target = std::move(target);
  e.after = std::move(after);
  e.outcome = "ok";
  access.Audit(std::move(e));
}

// "90d", "12h", "30m" or a number of days.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return Status::BadField("--expires", "empty; write e.g. 90d");
  char unit = text.back();
  std::string_view digits = std::isdigit(static_cast<unsigned char>(unit)) ? text : text.substr(0, text.size() - 1);
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || n == 0 || n > 100000)
    return Status::BadField("--expires", "'" + std::string(text) + "' is not a duration; write e.g. 90d, 12h or 30m");
  switch (std::isdigit(static_cast<unsigned char>(unit)) ? 'd' : unit) {
    case 'd': return std::chrono::milliseconds(std::chrono::hours(24) * n);
    case 'h': return std::chrono::milliseconds(std::chrono::hours(n));
    case 'm': return std::chrono::milliseconds(std::chrono::minutes(n));
  }
  return Status::BadField("--expires", "unit must be d, h or m (e.g. 90d)");
}

// Removes "--name VALUE" (or --name=VALUE) from args; nullopt if absent.
std::optional<std::string> TakeOption(std::vector<std::string>* args, std::string_view name) {
  for (size_t i = 0; i < args->size(); ++i) {
    const std::string& a = (*args)[i];
    if (a == name && i + 1 < args->size()) {
      std::string v = (*args)[i + 1];
      args->erase(args->begin() + static_cast<long>(i), args->begin() + static_cast<long>(i) + 2);
      return v;
    }
    if (a.size() > name.size() + 1 && a.starts_with(name) && a[name.size()] == '=') {
      std::string v = a.substr(name.size() + 1);
      args->erase(args->begin() + static_cast<long>(i));
      return v;
    }
  }
  return std::nullopt;
}

bool TakeFlag(std::vector<std::string>* args, std::string_view name) {
  for (size_t i = 0; i < args->size(); ++i) {
    if ((*args)[i] == name) {
      args->erase(args->begin() + static_cast<long>(i));
      return true;
    }
  }
  return false;
}

Result<std::string> ReadNewPassword(const std::string& user) {
  auto first = platform::ReadSecretLine("new password for " + user + ": ");
  if (!first) return Status::InvalidArgument("no password given (type it, or pipe one line on stdin)");
  if (platform::StdinIsTerminal()) {
    auto again = platform::ReadSecretLine("again: ");
    if (!again || *again != *first) return Status::InvalidArgument("the two passwords differ; nothing changed");
  }
  return *first;
}

int Fail(const std::string& cmd, const Status& s) {
  std::cerr << "provisiond " << cmd << ": " << s.message() << "\n";
  return s.code() == StatusCode::kInvalidArgument && s.field().starts_with("--") ? 2 : 1;
}

int Usage(const std::string& cmd, const std::string& help, const std::string& why) {
  std::cerr << "provisiond " << cmd << ": " << why << "\n\n" << help;
  return 2;
}

void PrintCredentials(const model::Tables& t, std::initializer_list<std::string_view> kinds) {
  std::cout << "id            kind           subject          role      created                   expires                   last used\n";
  for (const auto& c : t.credentials) {
    if (std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) continue;
    auto col = [](std::string s, size_t w) {
      if (s.empty()) s = "-";
      s.resize(std::max(w, s.size() + 1), ' ');
      return s;
    };
    std::cout << col(c.id, 14) << col(c.kind, 15) << col(c.subject, 17) << col(c.role, 10) << col(c.created, 26)
              << col(c.expires, 26) << (c.last_used.empty() ? "never" : c.last_used) << "\n";
  }
}

}  // namespace

std::string UsersHelp() {
  return "usage: provisiond users <list|add|passwd|role|disable|enable|delete> [NAME] [options]\n\n"
         "Who may sign in to the admin API and UI (users.csv; passwords stored as argon2id).\n"
         "  list                      users, roles, disabled, whether a password is set\n"
         "  add NAME [--role R]       new user (role admin, operator or viewer; default viewer);\n"
         "                            the password is read without echo, or one line from stdin\n"
         "  passwd NAME               set the password (ends the user's sessions)\n"
         "  role NAME ROLE            change the role (ends the user's sessions)\n"
         "  disable NAME | enable NAME\n"
         "  delete NAME\n\n"
         "examples:\n"
         "  provisiond users passwd admin\n"
         "  echo 'a long passphrase' | provisiond users add helpdesk --role viewer\n\n" +
         CommonFlagsHelp();
}

std::string TokensHelp() {
  return "usage: provisiond tokens <list|create|revoke> [options]\n\n"
         "API tokens for automation (Authorization: Bearer <token>). The secret is shown once and\n"
         "stored as its SHA-256 only.\n"
         "  list                                  id, role, created, expiry, last use\n"
         "  create --role R [--expires 90d] [--note TEXT]\n"
         "  revoke ID\n\n"
         "example:\n"
         "  provisiond tokens create --role operator --expires 90d --note 'inventory sync'\n\n" +
         CommonFlagsHelp();
}

std::string EndpointKeysHelp() {
  return "usage: provisiond endpoint-keys <list|create|revoke> [options]\n\n"
         "Keys the bundle's launchers send (X-Provision-Key, or ?key= on the legacy GET routes).\n"
         "With no key, machine routes answer without one (the original's bundles work unchanged);\n"
         "once one exists they require a valid key. Two keys may be active at once: create the\n"
         "new one, roll the bundle out, then revoke the old one.\n"
         "  list\n"
         "  create [--name N] [--variables] [--expires 365d]   --variables: a key for\n"
         "          /tanium/global and /api/v1/endpoint/variables only (Tanium Provision's\n"
         "          web-service variable configuration sends it as a header)\n"
         "  revoke ID\n\n" +
         CommonFlagsHelp();
}

int RunUsers(std::vector<std::string> args) {
  const std::string cmd = "users";
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << UsersHelp();
    return args.empty() ? 2 : 0;
  }
  std::string sub = args[0];
  args.erase(args.begin());
  std::optional<std::string> role = TakeOption(&args, "--role");
  auto s = Open(&args);
  if (!s.ok()) return Fail(cmd, s.status());
  AccessControl& access = *s->access;
  if (sub == "list") {
    std::cout << "username             role      disabled  password\n";
    for (auto snap = s->store->Snapshot(); const auto& u : snap->users) {
      std::string name = u.username;
      name.resize(std::max<size_t>(21, name.size() + 1), ' ');
      std::string r(api::RoleName(api::ParseRole(u.role)));
      if (r.empty()) r = "?" + u.role;
      r.resize(10, ' ');
      std::cout << name << r << (u.disabled ? "yes       " : "no        ")
                << (u.password_hash.empty() ? "NOT SET (cannot sign in)" : "set") << "\n";
    }
    return 0;
  }
  if (args.empty()) return Usage(cmd, UsersHelp(), "name the user");
  const std::string name = args[0];
  Result<model::User> done = Status::Internal("unreachable");
  std::string what;
  if (sub == "add" || sub == "passwd") {
    auto pw = ReadNewPassword(name);
    if (!pw.ok()) return Fail(cmd, pw.status());
    done = access.SetUser(name, *pw, role, std::nullopt, sub == "add");
    what = sub == "add" ? "user.add" : "user.passwd";
  } else if (sub == "role") {
    if (args.size() < 2) return Usage(cmd, UsersHelp(), "give the role: admin, operator or viewer");
    done = access.SetUser(name, std::nullopt, args[1], std::nullopt, false);
    what = "user.role";
  } else if (sub == "disable" || sub == "enable") {
    done = access.SetUser(name, std::nullopt, std::nullopt, sub == "disable", false);
    what = "user." + sub;
  } else if (sub == "delete") {
    auto snap = s->store->Snapshot();  // held: `u` points into it
    const model::User* u = snap->FindUser(name);
    if (!u) return Fail(cmd, Status::NotFound("no user '" + name + "'"));
    if (Status d = s->store->DeleteUser(name, u->version); !d.ok()) return Fail(cmd, d);
    AuditCli(access, "user.delete", name);
    std::cout << "deleted user " << name << "\n";
    return 0;
  } else {
    return Usage(cmd, UsersHelp(), "unknown subcommand '" + sub + "'");
  }
  if (!done.ok()) return Fail(cmd, done.status());
  AuditCli(access, what, done->username, "role=" + std::string(api::RoleName(api::ParseRole(done->role))));
  std::cout << what.substr(5) << ": " << done->username << " (role " << api::RoleName(api::ParseRole(done->role))
            << (done->disabled ? ", disabled" : "") << ")\n";
  return 0;
}

namespace {

int RunCredentials(const std::string& cmd, std::vector<std::string> args, bool keys) {
  const std::string help = keys ? EndpointKeysHelp() : TokensHelp();
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << help;
    return args.empty() ? 2 : 0;
  }
  std::string sub = args[0];
  args.erase(args.begin());
  auto role = TakeOption(&args, "--role");
  auto expires = TakeOption(&args, "--expires");
  auto note = TakeOption(&args, "--note");
  auto name = TakeOption(&args, "--name");
  bool variables = TakeFlag(&args, "--variables");
  std::string id = !args.empty() && !args[0].starts_with("-") ? args[0] : std::string();
  if (!id.empty()) args.erase(args.begin());
  auto s = Open(&args);
  if (!s.ok()) return Fail(cmd, s.status());
  if (sub == "list") {
    if (keys) PrintCredentials(*s->store->Snapshot(), {"endpoint-key", "variables-key"});
    else PrintCredentials(*s->store->Snapshot(), {"token"});
    return 0;
  }
  if (sub == "revoke") {
    if (id.empty()) return Usage(cmd, help, "give the id to revoke (see list)");
    if (Status r = s->access->Revoke(id); !r.ok()) return Fail(cmd, r);
    AuditCli(*s->access, keys ? "key.revoke" : "token.revoke", id);
    std::cout << "revoked " << id << "\n";
    return 0;
  }
  if (sub != "create") return Usage(cmd, help, "unknown subcommand '" + sub + "'");
  if (!keys && !role) return Usage(cmd, help, "give --role admin, operator or viewer");
  std::optional<std::chrono::milliseconds> ttl;
  if (expires) {
    auto d = ParseDuration(*expires);
    if (!d.ok()) return Fail(cmd, d.status());
    ttl = *d;
  }
  std::string kind = keys ? (variables ? "variables-key" : "endpoint-key") : "token";
  std::string subject = name.value_or("cli:" + platform::CurrentUserName());
  auto issued = s->access->Issue(kind, subject, role.value_or(""), ttl, note.value_or(""));
  if (!issued.ok()) return Fail(cmd, issued.status());
  AuditCli(*s->access, keys ? "key.create" : "token.create", issued->credential.id, kind);
  std::cerr << "created " << kind << " " << issued->credential.id
            << (issued->credential.expires.empty() ? "" : " (expires " + issued->credential.expires + ")")
            << "; the secret below is shown once:\n";
  std::cout << issued->secret << "\n";
  return 0;
}

}  // namespace

int RunTokens(std::vector<std::string> args) { return RunCredentials("tokens", std::move(args), false); }
int RunEndpointKeys(std::vector<std::string> args) { return RunCredentials("endpoint-keys", std::move(args), true); }

}  // namespace provisiond::cli

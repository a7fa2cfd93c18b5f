#include "store/write_rules.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include "base/cidr.h"
#include "base/strings.h"
#include "model/computer_name.h"
#include "model/setting_rules.h"
#include "model/text_rules.h"

namespace provisiond::store {

using model::App;
using model::Computer;
using model::DriverRule;
using model::Locale;
using model::Tables;

namespace {

std::string UnknownTypeMessage(std::string_view type, const std::vector<std::string>& known) {
  return "unknown type '" + std::string(Trim(type)) + "' (postype.csv lists no such type); use one of: " +
         (known.empty() ? std::string("(none yet)") : Join(known, ", ")) + ", or create the type first";
}

std::string MissingAppMessage(const model::TypeApp& ta) {
  return "type '" + ta.type + "' names application '" + ta.application +
         "' that apps.csv lacks; it is skipped in plans (add it to apps.csv or remove the row)";
}

// The minimum a driver rule sets below zero, as a finding-style message.
std::optional<std::pair<std::string, std::string>> NegativeMinimum(const DriverRule& r) {
  auto neg = [](const char* field, double v) {
    return std::make_pair(std::string(field), "is " + std::to_string(v) + "; a minimum cannot be negative, "
                                                  "write 0 or leave it empty for no minimum");
  };
  if (r.min_ram_gb && *r.min_ram_gb < 0) return neg("min_ram_gb", *r.min_ram_gb);
  if (r.min_disk_gb && *r.min_disk_gb < 0) return neg("min_disk_gb", *r.min_disk_gb);
  if (r.min_cpu_count && *r.min_cpu_count < 0)
    return std::make_pair(std::string("min_cpu_count"),
                          "is " + std::to_string(*r.min_cpu_count) +
                              "; a minimum cannot be negative, write 0 or leave it empty for no minimum");
  return std::nullopt;
}

// The text fields of a row with their rule (model/text_rules.h), named as
// in the JSON API; `f(field, value, rule)` returns false to stop (then so
// does ForEachText). The computer name has its own, stricter rule
// (CheckComputerName); numbers and booleans are typed.
using model::TextRule;

template <typename F>
bool ForEachExtra(const model::ExtraColumns& extra, F&& f) {
  for (const auto& [name, value] : extra)
    if (!f(name, value, TextRule::kLine)) return false;
  return true;
}
template <typename F>
bool ForEachInList(std::string_view field, const std::vector<std::string>& list, TextRule rule, F&& f) {
  for (const auto& v : list)
    if (!f(field, v, rule)) return false;
  return true;
}
template <typename F>
bool ForEachText(const Computer& c, F&& f) {
  return f("serial", c.serial, TextRule::kIdentifier) && f("type", c.type, TextRule::kIdentifier) &&
         f("keyboard", c.keyboard, TextRule::kIdentifier) && f("country", c.country, TextRule::kIdentifier) &&
         f("language", c.language, TextRule::kIdentifier) && f("timezone", c.timezone, TextRule::kIdentifier) &&
         f("uuid", c.uuid, TextRule::kIdentifier) && f("mac", c.mac, TextRule::kIdentifier) &&
         f("created_by", c.created_by, TextRule::kIdentifier) && f("notes", c.notes, TextRule::kLine) &&
         ForEachExtra(c.extra, f);
}
template <typename F>
bool ForEachText(const App& a, F&& f) {
  bool go = f("name", a.name, TextRule::kIdentifier) && f("url", a.url, TextRule::kLine) &&
            f("script", a.script, TextRule::kLine) && f("install_args", a.install_args, TextRule::kLine) &&
            ForEachInList("allowed_countries", a.allowed_countries, TextRule::kIdentifier, f) &&
            ForEachInList("blocked_countries", a.blocked_countries, TextRule::kIdentifier, f) &&
            f("os_filter", a.os_filter.source(), TextRule::kLine);
  for (const auto& p : a.allowed_models) go = go && f("allowed_models", p.source(), TextRule::kLine);
  return go && ForEachExtra(a.extra, f);
}
template <typename F>
bool ForEachText(const DriverRule& r, F&& f) {
  return f("model_regex", r.model_regex.source(), TextRule::kLine) &&
         f("os_regex", r.os_regex.source(), TextRule::kLine) && f("url", r.url, TextRule::kLine) &&
         f("bundle_id", r.bundle_id.value_or(""), TextRule::kIdentifier) && ForEachExtra(r.extra, f);
}
template <typename F>
bool ForEachText(const Locale& l, F&& f) {
  return f("country", l.country, TextRule::kIdentifier) && f("language", l.language, TextRule::kIdentifier) &&
         f("keyboard", l.keyboard, TextRule::kIdentifier) && f("timezone", l.timezone, TextRule::kIdentifier) &&
         ForEachExtra(l.extra, f);
}

// The first text field of `row` that breaks its rule, as (field, why). A
// hand edit can hold what the loader reads but a write refuses (a formula
// start, a tab in an identifier): a finding on load.
template <typename Row>
std::optional<std::pair<std::string, std::string>> FirstTextFinding(const Row& row) {
  std::optional<std::pair<std::string, std::string>> out;
  ForEachText(row, [&out](std::string_view field, std::string_view value, TextRule rule) {
    if (auto why = model::TextProblem(value, rule)) out.emplace(std::string(field), std::move(*why));
    return !out;
  });
  return out;
}

// The same as a write's refusal. The whole row, as for names: a write to a
// row that a hand edit left breaking a rule must fix it.
template <typename Row>
Status CheckTexts(const Row& row) {
  if (auto f = FirstTextFinding(row)) return Status::BadField(f->first, f->second);
  return Status::Ok();
}

std::vector<std::string> CatalogueCountries(const Tables& t, const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& c : in) {
    std::string v = CatalogueCountry(t, c);
    if (!v.empty()) out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

// ---- versions -----------------------------------------------------------------

Status StaleVersion(std::string_view what, std::string_view key, uint64_t stored, uint64_t expected) {
  return Status::Conflict(std::string(what) + " '" + std::string(key) + "' is at version " + std::to_string(stored) +
                          ", not " + std::to_string(expected) +
                          " (someone changed it meanwhile); re-read it and apply your change again");
}

Status CheckVersion(std::string_view what, std::string_view key, std::optional<uint64_t> stored,
                    std::optional<uint64_t> expected, std::string_view not_found) {
  if (!expected && stored)
    return Status::Conflict(std::string(what) + " '" + std::string(key) + "' exists (version " +
                            std::to_string(*stored) + "); update it with its version instead");
  if (expected && !stored) return Status::NotFound(std::string(not_found));
  if (expected && *stored != *expected) return StaleVersion(what, key, *stored, *expected);
  return Status::Ok();
}

// ---- catalogue spellings ----------------------------------------------------

std::optional<std::string> CatalogueType(const Tables& t, std::string_view type) {
  std::string_view want = Trim(type);
  for (const auto& ta : t.type_apps)
    if (IEquals(Trim(ta.type), want)) return std::string(Trim(ta.type));
  return std::nullopt;
}

std::string CatalogueCountry(const Tables& t, std::string_view country) {
  if (const Locale* l = t.FindLocale(country); l != nullptr && !Trim(l->country).empty())
    return std::string(Trim(l->country));
  return ToUpper(Trim(country));
}

void ApplyCatalogueSpellings(RuleTable table, const Tables& before, Tables* t) {
  switch (table) {
    case RuleTable::kComputers: {
      std::unordered_map<std::string, std::string> types;  // upper -> catalogue spelling
      for (const auto& ta : t->type_apps) types.emplace(ToUpper(Trim(ta.type)), std::string(Trim(ta.type)));
      std::unordered_map<std::string, const Computer*> old;  // serial key -> `before` row
      for (const auto& c : before.computers) old.emplace(Tables::SerialKey(c.serial), &c);
      const Tables& catalogue = *t;
      t->computers.Transform([&](const Computer& c) -> std::optional<Computer> {
        auto prev = old.find(Tables::SerialKey(c.serial));
        const Computer* o = prev == old.end() ? nullptr : prev->second;
        std::string type = c.type;
        if (o != nullptr && IEquals(Trim(o->type), Trim(c.type))) type = std::string(Trim(o->type));
        else if (auto it = types.find(ToUpper(Trim(c.type))); it != types.end()) type = it->second;
        std::string country = o != nullptr && IEquals(Trim(o->country), Trim(c.country))
                                  ? std::string(Trim(o->country))
                                  : CatalogueCountry(catalogue, c.country);
        if (type == c.type && country == c.country) return std::nullopt;
        Computer out = c;
        out.type = std::move(type);
        out.country = std::move(country);
        return out;
      });
      return;
    }
    case RuleTable::kTypeApps: {
      std::unordered_map<std::string, std::string> apps;
      for (const auto& a : t->apps) apps.emplace(ToUpper(Trim(a.name)), a.name);
      std::vector<model::TypeApp> rows = t->type_apps.items();
      for (auto& ta : rows)
        if (auto it = apps.find(ToUpper(Trim(ta.application))); it != apps.end()) ta.application = it->second;
      if (!(rows == t->type_apps.items())) t->type_apps = std::move(rows);
      return;
    }
    case RuleTable::kApps: {
      std::vector<App> rows = t->apps.items();
      for (auto& a : rows) {
        a.allowed_countries = CatalogueCountries(*t, a.allowed_countries);
        a.blocked_countries = CatalogueCountries(*t, a.blocked_countries);
      }
      if (!(rows == t->apps.items())) t->apps = std::move(rows);
      return;
    }
    case RuleTable::kDrivers:
    case RuleTable::kLocales:
      return;
  }
}

Result<Pattern> CompileRegex(std::string_view field, std::string_view source) {
  auto p = Pattern::Compile(Trim(source));
  if (!p.ok()) return Status::BadField(field, "invalid regex '" + std::string(Trim(source)) + "': " + p.status().message());
  return p;
}

// ---- rows before a write ------------------------------------------------------

Result<Computer> PrepareComputer(const Tables& t, Computer c, const Computer* old) {
  c.serial = std::string(Trim(c.serial));
  if (c.serial.empty()) return Status::BadField("serial", "empty; give the BIOS serial number");
  c.computer_name = std::string(Trim(c.computer_name));
  PV_RETURN_IF_ERROR(CheckTexts(c));
  if (!c.computer_name.empty()) {
    if (auto v = model::CheckComputerName(c.computer_name)) return Status::BadField("computer_name", v->message);
  }
  if (!Trim(c.type).empty()) {
    auto type = CatalogueType(t, c.type);
    if (!type) return Status::BadField("type", UnknownTypeMessage(c.type, t.TypeNames()));
    c.type = old != nullptr && IEquals(Trim(old->type), Trim(c.type)) ? std::string(Trim(old->type)) : *type;
  } else {
    c.type.clear();
  }
  c.country = old != nullptr && IEquals(Trim(old->country), Trim(c.country)) ? std::string(Trim(old->country))
                                                                          : CatalogueCountry(t, c.country);
  return c;
}

Result<App> PrepareApp(const Tables& t, App app) {
  app.name = std::string(Trim(app.name));
  if (app.name.empty()) return Status::BadField("name", "empty; give the application a name");
  PV_RETURN_IF_ERROR(CheckTexts(app));
  // Patterns are compiled by construction (CompileRegex); only the list
  // separator needs checking here.
  for (const auto& p : app.allowed_models) {
    if (p.source().find(';') != std::string::npos)
      return Status::BadField("allowed_models",
                 "'" + p.source() + "' contains ';', the list separator; split it into several regexes");
  }
  app.allowed_countries = CatalogueCountries(t, app.allowed_countries);
  app.blocked_countries = CatalogueCountries(t, app.blocked_countries);
  return app;
}

Result<std::vector<std::string>> PrepareTypeApps(const Tables& t, std::string_view type,
                                                 std::vector<std::string> apps) {
  if (Trim(type).empty()) return Status::BadField("type", "empty; give the type a name");
  if (auto why = model::TextProblem(Trim(type), TextRule::kIdentifier)) return Status::BadField("type", *why);
  if (apps.empty()) return Status::BadField("applications", "empty; a type needs at least one (or delete it)");
  std::vector<std::string> out;
  for (const auto& a : apps) {
    const App* app = t.FindApp(a);
    if (app == nullptr)
      return Status::BadField("applications", "'" + std::string(Trim(a)) + "' does not exist in apps.csv; create it first");
    for (const auto& s : out)
      if (IEquals(s, app->name)) return Status::BadField("applications", "'" + app->name + "' is listed twice; keep one");
    out.push_back(app->name);
  }
  return out;
}

uint64_t NextDriverId(const Tables& t) {
  uint64_t next = 1;
  for (const auto& r : t.drivers) next = std::max(next, r.id + 1);
  return next;
}

std::optional<size_t> DriverPosition(const Tables& t, uint64_t id) {
  for (size_t i = 0; i < t.drivers.size(); ++i)
    if (t.drivers[i].id == id) return i;
  return std::nullopt;
}

Status CheckDriverPosition(const Tables& t, size_t position) {
  if (position >= 1 && position <= t.drivers.size()) return Status::Ok();
  return Status::BadField("position", "must be 1.." + std::to_string(t.drivers.size()) + " (the rule's place in "
                                      "drivers.csv), got " + std::to_string(position));
}

Result<DriverRule> PrepareDriverRule(const Tables&, DriverRule rule) {
  if (rule.bundle_id && Trim(*rule.bundle_id).empty()) rule.bundle_id.reset();
  PV_RETURN_IF_ERROR(CheckTexts(rule));
  if (auto neg = NegativeMinimum(rule)) return Status::BadField(neg->first, neg->second);
  return rule;
}

Result<Locale> PrepareLocale(const Tables&, Locale locale) {
  locale.country = ToUpper(Trim(locale.country));
  if (locale.country.empty()) return Status::BadField("country", "empty; give an ISO 3166 code, e.g. FR");
  PV_RETURN_IF_ERROR(CheckTexts(locale));
  return locale;
}

Result<model::User> PrepareUser(model::User user) {
  user.username = std::string(Trim(user.username));
  const std::string& n = user.username;
  if (n.empty() || n.size() > 64) return Status::BadField("username", "must be 1 to 64 characters");
  for (char ch : n) {
    bool ok = std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '@' || ch == '\\' ||
              ch == '-';
    if (!ok)
      return Status::BadField("username", "'" + std::string(1, ch) +
                                              "' is not allowed; use letters, digits and . _ @ \\ -");
  }
  if (model::StartsLikeFormula(n)) return Status::BadField("username", "must not start with = + - @");
  user.role = ToLower(Trim(user.role));
  if (!user.role.empty() && user.role != "admin" && user.role != "operator" && user.role != "viewer")
    return Status::BadField("role", "'" + user.role + "' is not a role; use admin, operator or viewer");
  if (auto why = model::TextProblem(user.password_hash, TextRule::kIdentifier))
    return Status::BadField("password_hash", *why);
  return user;
}

Result<model::Credential> PrepareCredential(model::Credential c) {
  c.id = std::string(Trim(c.id));
  if (c.id.empty()) return Status::BadField("id", "empty");
  if (c.kind != "session" && c.kind != "token" && c.kind != "endpoint-key" && c.kind != "variables-key")
    return Status::BadField("kind", "'" + c.kind + "' is not session, token, endpoint-key or variables-key");
  if (c.secret_hash.size() != 64) return Status::BadField("secret_hash", "must be 64 hex characters (SHA-256)");
  if (!c.role.empty() && c.role != "admin" && c.role != "operator" && c.role != "viewer")
    return Status::BadField("role", "'" + c.role + "' is not a role; use admin, operator or viewer");
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string*>{"id", &c.id}, {"subject", &c.subject}, {"created", &c.created},
        {"expires", &c.expires}, {"last_used", &c.last_used}, {"note", &c.note}})
    if (auto why = model::TextProblem(*value, TextRule::kLine)) return Status::BadField(field, *why);
  return c;
}

Result<model::Network> PrepareNetwork(model::Network n) {
  n.network = std::string(Trim(n.network));
  auto cidr = Cidr::Parse(n.network);
  if (!cidr.ok()) return Status::BadField("network", cidr.status().message());
  n.status = std::string(Trim(n.status));
  if (IEquals(n.status, "allow")) n.status = "Allow";
  else if (IEquals(n.status, "blocked")) n.status = "Blocked";
  else return Status::BadField("status", "'" + n.status + "' is not Allow or Blocked");
  n.kind = ToLower(Trim(n.kind));
  if (n.kind.empty()) n.kind = "manual";
  if (n.kind != "subnet" && n.kind != "host" && n.kind != "manual")
    return Status::BadField("kind", "'" + n.kind + "' is not subnet, host or manual");
  return n;
}

Status CheckSetting(std::string_view key, std::string_view value) {
  if (Trim(key).empty()) return Status::BadField("key", "empty; name the setting");
  if (auto why = model::TextProblem(Trim(key), TextRule::kIdentifier)) return Status::BadField("key", *why);
  return model::ValidateSetting(Trim(key), value);  // every value's text too, custom keys' included
}

// ---- deployments ---------------------------------------------------------------

Status CheckDeployment(const model::Deployment& d) {
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string*>{"id", &d.id}, {"serial", &d.serial},
        {"computer_name", &d.computer_name}, {"model", &d.model}, {"type", &d.type},
        {"client_address", &d.client_address}, {"tls_version", &d.tls_version}, {"source", &d.source},
        {"phase", &d.phase}, {"previous_id", &d.previous_id}})
    if (auto why = model::TextProblem(*value, TextRule::kLine)) return Status::BadField(field, *why);
  if (auto why = model::TextProblem(d.final_message, TextRule::kMultiline)) return Status::BadField("final_message", *why);
  return Status::Ok();
}

Status CheckEvent(const model::DeploymentEvent& e) {
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string*>{"deployment_id", &e.deployment_id}, {"event_id", &e.event_id},
        {"phase", &e.phase}})
    if (auto why = model::TextProblem(*value, TextRule::kLine)) return Status::BadField(field, *why);
  if (auto why = model::TextProblem(e.message, TextRule::kMultiline)) return Status::BadField("message", *why);
  return Status::Ok();
}

// ---- deletes -------------------------------------------------------------------

Status CheckAppUnused(const Tables& t, std::string_view name) {
  std::vector<std::string> users;
  for (const auto& ta : t.type_apps)
    if (IEquals(Trim(ta.application), Trim(name)) && std::find(users.begin(), users.end(), ta.type) == users.end())
      users.push_back(ta.type);
  if (users.empty()) return Status::Ok();
  return Status::InvalidArgument("application '" + std::string(Trim(name)) + "' is used by type(s) " +
                                 Join(users, ", ") + "; remove it from those types first");
}

Status CheckTypeUnused(const Tables& t, std::string_view type) {
  const std::string key = ToUpper(Trim(type));
  size_t users = 0;
  std::string first;
  for (const auto& c : t.computers)
    if (ToUpper(Trim(c.type)) == key && users++ == 0) first = c.serial;
  if (users == 0) return Status::Ok();
  return Status::InvalidArgument("type '" + std::string(Trim(type)) + "' is used by " + std::to_string(users) +
                                 " computer(s), e.g. '" + first + "'; move them to another type first");
}

// ---- whole tables --------------------------------------------------------------

std::vector<RowFinding> CheckTables(const Tables& t) {
  std::vector<RowFinding> out;
  auto add = [&out](RuleTable table, size_t row, std::string key, std::string field, std::string message) {
    out.push_back({table, row, std::move(key), std::move(field), std::move(message)});
  };

  // Computers: the checks of PrepareComputer that a file can break. The type
  // catalogue is indexed once: 100k rows stay linear.
  std::unordered_set<std::string> types;
  for (const auto& ta : t.type_apps) types.insert(ToUpper(Trim(ta.type)));
  std::vector<std::string> known;  // built only when a row needs the list
  for (size_t i = 0; i < t.computers.size(); ++i) {
    const Computer& c = t.computers[i];
    if (auto f = FirstTextFinding(c)) add(RuleTable::kComputers, i, Tables::SerialKey(c.serial), f->first, f->second);
    std::string_view name = Trim(c.computer_name);
    if (!name.empty() && model::CheckComputerName(name)) {  // valid names: no allocation
      model::AnsweredName a = model::AnswerComputerName(name);
      if (a.violation) add(RuleTable::kComputers, i, Tables::SerialKey(c.serial), "computer_name", a.violation->message);
    }
    if (!Trim(c.type).empty() && !types.contains(ToUpper(Trim(c.type)))) {
      if (known.empty()) known = t.TypeNames();
      add(RuleTable::kComputers, i, Tables::SerialKey(c.serial), "type", UnknownTypeMessage(c.type, known));
    }
  }

  // postype rows: a dangling application, an application twice in a type.
  std::unordered_set<std::string> apps;  // own index: `t` may not have BuildIndexes() yet
  for (const auto& a : t.apps) apps.insert(ToUpper(Trim(a.name)));
  std::unordered_set<std::string> pairs;  // "TYPE\nAPP" seen
  for (size_t i = 0; i < t.type_apps.size(); ++i) {
    const auto& ta = t.type_apps[i];
    std::string key = ToUpper(Trim(ta.type)) + " / " + std::string(Trim(ta.application));
    if (!apps.contains(ToUpper(Trim(ta.application)))) {
      add(RuleTable::kTypeApps, i, key, "applications", MissingAppMessage(ta));
      continue;
    }
    if (!pairs.insert(ToUpper(Trim(ta.type)) + "\n" + ToUpper(Trim(ta.application))).second)
      add(RuleTable::kTypeApps, i, key, "applications",
          "type '" + ta.type + "' lists application '" + ta.application +
              "' more than once; it is installed once, remove the repeated row");
  }

  for (size_t i = 0; i < t.drivers.size(); ++i) {
    if (auto f = FirstTextFinding(t.drivers[i])) add(RuleTable::kDrivers, i, std::to_string(t.drivers[i].id), f->first, f->second);
    if (auto neg = NegativeMinimum(t.drivers[i]))
      add(RuleTable::kDrivers, i, std::to_string(t.drivers[i].id), neg->first, neg->second);
  }
  for (size_t i = 0; i < t.apps.size(); ++i)
    if (auto f = FirstTextFinding(t.apps[i])) add(RuleTable::kApps, i, std::string(Trim(t.apps[i].name)), f->first, f->second);
  for (size_t i = 0; i < t.locales.size(); ++i)
    if (auto f = FirstTextFinding(t.locales[i]))
      add(RuleTable::kLocales, i, std::string(Trim(t.locales[i].country)), f->first, f->second);
  return out;
}

}  // namespace provisiond::store

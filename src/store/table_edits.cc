#include "store/table_edits.h"

#include <algorithm>
#include <charconv>

#include "base/strings.h"
#include "store/store.h"
#include "store/write_rules.h"

namespace provisiond::store::edit {

using model::App;
using model::Computer;
using model::DriverRule;
using model::Locale;

namespace {

template <typename Row>
std::optional<uint64_t> VersionOf(const Row* row) {
  if (row == nullptr) return std::nullopt;
  return row->version;
}

std::shared_ptr<Tables> CopyOf(const Tables& cur) { return std::make_shared<Tables>(cur); }

TableEdit EditOf(TableId table, std::shared_ptr<Tables> next) {
  TableEdit e;
  e.table = table;
  e.next = std::move(next);
  return e;
}

// The index of `row` (an element of `rows`) in it.
template <typename Row>
size_t IndexOf(const model::CowVector<Row>& rows, const Row* row) {
  return static_cast<size_t>(row - rows.items().data());
}

// A computer row rewritten through the store passed the write rules: the
// load warnings about its previous content no longer apply.
void DropRowWarnings(Tables* t, const std::string& serial_key) {
  constexpr std::string_view kComputersFile = "computers.csv";  // where CheckTables findings on computers point
  const auto& items = t->warnings.items();
  if (std::none_of(items.begin(), items.end(), [&](const model::LoadWarning& w) { return w.key == serial_key; }))
    return;
  std::erase_if(t->warnings.Mutable(),
                [&](const model::LoadWarning& w) { return w.key == serial_key && w.file == kComputersFile; });
}

// The original's networks.csv time format: "2026-06-14 18:01:57".
std::string NetworkTime(Timestamp t) {
  std::string when = FormatIso8601(t).substr(0, 19);
  when[10] = ' ';
  return when;
}

}  // namespace

// ---- computers ---------------------------------------------------------------

Result<Edited<Computer>> PutComputer(const Tables& cur, Computer c_in, std::optional<uint64_t> expected_version) {
  const Computer* old = cur.FindComputerBySerial(c_in.serial);
  PV_ASSIGN_OR_RETURN(Computer c, PrepareComputer(cur, std::move(c_in), old));
  PV_RETURN_IF_ERROR(CheckVersion("computer", c.serial, VersionOf(old), expected_version,
                                  "no computer with serial '" + c.serial + "'"));
  auto next = CopyOf(cur);
  TableEdit e = EditOf(TableId::kComputers, nullptr);
  if (old != nullptr) {
    if (c.extra.empty()) c.extra = old->extra;  // unknown columns survive an API edit
    c.version = old->version + 1;
    e.old_computer = *old;
    next->SetComputer(*cur.PositionOf(old), c);
  } else {
    c.version = 1;
    next->AddComputer(c);
  }
  e.computer = c;
  DropRowWarnings(next.get(), Tables::SerialKey(c.serial));  // the row passed the rules now
  e.next = std::move(next);
  return Edited<Computer>{std::move(e), std::move(c)};
}

Result<TableEdit> DeleteComputer(const Tables& cur, std::string_view serial, uint64_t expected_version) {
  const Computer* old = cur.FindComputerBySerial(serial);
  if (old == nullptr) return Status::NotFound("no computer with serial '" + std::string(Trim(serial)) + "'");
  if (old->version != expected_version) return StaleVersion("computer", old->serial, old->version, expected_version);
  auto next = CopyOf(cur);
  next->EraseComputer(*cur.PositionOf(old));
  DropRowWarnings(next.get(), Tables::SerialKey(old->serial));
  TableEdit e = EditOf(TableId::kComputers, std::move(next));
  e.removed = true;
  e.computer = *old;
  e.old_computer = *old;
  return e;
}

// ---- apps ------------------------------------------------------------------

Result<Edited<App>> PutApp(const Tables& cur, App app_in, std::optional<uint64_t> expected_version) {
  PV_ASSIGN_OR_RETURN(App app, PrepareApp(cur, std::move(app_in)));
  const App* old = cur.FindApp(app.name);
  PV_RETURN_IF_ERROR(
      CheckVersion("application", app.name, VersionOf(old), expected_version, "no application '" + app.name + "'"));
  auto next = CopyOf(cur);
  if (old != nullptr) {
    if (app.extra.empty()) app.extra = old->extra;
    app.version = old->version + 1;
    next->apps[IndexOf(cur.apps, old)] = app;
  } else {
    app.version = 1;
    next->apps.push_back(app);
  }
  return Edited<App>{EditOf(TableId::kApps, std::move(next)), std::move(app)};
}

Result<TableEdit> DeleteApp(const Tables& cur, std::string_view name, uint64_t expected_version) {
  const App* old = cur.FindApp(name);
  if (old == nullptr) return Status::NotFound("no application '" + std::string(Trim(name)) + "'");
  if (old->version != expected_version) return StaleVersion("application", old->name, old->version, expected_version);
  PV_RETURN_IF_ERROR(CheckAppUnused(cur, old->name));
  auto next = CopyOf(cur);
  next->apps.erase(next->apps.begin() + static_cast<std::ptrdiff_t>(IndexOf(cur.apps, old)));
  return EditOf(TableId::kApps, std::move(next));
}

// ---- types -------------------------------------------------------------------

Result<Edited<uint64_t>> SetTypeApps(const Tables& cur, std::string_view type_in, std::vector<std::string> apps,
                                     std::optional<uint64_t> expected_version) {
  std::string type(Trim(type_in));
  PV_ASSIGN_OR_RETURN(apps, PrepareTypeApps(cur, type, std::move(apps)));
  const uint64_t stored = TypeVersion(cur, type);  // 0: no such type
  PV_RETURN_IF_ERROR(CheckVersion("type", type, stored == 0 ? std::nullopt : std::optional(stored),
                                  expected_version, "no type '" + type + "'"));
  auto next = CopyOf(cur);
  const std::string key = ToUpper(type);
  // New rows go where the type's first row was, so the file stays grouped.
  std::vector<model::TypeApp> rows;
  size_t insert_at = std::string::npos;
  std::vector<model::TypeApp> old_rows;
  for (auto& ta : next->type_apps.Mutable()) {
    if (ToUpper(Trim(ta.type)) == key) {
      if (insert_at == std::string::npos) insert_at = rows.size();
      old_rows.push_back(std::move(ta));
    } else {
      rows.push_back(std::move(ta));
    }
  }
  if (insert_at == std::string::npos) insert_at = rows.size();
  std::vector<model::TypeApp> fresh;
  for (const auto& a : apps) {
    model::TypeApp ta;
    ta.type = old_rows.empty() ? type : old_rows.front().type;  // keep the file's spelling
    ta.application = a;
    for (const auto& o : old_rows)
      if (IEquals(Trim(o.application), a)) ta.extra = o.extra;
    fresh.push_back(std::move(ta));
  }
  rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(insert_at), fresh.begin(), fresh.end());
  next->type_apps = std::move(rows);
  uint64_t version = TypeVersion(*next, type);
  return Edited<uint64_t>{EditOf(TableId::kTypeApps, std::move(next)), version};
}

Result<TableEdit> DeleteType(const Tables& cur, std::string_view type_in, uint64_t expected_version) {
  std::string type(Trim(type_in));
  uint64_t stored = TypeVersion(cur, type);
  if (stored == 0) return Status::NotFound("no type '" + type + "'");
  if (stored != expected_version) return StaleVersion("type", type, stored, expected_version);
  PV_RETURN_IF_ERROR(CheckTypeUnused(cur, type));
  const std::string key = ToUpper(type);
  auto next = CopyOf(cur);
  std::erase_if(next->type_apps.Mutable(), [&](const model::TypeApp& ta) { return ToUpper(Trim(ta.type)) == key; });
  return EditOf(TableId::kTypeApps, std::move(next));
}

// ---- drivers -----------------------------------------------------------------

namespace {

Result<size_t> StoredDriver(const Tables& cur, uint64_t id, uint64_t expected_version) {
  auto pos = DriverPosition(cur, id);
  if (!pos) return Status::NotFound("no driver rule with id " + std::to_string(id));
  const DriverRule& old = cur.drivers[*pos];
  if (old.version != expected_version)
    return StaleVersion("driver rule", std::to_string(id), old.version, expected_version);
  return *pos;
}

}  // namespace

Result<Edited<DriverRule>> PutDriverRule(const Tables& cur, DriverRule rule_in,
                                         std::optional<uint64_t> expected_version) {
  PV_ASSIGN_OR_RETURN(DriverRule rule, PrepareDriverRule(cur, std::move(rule_in)));
  auto next = CopyOf(cur);
  if (!expected_version) {
    rule.id = NextDriverId(cur);
    rule.version = 1;
    next->drivers.push_back(rule);
  } else {
    PV_ASSIGN_OR_RETURN(size_t pos, StoredDriver(cur, rule.id, *expected_version));
    const DriverRule& old = cur.drivers[pos];
    if (rule.extra.empty()) rule.extra = old.extra;
    rule.version = old.version + 1;
    next->drivers[pos] = rule;
  }
  return Edited<DriverRule>{EditOf(TableId::kDrivers, std::move(next)), std::move(rule)};
}

Result<Edited<DriverRule>> MoveDriverRule(const Tables& cur, uint64_t id, size_t position, uint64_t expected_version) {
  PV_ASSIGN_OR_RETURN(size_t pos, StoredDriver(cur, id, expected_version));
  PV_RETURN_IF_ERROR(CheckDriverPosition(cur, position));
  DriverRule rule = cur.drivers[pos];
  rule.version += 1;
  auto next = CopyOf(cur);
  auto& rows = next->drivers.Mutable();
  rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(pos));
  rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(position - 1), rule);
  return Edited<DriverRule>{EditOf(TableId::kDrivers, std::move(next)), std::move(rule)};
}

Result<TableEdit> DeleteDriverRule(const Tables& cur, uint64_t id, uint64_t expected_version) {
  PV_ASSIGN_OR_RETURN(size_t pos, StoredDriver(cur, id, expected_version));
  auto next = CopyOf(cur);
  next->drivers.erase(next->drivers.begin() + static_cast<std::ptrdiff_t>(pos));
  return EditOf(TableId::kDrivers, std::move(next));
}

// ---- config, locales -----------------------------------------------------------

Result<TableEdit> SetConfig(const Tables& cur, std::string_view key_in, std::string_view value) {
  std::string key(Trim(key_in));
  PV_RETURN_IF_ERROR(CheckSetting(key, value));
  auto next = CopyOf(cur);
  bool found = false;
  for (auto& [k, v] : next->config.Mutable())
    if (IEquals(k, key)) {
      v = std::string(value);
      found = true;
    }
  if (!found) next->config.push_back({key, std::string(value)});
  return EditOf(TableId::kConfig, std::move(next));
}

Result<TableEdit> DeleteConfig(const Tables& cur, std::string_view key_in) {
  std::string_view key = Trim(key_in);
  bool found = false;
  for (const auto& [k, v] : cur.config) found = found || IEquals(k, key);
  if (!found) return EditOf(TableId::kConfig, nullptr);
  auto next = CopyOf(cur);
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& row : next->config)
    if (!IEquals(row.first, key)) rows.push_back(row);
  next->config = std::move(rows);
  return EditOf(TableId::kConfig, std::move(next));
}

Result<Edited<Locale>> PutLocale(const Tables& cur, Locale locale_in, std::optional<uint64_t> expected_version) {
  PV_ASSIGN_OR_RETURN(Locale locale, PrepareLocale(cur, std::move(locale_in)));
  const Locale* old = cur.FindLocale(locale.country);
  PV_RETURN_IF_ERROR(CheckVersion("locale", locale.country, VersionOf(old), expected_version,
                                  "no locale for country '" + locale.country + "'"));
  auto next = CopyOf(cur);
  if (old != nullptr) {
    if (locale.extra.empty()) locale.extra = old->extra;
    locale.country = old->country;
    locale.version = old->version + 1;
    next->locales[IndexOf(cur.locales, old)] = locale;
  } else {
    locale.version = 1;
    next->locales.push_back(locale);
  }
  return Edited<Locale>{EditOf(TableId::kLocales, std::move(next)), std::move(locale)};
}

Result<TableEdit> DeleteLocale(const Tables& cur, std::string_view country, uint64_t expected_version) {
  const Locale* old = cur.FindLocale(country);
  if (old == nullptr) return Status::NotFound("no locale for country '" + std::string(Trim(country)) + "'");
  if (old->version != expected_version) return StaleVersion("locale", old->country, old->version, expected_version);
  auto next = CopyOf(cur);
  next->locales.erase(next->locales.begin() + static_cast<std::ptrdiff_t>(IndexOf(cur.locales, old)));
  return EditOf(TableId::kLocales, std::move(next));
}

// ---- access ------------------------------------------------------------------

Result<Edited<model::User>> PutUser(const Tables& cur, model::User in, std::optional<uint64_t> expected_version) {
  PV_ASSIGN_OR_RETURN(model::User user, PrepareUser(std::move(in)));
  const model::User* old = cur.FindUser(user.username);
  PV_RETURN_IF_ERROR(
      CheckVersion("user", user.username, VersionOf(old), expected_version, "no user '" + user.username + "'"));
  auto next = CopyOf(cur);
  if (old != nullptr) {
    if (user.extra.empty()) user.extra = old->extra;
    user.username = old->username;
    user.version = old->version + 1;
    next->users[IndexOf(cur.users, old)] = user;
  } else {
    user.version = 1;
    next->users.push_back(user);
  }
  return Edited<model::User>{EditOf(TableId::kUsers, std::move(next)), std::move(user)};
}

Result<TableEdit> DeleteUser(const Tables& cur, std::string_view username, uint64_t expected_version) {
  const model::User* old = cur.FindUser(username);
  if (old == nullptr) return Status::NotFound("no user '" + std::string(Trim(username)) + "'");
  if (old->version != expected_version) return StaleVersion("user", old->username, old->version, expected_version);
  auto next = CopyOf(cur);
  next->users.erase(next->users.begin() + static_cast<std::ptrdiff_t>(IndexOf(cur.users, old)));
  return EditOf(TableId::kUsers, std::move(next));
}

Result<TableEdit> AddCredential(const Tables& cur, model::Credential in) {
  PV_ASSIGN_OR_RETURN(model::Credential c, PrepareCredential(std::move(in)));
  if (cur.FindCredential(c.id) != nullptr) return Status::Conflict("credential '" + c.id + "' exists");
  auto next = CopyOf(cur);
  c.version = 1;
  next->credentials.push_back(std::move(c));
  return EditOf(TableId::kCredentials, std::move(next));
}

Result<Edited<size_t>> RemoveCredentials(const Tables& cur,
                                         const std::function<bool(const model::Credential&)>& remove) {
  std::vector<model::Credential> kept;
  for (const auto& c : cur.credentials)
    if (!remove(c)) kept.push_back(c);
  const size_t removed = cur.credentials.size() - kept.size();
  if (removed == 0) return Edited<size_t>{EditOf(TableId::kCredentials, nullptr), 0};
  auto next = CopyOf(cur);
  next->credentials = std::move(kept);
  return Edited<size_t>{EditOf(TableId::kCredentials, std::move(next)), removed};
}

Result<TableEdit> TouchCredentials(const Tables& cur,
                                   const std::vector<std::pair<std::string, std::string>>& last_used) {
  auto next = CopyOf(cur);
  bool changed = false;
  for (const auto& [id, when] : last_used) {
    for (size_t i = 0; i < next->credentials.size(); ++i) {
      if (next->credentials[i].id != id || next->credentials[i].last_used >= when) continue;
      model::Credential c = next->credentials[i];
      c.last_used = when;
      next->credentials[i] = std::move(c);
      changed = true;
    }
  }
  return EditOf(TableId::kCredentials, changed ? std::move(next) : nullptr);
}

Result<TableEdit> RecordNetworkSightings(const Tables& cur, const std::vector<model::NetworkSighting>& sightings) {
  if (sightings.empty()) return EditOf(TableId::kNetworks, nullptr);
  auto next = CopyOf(cur);
  for (const auto& s : sightings) {
    std::string when = NetworkTime(s.at);
    bool found = false;
    for (size_t i = 0; i < next->networks.size() && !found; ++i) {
      if (next->networks[i].network != s.network) continue;
      model::Network n = next->networks[i];
      n.last_seen = when;
      uint64_t hits = 0;
      std::from_chars(n.hits.data(), n.hits.data() + n.hits.size(), hits);
      n.hits = std::to_string(hits + s.hits);
      next->networks[i] = std::move(n);
      found = true;
    }
    if (!found) next->networks.push_back({s.network, s.kind, "Blocked", when, when, std::to_string(s.hits), {}});
  }
  return EditOf(TableId::kNetworks, std::move(next));
}

Result<Edited<model::Network>> PutNetwork(const Tables& cur, model::Network in, Timestamp now) {
  PV_ASSIGN_OR_RETURN(model::Network n, PrepareNetwork(std::move(in)));
  auto next = CopyOf(cur);
  bool found = false;
  for (size_t i = 0; i < next->networks.size() && !found; ++i) {
    if (next->networks[i].network != n.network) continue;
    model::Network merged = next->networks[i];
    merged.status = n.status;
    merged.kind = n.kind;
    next->networks[i] = merged;
    n = merged;
    found = true;
  }
  if (!found) {
    std::string when = NetworkTime(now);
    if (n.first_seen.empty()) n.first_seen = when;
    if (n.last_seen.empty()) n.last_seen = when;
    if (n.hits.empty()) n.hits = "0";
    next->networks.push_back(n);
  }
  return Edited<model::Network>{EditOf(TableId::kNetworks, std::move(next)), std::move(n)};
}

Result<TableEdit> DeleteNetwork(const Tables& cur, std::string_view network) {
  for (size_t i = 0; i < cur.networks.size(); ++i) {
    if (cur.networks[i].network != Trim(network)) continue;
    auto next = CopyOf(cur);
    next->networks.erase(next->networks.begin() + static_cast<std::ptrdiff_t>(i));
    return EditOf(TableId::kNetworks, std::move(next));
  }
  return Status::NotFound("no network '" + std::string(Trim(network)) + "' in networks.csv");
}

}  // namespace provisiond::store::edit

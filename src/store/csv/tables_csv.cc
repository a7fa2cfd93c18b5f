#include "store/csv/tables_csv.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <set>
#include <unordered_map>

#include "base/strings.h"

namespace provisiond::store {
namespace {

using model::App;
using model::Computer;
using model::DriverRule;
using model::Locale;
using model::Network;
using model::TypeApp;
using model::User;

// Row keys in normal form: what a duplicate check and version carrying compare.
std::string ComputerKey(const Computer& c) { return model::Tables::SerialKey(c.serial); }
std::string AppKey(const App& a) { return ToUpper(Trim(a.name)); }
std::string LocaleKey(const Locale& l) { return ToUpper(Trim(l.country)); }
std::string UserKey(const User& u) { return ToLower(Trim(u.username)); }
std::string CredentialKey(const model::Credential& c) { return std::string(Trim(c.id)); }

// One column of a table: how a cell becomes a field and back. `set`
// returns the reason a cell is refused (empty = accepted).
template <class Row>
struct Field {
  const char* name;
  std::string (*get)(const Row&);
  std::string (*set)(Row&, std::string_view);
  bool (*is_default)(const Row&);
};

// ---- cell parsers (return a reason, empty = ok) -------------------------

std::string ParseBoolCell(std::string_view cell, bool dflt, bool* out) {
  std::string v = ToLower(Trim(cell));
  if (v.empty()) *out = dflt;
  else if (v == "1" || v == "true" || v == "yes") *out = true;
  else if (v == "0" || v == "false" || v == "no") *out = false;
  else return "'" + std::string(cell) + "' is not a boolean; write 1 or 0";
  return {};
}

template <class Int>
std::string ParseIntCell(std::string_view cell, Int* out) {
  std::string_view v = Trim(cell);
  Int x{};
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size())
    return "'" + std::string(cell) + "' is not an integer; write digits only, e.g. 4";
  *out = x;
  return {};
}

std::string ParseVersionCell(std::string_view cell, uint64_t* out) {
  if (Trim(cell).empty()) {
    *out = 1;
    return {};
  }
  uint64_t v = 0;
  if (auto r = ParseIntCell(cell, &v); !r.empty() || v == 0)
    return "'" + std::string(cell) + "' is not a valid version; write a positive integer or leave it empty";
  *out = v;
  return {};
}

std::string ParseOptDoubleCell(std::string_view cell, std::optional<double>* out) {
  std::string_view v = Trim(cell);
  if (v.empty()) {
    *out = std::nullopt;
    return {};
  }
  double x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x < 0)
    return "'" + std::string(cell) + "' is not a number; write a decimal with '.', e.g. 7.5";
  *out = x;
  return {};
}

std::string ParseOptIntCell(std::string_view cell, std::optional<int>* out) {
  if (Trim(cell).empty()) {
    *out = std::nullopt;
    return {};
  }
  int x = 0;
  if (auto r = ParseIntCell(cell, &x); !r.empty()) return r;
  *out = x;
  return {};
}

std::string ParsePatternCell(std::string_view cell, Pattern* out) {
  auto p = Pattern::Compile(Trim(cell));
  if (!p.ok()) return "invalid regex '" + std::string(Trim(cell)) + "': " + p.status().message();
  *out = std::move(p).value();
  return {};
}

std::string FormatDouble(double d) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, p) : std::to_string(d);
}

std::vector<std::string> UpperList(std::string_view cell) {
  auto v = SplitList(cell, ';');
  for (auto& s : v) s = ToUpper(s);
  return v;
}

std::string JoinPatterns(const std::vector<Pattern>& ps) {
  std::string out;
  for (const auto& p : ps) {
    if (!out.empty()) out += ';';
    out += p.source();
  }
  return out;
}

// ---- schemas ------------------------------------------------------------

#define PV_STR_FIELD(Row, col, member)                                         \
  Field<Row> {                                                                 \
    col, [](const Row& r) { return r.member; },                               \
        [](Row& r, std::string_view v) {                                       \
          r.member = std::string(v);                                           \
          return std::string();                                                \
        },                                                                     \
        [](const Row& r) { return r.member.empty(); }                          \
  }
#define PV_TRIMMED_FIELD(Row, col, member)                                     \
  Field<Row> {                                                                 \
    col, [](const Row& r) { return r.member; },                               \
        [](Row& r, std::string_view v) {                                       \
          r.member = std::string(Trim(v));                                     \
          return std::string();                                                \
        },                                                                     \
        [](const Row& r) { return r.member.empty(); }                          \
  }
#define PV_VERSION_FIELD(Row)                                                  \
  Field<Row> {                                                                 \
    "version", [](const Row& r) { return std::to_string(r.version); },       \
        [](Row& r, std::string_view v) { return ParseVersionCell(v, &r.version); }, \
        [](const Row& r) { return r.version == 1; }                            \
  }

const std::vector<Field<Computer>>& ComputerFields() {
  static const std::vector<Field<Computer>> f = {
      PV_TRIMMED_FIELD(Computer, "serial", serial),
      PV_STR_FIELD(Computer, "computername", computer_name),
      PV_STR_FIELD(Computer, "postype", type),
      PV_STR_FIELD(Computer, "setkeyboard", keyboard),
      PV_STR_FIELD(Computer, "country", country),
      PV_STR_FIELD(Computer, "language", language),
      PV_STR_FIELD(Computer, "timezone", timezone),
      PV_STR_FIELD(Computer, "uuid", uuid),
      PV_STR_FIELD(Computer, "mac", mac),
      PV_STR_FIELD(Computer, "notes", notes),
      PV_STR_FIELD(Computer, "created_by", created_by),
      PV_VERSION_FIELD(Computer),
  };
  return f;
}

const std::vector<Field<TypeApp>>& TypeAppFields() {
  static const std::vector<Field<TypeApp>> f = {
      PV_STR_FIELD(TypeApp, "postype", type),
      PV_STR_FIELD(TypeApp, "application", application),
  };
  return f;
}

const std::vector<Field<App>>& AppFields() {
  static const std::vector<Field<App>> f = {
      PV_TRIMMED_FIELD(App, "name", name),
      PV_STR_FIELD(App, "url", url),
      PV_STR_FIELD(App, "script", script),
      Field<App>{"reboot", [](const App& r) { return std::string(r.reboot == model::Reboot::kYes ? "1" : "0"); },
                 [](App& r, std::string_view v) {
                   bool b = false;
                   auto e = ParseBoolCell(v, false, &b);
                   r.reboot = b ? model::Reboot::kYes : model::Reboot::kNo;
                   return e;
                 },
                 [](const App& r) { return r.reboot == model::Reboot::kNo; }},
      Field<App>{"allowed_countries", [](const App& r) { return Join(r.allowed_countries, ";"); },
                 [](App& r, std::string_view v) {
                   r.allowed_countries = UpperList(v);
                   return std::string();
                 },
                 [](const App& r) { return r.allowed_countries.empty(); }},
      Field<App>{"blocked_countries", [](const App& r) { return Join(r.blocked_countries, ";"); },
                 [](App& r, std::string_view v) {
                   r.blocked_countries = UpperList(v);
                   return std::string();
                 },
                 [](const App& r) { return r.blocked_countries.empty(); }},
      Field<App>{"allowed_models", [](const App& r) { return JoinPatterns(r.allowed_models); },
                 [](App& r, std::string_view v) {
                   r.allowed_models.clear();
                   for (const auto& s : SplitList(v, ';')) {
                     Pattern p;
                     if (auto e = ParsePatternCell(s, &p); !e.empty()) return e;
                     r.allowed_models.push_back(std::move(p));
                   }
                   return std::string();
                 },
                 [](const App& r) { return r.allowed_models.empty(); }},
      PV_STR_FIELD(App, "install_args", install_args),
      Field<App>{"success_codes",
                 [](const App& r) {
                   std::string out;
                   for (int c : r.success_codes) {
                     if (!out.empty()) out += ';';
                     out += std::to_string(c);
                   }
                   return out;
                 },
                 [](App& r, std::string_view v) {
                   if (Trim(v).empty()) {
                     r.success_codes = {0, 3010};
                     return std::string();
                   }
                   std::string norm(v);
                   std::replace(norm.begin(), norm.end(), ',', ';');
                   r.success_codes.clear();
                   for (const auto& s : SplitList(norm, ';')) {
                     int c = 0;
                     if (!ParseIntCell(s, &c).empty())
                       return "'" + std::string(v) +
                              "' is not a list of exit codes; write integers separated by ';', e.g. 0;3010";
                     r.success_codes.push_back(c);
                   }
                   return std::string();
                 },
                 [](const App& r) { return r.success_codes == std::vector<int>{0, 3010}; }},
      Field<App>{"enabled", [](const App& r) { return std::string(r.enabled ? "1" : "0"); },
                 [](App& r, std::string_view v) { return ParseBoolCell(v, true, &r.enabled); },
                 [](const App& r) { return r.enabled; }},
      Field<App>{"os_filter", [](const App& r) { return r.os_filter.source(); },
                 [](App& r, std::string_view v) { return ParsePatternCell(v, &r.os_filter); },
                 [](const App& r) { return r.os_filter.empty(); }},
      PV_VERSION_FIELD(App),
  };
  return f;
}

const std::vector<Field<DriverRule>>& DriverFields() {
  static const std::vector<Field<DriverRule>> f = {
      Field<DriverRule>{"model_regex", [](const DriverRule& r) { return r.model_regex.source(); },
                        [](DriverRule& r, std::string_view v) { return ParsePatternCell(v, &r.model_regex); },
                        [](const DriverRule& r) { return r.model_regex.empty(); }},
      Field<DriverRule>{"os_regex", [](const DriverRule& r) { return r.os_regex.source(); },
                        [](DriverRule& r, std::string_view v) { return ParsePatternCell(v, &r.os_regex); },
                        [](const DriverRule& r) { return r.os_regex.empty(); }},
      PV_STR_FIELD(DriverRule, "url", url),
      Field<DriverRule>{"bundle_id", [](const DriverRule& r) { return r.bundle_id.value_or(""); },
                        [](DriverRule& r, std::string_view v) {
                          auto t = Trim(v);
                          r.bundle_id = t.empty() ? std::nullopt : std::optional<std::string>(t);
                          return std::string();
                        },
                        [](const DriverRule& r) { return !r.bundle_id.has_value(); }},
      Field<DriverRule>{"min_ram_gb",
                        [](const DriverRule& r) { return r.min_ram_gb ? FormatDouble(*r.min_ram_gb) : ""; },
                        [](DriverRule& r, std::string_view v) { return ParseOptDoubleCell(v, &r.min_ram_gb); },
                        [](const DriverRule& r) { return !r.min_ram_gb.has_value(); }},
      Field<DriverRule>{"min_disk_gb",
                        [](const DriverRule& r) { return r.min_disk_gb ? FormatDouble(*r.min_disk_gb) : ""; },
                        [](DriverRule& r, std::string_view v) { return ParseOptDoubleCell(v, &r.min_disk_gb); },
                        [](const DriverRule& r) { return !r.min_disk_gb.has_value(); }},
      Field<DriverRule>{"min_cpu_count",
                        [](const DriverRule& r) {
                          return r.min_cpu_count ? std::to_string(*r.min_cpu_count) : std::string();
                        },
                        [](DriverRule& r, std::string_view v) { return ParseOptIntCell(v, &r.min_cpu_count); },
                        [](const DriverRule& r) { return !r.min_cpu_count.has_value(); }},
      Field<DriverRule>{"priority", [](const DriverRule& r) { return std::to_string(r.priority); },
                        [](DriverRule& r, std::string_view v) {
                          if (Trim(v).empty()) {
                            r.priority = 0;
                            return std::string();
                          }
                          return ParseIntCell(v, &r.priority);
                        },
                        [](const DriverRule& r) { return r.priority == 0; }},
      Field<DriverRule>{"enabled", [](const DriverRule& r) { return std::string(r.enabled ? "1" : "0"); },
                        [](DriverRule& r, std::string_view v) { return ParseBoolCell(v, true, &r.enabled); },
                        [](const DriverRule& r) { return r.enabled; }},
      PV_VERSION_FIELD(DriverRule),
      // Stable id (the original's file has none: ids are the row numbers
      // until the first write adds the column). Blank: assigned on load.
      Field<DriverRule>{"id", [](const DriverRule& r) { return std::to_string(r.id); },
                        [](DriverRule& r, std::string_view v) {
                          if (Trim(v).empty()) return (r.id = 0, std::string());
                          return ParseIntCell(v, &r.id);
                        },
                        [](const DriverRule&) { return false; }},
  };
  return f;
}

const std::vector<Field<Locale>>& LocaleFields() {
  static const std::vector<Field<Locale>> f = {
      PV_TRIMMED_FIELD(Locale, "country", country), PV_STR_FIELD(Locale, "language", language),
      PV_STR_FIELD(Locale, "keyboard", keyboard),   PV_STR_FIELD(Locale, "timezone", timezone),
      PV_VERSION_FIELD(Locale),
  };
  return f;
}

const std::vector<Field<Network>>& NetworkFields() {
  static const std::vector<Field<Network>> f = {
      PV_STR_FIELD(Network, "network", network),       PV_STR_FIELD(Network, "kind", kind),
      PV_STR_FIELD(Network, "status", status),         PV_STR_FIELD(Network, "first_seen", first_seen),
      PV_STR_FIELD(Network, "last_seen", last_seen),   PV_STR_FIELD(Network, "hits", hits),
  };
  return f;
}

const std::vector<Field<User>>& UserFields() {
  static const std::vector<Field<User>> f = {
      PV_STR_FIELD(User, "username", username),
      PV_STR_FIELD(User, "password_hash", password_hash),
      PV_TRIMMED_FIELD(User, "role", role),
      Field<User>{"disabled", [](const User& r) { return std::string(r.disabled ? "1" : ""); },
                  [](User& r, std::string_view v) { return ParseBoolCell(v, false, &r.disabled); },
                  [](const User& r) { return !r.disabled; }},
      PV_VERSION_FIELD(User),
  };
  return f;
}

const std::vector<Field<model::Credential>>& CredentialFields() {
  using model::Credential;
  static const std::vector<Field<Credential>> f = {
      PV_TRIMMED_FIELD(Credential, "id", id),           PV_TRIMMED_FIELD(Credential, "kind", kind),
      PV_STR_FIELD(Credential, "subject", subject),     PV_TRIMMED_FIELD(Credential, "role", role),
      PV_TRIMMED_FIELD(Credential, "secret_hash", secret_hash),
      PV_TRIMMED_FIELD(Credential, "created", created), PV_TRIMMED_FIELD(Credential, "expires", expires),
      PV_TRIMMED_FIELD(Credential, "last_used", last_used), PV_STR_FIELD(Credential, "note", note),
      Field<Credential>{"subject_version", [](const Credential& r) { return std::to_string(r.subject_version); },
                        [](Credential& r, std::string_view v) {
                          if (Trim(v).empty()) return (r.subject_version = 0, std::string());
                          return ParseIntCell(v, &r.subject_version);
                        },
                        [](const Credential& r) { return r.subject_version == 0; }},
      PV_VERSION_FIELD(Credential),
  };
  return f;
}

struct TableInfo {
  std::string_view file;
  std::vector<std::string> original;
  std::vector<std::string> optional;
};

const TableInfo& Info(TableId id) {
  static const std::map<TableId, TableInfo> infos = {
      {TableId::kComputers,
       {"computers.csv",
        {"serial", "computername", "postype", "setkeyboard", "country", "language", "timezone"},
        {"uuid", "mac", "notes", "created_by", "version"}}},
      {TableId::kTypeApps, {"postype.csv", {"postype", "application"}, {}}},
      {TableId::kApps,
       {"apps.csv",
        {"name", "url", "script", "reboot", "allowed_countries", "blocked_countries", "allowed_models"},
        {"install_args", "success_codes", "enabled", "os_filter", "version"}}},
      {TableId::kDrivers,
       {"drivers.csv",
        {"model_regex", "os_regex", "url", "bundle_id", "min_ram_gb", "min_disk_gb", "min_cpu_count"},
        {"priority", "enabled", "version", "id"}}},
      {TableId::kConfig, {"config.csv", {"key", "value"}, {}}},
      {TableId::kLocales, {"locales.csv", {"country", "language", "keyboard", "timezone"}, {"version"}}},
      {TableId::kNetworks,
       {"networks.csv", {"network", "kind", "status", "first_seen", "last_seen", "hits"}, {}}},
      {TableId::kUsers, {"users.csv", {"username", "password_hash"}, {"role", "disabled", "version"}}},
      {TableId::kCredentials,
       {"credentials.csv",
        {"id", "kind", "subject", "role", "secret_hash", "created", "expires", "last_used", "note"},
        {"subject_version", "version"}}},
  };
  return infos.at(id);
}

SourceError MakeError(TableId id, int line, int column, std::string reason) {
  SourceError e;
  e.source = std::string(FileNameOf(id));
  e.line = line;
  e.column = column;
  e.reason = std::move(reason);
  return e;
}

// Column positions of a header: known field index per column (-1 unknown).
struct HeaderMap {
  std::vector<int> field_of_column;
};

template <class Row>
std::optional<SourceError> MapHeader(TableId id, const CsvTable& csv, const std::vector<Field<Row>>& fields,
                                     HeaderMap* out) {
  out->field_of_column.assign(csv.header.size(), -1);
  std::vector<bool> seen(fields.size(), false);
  for (size_t c = 0; c < csv.header.size(); ++c) {
    for (size_t f = 0; f < fields.size(); ++f) {
      if (IEquals(Trim(csv.header[c]), fields[f].name)) {
        out->field_of_column[c] = static_cast<int>(f);
        seen[f] = true;
        break;
      }
    }
  }
  for (const auto& name : Info(id).original) {
    for (size_t f = 0; f < fields.size(); ++f) {
      if (name == fields[f].name && !seen[f]) {
        return MakeError(id, csv.header_line, 0,
                         "missing required column '" + name + "'; add it to the header line (the original "
                         "service needs every one of: " + Join(Info(id).original, ",") + ")");
      }
    }
  }
  return std::nullopt;
}

// Rows without an id, or repeating an earlier row's (a row copied in a
// spreadsheet), get the next free ones in file order: the same ids on every
// load of the same file, and the row numbers for the original's file.
void AssignDriverIds(std::vector<DriverRule>* rows) {
  std::set<uint64_t> seen;
  uint64_t next = 1;
  for (const auto& r : *rows) next = std::max(next, r.id + 1);
  next = std::max<uint64_t>(next, rows->size() + 1);
  bool any_id = false;
  for (const auto& r : *rows) any_id = any_id || r.id != 0;
  for (size_t i = 0; i < rows->size(); ++i) {
    auto& r = (*rows)[i];
    if (!any_id) r.id = i + 1;
    else if (r.id == 0 || !seen.insert(r.id).second) r.id = next++;
  }
}

// The file line of data row `r` (the header is line 1).
int LineOf(const CsvTable& csv, size_t r) {
  return r < csv.row_lines.size() ? csv.row_lines[r] : static_cast<int>(r) + 2;
}

template <class Row>
std::optional<SourceError> DecodeRows(TableId id, const CsvTable& csv, const std::vector<Field<Row>>& fields,
                                      std::vector<Row>* out) {
  HeaderMap hm;
  if (auto e = MapHeader(id, csv, fields, &hm)) return e;
  std::vector<Row> rows;
  rows.reserve(csv.rows.size());
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    Row row;
    const auto& cells = csv.rows[r];
    for (size_t c = 0; c < cells.size() && c < hm.field_of_column.size(); ++c) {
      int f = hm.field_of_column[c];
      if (f < 0) {
        row.extra.emplace_back(csv.header[c], cells[c]);
        continue;
      }
      std::string reason = fields[static_cast<size_t>(f)].set(row, cells[c]);
      if (!reason.empty())
        return MakeError(id, LineOf(csv, r), static_cast<int>(c) + 1, "(" + csv.header[c] + ") " + reason);
    }
    rows.push_back(std::move(row));
  }
  *out = std::move(rows);
  return std::nullopt;
}

int ColumnOf(const CsvTable& csv, std::string_view name) {
  for (size_t c = 0; c < csv.header.size(); ++c)
    if (IEquals(Trim(csv.header[c]), name)) return static_cast<int>(c) + 1;
  return 0;
}

// Refuses an empty or repeated key; `key` gives a row's normal form.
template <class Row, class KeyFn>
std::optional<SourceError> CheckKeys(TableId id, const CsvTable& csv, const std::vector<Row>& rows,
                                     std::string_view column, KeyFn key) {
  std::unordered_map<std::string, size_t> first;
  first.reserve(rows.size());
  int col = ColumnOf(csv, column);
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string k = key(rows[r]);
    if (k.empty())
      return MakeError(id, LineOf(csv, r), col, "(" + std::string(column) + ") is empty; every row needs a " +
                                                    std::string(column) + ", fill it in or remove the row");
    auto [it, inserted] = first.emplace(k, r);
    if (!inserted)
      return MakeError(id, LineOf(csv, r), col,
                       "(" + std::string(column) + ") duplicate '" + k + "', first on line " +
                           std::to_string(LineOf(csv, it->second)) + "; keep one of the rows");
  }
  return std::nullopt;
}

// DecodeRows, then CheckKeys on `column`; *out is set only on success.
template <class Row, class Rows>
std::optional<SourceError> DecodeKeyedRows(TableId id, const CsvTable& csv, const std::vector<Field<Row>>& fields,
                                           std::string_view column, std::string (*key)(const Row&), Rows* out) {
  std::vector<Row> rows;
  if (auto e = DecodeRows(id, csv, fields, &rows)) return e;
  if (auto e = CheckKeys(id, csv, rows, column, key)) return e;
  *out = std::move(rows);
  return std::nullopt;
}

template <class Row, class Rows>
CsvTable EncodeRows(TableId id, const Rows& rows, const std::vector<Field<Row>>& fields,
                    const std::vector<std::string>& keep_columns) {
  const TableInfo& info = Info(id);
  auto contains = [](const std::vector<std::string>& v, std::string_view name) {
    for (const auto& s : v)
      if (IEquals(Trim(s), name)) return true;
    return false;
  };
  CsvTable t;
  std::vector<int> field_of_column;
  auto field_index = [&](std::string_view name) {
    for (size_t f = 0; f < fields.size(); ++f)
      if (name == fields[f].name) return static_cast<int>(f);
    return -1;
  };
  for (const auto& c : info.original) {
    t.header.push_back(c);
    field_of_column.push_back(field_index(c));
  }
  for (const auto& c : info.optional) {
    int f = field_index(c);
    bool needed = contains(keep_columns, c);
    for (size_t r = 0; !needed && r < rows.size(); ++r) needed = !fields[static_cast<size_t>(f)].is_default(rows[r]);
    if (!needed) continue;
    t.header.push_back(c);
    field_of_column.push_back(f);
  }
  auto add_unknown = [&](const std::string& name) {
    if (contains(t.header, name)) return;
    t.header.push_back(name);
    field_of_column.push_back(-1);
  };
  for (const auto& c : keep_columns)
    if (!contains(info.original, c) && !contains(info.optional, c)) add_unknown(c);
  for (const auto& row : rows)
    for (const auto& [name, value] : row.extra) add_unknown(name);
  t.rows.reserve(rows.size());
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    cells.reserve(t.header.size());
    for (size_t c = 0; c < t.header.size(); ++c) {
      int f = field_of_column[c];
      if (f >= 0) {
        cells.push_back(fields[static_cast<size_t>(f)].get(row));
        continue;
      }
      std::string v;
      for (const auto& [name, value] : row.extra)
        if (IEquals(name, t.header[c])) {
          v = value;
          break;
        }
      cells.push_back(std::move(v));
    }
    t.rows.push_back(std::move(cells));
  }
  return t;
}

std::optional<SourceError> DecodeConfig(const CsvTable& csv, model::Tables* out) {
  int key_col = ColumnOf(csv, "key"), value_col = ColumnOf(csv, "value");
  if (key_col == 0 || value_col == 0)
    return MakeError(TableId::kConfig, csv.header_line, 0,
                     std::string("missing required column '") + (key_col == 0 ? "key" : "value") +
                         "'; the header line must be key,value");
  std::vector<std::pair<std::string, std::string>> config;
  std::unordered_map<std::string, size_t> first;
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    std::string key(Trim(csv.rows[r][static_cast<size_t>(key_col - 1)]));
    if (key.empty())
      return MakeError(TableId::kConfig, LineOf(csv, r), key_col, "(key) is empty; fill it in or remove the row");
    auto [it, inserted] = first.emplace(ToLower(key), r);
    if (!inserted)
      return MakeError(TableId::kConfig, LineOf(csv, r), key_col,
                       "(key) duplicate '" + key + "', first on line " + std::to_string(LineOf(csv, it->second)) +
                           "; keep one of the rows");
    const std::string& value = csv.rows[r][static_cast<size_t>(value_col - 1)];
    // An unknown key or an invalid value is tolerated (drop-in): the readers
    // use the default and model::CheckConfig reports it (check, status route).
    config.emplace_back(std::move(key), value);
  }
  std::vector<int> lines(csv.rows.size());
  for (size_t r = 0; r < csv.rows.size(); ++r) lines[r] = LineOf(csv, r);
  out->config = std::move(config);
  out->config_lines = std::move(lines);
  return std::nullopt;
}

model::LoadWarning Note(TableId id, int line, std::string message) {
  model::LoadWarning w;
  w.file = std::string(FileNameOf(id));
  w.line = line;
  w.message = std::move(message);
  return w;
}

// What ParseCsv skipped as Excel leaves it. Blank rows with no data row
// between them are one note (clearing 500 rows in Excel leaves 500 of them).
std::vector<model::LoadWarning> ExcelNotes(TableId id, const CsvTable& csv) {
  std::vector<model::LoadWarning> notes;
  if (csv.dropped_columns > 0) {
    const int n = csv.dropped_columns;
    notes.push_back(Note(id, csv.header_line,
                         std::to_string(n) + (n == 1 ? " column" : " columns") +
                             " without a name at the end of the header skipped (Excel leaves them); " +
                             (n == 1 ? "it is" : "they are") + " removed when provisiond next writes this file"));
  }
  size_t data = 0;  // first data row after the current run of blank rows
  // A run ends at the next data row (or the header).
  for (size_t b = 0; b < csv.blank_lines.size();) {
    const int first = csv.blank_lines[b];
    while (data < csv.row_lines.size() && csv.row_lines[data] < first) ++data;
    int next_data = data < csv.row_lines.size() ? csv.row_lines[data] : INT_MAX;
    if (first < csv.header_line) next_data = csv.header_line;  // before the header: a run of its own
    size_t e = b + 1;
    while (e < csv.blank_lines.size() && csv.blank_lines[e] < next_data) ++e;
    const int last = csv.blank_lines[e - 1];
    if (e - b == 1) {
      notes.push_back(Note(id, first,
                           "blank row skipped (Excel leaves them); it is removed when provisiond next writes "
                           "this file"));
    } else {
      notes.push_back(Note(id, first,
                           std::to_string(e - b) + " blank rows skipped (lines " + std::to_string(first) + "-" +
                               std::to_string(last) +
                               "; Excel leaves them); they are removed when provisiond next writes this file"));
    }
    b = e;
  }
  return notes;
}

// A codec error (its position carried as data) as a SourceError.
SourceError FromCodecError(TableId id, const Status& s) {
  return MakeError(id, s.line(), s.column(), std::string(s.reason()));
}

}  // namespace

std::string_view FileNameOf(TableId id) { return Info(id).file; }

const std::vector<std::string>& RequiredColumnsOf(TableId id) { return Info(id).original; }

std::optional<TableId> TableOfFile(std::string_view file_name) {
  for (TableId id : kAllTables)
    if (FileNameOf(id) == file_name) return id;
  return std::nullopt;
}

std::string FormatSourceError(const SourceError& e) {
  std::string out = e.source;
  if (e.line > 0) out += ": line " + std::to_string(e.line);
  if (e.column > 0) out += ", column " + std::to_string(e.column);
  out += ": " + e.reason;
  return out;
}

std::optional<SourceError> DecodeFile(TableId id, std::string_view text, model::Tables* out,
                                      std::vector<std::string>* header, std::vector<int>* row_lines,
                                      FileFormat* format, std::vector<model::LoadWarning>* notes) {
  CsvReadOptions ro;
  ro.restore_formulas = true;  // FileFormat::WriteOptions neutralised them
  auto parsed = ParseCsv(text, ro);
  if (!parsed.ok()) return FromCodecError(id, parsed.status());
  const CsvTable& csv = *parsed;
  if (header != nullptr) *header = csv.header;
  if (format != nullptr) {
    format->delimiter = csv.delimiter;
    format->bom = csv.had_bom;
    format->newline = csv.newline;
  }
  if (notes != nullptr) *notes = ExcelNotes(id, csv);
  if (row_lines != nullptr) {
    row_lines->resize(csv.rows.size());
    for (size_t r = 0; r < csv.rows.size(); ++r) (*row_lines)[r] = LineOf(csv, r);
  }
  switch (id) {
    case TableId::kComputers:
      return DecodeKeyedRows(id, csv, ComputerFields(), "serial", ComputerKey, &out->computers);
    case TableId::kTypeApps: {
      // Rows repeat the type (one per app): no key to check.
      std::vector<TypeApp> rows;
      if (auto e = DecodeRows(id, csv, TypeAppFields(), &rows)) return e;
      out->type_apps = std::move(rows);
      return std::nullopt;
    }
    case TableId::kApps:
      return DecodeKeyedRows(id, csv, AppFields(), "name", AppKey, &out->apps);
    case TableId::kDrivers: {
      std::vector<DriverRule> rows;
      if (auto e = DecodeRows(id, csv, DriverFields(), &rows)) return e;
      AssignDriverIds(&rows);
      out->drivers = std::move(rows);
      return std::nullopt;
    }
    case TableId::kConfig:
      return DecodeConfig(csv, out);
    case TableId::kLocales:
      return DecodeKeyedRows(id, csv, LocaleFields(), "country", LocaleKey, &out->locales);
    case TableId::kNetworks: {
      std::vector<Network> rows;
      if (auto e = DecodeRows(id, csv, NetworkFields(), &rows)) return e;
      out->networks = std::move(rows);
      return std::nullopt;
    }
    case TableId::kUsers:
      return DecodeKeyedRows(id, csv, UserFields(), "username", UserKey, &out->users);
    case TableId::kCredentials:
      return DecodeKeyedRows(id, csv, CredentialFields(), "id", CredentialKey, &out->credentials);
  }
  return std::nullopt;
}

CsvTable EncodeTable(TableId id, const model::Tables& t, const std::vector<std::string>& keep_columns) {
  switch (id) {
    case TableId::kComputers: return EncodeRows(id, t.computers, ComputerFields(), keep_columns);
    case TableId::kTypeApps: return EncodeRows(id, t.type_apps, TypeAppFields(), keep_columns);
    case TableId::kApps: return EncodeRows(id, t.apps, AppFields(), keep_columns);
    case TableId::kDrivers: return EncodeRows(id, t.drivers, DriverFields(), keep_columns);
    case TableId::kLocales: return EncodeRows(id, t.locales, LocaleFields(), keep_columns);
    case TableId::kNetworks: return EncodeRows(id, t.networks, NetworkFields(), keep_columns);
    case TableId::kUsers: return EncodeRows(id, t.users, UserFields(), keep_columns);
    case TableId::kCredentials: return EncodeRows(id, t.credentials, CredentialFields(), keep_columns);
    case TableId::kConfig: {
      CsvTable c;
      c.header = {"key", "value"};
      for (const auto& [k, v] : t.config) c.rows.push_back({k, v});
      return c;
    }
  }
  return {};
}

CsvWriteOptions FileFormat::WriteOptions() const {
  CsvWriteOptions o;
  o.delimiter = delimiter;
  o.bom = bom;
  o.newline = newline;
  o.neutralize_formulas = true;
  return o;
}

CsvWriteOptions LiveFileWriteOptions() {
  CsvWriteOptions o;
  o.newline = "\n";
  o.neutralize_formulas = true;
  return o;
}

std::string EncodeFile(TableId id, const model::Tables& t, const std::vector<std::string>& keep_columns,
                       const FileFormat& format) {
  return WriteCsv(EncodeTable(id, t, keep_columns), format.WriteOptions());
}

namespace {

// The header EncodeRows writes for computers, from the rows' needs.
std::vector<std::string> ComputersHeader(const model::RowList<Computer>& rows,
                                         const std::vector<std::string>& keep_columns,
                                         std::vector<int>* field_of_column) {
  const TableInfo& info = Info(TableId::kComputers);
  const auto& fields = ComputerFields();
  auto contains = [](const std::vector<std::string>& v, std::string_view name) {
    for (const auto& s : v)
      if (IEquals(Trim(s), name)) return true;
    return false;
  };
  auto field_index = [&](std::string_view name) {
    for (size_t f = 0; f < fields.size(); ++f)
      if (name == fields[f].name) return static_cast<int>(f);
    return -1;
  };
  std::vector<std::string> header;
  field_of_column->clear();
  for (const auto& c : info.original) {
    header.push_back(c);
    field_of_column->push_back(field_index(c));
  }
  for (const auto& c : info.optional) {
    int f = field_index(c);
    bool needed = contains(keep_columns, c);
    for (size_t r = 0; !needed && r < rows.size(); ++r) needed = !fields[static_cast<size_t>(f)].is_default(rows[r]);
    if (!needed) continue;
    header.push_back(c);
    field_of_column->push_back(f);
  }
  auto add_unknown = [&](const std::string& name) {
    if (contains(header, name)) return;
    header.push_back(name);
    field_of_column->push_back(-1);
  };
  for (const auto& c : keep_columns)
    if (!contains(info.original, c) && !contains(info.optional, c)) add_unknown(c);
  for (const auto& row : rows)
    for (const auto& [name, value] : row.extra) add_unknown(name);
  return header;
}

}  // namespace

std::string ComputersEncoder::Encode(const model::Tables& t, const std::vector<std::string>& keep_columns,
                                     std::vector<std::string>* header_out, const FileFormat& format) {
  std::vector<int> field_of_column;
  std::vector<std::string> header = ComputersHeader(t.computers, keep_columns, &field_of_column);
  if (header != header_ || !(format == format_)) {
    pieces_.clear();  // other columns or delimiter: every row's text changes
    header_ = header;
    format_ = format;
  }
  const auto& fields = ComputerFields();
  const CsvWriteOptions o = format_.WriteOptions();
  CsvTable head_only;
  head_only.header = header;
  const std::string head = WriteCsv(head_only, o);
  std::string out = head;
  std::unordered_map<const void*, Piece> pieces;
  pieces.reserve(t.computers.chunks().size());
  encoded_chunks_ = 0;
  std::vector<std::string> cells(header.size());
  for (const auto& chunk : t.computers.chunks()) {
    auto it = pieces_.find(chunk.get());
    Piece piece;
    if (it != pieces_.end()) {
      piece = std::move(it->second);
    } else {
      ++encoded_chunks_;
      piece.chunk = chunk;
      CsvTable rows;
      rows.header = header;
      rows.rows.reserve(chunk->size());
      for (const auto& row : *chunk) {
        for (size_t c = 0; c < header.size(); ++c) {
          int f = field_of_column[c];
          if (f >= 0) {
            cells[c] = fields[static_cast<size_t>(f)].get(*row);
            continue;
          }
          cells[c].clear();
          for (const auto& [name, value] : row->extra)
            if (IEquals(name, header[c])) {
              cells[c] = value;
              break;
            }
        }
        rows.rows.push_back(cells);
      }
      // WriteCsv writes the header line first: keep only the rows' lines.
      std::string text = WriteCsv(rows, o);
      piece.text = text.substr(head.size());
    }
    out += piece.text;
    pieces.emplace(chunk.get(), std::move(piece));
  }
  pieces_ = std::move(pieces);
  if (header_out != nullptr) *header_out = std::move(header);
  return out;
}

namespace {

// The CSV column a rule's field is stored in.
std::string_view ColumnOfField(TableId id, std::string_view field) {
  if (id == TableId::kComputers) {
    if (field == "computer_name") return "computername";
    if (field == "type") return "postype";
    if (field == "keyboard") return "setkeyboard";
  }
  if (id == TableId::kTypeApps && field == "applications") return "application";
  return field;
}

int LineOfRow(size_t row, const std::vector<int>& row_lines) {
  return row < row_lines.size() ? row_lines[row] : static_cast<int>(row) + 2;
}

}  // namespace

TableId TableOfFinding(const RowFinding& f) {
  switch (f.table) {
    case RuleTable::kComputers: return TableId::kComputers;
    case RuleTable::kTypeApps: return TableId::kTypeApps;
    case RuleTable::kApps: return TableId::kApps;
    case RuleTable::kDrivers: return TableId::kDrivers;
    case RuleTable::kLocales: return TableId::kLocales;
  }
  return TableId::kComputers;
}

SourceError FindingToError(const RowFinding& f, const std::vector<std::string>& header,
                           const std::vector<int>& row_lines) {
  const TableId id = TableOfFinding(f);
  const std::string_view column = ColumnOfField(id, f.field);
  int col = 0;
  for (size_t c = 0; c < header.size(); ++c)
    if (IEquals(Trim(header[c]), column)) col = static_cast<int>(c) + 1;
  return MakeError(id, LineOfRow(f.row, row_lines), col, "(" + std::string(column) + ") " + f.message);
}

void ComputeWarnings(model::Tables* t, const std::map<TableId, FileMeta>* files) {
  static const std::vector<int> kNoLines;
  static const std::vector<std::string> kNoHeader;
  std::vector<model::LoadWarning> warnings;
  for (const RowFinding& f : CheckTables(*t)) {
    const FileMeta* meta = nullptr;
    if (files != nullptr)
      if (auto it = files->find(TableOfFinding(f)); it != files->end()) meta = &it->second;
    SourceError e = FindingToError(f, meta ? meta->header : kNoHeader, meta ? meta->row_lines : kNoLines);
    model::LoadWarning w;
    w.file = e.source;
    w.line = e.line;
    w.message = std::move(e.reason);
    w.key = f.key;
    warnings.push_back(std::move(w));
  }
  if (files != nullptr)
    for (const auto& [id, meta] : *files) warnings.insert(warnings.end(), meta.notes.begin(), meta.notes.end());
  t->warnings = std::move(warnings);
}

namespace {

// The version `r` gets when `o` is the previous row with its key.
template <class Row>
uint64_t CarriedVersion(const Row& r, const Row& o) {
  Row same = r;
  same.version = o.version;
  if (same == o) return std::max(r.version, o.version);
  if (r.version <= o.version) return o.version + 1;  // changed outside the service without a bump
  return r.version;
}

template <class Row, class Rows, class KeyFn>
std::unordered_map<std::string, const Row*> ByKey(const Rows& rows, KeyFn key) {
  std::unordered_map<std::string, const Row*> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.emplace(key(r), &r);
  return out;
}

template <class Row, class KeyFn>
void CarryRowVersions(const model::CowVector<Row>& prev, model::CowVector<Row>* next, KeyFn key) {
  auto old = ByKey<Row>(prev, key);
  std::vector<Row> rows = next->items();
  for (auto& r : rows) {
    auto it = old.find(key(r));
    if (it != old.end()) r.version = CarriedVersion(r, *it->second);
  }
  *next = std::move(rows);
}

}  // namespace

void CarryVersions(const model::Tables& prev, model::Tables* next) {
  auto old = ByKey<Computer>(prev.computers, ComputerKey);
  next->computers.Transform([&](const Computer& r) -> std::optional<Computer> {
    auto it = old.find(ComputerKey(r));
    if (it == old.end()) return std::nullopt;
    uint64_t v = CarriedVersion(r, *it->second);
    if (v == r.version) return std::nullopt;
    Computer c = r;
    c.version = v;
    return c;
  });
  CarryRowVersions(prev.apps, &next->apps, AppKey);
  CarryRowVersions(prev.locales, &next->locales, LocaleKey);
  CarryRowVersions(prev.drivers, &next->drivers, [](const DriverRule& d) { return std::to_string(d.id); });
}

LoadedDir LoadDataDir(platform::Fs& fs, const std::string& dir, const std::vector<PendingChange>* pending) {
  LoadedDir out;
  bool computers_ok = true;
  for (TableId id : kAllTables) {
    std::string path = dir + "/" + std::string(FileNameOf(id));
    FileMeta& meta = out.files[id];
    const size_t errors = out.errors.size();
    if (auto e = fs.Stat(path, &meta.stat); !e.ok()) {
      out.errors.push_back(MakeError(id, 0, 0, e.ToString()));
    } else if (meta.stat.exists) {  // a missing file is an empty table
      std::string text;
      if (auto e = fs.ReadFile(path, &text); !e.ok()) {
        out.errors.push_back(MakeError(id, 0, 0, e.ToString()));
      } else if (auto e = DecodeFile(id, text, &out.tables, &meta.header, &meta.row_lines, &meta.format,
                                     &meta.notes)) {
        out.errors.push_back(*e);
      }
    }
    if (id == TableId::kComputers) computers_ok = out.errors.size() == errors;
  }
  if (computers_ok) {
    WalContent wal;
    if (pending != nullptr) {
      wal.changes = *pending;
    } else {
      const std::string path = dir + "/" + kComputersWalName;
      platform::FsStat st;
      platform::FsError e = fs.Stat(path, &st);
      if (e.ok() && st.exists) e = fs.ReadFile(path, &out.wal_text);
      if (!e.ok()) {
        out.errors.push_back(MakeError(TableId::kComputers, 0, 0,
                                       "pending changes (" + std::string(kComputersWalName) +
                                           ") unreadable: " + e.ToString() + "; fix the file's permissions"));
      } else {
        wal = DecodeWal(out.wal_text);
        out.wal_skipped = std::move(wal.skipped);
      }
    }
    out.pending = ApplyPendingChanges(wal.changes, &out.tables, &out.dropped);
  }
  ComputeWarnings(&out.tables, &out.files);
  if (!out.dropped.empty()) {
    std::vector<model::LoadWarning> w = out.tables.warnings.items();
    w.insert(w.end(), out.dropped.begin(), out.dropped.end());
    out.tables.warnings = std::move(w);
  }
  return out;
}

}  // namespace provisiond::store

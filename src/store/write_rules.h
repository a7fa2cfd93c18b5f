// The write rules of the configuration tables, once, above every backend:
// CsvStore calls them before each write, a PostgreSQL store will too, and
// the CSV loader, `provisiond check` and `provisiond import` run the same
// row checks over whole tables. Pure functions over model values (no file,
// no database), so a backend cannot drift from them.
//
// Verdicts: a write that breaks a rule is refused with InvalidArgument
// "<field>: <what>; <how to fix>" (field names as in the JSON API:
// computer_name, type, country, applications...) and nothing is stored. A
// loaded file that breaks a row rule still serves (the original's files are
// tolerated as a drop-in) but every such row is a finding, shown as a
// warning with file and line (store/csv/) — never silently accepted.
//
// Catalogue names (types, applications, countries) are matched
// case-insensitively and stored in the catalogue's spelling: postype.csv's
// first spelling of a type, apps.csv's name, locales.csv's country (else
// upper-cased).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/pattern.h"
#include "base/status.h"
#include "model/deployment.h"
#include "model/tables.h"

namespace provisiond::store {

// ---- versions (every keyed write) -----------------------------------------

// No expected version creates (kConflict if the row exists), one updates
// (kNotFound `not_found` if it is missing, kConflict if stale). `stored` is
// the row's version, nullopt when there is none.
Status CheckVersion(std::string_view what, std::string_view key, std::optional<uint64_t> stored,
                    std::optional<uint64_t> expected, std::string_view not_found);
// kConflict: `what` `key` is at `stored`, not `expected`; re-read and re-apply.
Status StaleVersion(std::string_view what, std::string_view key, uint64_t stored, uint64_t expected);

// ---- catalogue spellings ----------------------------------------------------

// The catalogue's spelling of `type` (postype.csv, first seen), or nullopt
// when no type has that name (compared trimmed, case-insensitively).
std::optional<std::string> CatalogueType(const model::Tables& t, std::string_view type);
// locales.csv's spelling of `country` when listed, else the trimmed value
// upper-cased (ISO 3166 codes are upper-case).
std::string CatalogueCountry(const model::Tables& t, std::string_view country);

// Rewrites the catalogue names of every row of `table` in the catalogue's
// spelling (computers: type, country; postype: application; apps: country
// lists), as a write would store them. Names not in the catalogue are left
// as they are (CheckTables reports them). A computer value equal (ignoring
// case) to the same serial's in `before` keeps that spelling, as
// PrepareComputer does with its old row. For an import of whole files.
enum class RuleTable : int;
void ApplyCatalogueSpellings(RuleTable table, const model::Tables& before, model::Tables* t);

// A regex field compiled with RE2 (base/pattern.h). InvalidArgument
// "<field>: invalid regex '<source>': <RE2's reason>" otherwise.
Result<Pattern> CompileRegex(std::string_view field, std::string_view source);

// ---- rows before a write ------------------------------------------------------
// Each returns the row as it is to be stored (trimmed keys, catalogue
// spellings) or InvalidArgument naming the field. `t` is the snapshot the
// write applies to.

// serial required; a non-blank computer_name must pass the NetBIOS rule
// (model/computer_name.h; blank = not set, the naming template applies); a
// non-blank type must exist in postype.csv; type and country in the
// catalogue's spelling, except a value equal (ignoring case) to the `old`
// row's, which keeps its stored spelling (an edit of one field does not
// rewrite the others). The whole row is checked: a stored row that breaks a
// rule is fixed by the write that touches it.
Result<model::Computer> PrepareComputer(const model::Tables& t, model::Computer c,
                                        const model::Computer* old = nullptr);
// name required; allowed_models entries hold no ';' (the list separator);
// country lists upper-cased / catalogue spelling.
Result<model::App> PrepareApp(const model::Tables& t, model::App app);
// The app list a type is to hold: not empty, every app in apps.csv (returned
// in apps.csv's spelling), none twice. `type` must not be blank.
Result<std::vector<std::string>> PrepareTypeApps(const model::Tables& t, std::string_view type,
                                                 std::vector<std::string> apps);
// min_ram_gb, min_disk_gb, min_cpu_count >= 0 when set; a blank bundle_id is unset.
Result<model::DriverRule> PrepareDriverRule(const model::Tables& t, model::DriverRule rule);
// Driver rules: the id a new rule gets (one above the highest), the 0-based
// position of rule `id` (nullopt: none), and InvalidArgument "position" unless
// 1 <= position <= the number of rules.
uint64_t NextDriverId(const model::Tables& t);
std::optional<size_t> DriverPosition(const model::Tables& t, uint64_t id);
Status CheckDriverPosition(const model::Tables& t, size_t position);
// country required, upper-cased.
Result<model::Locale> PrepareLocale(const model::Tables& t, model::Locale locale);
// username: 1-64 characters of letters, digits and . _ @ \ - (a Windows
// "DOMAIN\user" fits), no formula start; role admin, operator, viewer or ""
// (the original's rows: admin), lower-cased; hash text one line.
Result<model::User> PrepareUser(model::User user);
// id and secret_hash required; kind session, token, endpoint-key or
// variables-key; role, when set, a known one; every text one line.
Result<model::Credential> PrepareCredential(model::Credential c);
// network a CIDR (normalised as written), status Allow or Blocked, kind
// subnet, host or manual ("" = manual).
Result<model::Network> PrepareNetwork(model::Network n);
// key required; ranged settings in range (model/setting_rules.h).
Status CheckSetting(std::string_view key, std::string_view value);

// Every text of a deployment / an event is one line of printable UTF-8
// (model::TextRule::kLine), but the messages (message, final_message), which
// may quote a script's output over several lines (kMultiline): the journal
// that holds them replays each row.
Status CheckDeployment(const model::Deployment& d);
Status CheckEvent(const model::DeploymentEvent& e);

// ---- deletes (reference checks) ---------------------------------------------

// InvalidArgument naming the types that still list application `name`.
Status CheckAppUnused(const model::Tables& t, std::string_view name);
// InvalidArgument naming how many computers (and one serial) use `type`.
Status CheckTypeUnused(const model::Tables& t, std::string_view type);

// ---- whole tables (load, check, import) --------------------------------------

enum class RuleTable : int { kComputers, kTypeApps, kApps, kDrivers, kLocales };

// One row that breaks a rule a write would refuse.
struct RowFinding {
  RuleTable table;
  size_t row = 0;       // index in that table of the Tables (file order)
  std::string key;      // the row's key: serial, "TYPE / app", app name, driver id
  std::string field;    // JSON field name, e.g. "computer_name" (CsvColumnOf maps it)
  std::string message;  // what is wrong and how to fix it, without the field
  friend bool operator==(const RowFinding&, const RowFinding&) = default;
};

// Every row of `t` that PrepareX / PrepareTypeApps would refuse as it
// stands, in table then row order: computers with an invalid name or an
// unknown type; postype rows naming an app apps.csv lacks or repeating an
// app of their type; driver rules with a negative minimum.
// Keys that must be unique are checked by the loader (a file with a repeated
// key is refused as a whole). Linear in the rows.
std::vector<RowFinding> CheckTables(const model::Tables& t);

}  // namespace provisiond::store

// The configuration tables as value types: what store/ produces and core/
// reads. A Tables value is immutable once published (shared as
// std::shared_ptr<const Tables>); a write builds the next one.
// Field names are the clear ones; the CSV column each maps to is noted.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/pattern.h"
#include "model/rows.h"

namespace provisiond::model {

// Columns a file has that provisiond does not know: kept in order and
// written back untouched (name, value).
using ExtraColumns = std::vector<std::pair<std::string, std::string>>;

enum class Reboot { kNo, kYes };

// computers.csv: serial,computername,postype,setkeyboard,country,language,timezone
// then optional: uuid,mac,notes,created_by,version
struct Computer {
  std::string serial;         // serial; trimmed, compared case-insensitively
  std::string computer_name;  // computername
  std::string type;           // postype
  std::string keyboard;       // setkeyboard
  std::string country;        // country (ISO 3166 alpha-2, e.g. FR)
  std::string language;       // language (e.g. fr-FR)
  std::string timezone;       // timezone (Windows name, e.g. "Romance Standard Time")
  std::string uuid;           // SMBIOS UUID, optional
  std::string mac;            // ';'-separated MAC addresses, optional
  std::string notes;
  std::string created_by;     // "admin", "endpoint", "import"...
  uint64_t version = 1;       // bumped on every change; stale writes conflict
  ExtraColumns extra;
  friend bool operator==(const Computer&, const Computer&) = default;
};

// postype.csv: postype,application. Row order = install order within a type.
struct TypeApp {
  std::string type;         // postype; compared upper-cased
  std::string application;  // apps.csv name
  ExtraColumns extra;
  friend bool operator==(const TypeApp&, const TypeApp&) = default;
};

// apps.csv: name,url,script,reboot,allowed_countries,blocked_countries,allowed_models
// then optional: install_args,success_codes,enabled,os_filter,version
struct App {
  std::string name;
  std::string url;     // https://..., UNC or local path (%VAR% allowed), [baseurl]..., /...
  std::string script;  // install command inside the source, e.g. install.cmd
  Reboot reboot = Reboot::kNo;
  std::vector<std::string> allowed_countries;  // ';'-list, upper-cased; empty = all
  std::vector<std::string> blocked_countries;  // ';'-list, upper-cased
  std::vector<Pattern> allowed_models;         // ';'-list of regexes; empty = all
  std::string install_args;
  std::vector<int> success_codes = {0, 3010};
  bool enabled = true;
  Pattern os_filter;  // empty = every OS
  uint64_t version = 1;
  ExtraColumns extra;
  friend bool operator==(const App&, const App&) = default;
};

// drivers.csv: model_regex,os_regex,url,bundle_id,min_ram_gb,min_disk_gb,min_cpu_count
// then optional: priority,enabled,version,id. `id` is stable (the row number
// for the original's file, which has no id column); the row order is the
// position.
struct DriverRule {
  uint64_t id = 0;
  Pattern model_regex;
  Pattern os_regex;
  std::string url;                      // may be empty: a bundle-id/hardware-only row
  std::optional<std::string> bundle_id;
  std::optional<double> min_ram_gb;
  std::optional<double> min_disk_gb;
  std::optional<int> min_cpu_count;
  int priority = 0;  // lower first; ties by id
  bool enabled = true;
  uint64_t version = 1;
  ExtraColumns extra;
  friend bool operator==(const DriverRule&, const DriverRule&) = default;
};

// locales.csv (new): country,language,keyboard,timezone
struct Locale {
  std::string country;
  std::string language;
  std::string keyboard;
  std::string timezone;
  uint64_t version = 1;
  ExtraColumns extra;
  friend bool operator==(const Locale&, const Locale&) = default;
};

// networks.csv: network,kind,status,first_seen,last_seen,hits
struct Network {
  std::string network;  // CIDR
  std::string kind;     // subnet, host, manual
  std::string status;   // Allow, Blocked
  std::string first_seen;
  std::string last_seen;
  std::string hits;
  ExtraColumns extra;
  friend bool operator==(const Network&, const Network&) = default;
};

// users.csv: username,password_hash (the original's columns), then
// role,disabled,version. The original's rows have no role: they are admins.
struct User {
  std::string username;
  std::string password_hash;  // pki/password_hash.h formats; "" never logs in
  std::string role;           // admin | operator | viewer; "" = admin (the original's file)
  bool disabled = false;
  uint64_t version = 1;
  ExtraColumns extra;
  friend bool operator==(const User&, const User&) = default;
};

// credentials.csv: what stands for a user or a machine after a login, or
// for automation: sessions, API tokens, endpoint bundle keys. The secret is
// never stored, only its SHA-256 (secrets are 256-bit random: a slow hash
// adds nothing).
struct Credential {
  std::string id;           // public id, e.g. "tok-3f9a1c2b", for lists and revocation
  std::string kind;         // session | token | endpoint-key | variables-key
  std::string subject;      // the user (session), the creator (token), a name (key)
  std::string role;         // session/token: admin | operator | viewer
  std::string secret_hash;  // lower-case hex SHA-256 of the secret
  std::string created;      // ISO-8601 UTC
  std::string expires;      // ISO-8601 UTC; "" never
  std::string last_used;    // ISO-8601 UTC; "" never used
  std::string note;
  // Sessions: the user row's version at sign-in; any later change of the
  // user (password, role, disabled) ends the session.
  uint64_t subject_version = 0;
  uint64_t version = 1;
  ExtraColumns extra;
  friend bool operator==(const Credential&, const Credential&) = default;
};

// A problem found on load that does not stop the data from serving,
// e.g. a type naming an app that apps.csv lacks.
struct LoadWarning {
  std::string file;
  int line = 0;
  std::string message;
  // The row's key when the warning is about one row (serial, app name...),
  // so a store can drop it when that row is rewritten; empty otherwise.
  std::string key = {};
  friend bool operator==(const LoadWarning&, const LoadWarning&) = default;
};

// config.csv keys provisiond knows (others are kept as-is).
inline constexpr const char* kDefaultBundleId = "default_bundle_id";
inline constexpr const char* kDefaultBundleTimeout = "default_bundle_timeout";

// Tables is a value: copying it is cheap (every table is shared with the
// copy until one of them changes it, see model/rows.h), so a store builds
// the next snapshot as a copy of the current one plus the change.
struct Tables {
  RowList<Computer> computers;
  CowVector<TypeApp> type_apps;
  CowVector<App> apps;
  CowVector<DriverRule> drivers;
  CowVector<std::pair<std::string, std::string>> config;  // config.csv in file order
  // config.csv line of each config row, as last read or written (the
  // header is line 1; blank rows may lie between); missing: row + 2.
  CowVector<int> config_lines;
  CowVector<Locale> locales;
  CowVector<Network> networks;
  CowVector<User> users;
  CowVector<Credential> credentials;
  CowVector<LoadWarning> warnings;
  uint64_t generation = 0;  // bumped by the store on every published change

  // Lookups. Indexes are built by BuildIndexes(); call it after any direct
  // change of `computers` or `apps` (the computer helpers below keep them).
  const Computer* FindComputerBySerial(std::string_view serial) const;  // trimmed, case-insensitive
  // Every record with this serial, in file order (more than one only when
  // computers.csv repeats a serial); empty if none.
  std::vector<const Computer*> FindComputersBySerial(std::string_view serial) const;
  std::vector<const Computer*> FindComputersByUuid(std::string_view uuid) const;
  std::vector<const Computer*> FindComputersByMac(std::string_view mac) const;
  const App* FindApp(std::string_view name) const;  // case-insensitive
  const Locale* FindLocale(std::string_view country) const;
  const User* FindUser(std::string_view username) const;  // trimmed, exact
  const Credential* FindCredential(std::string_view id) const;
  // The config value, or nullopt when the key is absent.
  std::optional<std::string> Config(std::string_view key) const;
  // Type names in first-seen order (upper-cased comparison, original spelling kept).
  std::vector<std::string> TypeNames() const;
  // Apps of `type` in install order (names as written in postype.csv).
  std::vector<std::string> AppsOfType(std::string_view type) const;

  // Builds the indexes of the tables changed since they were last built
  // (all of them the first time); an unchanged table keeps its index, shared
  // with the snapshot it came from.
  void BuildIndexes();

  // One-row changes of `computers` that keep current indexes current: cost
  // is one chunk of row pointers plus the row's keys (Erase: the pointers of
  // the rows after it), not the table. REQUIRES: pos < computers.size().
  void SetComputer(size_t pos, Computer c);
  void AddComputer(Computer c);
  void EraseComputer(size_t pos);
  // Where `row` (a row of this Tables, e.g. from FindComputerBySerial) is in
  // `computers`; nullopt if it is not one of them.
  std::optional<size_t> PositionOf(const Computer* row) const;

  // Serial normal form: trimmed, upper-cased.
  static std::string SerialKey(std::string_view serial);
  // MAC normal form: hex digits only, upper-cased ("AA-BB.." == "aa:bb..").
  static std::string MacKey(std::string_view mac);

  struct ComputerIndex;  // tables.cc

 private:
  bool ComputerIndexCurrent() const;
  std::vector<const Computer*> InFileOrder(std::vector<const Computer*> rows) const;
  std::shared_ptr<const ComputerIndex> computer_index_;  // serial, uuid, mac -> row
  std::shared_ptr<const std::unordered_map<std::string, size_t>> app_by_name_;  // upper-cased
  uint64_t app_index_stamp_ = 0;
};

}  // namespace provisiond::model

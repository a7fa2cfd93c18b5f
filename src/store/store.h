// Store: where the configuration tables and the deployments live. One
// interface, several backends (store/csv/ now, PostgreSQL later); nothing
// here names a file format. The API layer holds a Store& and never knows
// which backend it talks to.
//
// Thread rule: every member is safe from any thread. Snapshot() never waits
// on a writer (readers get an immutable snapshot; a write builds the next one
// and swaps it in). Writes may block on disk or a database (fsync): call them
// from a worker pool, not from an I/O thread.
//
// Versions: every row a client can edit carries `version`. A write names the
// version it was based on; if the stored row has another one, the write is
// refused with kConflict (re-read, re-apply) and nothing changes. A
// successful write returns the stored row with its new version.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "model/audit.h"
#include "model/deployment.h"
#include "model/tables.h"

namespace provisiond::store {

// A change the store refused to load (an external edit, a restore), with the
// place it was found. Cleared once that source loads cleanly again.
struct SourceError {
  std::string source;  // file name ("computers.csv") or table name
  int line = 0;        // 1-based; 0 when not tied to a line
  int column = 0;      // 1-based; 0 when not tied to a column
  std::string reason;  // what is wrong and how to fix it
  Timestamp at{};      // when the store noticed it
  friend bool operator==(const SourceError&, const SourceError&) = default;
};

struct StoreHealth {
  std::string backend;        // "csv", "postgresql"
  std::string location;       // data directory or database name (no secrets)
  Timestamp loaded_at{};      // when the serving snapshot was published
  uint64_t generation = 0;    // Snapshot()->generation
  uint64_t reloads = 0;       // external edits loaded since the store opened
  uint64_t refusals = 0;      // external edits refused since then (each problem once)
  // Refused external edits, at most one per source; the previous data keeps
  // serving while any is listed.
  std::vector<SourceError> errors;
  // Problems that do not stop serving (e.g. a type naming a missing app);
  // the same list as Snapshot()->warnings.
  std::vector<model::LoadWarning> warnings;
  // Non-empty while the backend cannot be reached (a database outage): why,
  // and since when. Reads keep serving the last snapshot; writes answer
  // kUnavailable until it is back.
  std::string unavailable;
};

// Filters of ListDeployments(). Empty / nullopt fields do not filter.
struct DeploymentQuery {
  std::optional<model::DeploymentStatus> status;
  std::string type;             // case-insensitive equality
  std::string model;            // case-insensitive substring
  std::optional<Timestamp> from;  // started >= from
  std::optional<Timestamp> to;    // started < to
  std::string text;             // case-insensitive substring of serial or computer name
  size_t offset = 0;
  size_t limit = 100;           // 0: no limit
};

struct DeploymentPage {
  std::vector<model::Deployment> items;  // newest `started` first, ties by id
  size_t total = 0;                      // matches before offset/limit
};

// RecordEvent's answer: `stored` false when the event was already stored (a
// client retry); `deployment` is the stored state either way.
struct RecordedEvent {
  bool stored = false;
  model::Deployment deployment;
};

// Filters of ListAudit(). Empty fields do not filter.
struct AuditQuery {
  std::string actor;              // exact (case-insensitive)
  std::string action;             // prefix: "login" matches "login.failed"
  std::string text;               // case-insensitive substring of target or route
  std::optional<Timestamp> from;  // at >= from
  std::optional<Timestamp> to;    // at < to
  size_t offset = 0;
  size_t limit = 100;             // 0: no limit
};

struct AuditPage {
  std::vector<model::AuditEntry> items;  // newest first
  size_t total = 0;
};

// The version a type's app list has in `tables`: derived from its content
// (upper-cased type, app names in order), so it is the same in every backend
// and across reloads. 0 when the type has no rows.
// Below 2^53, so JSON clients keep it exact.
uint64_t TypeVersion(const model::Tables& tables, std::string_view type);

class Store {
 public:
  virtual ~Store() = default;

  // ---- Configuration tables -------------------------------------------

  // The current tables: never null once the store is open, never modified
  // afterwards (BuildIndexes() done). Holding it keeps that state alive; a
  // later write publishes a new snapshot with a higher `generation`.
  virtual std::shared_ptr<const model::Tables> Snapshot() const = 0;

  // Snapshot()->generation without taking a reference to the snapshot (a
  // per-request check that only wants to know whether its cache is current).
  virtual uint64_t Generation() const { return Snapshot()->generation; }

  // Load time, refused external edits and load warnings.
  virtual StoreHealth Health() const = 0;

  // Every write below is durable before it returns ok, and visible in the
  // next Snapshot(). Every backend applies the shared write rules first
  // (store/write_rules.h: PrepareComputer, PrepareTypeApps, CheckAppUnused,
  // CheckVersion...), so all refuse the same values with the same message and
  // store catalogue names in the catalogue's spelling. On any error nothing
  // changed (stored data and the serving snapshot are as before). Common errors:
  //   kConflict           expected version differs from the stored one, or a
  //                       create names a key that exists
  //   kNotFound           update/delete of a key that does not exist
  //   kInvalidArgument    bad field (empty key, invalid regex with RE2's
  //                       message, unknown type/app reference)
  //   kFailedPrecondition the backing source holds a refused external edit:
  //                       fix or restore it first (never silently overwritten)
  //   kIoError            the write failed; nothing changed

  // Creates (expected_version = nullopt; kConflict if the serial exists) or
  // updates (the stored version must equal *expected_version) the computer
  // with this serial (trimmed, case-insensitive). `c.version` is ignored.
  // The row must pass PrepareComputer (a valid NetBIOS name when set, an
  // existing type when set). Returns the stored row.
  virtual Result<model::Computer> PutComputer(model::Computer c,
                                              std::optional<uint64_t> expected_version) = 0;
  virtual Status DeleteComputer(std::string_view serial, uint64_t expected_version) = 0;

  // Apps by name (case-insensitive). Regex fields (allowed_models, os_filter)
  // must compile. Deleting an app a type still lists is kInvalidArgument.
  virtual Result<model::App> PutApp(model::App app, std::optional<uint64_t> expected_version) = 0;
  virtual Status DeleteApp(std::string_view name, uint64_t expected_version) = 0;

  // Replaces the ordered app list of `type` (compared upper-cased).
  // expected_version: nullopt creates (kConflict if the type exists), else it
  // must equal TypeVersion() of the current snapshot. Every app must exist
  // (kInvalidArgument naming the missing one); `apps` must not be empty (use
  // DeleteType). Returns the new TypeVersion().
  virtual Result<uint64_t> SetTypeApps(std::string_view type, std::vector<std::string> apps,
                                       std::optional<uint64_t> expected_version) = 0;
  // kInvalidArgument if a computer still uses the type.
  virtual Status DeleteType(std::string_view type, uint64_t expected_version) = 0;

  // Driver rules by stable id (NextDriverId: never reused while the table
  // holds a higher one). Create (expected_version = nullopt) appends the rule
  // and assigns its id; update replaces the rule with `rule.id` in place.
  // The rule's position (1-based row order) breaks priority ties and orders
  // the Bundle ID lookup; MoveDriverRule puts it at `position`, the others
  // keep their order (kInvalidArgument "position" when out of 1..size).
  virtual Result<model::DriverRule> PutDriverRule(model::DriverRule rule,
                                                  std::optional<uint64_t> expected_version) = 0;
  virtual Result<model::DriverRule> MoveDriverRule(uint64_t id, size_t position, uint64_t expected_version) = 0;
  virtual Status DeleteDriverRule(uint64_t id, uint64_t expected_version) = 0;

  // Sets (adds or replaces) one configuration key. Last writer wins.
  virtual Status SetConfig(std::string_view key, std::string_view value) = 0;
  // Removes the key's row (case-insensitive) so the default applies again.
  // Ok, nothing written, when there is no such row.
  virtual Status DeleteConfig(std::string_view key) = 0;

  // Locale defaults by country (case-insensitive).
  virtual Result<model::Locale> PutLocale(model::Locale locale,
                                          std::optional<uint64_t> expected_version) = 0;
  virtual Status DeleteLocale(std::string_view country, uint64_t expected_version) = 0;

  // ---- Access: users, credentials, networks, audit -------------------

  // Users by name (trimmed, case-insensitive). The row must pass PrepareUser
  // (a name without spaces or commas, a known role); the hash is stored as
  // given (the caller hashes). Returns the stored row.
  virtual Result<model::User> PutUser(model::User u, std::optional<uint64_t> expected_version) = 0;
  virtual Status DeleteUser(std::string_view username, uint64_t expected_version) = 0;

  // Adds a credential; kConflict if its id exists. PrepareCredential checks
  // the kind and that a secret hash is present.
  virtual Status AddCredential(model::Credential c) = 0;
  // Removes every credential for which `remove` is true; returns how many
  // (0: nothing written).
  virtual Result<size_t> RemoveCredentials(const std::function<bool(const model::Credential&)>& remove) = 0;
  // Sets last_used (ISO-8601) of the credentials named by id, in one write;
  // ids no longer stored are skipped.
  virtual Status TouchCredentials(const std::vector<std::pair<std::string, std::string>>& last_used) = 0;

  // Merges sightings into networks: a row with the same network gets its
  // last_seen and hits; others are added as Blocked rows for an admin to
  // approve. One write for the whole batch.
  virtual Status RecordNetworkSightings(const std::vector<model::NetworkSighting>& sightings) = 0;
  // Adds or replaces the row of `n.network` (an admin approving or adding a
  // network); the CIDR must parse, status must be Allow or Blocked.
  virtual Result<model::Network> PutNetwork(model::Network n) = 0;
  virtual Status DeleteNetwork(std::string_view network) = 0;

  // Appends one audit entry durably (append-only; daily files with the
  // journal's retention in the CSV store).
  virtual Status AppendAudit(model::AuditEntry e) = 0;
  virtual Result<AuditPage> ListAudit(const AuditQuery& query) const = 0;

  // ---- Several instances on one backend -----------------------------------

  // Called with each deployment another instance stored (an event posted
  // there), in the order they were stored there, from a store thread; not
  // for this instance's own writes. A single-instance backend never calls it.
  virtual void SetRemoteDeploymentObserver(std::function<void(const model::Deployment&)> observer) {
    (void)observer;
  }
  // Loads what other instances stored since the snapshot, now (a database
  // round trip), instead of within the second their notification takes:
  // true if the snapshot changed. For a lookup that missed what may have
  // been created elsewhere a moment ago (a session signed in on another
  // instance). A single-instance backend: false, nothing to catch up on.
  virtual bool CatchUp() { return false; }
  // True for the first caller, on any instance, to claim (`job`, `key`)
  // (e.g. "stale-webhook", a deployment id): work that must be done once
  // however many instances notice it. A single-instance backend: always true
  // (the caller remembers what it did).
  virtual Result<bool> ClaimOnce(std::string_view job, std::string_view key) {
    (void)job, (void)key;
    return true;
  }

  // ---- Deployments (high volume, written by endpoints) ----------------

  // Stores a new deployment. kConflict if the id exists. Returns it with
  // version 1.
  virtual Result<model::Deployment> CreateDeployment(model::Deployment d) = 0;
  // Stores the new state of an existing deployment (kNotFound otherwise).
  // `d.version` must equal the stored version (kConflict: re-read, re-apply);
  // returns the stored state with version + 1.
  virtual Result<model::Deployment> UpdateDeployment(model::Deployment d) = 0;
  // Appends an event of an existing deployment (kNotFound otherwise).
  // Returns true if stored, false if (deployment_id, event_id) was already
  // stored (a client retry): nothing is stored twice. Does not change the
  // deployment: the caller computes the new state and calls UpdateDeployment.
  virtual Result<bool> AppendEvent(model::DeploymentEvent e) = 0;
  // Stores event `e` and `next`, the state it leads to, as one durable step:
  // after an error or a crash both are stored or neither is, so a client's
  // retry applies the event exactly once. `next.id` must be e.deployment_id
  // and `next.version` the stored version it was computed from (kConflict:
  // re-read, re-apply); kNotFound if no such deployment. If (deployment_id,
  // event_id) is already stored nothing is written: stored = false and the
  // stored state. Else stored = true and the new state (version + 1).
  virtual Result<RecordedEvent> RecordEvent(model::DeploymentEvent e, model::Deployment next) = 0;
  // Removes a deployment record and its events (an operator clearing a
  // test run). `expected_version` as UpdateDeployment; kNotFound if no such id.
  virtual Status DeleteDeployment(std::string_view id, uint64_t expected_version) = 0;
  // kNotFound if no such id.
  virtual Result<model::Deployment> GetDeployment(std::string_view id) const = 0;
  // Events of a deployment in append order; kNotFound if no such deployment.
  virtual Result<std::vector<model::DeploymentEvent>> EventsOf(std::string_view id) const = 0;
  virtual Result<DeploymentPage> ListDeployments(const DeploymentQuery& query) const = 0;
  // The most recently started deployment of this serial (trimmed,
  // case-insensitive), or nullopt.
  virtual Result<std::optional<model::Deployment>> LatestDeploymentForSerial(
      std::string_view serial) const = 0;
};

}  // namespace provisiond::store

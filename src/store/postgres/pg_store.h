// PgStore: the Store on PostgreSQL, for several provisiond instances behind
// a load balancer sharing one database (doc/postgres.md).
//
// Configuration tables: every instance serves an in-memory snapshot, as the
// CSV backend does, so the hot routes never wait on the database. A write
// takes a transaction-scoped advisory lock (config writes of all instances
// are serialised), catches the snapshot up if another instance wrote since,
// applies the shared edit (table_edits.h) to it, stores the changed rows,
// bumps the generation and NOTIFYs; the other instances reload the changed
// tables on that notification (a periodic generation check is the
// backstop), within a second.
//
// Deployments and events live in the database only: RecordEvent is one
// transaction (the event row, unique on (deployment, event id), and the new
// state, checked against the stored version), so two instances receiving
// the same retry store it once. Each stored state records when and by
// which instance; the other instances poll for those every 250 ms and hand
// them to the remote-deployment observer (the UI's live stream). Not a
// NOTIFY per event: that would serialise every commit.
//
// Outage: reads keep serving the last snapshot; writes answer kUnavailable
// (503); a background thread reconnects with backoff and reloads what
// changed meanwhile. Health().unavailable says so.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/log.h"
#include "store/editing_store.h"
#include "store/postgres/pg_connection.h"

namespace provisiond::store {

struct PgStoreOptions {
  std::string url;          // postgresql://user:password@host:port/db?sslmode=...
  size_t pool_size = 8;     // connections for requests (one more listens)
  bool migrate = true;      // apply pending migrations at Open (else refuse an old schema)
  // How often the generation is checked when no notification came (the
  // backstop of LISTEN/NOTIFY), and how long the listener waits at most.
  std::chrono::milliseconds check_interval{1000};
  int retention_days = 90;  // deployments started before are deleted (one instance a day)
  std::function<void(LogLevel, const std::string&)> log;  // default: base/log.h
  std::function<Timestamp()> clock;                        // default: Now()
};

class PgStore final : public EditingStore {
 public:
  // Connects, migrates (or checks the schema) and loads the snapshot. Fails
  // if the database cannot be reached or holds rows that do not decode: a
  // service must not start on data it cannot read.
  static Result<std::unique_ptr<PgStore>> Open(const PgStoreOptions& options);
  ~PgStore() override;  // stops the listener

  std::shared_ptr<const model::Tables> Snapshot() const override;
  uint64_t Generation() const override { return generation_.load(std::memory_order_acquire); }
  StoreHealth Health() const override;

  Status AppendAudit(model::AuditEntry e) override;
  Result<AuditPage> ListAudit(const AuditQuery& query) const override;

  void SetRemoteDeploymentObserver(std::function<void(const model::Deployment&)> observer) override;
  Result<bool> ClaimOnce(std::string_view job, std::string_view key) override;
  bool CatchUp() override;

  Result<model::Deployment> CreateDeployment(model::Deployment d) override;
  Result<model::Deployment> UpdateDeployment(model::Deployment d) override;
  Result<bool> AppendEvent(model::DeploymentEvent e) override;
  Result<RecordedEvent> RecordEvent(model::DeploymentEvent e, model::Deployment next) override;
  Status DeleteDeployment(std::string_view id, uint64_t expected_version) override;
  Result<model::Deployment> GetDeployment(std::string_view id) const override;
  Result<std::vector<model::DeploymentEvent>> EventsOf(std::string_view id) const override;
  Result<DeploymentPage> ListDeployments(const DeploymentQuery& query) const override;
  Result<std::optional<model::Deployment>> LatestDeploymentForSerial(std::string_view serial) const override;

  // Replaces tables `which` with those of `t` in one transaction (an
  // import): all or nothing, then serves them.
  Status ReplaceTables(const model::Tables& t, const std::vector<TableId>& which);
  // Writes every configuration table as its CSV file into `dir` (exists),
  // as the CSV backend would hold them.
  Status WriteCsvFiles(const std::string& dir) const;

  // Reloads what changed now (tests; the listener does it by itself).
  Status RefreshNow();
  // Deletes deployments started more than retention_days ago, if no other
  // instance did today. Returns how many.
  Result<size_t> ApplyRetention();

 private:
  explicit PgStore(const PgStoreOptions& options);
  Status Write(TableId table, const MakeEdit& make) override;
  Timestamp Clock() const override { return options_.clock(); }

  // Reads the tables whose generation moved since the snapshot (all when
  // `all`) through `c`, and publishes the result. REQUIRES: mu_.
  Status RefreshLocked(pg::Connection& c, bool all);
  // Applies to *t the computer rows written or removed after generation
  // `since` (one at a time: no whole-table rewrite since), decoded with
  // `columns`. A row that does not decode: its error, *t partly changed.
  Result<std::optional<SourceError>> LoadComputerChanges(pg::Connection& c, int64_t since,
                                                         const std::vector<std::string>& columns, model::Tables* t);
  void Publish(std::shared_ptr<model::Tables> next);
  void ListenLoop();
  // Where the live-stream poll is: the newest change seen (ms) and, per
  // deployment, the version told and when it changed.
  struct RemoteCursor {
    int64_t newest_ms = 0;
    std::map<std::string, std::pair<uint64_t, int64_t>> told;
  };
  static constexpr std::chrono::milliseconds kDeploymentPoll{250};
  // Tells the observer the deployments other instances changed since the
  // cursor, in the order they changed.
  void PollRemoteDeployments(RemoteCursor* cursor);
  void NoteUnavailable(const Status& s) const;
  void NoteAvailable() const;
  // Passes `s` on; a kUnavailable one is also noted for Health().
  Status Failed(Status s) const;
  template <typename T>
  Result<T> Failed(Result<T> r) const {
    if (!r.ok()) return Failed(r.status());
    return r;
  }

  PgStoreOptions options_;
  std::string location_;  // the URL without its password
  mutable pg::Pool pool_;
  std::atomic<std::shared_ptr<const model::Tables>> snapshot_;
  std::atomic<uint64_t> generation_{0};

  // One config write or refresh of this instance at a time; guards the
  // members below and the publication of snapshots.
  mutable std::mutex mu_;
  std::map<TableId, int64_t> table_generations_;       // of the tables in the snapshot
  std::map<TableId, std::vector<std::string>> columns_;  // each table's stored column order
  std::vector<SourceError> errors_;
  uint64_t reloads_ = 0;
  uint64_t refusals_ = 0;

  mutable std::mutex state_mu_;
  Timestamp loaded_at_{};
  mutable std::string unavailable_;  // "" while the database answers
  std::function<void(const model::Deployment&)> observer_;
  std::string instance_id_;  // tags this instance's NOTIFYs, so it skips its own

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  bool listening_ = false;  // the listener's LISTEN went through once
  std::thread listener_;
};

}  // namespace provisiond::store

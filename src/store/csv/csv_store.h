// CsvStore: the Store on a data directory of CSV files (doc/csv_format.md),
// a drop-in for the original service's data_csv/. Writes are durable before
// they return. A computer write appends one record to computers.csv.wal
// (fsync) and is acknowledged; a background flush rewrites computers.csv
// (temp, fsync, rename, fsync dir) within `computers_flush_delay`, coalescing
// bursts, then clears the log; Open() replays what a crash left in it. Other
// tables rewrite their (small) file on each write. External edits are
// noticed by polling, validated as a whole and swapped in atomically (pending
// computer changes are re-applied on top, or reported as conflicts), or
// refused with file/line/column while the previous snapshot keeps serving.
// Deployments go to append-only daily journals.
//
// Safe from any thread: Snapshot() is a lock-free atomic load; table writes
// and reloads are serialised by one mutex; deployments by another. A flush
// encodes and writes the new computers.csv without that mutex, taking it
// only to check and rename.
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

#include "base/log.h"
#include "platform/fs.h"
#include "store/csv/audit_log.h"
#include "store/csv/computer_wal.h"
#include "store/csv/journal.h"
#include "store/csv/tables_csv.h"
#include "store/csv/transfer.h"
#include "store/editing_store.h"
#include "store/store.h"

namespace provisiond::store {

struct CsvStoreOptions {
  std::string data_dir = "data";
  // How often files are checked for external edits; 0 disables the watcher
  // (tests call ReloadNowForTesting()). A change is noticed within 2 intervals.
  std::chrono::milliseconds reload_interval{1000};
  int journal_retention_days = 90;  // journal files older than this are deleted
  bool fsync = true;  // false: faster, may lose the last writes on power loss
  // How long after the first pending computer change computers.csv is
  // rewritten (changes meanwhile are in computers.csv.wal). Longer: fewer
  // rewrites under bursts, more log to replay after a crash. 0: no log,
  // every computer write rewrites computers.csv before it returns (slow at
  // 100k rows: tens to hundreds of ms per write).
  std::chrono::milliseconds computers_flush_delay{1000};
  // Receives reload errors and journal warnings; default: base/log.h.
  std::function<void(LogLevel, const std::string&)> log;
  // Clock for journal day files and retention; default: Now().
  std::function<Timestamp()> clock;
  // File system; default platform::PosixFs(). Must outlive the store.
  platform::Fs* fs = nullptr;
};

class CsvStore final : public EditingStore {
 public:
  // Loads every file (missing ones = empty tables) and replays the journals.
  // Fails (kInvalidArgument with file:line:column) if any file is invalid:
  // a service must not start on data it cannot read. Starts the watcher.
  static Result<std::unique_ptr<CsvStore>> Open(const CsvStoreOptions& options);
  ~CsvStore() override;  // stops the watcher

  std::shared_ptr<const model::Tables> Snapshot() const override;
  uint64_t Generation() const override { return generation_.load(std::memory_order_acquire); }
  StoreHealth Health() const override;

  Status AppendAudit(model::AuditEntry e) override;
  Result<AuditPage> ListAudit(const AuditQuery& query) const override;

  Result<model::Deployment> CreateDeployment(model::Deployment d) override;
  Result<model::Deployment> UpdateDeployment(model::Deployment d) override;
  Result<bool> AppendEvent(model::DeploymentEvent e) override;
  Result<RecordedEvent> RecordEvent(model::DeploymentEvent e, model::Deployment next) override;
  Status DeleteDeployment(std::string_view id, uint64_t expected_version) override;
  Result<model::Deployment> GetDeployment(std::string_view id) const override;
  Result<std::vector<model::DeploymentEvent>> EventsOf(std::string_view id) const override;
  Result<DeploymentPage> ListDeployments(const DeploymentQuery& query) const override;
  Result<std::optional<model::Deployment>> LatestDeploymentForSerial(std::string_view serial) const override;

  // Writes the pending computer changes into computers.csv now (durably) and
  // clears computers.csv.wal. Ok when nothing is pending. On error the
  // changes stay pending in the log (nothing is lost) and the background
  // flush retries: kFailedPrecondition while computers.csv holds a refused
  // or changed-and-not-yet-loaded edit, kUnavailable if it changed during
  // the flush, kIoError.
  Status Flush();

  // One watcher pass now: reloads if any file changed, applies retention.
  void ReloadNowForTesting();

  // Imports CSV texts (store/csv/transfer.h's PlanImportTexts against this
  // data directory, after flushing acknowledged computer changes to
  // computers.csv): returns the plan; with `apply` also writes it, all or
  // nothing, and serves the result at once. `errors` gets each invalid
  // file's error (then the status is kInvalidArgument, nothing written).
  Result<ImportPlan> ImportCsv(const std::map<TableId, std::string>& texts, ImportMode mode, bool apply,
                               std::vector<SourceError>* errors);
  // Computer changes acknowledged but not yet in computers.csv.
  size_t PendingComputerChangesForTesting() const;
  // Runs `hook` under the write lock after a table's new temp file is
  // written and before the check that precedes its rename (a test edits the
  // file there, as Excel could). Empty: none.
  void SetBeforeRenameHookForTesting(std::function<void()> hook);

 private:
  explicit CsvStore(const CsvStoreOptions& options);

  // EditingStore: BeginWriteLocked's checks, the edit on the serving
  // snapshot, and its commit (a computer change through the log).
  Status Write(TableId table, const MakeEdit& make) override;
  Timestamp Clock() const override { return options_.clock(); }
  // Writes table `id` of `next` (a modified copy of the snapshot) durably,
  // then publishes `next`. REQUIRES: write_mu_ held. On error nothing changed.
  Status CommitLocked(TableId id, std::shared_ptr<model::Tables> next);
  // A computer change: appended to the log (or, without one, the file
  // rewritten), then `next` published. REQUIRES: write_mu_. On error nothing changed.
  Status CommitComputerLocked(PendingChange change, std::shared_ptr<model::Tables> next);
  // Appends one record to computers.csv.wal durably. On failure the log is
  // put back as it was, so a record the caller was told failed never replays.
  Status AppendWalLocked(const PendingChange& change);
  // Rewrites computers.csv.wal to hold exactly wal_changes_ (removed when none).
  Status RewriteWalLocked();
  // Right before renaming `tmp` over table `id`'s file: kConflict (tmp
  // removed) if the file is not the one we last loaded or wrote, i.e. an
  // external edit landed since; else *ours = tmp's stat. REQUIRES: write_mu_.
  Status CheckUnchangedBeforeRenameLocked(TableId id, const std::string& tmp, platform::FsStat* ours);
  // Runs `work` for a background thread: an exception becomes a logged
  // kInternal instead of ending the process.
  Status Guarded(const char* what, const std::function<Status()>& work) const;
  // Type warnings plus the dropped-change warnings this store has seen.
  void SetWarningsLocked(model::Tables* t) const;
  void ScheduleFlush();
  void FlushLoop();
  // Loads external edits first (so a write never overwrites one), then
  // refuses a table whose file holds a refused or not-yet-loaded edit.
  Status BeginWriteLocked(TableId id);
  void ReloadIfChangedLocked();
  std::shared_ptr<model::Tables> CopyLocked() const;
  void Publish(std::shared_ptr<model::Tables> next);
  void PollOnce();
  void WatchLoop();
  void Report(LogLevel level, const std::string& message) const;
  std::string PathOf(TableId id) const;
  std::string WalPath() const;

  CsvStoreOptions options_;
  platform::Fs& fs_;
  std::atomic<std::shared_ptr<const model::Tables>> snapshot_;
  std::atomic<uint64_t> generation_{0};  // snapshot_'s generation, stored after it

  mutable std::mutex write_mu_;  // table writes, reloads, the fields below
  std::map<TableId, FileMeta> files_;         // what we last loaded or wrote
  std::map<TableId, SourceError> errors_;     // refused external edits
  std::map<TableId, bool> pending_;           // changed on disk, not loaded (another file is invalid)
  std::string retention_day_;                 // day retention last ran
  Timestamp loaded_at_{};

  // computers.csv.wal: changes acknowledged and not yet in computers.csv,
  // and the text the log file holds (as far as we know).
  std::vector<PendingChange> wal_changes_;
  std::string wal_text_;
  bool wal_suspect_ = false;  // a failed append could not be undone: repair before appending
  uint64_t reload_epoch_ = 0;  // bumped when a reload replaces the snapshot
  uint64_t refusals_ = 0;      // refused external edits, each problem counted once
  std::vector<model::LoadWarning> change_warnings_;  // dropped pending changes (last 100)

  std::function<void()> before_rename_for_testing_;  // guarded by write_mu_

  std::unique_ptr<DeploymentJournal> journal_;
  std::unique_ptr<AuditLog> audit_;

  std::mutex flush_mu_;    // one Flush() at a time; taken before write_mu_
  std::mutex encoder_mu_;  // guards encoder_; taken last
  ComputersEncoder encoder_;

  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool stopping_ = false;
  std::thread watcher_;
  std::condition_variable flush_cv_;  // with watch_mu_
  bool flush_wanted_ = false;
  std::thread flusher_;
};

}  // namespace provisiond::store

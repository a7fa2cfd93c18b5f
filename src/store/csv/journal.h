// DeploymentJournal: deployments and their events in append-only daily CSV
// files under <data-dir>/deployments/ (doc/csv_format.md, "Deployment
// journal"), replayed into memory on open. An append is one write() of one
// line (plus fsync), never a rewrite; a failed append (ENOSPC, EIO, a short
// write) marks the file, and the next append to it first cuts it back to the
// last whole line it had, so a failed row never replays and never glues
// itself to the next one. Safe from any thread (one mutex).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/log.h"
#include "base/status.h"
#include "base/time.h"
#include "model/deployment.h"
#include "platform/fs.h"
#include "store/store.h"

namespace provisiond::store {

struct JournalOptions {
  std::string dir;              // <data-dir>/deployments, created if missing
  int retention_days = 90;      // files dated before today - this are deleted
  bool fsync = true;            // false: faster, may lose the last appends
  std::function<Timestamp()> clock;                         // required
  std::function<void(LogLevel, const std::string&)> log;    // required
  platform::Fs* fs = nullptr;   // required; must outlive the journal
};

class DeploymentJournal {
 public:
  // Applies retention, then replays every remaining journal file (a torn
  // last line is skipped with a warning). kIoError if the directory cannot be read.
  static Result<std::unique_ptr<DeploymentJournal>> Open(const JournalOptions& options);

  // Same contracts as Store's deployment members.
  Result<model::Deployment> Create(model::Deployment d);
  Result<model::Deployment> Update(model::Deployment d);
  Result<bool> Append(model::DeploymentEvent e);
  // Store::RecordEvent: the state row (tagged with e.event_id) is appended
  // first, then the event row, which commits both: on replay a state row
  // whose event is missing is ignored.
  Result<RecordedEvent> Record(model::DeploymentEvent e, model::Deployment next);
  Result<model::Deployment> Get(std::string_view id) const;
  Result<std::vector<model::DeploymentEvent>> EventsOf(std::string_view id) const;
  DeploymentPage List(const DeploymentQuery& q) const;
  std::optional<model::Deployment> LatestForSerial(std::string_view serial) const;
  // Store::DeleteDeployment: appends a tombstone row (status "deleted",
  // version + 1); replay drops the deployment and its events.
  Status Delete(std::string_view id, uint64_t expected_version);

  // Deletes journal files dated before clock() - retention_days. Returns
  // the first error (later files are still tried).
  Status ApplyRetention();

  // File names for a UTC day: "deployments-2026-11-23.csv", "events-...".
  static std::string DeploymentsFileName(Timestamp t);
  static std::string EventsFileName(Timestamp t);

 private:
  explicit DeploymentJournal(const JournalOptions& options) : options_(options) {}
  // What this journal knows of one day file.
  struct FileState {
    uint64_t good_size = 0;           // bytes ending on the last whole record
    bool dirty = false;               // may hold bytes past good_size: cut before appending
    std::vector<std::string> header;  // the file's columns; empty while good_size == 0
  };
  struct Entry {
    model::Deployment d;
    bool has_row = false;  // false: only events survived retention, or deleted
    uint64_t deleted_version = 0;  // the tombstone's version; rows up to it are gone
    std::vector<model::DeploymentEvent> events;
    std::unordered_set<std::string> event_ids;
  };
  Status Replay();
  void ReplayDeployments(const std::vector<std::vector<std::string>>& rows,
                         const std::vector<std::string>& header, const std::string& file);
  void ReplayEvents(const std::vector<std::vector<std::string>>& rows,
                    const std::vector<std::string>& header, const std::string& file);
  // Appends one row to `name` (header first when the file is new). `cells`
  // follow `header`; the row is written in the file's own column order (a
  // file begun by an older version may lack a column: that cell is dropped).
  // REQUIRES: mu_ held.
  Status AppendRow(const std::string& name, std::string_view header, const std::vector<std::string>& cells);
  // The state of file `name`, read from disk the first time. REQUIRES: mu_.
  Result<FileState*> FileStateOf(const std::string& name);
  // Cuts a dirty file back to its last whole record. REQUIRES: mu_.
  Status RepairLocked(const std::string& name, FileState* f);
  void IndexSerial(const model::Deployment& d);
  // Points the serial's index at its latest remaining attempt. REQUIRES: mu_.
  void ReindexSerial(std::string_view serial);

  JournalOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> by_id_;
  std::unordered_map<std::string, std::string> latest_by_serial_;  // serial key -> id
  std::unordered_map<std::string, FileState> files_;  // file name -> state
};

// A journal row <-> value (exposed for tests and tools). `event_id`: the
// event this state records (RecordEvent), empty otherwise.
std::string EncodeDeploymentRow(const model::Deployment& d, std::string_view event_id = {});
std::string EncodeEventRow(const model::DeploymentEvent& e);
extern const char kDeploymentsHeader[];
extern const char kEventsHeader[];
// The byte length of the whole records at the start of `text`: up to the
// last line break outside quotes (a torn last record, even one that opened
// a quoted field and holds line breaks, is not counted).
size_t WholeRecordsLength(std::string_view text);

}  // namespace provisiond::store

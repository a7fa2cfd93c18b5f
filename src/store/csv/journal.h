// DeploymentJournal: deployments and their events in append-only daily CSV
// files under <data-dir>/deployments/ (doc/csv_format.md, "Deployment
// journal"), replayed into memory on open. An append is one write() of one
// line (plus fsync), never a rewrite. Safe from any thread (one mutex).
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
  Result<model::Deployment> Get(std::string_view id) const;
  Result<std::vector<model::DeploymentEvent>> EventsOf(std::string_view id) const;
  DeploymentPage List(const DeploymentQuery& q) const;
  std::optional<model::Deployment> LatestForSerial(std::string_view serial) const;

  // Deletes journal files dated before clock() - retention_days. Returns
  // the first error (later files are still tried).
  Status ApplyRetention();

  // File names for a UTC day: "deployments-2026-11-23.csv", "events-...".
  static std::string DeploymentsFileName(Timestamp t);
  static std::string EventsFileName(Timestamp t);

 private:
  explicit DeploymentJournal(const JournalOptions& options) : options_(options) {}
  struct Entry {
    model::Deployment d;
    bool has_row = false;  // false: only events survived retention
    std::vector<model::DeploymentEvent> events;
    std::unordered_set<std::string> event_ids;
  };
  Status Replay();
  void ReplayDeployments(const std::vector<std::vector<std::string>>& rows,
                         const std::vector<std::string>& header, const std::string& file);
  void ReplayEvents(const std::vector<std::vector<std::string>>& rows,
                    const std::vector<std::string>& header, const std::string& file);
  // Appends one row to `name` (header first when the file is new).
  Status AppendRow(const std::string& name, std::string_view header, const std::string& line);
  void IndexSerial(const model::Deployment& d);

  JournalOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> by_id_;
  std::unordered_map<std::string, std::string> latest_by_serial_;  // serial key -> id
  std::unordered_map<std::string, bool> needs_newline_;  // file name -> torn last line seen
  std::unordered_set<std::string> known_files_;
};

// A journal row <-> value (exposed for tests and tools).
std::string EncodeDeploymentRow(const model::Deployment& d);
std::string EncodeEventRow(const model::DeploymentEvent& e);
extern const char kDeploymentsHeader[];
extern const char kEventsHeader[];

}  // namespace provisiond::store

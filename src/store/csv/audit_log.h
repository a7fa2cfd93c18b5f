// AuditLog: the audit trail as append-only daily CSV files under
// <data-dir>/audit/ ("audit-2026-12-03.csv", doc/csv_format.md). An entry is
// one write of one line (fsync); nothing is ever rewritten, files older than
// the retention are deleted. Reads parse the files (a listing is an admin
// action, not a hot path). Safe from any thread (one mutex).
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "base/status.h"
#include "platform/fs.h"
#include "store/store.h"

namespace provisiond::store {

struct AuditLogOptions {
  std::string dir;                     // created on the first append
  int retention_days = 365;
  bool fsync = true;
  std::function<Timestamp()> clock;    // required
  platform::Fs* fs = nullptr;          // required; must outlive the log
};

class AuditLog {
 public:
  explicit AuditLog(AuditLogOptions options) : options_(std::move(options)) {}

  // kIoError naming the file when the line could not be written durably.
  Status Append(const model::AuditEntry& e);
  // Newest first. A line that does not parse (a torn last line) is skipped.
  Result<AuditPage> List(const AuditQuery& q) const;
  Status ApplyRetention();

  static std::string FileName(Timestamp t);  // "audit-2026-12-03.csv"

 private:
  AuditLogOptions options_;
  mutable std::mutex mu_;
};

}  // namespace provisiond::store

#include "store/csv/csv_store.h"

#include <charconv>

#include <algorithm>

#include "base/strings.h"
#include "store/write_rules.h"

namespace provisiond::store {

using model::App;
using model::Computer;
using model::DriverRule;
using model::Locale;
using model::Tables;

namespace {

bool IsTempName(const std::string& name) {
  return name.find(".csv.tmp.") != std::string::npos || name.find(".csv.wal.tmp.") != std::string::npos;
}

constexpr size_t kMaxChangeWarnings = 100;

// The file line of each row of `t` as WriteCsv writes it (header on line 1,
// a cell's newlines inside its quotes).
std::vector<int> RowLinesOf(const CsvTable& t) {
  std::vector<int> lines;
  lines.reserve(t.rows.size());
  int line = 2;
  for (const auto& row : t.rows) {
    lines.push_back(line);
    ++line;
    for (const auto& cell : row) line += static_cast<int>(std::count(cell.begin(), cell.end(), '\n'));
  }
  return lines;
}

// One log line for the rows a load found breaking the write rules (each is
// listed in Health().warnings, the status route and `provisiond check`).
std::optional<std::string> WarningsSummary(const Tables& t) {
  if (t.warnings.empty()) return std::nullopt;
  const model::LoadWarning& w = t.warnings.front();
  return std::to_string(t.warnings.size()) + " load warning(s) (see /api/v1/admin/status or provisiond check), first: " +
         w.file + ": line " + std::to_string(w.line) + ": " + w.message;
}

}  // namespace

CsvStore::CsvStore(const CsvStoreOptions& options)
    : options_(options), fs_(options.fs != nullptr ? *options.fs : platform::PosixFs()) {
  if (!options_.log) options_.log = [](LogLevel l, const std::string& m) { Log(l, m); };
  if (!options_.clock) options_.clock = [] { return Now(); };
}

Result<std::unique_ptr<CsvStore>> CsvStore::Open(const CsvStoreOptions& options) {
  std::unique_ptr<CsvStore> s(new CsvStore(options));
  const std::string& dir = s->options_.data_dir;
  if (auto e = s->fs_.MakeDirs(dir); !e.ok()) return Status::IoError(e.path, e.ToString());
  // Temp files left by a crash between create and rename are garbage.
  std::vector<std::string> names;
  if (auto e = s->fs_.ListDir(dir, &names); !e.ok()) return Status::IoError(e.path, e.ToString());
  for (const auto& n : names)
    if (IsTempName(n)) (void)s->fs_.Remove(dir + "/" + n);

  LoadedDir loaded = LoadDataDir(s->fs_, dir);
  if (!loaded.errors.empty()) {
    std::string m;
    for (const auto& e : loaded.errors) m += (m.empty() ? "" : "; ") + FormatSourceError(e);
    return Status::InvalidArgument(m);
  }
  for (const auto& m : loaded.wal_skipped)
    s->Report(LogLevel::kWarning, s->WalPath() + ": " + m + "; skipped");
  for (const auto& w : loaded.dropped) s->Report(LogLevel::kError, w.file + ": " + w.message);
  s->wal_changes_ = std::move(loaded.pending);
  s->wal_text_ = std::move(loaded.wal_text);
  s->change_warnings_ = loaded.dropped;
  if (!loaded.wal_skipped.empty() || !loaded.dropped.empty()) {
    // The log must end on a whole record before anything is appended to
    // it, and hold only what is still pending.
    PV_RETURN_IF_ERROR(s->RewriteWalLocked());
  }
  auto tables = std::make_shared<Tables>(std::move(loaded.tables));
  tables->generation = 1;
  tables->BuildIndexes();
  s->files_ = std::move(loaded.files);
  if (auto m = WarningsSummary(*tables)) s->Report(LogLevel::kWarning, *m);
  s->loaded_at_ = s->options_.clock();
  s->generation_.store(tables->generation);
  s->snapshot_.store(std::move(tables));

  JournalOptions jo;
  jo.dir = dir + "/deployments";
  jo.retention_days = s->options_.journal_retention_days;
  jo.fsync = s->options_.fsync;
  jo.clock = s->options_.clock;
  jo.log = s->options_.log;
  jo.fs = &s->fs_;
  PV_ASSIGN_OR_RETURN(s->journal_, DeploymentJournal::Open(jo));
  AuditLogOptions ao;
  ao.dir = dir + "/audit";
  ao.retention_days = std::max(365, s->options_.journal_retention_days);
  ao.fsync = s->options_.fsync;
  ao.clock = s->options_.clock;
  ao.fs = &s->fs_;
  s->audit_ = std::make_unique<AuditLog>(std::move(ao));
  s->retention_day_ = FormatDay(s->options_.clock());

  if (s->options_.reload_interval.count() > 0) s->watcher_ = std::thread([p = s.get()] { p->WatchLoop(); });
  s->flusher_ = std::thread([p = s.get()] { p->FlushLoop(); });
  if (!s->wal_changes_.empty()) s->ScheduleFlush();  // what a crash left pending
  return s;
}

CsvStore::~CsvStore() {
  {
    std::lock_guard lock(watch_mu_);
    stopping_ = true;
  }
  watch_cv_.notify_all();
  flush_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  if (flusher_.joinable()) flusher_.join();
  // A clean stop leaves computers.csv complete (the original service reads
  // only it); if this fails, the log still holds the changes for the next Open.
  if (Snapshot() == nullptr) return;  // Open failed before loading
  if (Status s = Guarded("flush on close", [this] { return Flush(); }); !s.ok())
    Report(LogLevel::kError, "flush on close: " + s.ToString());
}

std::shared_ptr<const Tables> CsvStore::Snapshot() const { return snapshot_.load(std::memory_order_acquire); }

StoreHealth CsvStore::Health() const {
  auto snap = Snapshot();
  StoreHealth h;
  h.backend = "csv";
  h.location = options_.data_dir;
  h.generation = snap->generation;
  h.warnings = snap->warnings.items();
  std::lock_guard lock(write_mu_);
  h.loaded_at = loaded_at_;
  h.reloads = reload_epoch_;
  h.refusals = refusals_;
  for (const auto& [id, e] : errors_) h.errors.push_back(e);
  return h;
}

void CsvStore::Report(LogLevel level, const std::string& message) const { options_.log(level, message); }

Status CsvStore::Guarded(const char* what, const std::function<Status()>& work) const {
  std::string reason;
  try {
    return work();
  } catch (const std::exception& e) {
    reason = e.what();
  } catch (...) {
    reason = "unknown exception";
  }
  Status s = Status::Internal(std::string(what) + " threw: " + reason + "; it goes on (retried on its next turn)");
  try {
    Report(LogLevel::kError, s.message());
  } catch (...) {  // a throwing log sink must not end the thread either
  }
  return s;
}

std::string CsvStore::PathOf(TableId id) const { return options_.data_dir + "/" + std::string(FileNameOf(id)); }
std::string CsvStore::WalPath() const { return options_.data_dir + "/" + kComputersWalName; }

size_t CsvStore::PendingComputerChangesForTesting() const {
  std::lock_guard lock(write_mu_);
  return wal_changes_.size();
}

void CsvStore::SetWarningsLocked(Tables* t) const {
  ComputeWarnings(t, &files_);
  if (change_warnings_.empty()) return;
  std::vector<model::LoadWarning> w = t->warnings.items();
  w.insert(w.end(), change_warnings_.begin(), change_warnings_.end());
  t->warnings = std::move(w);
}

void CsvStore::Publish(std::shared_ptr<Tables> next) {
  const uint64_t generation = next->generation;
  snapshot_.store(std::shared_ptr<const Tables>(std::move(next)), std::memory_order_release);
  generation_.store(generation, std::memory_order_release);
}

std::shared_ptr<Tables> CsvStore::CopyLocked() const { return std::make_shared<Tables>(*Snapshot()); }

void CsvStore::ReloadIfChangedLocked() {
  bool changed = false;
  for (TableId id : kAllTables) {
    platform::FsStat st;
    if (auto e = fs_.Stat(PathOf(id), &st); !e.ok() || !(st == files_[id].stat)) changed = true;
  }
  if (!changed) return;
  // Pending computer changes are not in computers.csv yet: re-applied on top
  // of what the files hold now (or dropped as conflicts, below).
  LoadedDir loaded = LoadDataDir(fs_, options_.data_dir, &wal_changes_);
  for (TableId id : kAllTables) {
    if (files_[id].stat.exists && !loaded.files[id].stat.exists) {
      SourceError e;
      e.source = std::string(FileNameOf(id));
      e.reason = "the file disappeared; restore it (the previous data keeps serving)";
      loaded.errors.push_back(std::move(e));
    }
  }
  if (!loaded.errors.empty()) {
    std::map<TableId, SourceError> errors;
    for (auto& e : loaded.errors) {
      auto id = *TableOfFile(e.source);
      auto old = errors_.find(id);
      if (old != errors_.end() && old->second.reason == e.reason && old->second.line == e.line) {
        e.at = old->second.at;  // the same problem seen again: keep when it was first seen
      } else {
        e.at = options_.clock();
        ++refusals_;
        Report(LogLevel::kError, "refused external edit, previous data keeps serving: " + FormatSourceError(e));
      }
      errors[id] = std::move(e);
    }
    for (TableId id : kAllTables) {
      // Remember what we saw so the same content is not re-read every poll;
      // a changed file we could not load is pending: writes must not clobber it.
      if (!(loaded.files[id].stat == files_[id].stat) && !errors.contains(id)) pending_[id] = true;
      files_[id].stat = loaded.files[id].stat;
    }
    errors_ = std::move(errors);
    return;
  }
  auto cur = Snapshot();
  auto next = std::make_shared<Tables>(std::move(loaded.tables));
  CarryVersions(*cur, next.get());
  next->generation = cur->generation + 1;
  next->BuildIndexes();
  files_ = std::move(loaded.files);
  wal_changes_ = std::move(loaded.pending);
  if (!loaded.dropped.empty()) {
    for (const auto& w : loaded.dropped) Report(LogLevel::kError, w.file + ": " + w.message);
    change_warnings_.insert(change_warnings_.end(), loaded.dropped.begin(), loaded.dropped.end());
    if (change_warnings_.size() > kMaxChangeWarnings)
      change_warnings_.erase(change_warnings_.begin(),
                             change_warnings_.end() - static_cast<std::ptrdiff_t>(kMaxChangeWarnings));
    if (Status s = RewriteWalLocked(); !s.ok())
      Report(LogLevel::kWarning, "dropping conflicting changes from the log: " + s.ToString() +
                                     " (they conflict again on the next load)");
  }
  SetWarningsLocked(next.get());
  if (auto m = WarningsSummary(*next)) Report(LogLevel::kWarning, *m);
  ++reload_epoch_;
  if (!wal_changes_.empty()) ScheduleFlush();
  if (!errors_.empty()) Report(LogLevel::kInfo, "data files valid again; refused edits cleared");
  errors_.clear();
  pending_.clear();
  loaded_at_ = options_.clock();
  Publish(std::move(next));
  Report(LogLevel::kInfo, "reloaded data directory " + options_.data_dir + " after an external edit");
}

void CsvStore::PollOnce() {
  {
    std::lock_guard lock(write_mu_);
    ReloadIfChangedLocked();
  }
  std::string today = FormatDay(options_.clock());
  if (today != retention_day_) {
    retention_day_ = today;
    if (Status s = journal_->ApplyRetention(); !s.ok()) Report(LogLevel::kWarning, "journal retention: " + s.message());
    if (Status s = audit_->ApplyRetention(); !s.ok()) Report(LogLevel::kWarning, "audit retention: " + s.message());
  }
}

void CsvStore::ReloadNowForTesting() { PollOnce(); }

Result<ImportPlan> CsvStore::ImportCsv(const std::map<TableId, std::string>& texts, ImportMode mode, bool apply,
                                       std::vector<SourceError>* errors) {
  PV_RETURN_IF_ERROR(Flush());  // the plan reads the files: put the logged computer changes in them
  std::lock_guard lock(write_mu_);
  ReloadIfChangedLocked();
  PV_ASSIGN_OR_RETURN(ImportPlan plan, PlanImportTexts(fs_, options_.data_dir, texts, mode, errors));
  if (!apply) return plan;
  PV_RETURN_IF_ERROR(ApplyImport(fs_, options_.data_dir, plan, options_.fsync));
  ReloadIfChangedLocked();
  return plan;
}

void CsvStore::WatchLoop() {
  std::unique_lock lock(watch_mu_);
  while (!stopping_) {
    if (watch_cv_.wait_for(lock, options_.reload_interval, [this] { return stopping_; })) break;
    lock.unlock();
    // An exception must not end the process (std::terminate): log, go on.
    (void)Guarded("data directory watcher", [this] {
      PollOnce();
      return Status::Ok();
    });
    lock.lock();
  }
}

Status CsvStore::BeginWriteLocked(TableId id) {
  ReloadIfChangedLocked();
  if (auto it = errors_.find(id); it != errors_.end())
    return Status::FailedPrecondition(FormatSourceError(it->second) +
                                      "; the file holds a refused edit: fix or restore it, then retry");
  if (pending_.contains(id)) {
    std::string others;
    for (const auto& [eid, e] : errors_) others += (others.empty() ? "" : "; ") + FormatSourceError(e);
    return Status::FailedPrecondition(std::string(FileNameOf(id)) +
                                      " was changed on disk but not loaded because another file is invalid (" +
                                      others + "); fix that file, then retry");
  }
  return Status::Ok();
}

Status CsvStore::CheckUnchangedBeforeRenameLocked(TableId id, const std::string& tmp, platform::FsStat* ours) {
  if (before_rename_for_testing_) before_rename_for_testing_();
  // Checked again right before the rename, under the lock: an edit saved
  // (by Excel, say) since we read the file must not be overwritten silently.
  const std::string path = PathOf(id);
  platform::FsStat now;
  auto e = fs_.Stat(path, &now);
  if (e.ok() && now == files_[id].stat) e = fs_.Stat(tmp, ours);
  else if (e.ok()) {
    (void)fs_.Remove(tmp);
    return Status::Conflict(std::string(FileNameOf(id)) +
                            " was changed on disk while this write was being saved; nothing was changed: "
                            "re-read it (the edit is loaded within seconds) and apply your change again");
  }
  if (!e.ok() || !ours->exists) {
    (void)fs_.Remove(tmp);
    return Status::IoError(e.path.empty() ? tmp : e.path, e.ToString() + "; nothing was changed, retry later");
  }
  return Status::Ok();
}

void CsvStore::SetBeforeRenameHookForTesting(std::function<void()> hook) {
  std::lock_guard lock(write_mu_);
  before_rename_for_testing_ = std::move(hook);
}

Status CsvStore::CommitLocked(TableId id, std::shared_ptr<Tables> next) {
  auto cur = Snapshot();
  next->generation = cur->generation + 1;
  next->BuildIndexes();
  FileMeta& meta = files_[id];
  // Blank rows skipped at load are left out of the file now: its notes go,
  // and the lines of the rows after them move up.
  const bool had_notes = !meta.notes.empty();
  std::string text;
  std::vector<std::string> header;
  std::optional<std::vector<int>> row_lines;  // computers: kept as loaded unless lines move
  if (id == TableId::kComputers) {
    {
      std::lock_guard lock(encoder_mu_);
      text = encoder_.Encode(*next, meta.header, &header, meta.format);
    }
    if (had_notes) row_lines = RowLinesOf(EncodeTable(id, *next, header));
  } else {
    CsvTable table = EncodeTable(id, *next, meta.header);
    row_lines = RowLinesOf(table);
    text = WriteCsv(table, meta.format.WriteOptions());  // the file's own delimiter, BOM, line end
    header = std::move(table.header);
  }
  const std::string path = PathOf(id);
  std::string tmp;
  if (auto w = platform::WriteTempFile(fs_, path, text, options_.fsync, &tmp); !w.ok())
    return Status::IoError(path, w.ToString() + "; nothing was changed, retry later");
  platform::FsStat ours;
  PV_RETURN_IF_ERROR(CheckUnchangedBeforeRenameLocked(id, tmp, &ours));
  auto e = platform::CommitTempFile(fs_, tmp, path, options_.fsync);
  if (!e.ok()) {
    if (e.step == "fsync dir") {
      // The rename happened but may not survive a power loss, and the caller
      // is told it failed: put the previous rows back so disk matches memory.
      (void)platform::ReplaceFile(fs_, path, EncodeFile(id, *cur, meta.header, meta.format), options_.fsync);
    }
    (void)fs_.Stat(path, &meta.stat);  // our own change: not an external edit
    return Status::IoError(path, e.ToString() + "; nothing was changed, retry later");
  }
  // The renamed file is the temp file we stat'ed: an edit landing after the
  // rename has another inode or size and is still seen by the watcher.
  meta.stat = ours;
  meta.header = std::move(header);
  if (row_lines) meta.row_lines = std::move(*row_lines);
  if (id == TableId::kConfig) next->config_lines = meta.row_lines;
  meta.notes.clear();
  // Apps, types and drivers change what the rules find (a type created for
  // computers that named it, an app added that a type listed); computer
  // writes keep their warnings current row by row (table_edits.cc).
  if (id == TableId::kApps || id == TableId::kTypeApps || id == TableId::kDrivers || had_notes)
    SetWarningsLocked(next.get());
  Publish(std::move(next));
  if (id == TableId::kComputers && !wal_changes_.empty()) {
    // The file now holds everything the log did.
    wal_changes_.clear();
    if (Status s = RewriteWalLocked(); !s.ok())
      Report(LogLevel::kWarning, "clearing the log: " + s.ToString() + " (its records are already applied)");
  }
  return Status::Ok();
}

Status CsvStore::CommitComputerLocked(PendingChange change, std::shared_ptr<Tables> next) {
  if (options_.computers_flush_delay.count() <= 0) return CommitLocked(TableId::kComputers, std::move(next));
  auto cur = Snapshot();
  next->generation = cur->generation + 1;
  next->BuildIndexes();  // kept current by the one-row helpers: nothing to rebuild
  PV_RETURN_IF_ERROR(AppendWalLocked(change));
  Publish(std::move(next));
  ScheduleFlush();
  return Status::Ok();
}

Status CsvStore::AppendWalLocked(const PendingChange& change) {
  const std::string path = WalPath();
  if (wal_suspect_) {
    if (Status r = RewriteWalLocked(); !r.ok())
      return Status::IoError(path, "an earlier failed write could not be undone yet (" + r.message() +
                                       "); nothing was changed, retry later");
  }
  std::string record = EncodeWalRecord(change);
  if (auto e = platform::AppendToFile(fs_, path, record, options_.fsync); !e.ok()) {
    // The record may be on disk in part or in whole, yet the caller is told
    // the write failed: put the log back as it was, so no restart replays it.
    wal_suspect_ = true;
    if (Status r = RewriteWalLocked(); !r.ok())
      Report(LogLevel::kError, "undoing a failed append: " + r.ToString() + "; writes are refused until it succeeds");
    return Status::IoError(path, e.ToString() + "; nothing was changed, retry later");
  }
  wal_text_ += record;
  wal_changes_.push_back(std::move(change));
  return Status::Ok();
}

Status CsvStore::RewriteWalLocked() {
  std::string text;
  for (const auto& c : wal_changes_) text += EncodeWalRecord(c);
  const std::string path = WalPath();
  if (text == wal_text_ && !wal_suspect_) return Status::Ok();
  platform::FsError e;
  if (text.empty()) {
    e = fs_.Remove(path);
    // Durably gone: a record that comes back after a power loss could be one
    // the caller was told failed.
    if (e.ok() && options_.fsync) e = fs_.SyncDir(options_.data_dir);
  } else {
    e = platform::ReplaceFile(fs_, path, text, options_.fsync);
  }
  if (!e.ok()) return Status::IoError(e.path, e.ToString());
  wal_text_ = std::move(text);
  wal_suspect_ = false;
  return Status::Ok();
}

void CsvStore::ScheduleFlush() {
  {
    std::lock_guard lock(watch_mu_);
    flush_wanted_ = true;
  }
  flush_cv_.notify_all();
}

void CsvStore::FlushLoop() {
  std::string last_error;
  std::unique_lock lock(watch_mu_);
  while (!stopping_) {
    flush_cv_.wait(lock, [this] { return stopping_ || flush_wanted_; });
    if (stopping_) break;
    // Coalesce: changes acknowledged during the delay join this rewrite.
    if (flush_cv_.wait_for(lock, options_.computers_flush_delay, [this] { return stopping_; })) break;
    flush_wanted_ = false;
    lock.unlock();
    Status s = Guarded("computers.csv flush", [this] { return Flush(); });
    lock.lock();
    if (s.ok()) {
      last_error.clear();
      continue;
    }
    if (s.ToString() != last_error) Report(LogLevel::kWarning, "computers.csv flush: " + s.ToString());
    last_error = s.ToString();
    flush_wanted_ = true;  // retried; a zero delay must not spin
    if (flush_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) break;
  }
}

Status CsvStore::Flush() {
  std::lock_guard flush_lock(flush_mu_);
  std::unique_lock lock(write_mu_);
  ReloadIfChangedLocked();  // never overwrite an edit not seen yet
  if (wal_changes_.empty()) return RewriteWalLocked();  // ok, or clears a log an earlier flush could not
  const size_t n = wal_changes_.size();
  if (errors_.contains(TableId::kComputers) || pending_.contains(TableId::kComputers))
    return Status::FailedPrecondition("computers.csv holds an edit that is refused or not loaded yet; the " +
                                      std::to_string(n) + " acknowledged change(s) stay in " + kComputersWalName +
                                      " until it is fixed");
  auto snap = Snapshot();
  const std::vector<std::string> keep = files_[TableId::kComputers].header;
  const FileFormat format = files_[TableId::kComputers].format;  // the file's own, kept
  const bool had_notes = !files_[TableId::kComputers].notes.empty();
  const uint64_t epoch = reload_epoch_;
  lock.unlock();
  // The slow part (encode, write and fsync the whole file) runs without the
  // write lock: writers and readers go on meanwhile.
  std::string text;
  std::vector<std::string> header;
  {
    std::lock_guard enc(encoder_mu_);
    text = encoder_.Encode(*snap, keep, &header, format);
  }
  // Blank rows skipped at load are left out: the rows' lines move (once:
  // the file has none afterwards).
  std::optional<std::vector<int>> row_lines;
  if (had_notes) row_lines = RowLinesOf(EncodeTable(TableId::kComputers, *snap, header));
  const std::string path = PathOf(TableId::kComputers);
  std::string tmp;
  if (auto e = platform::WriteTempFile(fs_, path, text, options_.fsync, &tmp); !e.ok())
    return Status::IoError(e.path, e.ToString() + "; the changes stay in the log, retried later");
  lock.lock();
  if (before_rename_for_testing_) before_rename_for_testing_();
  FileMeta& meta = files_[TableId::kComputers];
  platform::FsStat st, ours;
  if (auto e = fs_.Stat(path, &st); !e.ok() || epoch != reload_epoch_ || !(st == meta.stat)) {
    (void)fs_.Remove(tmp);
    return Status::Unavailable("computers.csv changed during the flush; retried once it is loaded");
  }
  (void)fs_.Stat(tmp, &ours);
  if (auto e = platform::CommitTempFile(fs_, tmp, path, options_.fsync); !e.ok()) {
    if (e.step == "fsync dir") {
      // Renamed, maybe not durably: either file plus the log (kept) gives
      // the same rows.
      (void)fs_.Stat(path, &meta.stat);
      meta.header = std::move(header);
    }
    return Status::IoError(e.path, e.ToString() + "; the changes stay in the log, retried later");
  }
  meta.stat = ours.exists ? ours : st;  // our rename, not an external edit (see CommitLocked)
  meta.header = std::move(header);
  if (row_lines && !meta.notes.empty()) {
    // The notes about the skipped rows are no longer true, and the
    // warnings' lines moved with the rows.
    meta.row_lines = std::move(*row_lines);
    meta.notes.clear();
    auto next = CopyLocked();
    next->generation = Snapshot()->generation + 1;
    next->BuildIndexes();
    SetWarningsLocked(next.get());
    Publish(std::move(next));
  }
  // The file holds the first n changes; later ones stay in the log.
  wal_changes_.erase(wal_changes_.begin(), wal_changes_.begin() + static_cast<std::ptrdiff_t>(n));
  if (Status s = RewriteWalLocked(); !s.ok())
    Report(LogLevel::kWarning, "clearing the log after a flush: " + s.ToString() +
                                   " (its records are in computers.csv: a replay skips them)");
  return Status::Ok();
}

// ---- configuration writes (the edits are store/table_edits.h) ------------

Status CsvStore::Write(TableId table, const MakeEdit& make) {
  std::lock_guard lock(write_mu_);
  PV_RETURN_IF_ERROR(BeginWriteLocked(table));
  PV_ASSIGN_OR_RETURN(TableEdit e, make(*Snapshot()));
  if (e.next == nullptr) return Status::Ok();
  if (table != TableId::kComputers) return CommitLocked(table, std::move(e.next));
  PendingChange change;
  change.op = e.removed ? PendingChange::Op::kDelete : PendingChange::Op::kPut;
  if (e.old_computer) {
    change.base_version = e.old_computer->version;
    change.base_hash = RowHash(*e.old_computer);
  }
  if (e.removed) {
    change.row.serial = e.computer->serial;
  } else {
    change.row = *e.computer;
  }
  return CommitComputerLocked(std::move(change), std::move(e.next));
}

Status CsvStore::AppendAudit(model::AuditEntry e) { return audit_->Append(e); }
Result<AuditPage> CsvStore::ListAudit(const AuditQuery& query) const { return audit_->List(query); }

// ---- deployments ----------------------------------------------------------

Result<model::Deployment> CsvStore::CreateDeployment(model::Deployment d) {
  PV_RETURN_IF_ERROR(CheckDeployment(d));
  return journal_->Create(std::move(d));
}
Result<model::Deployment> CsvStore::UpdateDeployment(model::Deployment d) {
  PV_RETURN_IF_ERROR(CheckDeployment(d));
  return journal_->Update(std::move(d));
}
Result<bool> CsvStore::AppendEvent(model::DeploymentEvent e) {
  PV_RETURN_IF_ERROR(CheckEvent(e));
  return journal_->Append(std::move(e));
}
Result<RecordedEvent> CsvStore::RecordEvent(model::DeploymentEvent e, model::Deployment next) {
  PV_RETURN_IF_ERROR(CheckEvent(e));
  PV_RETURN_IF_ERROR(CheckDeployment(next));
  return journal_->Record(std::move(e), std::move(next));
}
Status CsvStore::DeleteDeployment(std::string_view id, uint64_t expected_version) {
  return journal_->Delete(id, expected_version);
}
Result<model::Deployment> CsvStore::GetDeployment(std::string_view id) const { return journal_->Get(id); }
Result<std::vector<model::DeploymentEvent>> CsvStore::EventsOf(std::string_view id) const {
  return journal_->EventsOf(id);
}
Result<DeploymentPage> CsvStore::ListDeployments(const DeploymentQuery& query) const { return journal_->List(query); }
Result<std::optional<model::Deployment>> CsvStore::LatestDeploymentForSerial(std::string_view serial) const {
  return journal_->LatestForSerial(serial);
}

}  // namespace provisiond::store

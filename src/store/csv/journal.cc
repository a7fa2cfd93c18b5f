#include "store/csv/journal.h"

#include <algorithm>
#include <charconv>

#include "base/strings.h"
#include "store/csv/csv_codec.h"

namespace provisiond::store {

const char kDeploymentsHeader[] =
    "id,serial,computer_name,model,type,client_address,tls,tls_version,source,started,last_heartbeat,"
    "finished,phase,step,step_count,percent,status,final_message,warning_count,error_count,previous_id,"
    "version,event_id";
// The status cell of a tombstone row (Delete): not a model status.
constexpr char kDeletedStatus[] = "deleted";
const char kEventsHeader[] =
    "deployment_id,event_id,at,phase,step,step_count,percent,level,message,final_status";

namespace {

using model::Deployment;
using model::DeploymentEvent;
using model::DeploymentStatus;
using model::EventLevel;

std::string OptInt(const std::optional<int>& v) { return v ? std::to_string(*v) : std::string(); }

std::optional<int> ParseOptInt(std::string_view s) {
  s = Trim(s);
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Journal files open in a spreadsheet as well: a message that starts like
// a formula is written neutralised (replay restores it).
std::string Row(const std::vector<std::string>& cells) {
  CsvWriteOptions o;
  o.neutralize_formulas = true;
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) line += ',';
    line += EscapeCsvField(cells[i], o);
  }
  line += '\n';
  return line;
}

// Cell lookup by column name, so a journal with columns added later (or
// reordered) still replays.
struct Columns {
  std::unordered_map<std::string, size_t> index;
  explicit Columns(const std::vector<std::string>& header) {
    for (size_t i = 0; i < header.size(); ++i) index.emplace(ToLower(Trim(header[i])), i);
  }
  std::string_view Get(const std::vector<std::string>& row, const char* name) const {
    auto it = index.find(name);
    if (it == index.end() || it->second >= row.size()) return {};
    return row[it->second];
  }
};

Timestamp TimeOr(std::string_view s, Timestamp dflt) { return ParseIso8601(Trim(s)).value_or(dflt); }

// The day of a journal file name "<kind>-YYYY-MM-DD.csv", or "".
std::string DayOfFile(const std::string& name) {
  if (name.size() < 15 || name.substr(name.size() - 4) != ".csv") return {};
  std::string day = name.substr(name.size() - 14, 10);
  if (day[4] != '-' || day[7] != '-') return {};
  return day;
}

bool IsDeploymentsFile(const std::string& n) { return n.starts_with("deployments-") && !DayOfFile(n).empty(); }
bool IsEventsFile(const std::string& n) { return n.starts_with("events-") && !DayOfFile(n).empty(); }

std::vector<std::string> HeaderCells(std::string_view header) { return SplitList(header, ','); }

// `cells` (in `from` column order) rearranged to the columns of `to`; a
// column `from` lacks is empty, one `to` lacks is dropped.
std::vector<std::string> FitRow(const std::vector<std::string>& cells, const std::vector<std::string>& from,
                                 const std::vector<std::string>& to) {
  if (from == to) return cells;
  std::vector<std::string> out;
  out.reserve(to.size());
  for (const auto& name : to) {
    std::string v;
    for (size_t i = 0; i < from.size() && i < cells.size(); ++i)
      if (IEquals(Trim(name), from[i])) {
        v = cells[i];
        break;
      }
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<std::string> DeploymentCells(const Deployment& d, std::string_view event_id) {
  return {d.id, d.serial, d.computer_name, d.model, d.type, d.client_address, d.tls ? "1" : "0",
          d.tls_version, d.source, FormatIso8601(d.started), FormatIso8601(d.last_heartbeat),
          d.finished ? FormatIso8601(*d.finished) : "", d.phase, OptInt(d.step), OptInt(d.step_count),
          std::to_string(d.percent), std::string(model::StatusName(d.status)), d.final_message, std::to_string(d.warning_count),
          std::to_string(d.error_count), d.previous_id, std::to_string(d.version), std::string(event_id)};
}

std::vector<std::string> EventCells(const DeploymentEvent& e) {
  return {e.deployment_id, e.event_id, FormatIso8601(e.at), e.phase, OptInt(e.step), OptInt(e.step_count),
          OptInt(e.percent), std::string(model::LevelName(e.level)), e.message, e.final_status ? std::string(model::StatusName(*e.final_status)) : std::string()};
}

// Splits journal text into records, quote-aware, for the slow path after a
// torn line: each record is parsed on its own so one bad line costs one row.
std::vector<std::string> SplitRecords(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (c == '\n' && !quoted) {
      out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace

size_t WholeRecordsLength(std::string_view text) {
  size_t end = 0;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;  // "" inside quotes toggles twice
    else if (text[i] == '\n' && !quoted) end = i + 1;
  }
  return end;
}

std::string EncodeDeploymentRow(const Deployment& d, std::string_view event_id) {
  return Row(DeploymentCells(d, event_id));
}

std::string EncodeEventRow(const DeploymentEvent& e) { return Row(EventCells(e)); }

std::string DeploymentJournal::DeploymentsFileName(Timestamp t) { return "deployments-" + FormatDay(t) + ".csv"; }
std::string DeploymentJournal::EventsFileName(Timestamp t) { return "events-" + FormatDay(t) + ".csv"; }

Result<std::unique_ptr<DeploymentJournal>> DeploymentJournal::Open(const JournalOptions& options) {
  std::unique_ptr<DeploymentJournal> j(new DeploymentJournal(options));
  if (auto e = options.fs->MakeDirs(options.dir); !e.ok()) return Status::IoError(e.path, e.ToString());
  // Retention first: what it deletes is not worth replaying.
  Status r = j->ApplyRetention();
  if (!r.ok()) options.log(LogLevel::kWarning, "journal retention: " + r.message());
  PV_RETURN_IF_ERROR(j->Replay());
  return j;
}

Status DeploymentJournal::Replay() {
  std::vector<std::string> names;
  if (auto e = options_.fs->ListDir(options_.dir, &names); !e.ok()) return Status::IoError(e.path, e.ToString());
  // Day order (names sort by kind then day); within a kind, older days
  // first. Events before deployments: a state row written by RecordEvent
  // counts only if its event (the commit record) is there.
  std::stable_sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return DayOfFile(a) < DayOfFile(b);
  });
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& name : names) {
      bool deployments = IsDeploymentsFile(name);
      if (pass == 0 ? !IsEventsFile(name) : !deployments) continue;
      std::string text;
      std::string path = options_.dir + "/" + name;
      if (auto e = options_.fs->ReadFile(path, &text); !e.ok()) return Status::IoError(e.path, e.ToString());
      FileState& f = files_[name];
      f.good_size = WholeRecordsLength(text);
      if (f.good_size < text.size()) {
        // A crash or a failed write mid-append: drop the torn record; the
        // next append cuts it off the file first.
        options_.log(LogLevel::kWarning, path + ": last record is incomplete (crash or failed write while "
                                                "appending?); ignored");
        text.resize(f.good_size);
        f.dirty = true;
      }
      if (text.empty()) continue;
      std::vector<std::vector<std::string>> rows;
      std::vector<std::string> header;
      auto parsed = ParseCsv(text, {.delimiter = ',', .require_header = true, .restore_formulas = true});
      if (parsed.ok()) {
        rows = std::move(parsed->rows);
        header = std::move(parsed->header);
      } else {
        // Slow path: keep every record that parses on its own.
        options_.log(LogLevel::kWarning, path + ": " + parsed.status().message() + "; replaying row by row");
        auto records = SplitRecords(text);
        if (records.empty()) continue;
        auto h = ParseCsv(records[0] + "\n", {.delimiter = ',', .require_header = true, .restore_formulas = true});
        if (!h.ok()) continue;
        header = h->header;
        for (size_t i = 1; i < records.size(); ++i) {
          auto r = ParseCsv(records[0] + "\n" + records[i] + "\n", {.delimiter = ',', .require_header = true, .restore_formulas = true});
          if (r.ok() && r->rows.size() == 1) rows.push_back(std::move(r->rows[0]));
          else options_.log(LogLevel::kWarning, path + ": record " + std::to_string(i + 1) + " skipped");
        }
      }
      for (const auto& h : header) f.header.push_back(ToLower(Trim(h)));
      if (deployments) ReplayDeployments(rows, header, name);
      else ReplayEvents(rows, header, name);
    }
  }
  return Status::Ok();
}

void DeploymentJournal::ReplayDeployments(const std::vector<std::vector<std::string>>& rows,
                                          const std::vector<std::string>& header, const std::string& file) {
  Columns c(header);
  size_t uncommitted = 0;
  for (const auto& row : rows) {
    Deployment d;
    d.id = std::string(c.Get(row, "id"));
    if (d.id.empty()) continue;
    d.serial = c.Get(row, "serial");
    d.computer_name = c.Get(row, "computer_name");
    d.model = c.Get(row, "model");
    d.type = c.Get(row, "type");
    d.client_address = c.Get(row, "client_address");
    d.tls = Trim(c.Get(row, "tls")) == "1";
    d.tls_version = c.Get(row, "tls_version");
    d.source = c.Get(row, "source");
    d.started = TimeOr(c.Get(row, "started"), Timestamp{});
    d.last_heartbeat = TimeOr(c.Get(row, "last_heartbeat"), d.started);
    d.finished = ParseIso8601(Trim(c.Get(row, "finished")));
    d.phase = c.Get(row, "phase");
    d.step = ParseOptInt(c.Get(row, "step"));
    d.step_count = ParseOptInt(c.Get(row, "step_count"));
    d.percent = ParseOptInt(c.Get(row, "percent")).value_or(0);
    const bool tombstone = Trim(c.Get(row, "status")) == kDeletedStatus;
    d.status = model::ParseStatusName(Trim(c.Get(row, "status"))).value_or(DeploymentStatus::kRunning);
    d.final_message = c.Get(row, "final_message");
    d.warning_count = ParseOptInt(c.Get(row, "warning_count")).value_or(0);
    d.error_count = ParseOptInt(c.Get(row, "error_count")).value_or(0);
    d.previous_id = c.Get(row, "previous_id");
    d.version = static_cast<uint64_t>(std::max(1, ParseOptInt(c.Get(row, "version")).value_or(1)));
    Entry& entry = by_id_[d.id];
    if (tombstone) {
      if (d.version > entry.deleted_version) {
        entry.deleted_version = d.version;
        if (entry.has_row && entry.d.version < d.version) {
          entry.has_row = false;
          ReindexSerial(entry.d.serial);
        }
      }
      continue;
    }
    if (d.version <= entry.deleted_version) continue;  // deleted later
    std::string_view event_id = c.Get(row, "event_id");
    if (!event_id.empty() && !entry.event_ids.contains(std::string(event_id))) {
      // RecordEvent wrote the state, then failed (or crashed) before its
      // event: the step never completed, the client was told so and retries.
      ++uncommitted;
      continue;
    }
    if (!entry.has_row || d.version >= entry.d.version) {  // highest version wins; ties: the later row
      entry.d = std::move(d);
      entry.has_row = true;
      IndexSerial(entry.d);
    }
  }
  if (uncommitted > 0)
    options_.log(LogLevel::kWarning, file + ": " + std::to_string(uncommitted) +
                                         " state row(s) whose event was never stored ignored (a failed write)");
}

void DeploymentJournal::ReplayEvents(const std::vector<std::vector<std::string>>& rows,
                                     const std::vector<std::string>& header, const std::string&) {
  Columns c(header);
  for (const auto& row : rows) {
    DeploymentEvent e;
    e.deployment_id = c.Get(row, "deployment_id");
    e.event_id = c.Get(row, "event_id");
    if (e.deployment_id.empty()) continue;
    e.at = TimeOr(c.Get(row, "at"), Timestamp{});
    e.phase = c.Get(row, "phase");
    e.step = ParseOptInt(c.Get(row, "step"));
    e.step_count = ParseOptInt(c.Get(row, "step_count"));
    e.percent = ParseOptInt(c.Get(row, "percent"));
    e.level = model::ParseLevelName(Trim(c.Get(row, "level")));
    e.message = c.Get(row, "message");
    auto fs = Trim(c.Get(row, "final_status"));
    if (!fs.empty()) e.final_status = model::ParseStatusName(fs);
    // Events whose deployment row aged out still belong to that id.
    Entry& entry = by_id_[e.deployment_id];
    if (entry.d.id.empty()) entry.d.id = e.deployment_id;
    if (!entry.event_ids.insert(e.event_id).second) continue;
    entry.events.push_back(std::move(e));
  }
}

void DeploymentJournal::ReindexSerial(std::string_view serial) {
  std::string key = model::Tables::SerialKey(serial);
  latest_by_serial_.erase(key);
  for (const auto& [id, entry] : by_id_)
    if (entry.has_row && model::Tables::SerialKey(entry.d.serial) == key) IndexSerial(entry.d);
}

Status DeploymentJournal::Delete(std::string_view id, uint64_t expected_version) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(std::string(id));
  if (it == by_id_.end() || !it->second.has_row) return Status::NotFound("no deployment '" + std::string(id) + "'");
  Entry& entry = it->second;
  if (entry.d.version != expected_version)
    return Status::Conflict("deployment '" + entry.d.id + "' is at version " + std::to_string(entry.d.version) +
                            ", not " + std::to_string(expected_version) + "; re-read it and apply the change again");
  Deployment tomb = entry.d;
  tomb.version += 1;
  tomb.last_heartbeat = options_.clock();
  auto cells = DeploymentCells(tomb, "");
  cells[16] = kDeletedStatus;  // the status column of kDeploymentsHeader
  PV_RETURN_IF_ERROR(AppendRow(DeploymentsFileName(tomb.last_heartbeat), kDeploymentsHeader, cells));
  entry.has_row = false;
  entry.deleted_version = tomb.version;
  entry.events.clear();
  ReindexSerial(entry.d.serial);
  return Status::Ok();
}

void DeploymentJournal::IndexSerial(const Deployment& d) {
  std::string key = model::Tables::SerialKey(d.serial);
  if (key.empty()) return;
  auto [it, inserted] = latest_by_serial_.emplace(key, d.id);
  if (inserted || it->second == d.id) return;
  auto cur = by_id_.find(it->second);
  if (cur == by_id_.end() || d.started > cur->second.d.started ||
      (d.started == cur->second.d.started && d.id > cur->second.d.id))
    it->second = d.id;
}

Result<DeploymentJournal::FileState*> DeploymentJournal::FileStateOf(const std::string& name) {
  auto it = files_.find(name);
  if (it != files_.end()) return &it->second;
  // Not seen at replay (created since by someone else, or new): learn it.
  std::string path = options_.dir + "/" + name;
  FileState f;
  platform::FsStat st;
  if (auto e = options_.fs->Stat(path, &st); !e.ok()) return Status::IoError(e.path, e.ToString());
  if (st.exists) {
    std::string text;
    if (auto e = options_.fs->ReadFile(path, &text); !e.ok()) return Status::IoError(e.path, e.ToString());
    f.good_size = WholeRecordsLength(text);
    f.dirty = f.good_size < text.size();
    if (f.good_size > 0) {
      auto h = ParseCsv(text.substr(0, text.find('\n') + 1), {.delimiter = ',', .require_header = true, .restore_formulas = true});
      if (h.ok())
        for (const auto& c : h->header) f.header.push_back(ToLower(Trim(c)));
    }
  }
  return &files_.emplace(name, std::move(f)).first->second;
}

Status DeploymentJournal::RepairLocked(const std::string& name, FileState* f) {
  std::string path = options_.dir + "/" + name;
  platform::FsStat st;
  if (auto e = options_.fs->Stat(path, &st); !e.ok()) return Status::IoError(e.path, e.ToString());
  std::string text;
  if (st.exists) {
    if (auto e = options_.fs->ReadFile(path, &text); !e.ok()) return Status::IoError(e.path, e.ToString());
  }
  size_t keep = WholeRecordsLength(std::string_view(text).substr(0, std::min<size_t>(f->good_size, text.size())));
  if (keep == 0 && st.exists) {
    // Nothing whole (not even the header): start the file afresh.
    if (auto e = options_.fs->Remove(path); !e.ok())
      return Status::IoError(path, "repairing after a failed append: " + e.ToString() +
                                       "; nothing was stored, retry later");
  } else if (keep < text.size()) {
    // Rewritten whole (temp, fsync, rename): a crash leaves the file with or
    // without the failed bytes, and those are cut again on the next start.
    options_.log(LogLevel::kWarning, path + ": cutting " + std::to_string(text.size() - keep) +
                                         " byte(s) of a failed append before appending");
    if (auto e = platform::ReplaceFile(*options_.fs, path, std::string_view(text).substr(0, keep), options_.fsync);
        !e.ok())
      return Status::IoError(path, "repairing after a failed append: " + e.ToString() +
                                       "; nothing was stored, retry later");
  }
  f->good_size = keep;
  f->dirty = false;
  if (keep == 0) f->header.clear();
  return Status::Ok();
}

Status DeploymentJournal::AppendRow(const std::string& name, std::string_view header,
                                    const std::vector<std::string>& cells) {
  PV_ASSIGN_OR_RETURN(FileState * f, FileStateOf(name));
  if (f->dirty) PV_RETURN_IF_ERROR(RepairLocked(name, f));
  const std::vector<std::string> columns = HeaderCells(header);
  std::string data;
  std::vector<std::string> file_header = f->header;
  if (f->good_size == 0) {
    data += header;
    data += '\n';
    file_header = columns;
  }
  data += Row(FitRow(cells, columns, file_header));
  // One write call: a reader or a crash sees whole lines (or a torn last
  // one, cut before the next append and ignored on replay).
  std::string path = options_.dir + "/" + name;
  if (auto e = platform::AppendToFile(*options_.fs, path, data, options_.fsync); !e.ok()) {
    f->dirty = true;  // a prefix of `data`, or all of it, may be on disk
    return Status::IoError(e.path, e.ToString() + "; nothing was stored, retry later");
  }
  f->good_size += data.size();
  f->header = std::move(file_header);
  return Status::Ok();
}

Result<Deployment> DeploymentJournal::Create(Deployment d) {
  if (Trim(d.id).empty()) return Status::InvalidArgument("deployment id is empty; give each deployment an id");
  std::lock_guard lock(mu_);
  auto it = by_id_.find(d.id);
  if (it != by_id_.end() && it->second.has_row)
    return Status::Conflict("deployment '" + d.id + "' exists; use a new id");
  d.version = 1;
  PV_RETURN_IF_ERROR(AppendRow(DeploymentsFileName(d.last_heartbeat), kDeploymentsHeader, DeploymentCells(d, "")));
  Entry& entry = by_id_[d.id];
  entry.d = d;
  entry.has_row = true;
  IndexSerial(entry.d);
  return d;
}

Result<Deployment> DeploymentJournal::Update(Deployment d) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(d.id);
  if (it == by_id_.end() || !it->second.has_row) return Status::NotFound("no deployment '" + d.id + "'");
  if (it->second.d.version != d.version)
    return Status::Conflict("deployment '" + d.id + "' is at version " + std::to_string(it->second.d.version) +
                            ", not " + std::to_string(d.version) + "; re-read it and apply the change again");
  d.version += 1;
  PV_RETURN_IF_ERROR(AppendRow(DeploymentsFileName(d.last_heartbeat), kDeploymentsHeader, DeploymentCells(d, "")));
  it->second.d = d;
  IndexSerial(it->second.d);
  return d;
}

Result<bool> DeploymentJournal::Append(DeploymentEvent e) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(e.deployment_id);
  if (it == by_id_.end() || !it->second.has_row) return Status::NotFound("no deployment '" + e.deployment_id + "'");
  if (it->second.event_ids.contains(e.event_id)) return false;
  PV_RETURN_IF_ERROR(AppendRow(EventsFileName(e.at), kEventsHeader, EventCells(e)));
  it->second.event_ids.insert(e.event_id);
  it->second.events.push_back(std::move(e));
  return true;
}

Result<RecordedEvent> DeploymentJournal::Record(DeploymentEvent e, Deployment next) {
  if (next.id != e.deployment_id)
    return Status::InvalidArgument("deployment id '" + next.id + "' differs from the event's '" + e.deployment_id +
                                   "'; record an event with the state of its own deployment");
  std::lock_guard lock(mu_);
  auto it = by_id_.find(e.deployment_id);
  if (it == by_id_.end() || !it->second.has_row) return Status::NotFound("no deployment '" + e.deployment_id + "'");
  Entry& entry = it->second;
  if (entry.event_ids.contains(e.event_id)) return RecordedEvent{false, entry.d};
  if (entry.d.version != next.version)
    return Status::Conflict("deployment '" + next.id + "' is at version " + std::to_string(entry.d.version) +
                            ", not " + std::to_string(next.version) + "; re-read it and apply the event again");
  next.version += 1;
  // State first, then the event: the event row is the commit record. If it
  // fails, the state row already written is ignored on replay (its event is
  // missing) and memory is unchanged, so the client's retry applies the
  // event once. Memory changes only once both rows are stored.
  PV_RETURN_IF_ERROR(
      AppendRow(DeploymentsFileName(next.last_heartbeat), kDeploymentsHeader, DeploymentCells(next, e.event_id)));
  PV_RETURN_IF_ERROR(AppendRow(EventsFileName(e.at), kEventsHeader, EventCells(e)));
  entry.event_ids.insert(e.event_id);
  entry.events.push_back(std::move(e));
  entry.d = next;
  IndexSerial(entry.d);
  return RecordedEvent{true, std::move(next)};
}

Result<Deployment> DeploymentJournal::Get(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(std::string(id));
  if (it == by_id_.end() || !it->second.has_row)
    return Status::NotFound("no deployment '" + std::string(id) + "'");
  return it->second.d;
}

Result<std::vector<DeploymentEvent>> DeploymentJournal::EventsOf(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(std::string(id));
  if (it == by_id_.end() || (it->second.deleted_version > 0 && !it->second.has_row))
    return Status::NotFound("no deployment '" + std::string(id) + "'");
  return it->second.events;
}

DeploymentPage DeploymentJournal::List(const DeploymentQuery& q) const {
  std::lock_guard lock(mu_);
  std::string text = ToLower(Trim(q.text)), model = ToLower(Trim(q.model));
  std::vector<const Deployment*> hits;
  for (const auto& [id, entry] : by_id_) {
    if (!entry.has_row) continue;
    const Deployment& d = entry.d;
    if (q.status && d.status != *q.status) continue;
    if (!q.type.empty() && !IEquals(Trim(d.type), Trim(q.type))) continue;
    if (!model.empty() && ToLower(d.model).find(model) == std::string::npos) continue;
    if (q.from && d.started < *q.from) continue;
    if (q.to && d.started >= *q.to) continue;
    if (!text.empty() && ToLower(d.serial).find(text) == std::string::npos &&
        ToLower(d.computer_name).find(text) == std::string::npos)
      continue;
    hits.push_back(&d);
  }
  std::sort(hits.begin(), hits.end(), [](const Deployment* a, const Deployment* b) {
    if (a->started != b->started) return a->started > b->started;
    return a->id < b->id;
  });
  DeploymentPage page;
  page.total = hits.size();
  size_t end = q.limit == 0 ? hits.size() : std::min(hits.size(), q.offset + q.limit);
  for (size_t i = q.offset; i < end; ++i) page.items.push_back(*hits[i]);
  return page;
}

std::optional<Deployment> DeploymentJournal::LatestForSerial(std::string_view serial) const {
  std::lock_guard lock(mu_);
  auto it = latest_by_serial_.find(model::Tables::SerialKey(serial));
  if (it == latest_by_serial_.end()) return std::nullopt;
  auto d = by_id_.find(it->second);
  if (d == by_id_.end()) return std::nullopt;
  return d->second.d;
}

Status DeploymentJournal::ApplyRetention() {
  std::vector<std::string> names;
  if (auto e = options_.fs->ListDir(options_.dir, &names); !e.ok()) return Status::IoError(e.path, e.ToString());
  std::string cutoff = FormatDay(options_.clock() - std::chrono::hours(24) * options_.retention_days);
  Status first;
  for (const auto& name : names) {
    if (!IsDeploymentsFile(name) && !IsEventsFile(name)) continue;
    if (DayOfFile(name) >= cutoff) continue;
    auto e = options_.fs->Remove(options_.dir + "/" + name);
    if (!e.ok() && first.ok()) first = Status::IoError(e.path, e.ToString());
    std::lock_guard lock(mu_);
    files_.erase(name);
  }
  return first;
}

}  // namespace provisiond::store

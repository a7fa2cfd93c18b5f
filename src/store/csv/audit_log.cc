#include "store/csv/audit_log.h"

#include <algorithm>

#include "base/strings.h"
#include "store/csv/csv_codec.h"

namespace provisiond::store {
namespace {

const std::vector<std::string>& Columns() {
  static const std::vector<std::string> c = {"at",     "actor",  "role",   "address", "action",    "route",
                                             "target", "before", "after",  "outcome", "request_id"};
  return c;
}

// The length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size() || (n == 2 && c < 0xc2)) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return 0;
  return n;
}

// What a request sent is recorded as text the CSV reader always accepts:
// control bytes and DEL as \u00XX, bytes that are not UTF-8 as \xXX.
std::string Printable(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = Utf8Length(s, i);
    if (n == 1 && (c < 0x20 || c == 0x7f)) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else if (n == 0) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
      n = 1;
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::vector<std::string> Cells(const model::AuditEntry& e) {
  std::vector<std::string> cells = {FormatIso8601(e.at), e.actor, e.role,  e.address, e.action,     e.route,
                                    e.target,            e.before, e.after, e.outcome, e.request_id};
  for (auto& c : cells) c = Printable(c);
  return cells;
}

std::optional<model::AuditEntry> FromCells(const std::vector<std::string>& header,
                                           const std::vector<std::string>& row) {
  model::AuditEntry e;
  auto at = [&](std::string_view name) -> std::string {
    for (size_t i = 0; i < header.size() && i < row.size(); ++i)
      if (header[i] == name) return row[i];
    return {};
  };
  auto t = ParseIso8601(at("at"));
  if (!t) return std::nullopt;
  e.at = *t;
  e.actor = at("actor");
  e.role = at("role");
  e.address = at("address");
  e.action = at("action");
  e.route = at("route");
  e.target = at("target");
  e.before = at("before");
  e.after = at("after");
  e.outcome = at("outcome");
  e.request_id = at("request_id");
  return e;
}

bool Matches(const model::AuditEntry& e, const AuditQuery& q) {
  if (!q.actor.empty() && !IEquals(e.actor, q.actor)) return false;
  if (!q.action.empty() && !e.action.starts_with(q.action)) return false;
  if (q.from && e.at < *q.from) return false;
  if (q.to && !(e.at < *q.to)) return false;
  if (!q.text.empty()) {
    std::string needle = ToLower(q.text);
    if (ToLower(e.target).find(needle) == std::string::npos && ToLower(e.route).find(needle) == std::string::npos)
      return false;
  }
  return true;
}

bool IsAuditFile(std::string_view name) { return name.starts_with("audit-") && name.ends_with(".csv"); }

}  // namespace

std::string AuditLog::FileName(Timestamp t) { return "audit-" + FormatDay(t) + ".csv"; }

Status AuditLog::Append(const model::AuditEntry& e) {
  std::lock_guard lock(mu_);
  platform::Fs& fs = *options_.fs;
  if (auto err = fs.MakeDirs(options_.dir); !err.ok()) return Status::IoError(err.path, err.ToString());
  const std::string path = options_.dir + "/" + FileName(e.at);
  platform::FsStat st;
  if (auto err = fs.Stat(path, &st); !err.ok()) return Status::IoError(err.path, err.ToString());
  CsvWriteOptions wo;
  wo.neutralize_formulas = true;  // opened in Excel by whoever reviews it
  auto line = [&wo](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + EscapeCsvField(cells[i], wo);
    return out + "\n";
  };
  std::string text = (!st.exists || st.size == 0) ? line(Columns()) : std::string();
  text += line(Cells(e));
  if (auto err = platform::AppendToFile(fs, path, text, options_.fsync); !err.ok())
    return Status::IoError(err.path, err.ToString());
  return Status::Ok();
}

Result<AuditPage> AuditLog::List(const AuditQuery& q) const {
  std::lock_guard lock(mu_);
  platform::Fs& fs = *options_.fs;
  std::vector<std::string> names;
  if (auto err = fs.ListDir(options_.dir, &names); !err.ok()) return Status::IoError(err.path, err.ToString());
  std::vector<model::AuditEntry> all;
  for (const auto& name : names) {
    if (!IsAuditFile(name)) continue;
    std::string text;
    if (auto err = fs.ReadFile(options_.dir + "/" + name, &text); !err.ok())
      return Status::IoError(err.path, err.ToString());
    // A torn last line (a crash mid-append) is cut off, never a failed read.
    if (!text.empty() && text.back() != '\n') text.resize(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
    CsvReadOptions ro;
    ro.require_header = false;
    ro.restore_formulas = true;
    auto csv = ParseCsv(text, ro);
    if (!csv.ok()) continue;
    for (const auto& row : csv->rows)
      if (auto e = FromCells(csv->header, row); e && Matches(*e, q)) all.push_back(std::move(*e));
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.at > b.at; });
  AuditPage page;
  page.total = all.size();
  size_t begin = std::min(q.offset, all.size());
  size_t end = q.limit == 0 ? all.size() : std::min(all.size(), begin + q.limit);
  page.items.assign(std::make_move_iterator(all.begin() + static_cast<long>(begin)),
                    std::make_move_iterator(all.begin() + static_cast<long>(end)));
  return page;
}

Status AuditLog::ApplyRetention() {
  std::lock_guard lock(mu_);
  platform::Fs& fs = *options_.fs;
  std::vector<std::string> names;
  if (auto err = fs.ListDir(options_.dir, &names); !err.ok()) return Status::IoError(err.path, err.ToString());
  const std::string cutoff = FileName(options_.clock() - std::chrono::hours(24) * options_.retention_days);
  Status first;
  for (const auto& name : names) {
    if (!IsAuditFile(name) || name >= cutoff) continue;
    if (auto err = fs.Remove(options_.dir + "/" + name); !err.ok() && first.ok())
      first = Status::IoError(err.path, err.ToString());
  }
  return first;
}

}  // namespace provisiond::store

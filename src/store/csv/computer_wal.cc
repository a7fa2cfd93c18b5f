#include "store/csv/computer_wal.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "base/strings.h"

namespace provisiond::store {
namespace {

using model::Computer;

constexpr std::string_view kMagic = "pvwal1";

uint64_t Fnv(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Mixes one field and a separator, so ("ab","c") != ("a","bc").
void Mix(uint64_t* h, std::string_view s) {
  *h = Fnv(s, *h);
  *h ^= 0x1f;
  *h *= 1099511628211ull;
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

bool ParseU64(std::string_view s, int base, uint64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

// Cells are TAB-separated with '\' escapes, so a record is one line.
void AppendCell(std::string* out, std::string_view cell) {
  out->push_back('\t');
  for (char c : cell) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '\t': out->append("\\t"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      default: out->push_back(c);
    }
  }
}

// Splits an escaped body into cells; false on a bad escape.
bool SplitCells(std::string_view body, std::vector<std::string>* cells) {
  cells->clear();
  std::string cur;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\t') {
      cells->push_back(std::move(cur));
      cur.clear();
    } else if (c == '\\') {
      if (++i == body.size()) return false;
      switch (body[i]) {
        case '\\': cur.push_back('\\'); break;
        case 't': cur.push_back('\t'); break;
        case 'n': cur.push_back('\n'); break;
        case 'r': cur.push_back('\r'); break;
        default: return false;
      }
    } else {
      cur.push_back(c);
    }
  }
  cells->push_back(std::move(cur));
  return true;
}

// The row's fields in record order (version separately).
std::vector<std::string Computer::*> Fields() {
  return {&Computer::serial, &Computer::computer_name, &Computer::type,     &Computer::keyboard,
          &Computer::country, &Computer::language,     &Computer::timezone, &Computer::uuid,
          &Computer::mac,     &Computer::notes,        &Computer::created_by};
}

// op, base_version, base_hash, 11 fields, version, then name/value pairs.
constexpr size_t kFixedCells = 3 + 11 + 1;

std::string Describe(const PendingChange& c) {
  const std::string who = "computer '" + c.row.serial + "'";
  if (c.base_version == 0) return "creation of " + who + " (version 1)";
  if (c.op == PendingChange::Op::kDelete)
    return "deletion of " + who + " (at version " + std::to_string(c.base_version) + ")";
  return "change to " + who + " (version " + std::to_string(c.base_version) + " -> " +
         std::to_string(c.row.version) + ")";
}

}  // namespace

uint64_t RowHash(const Computer& c) {
  uint64_t h = 1469598103934665603ull;
  for (auto field : Fields()) Mix(&h, c.*field);
  std::vector<std::pair<std::string, std::string>> extra;
  for (const auto& [name, value] : c.extra)
    if (!value.empty()) extra.emplace_back(ToLower(Trim(name)), value);
  std::sort(extra.begin(), extra.end());
  for (const auto& [name, value] : extra) {
    Mix(&h, name);
    Mix(&h, value);
  }
  return h == 0 ? 1 : h;
}

std::string EncodeWalRecord(const PendingChange& change) {
  std::string body;
  body += change.op == PendingChange::Op::kDelete ? "del" : "put";
  AppendCell(&body, std::to_string(change.base_version));
  AppendCell(&body, Hex(change.base_hash));
  for (auto field : Fields()) AppendCell(&body, change.row.*field);
  AppendCell(&body, std::to_string(change.row.version));
  for (const auto& [name, value] : change.row.extra) {
    AppendCell(&body, name);
    AppendCell(&body, value);
  }
  // The checksum tells a whole record from a torn or damaged one.
  std::string line(kMagic);
  line += '\t';
  line += Hex(Fnv(body));
  line += '\t';
  line += body;
  line += '\n';
  return line;
}

WalContent DecodeWal(std::string_view text) {
  WalContent out;
  size_t n = 0;
  std::vector<std::string> cells;
  while (!text.empty()) {
    ++n;
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) {
      out.skipped.push_back("record " + std::to_string(n) + ": incomplete (crash while appending; never acknowledged)");
      break;
    }
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    auto bad = [&](const std::string& why) { out.skipped.push_back("record " + std::to_string(n) + ": " + why); };
    const size_t head = kMagic.size() + 1 + 16 + 1;
    uint64_t sum = 0;
    if (line.size() < head || line.substr(0, kMagic.size()) != kMagic || line[kMagic.size()] != '\t' ||
        line[head - 1] != '\t' || !ParseU64(line.substr(kMagic.size() + 1, 16), 16, &sum)) {
      bad("not a provisiond change record");
      continue;
    }
    std::string_view body = line.substr(head);
    if (Fnv(body) != sum) {
      bad("checksum mismatch (damaged)");
      continue;
    }
    if (!SplitCells(body, &cells) || cells.size() < kFixedCells || (cells.size() - kFixedCells) % 2 != 0 ||
        (cells[0] != "put" && cells[0] != "del")) {
      bad("malformed cells");
      continue;
    }
    PendingChange c;
    c.op = cells[0] == "del" ? PendingChange::Op::kDelete : PendingChange::Op::kPut;
    size_t i = 3;
    for (auto field : Fields()) c.row.*field = std::move(cells[i++]);
    if (!ParseU64(cells[1], 10, &c.base_version) || !ParseU64(cells[2], 16, &c.base_hash) ||
        !ParseU64(cells[i++], 10, &c.row.version)) {
      bad("malformed number");
      continue;
    }
    for (; i + 1 < cells.size(); i += 2) c.row.extra.emplace_back(std::move(cells[i]), std::move(cells[i + 1]));
    out.changes.push_back(std::move(c));
  }
  return out;
}

std::vector<PendingChange> ApplyPendingChanges(const std::vector<PendingChange>& changes, model::Tables* t,
                                               std::vector<model::LoadWarning>* dropped) {
  std::vector<PendingChange> applied;
  t->BuildIndexes();
  for (const auto& c : changes) {
    const Computer* row = t->FindComputerBySerial(c.row.serial);
    const bool del = c.op == PendingChange::Op::kDelete;
    bool done = false, apply = false;
    if (row == nullptr) {
      done = del;                     // already deleted
      apply = !del && c.base_version == 0;
    } else if (c.base_version != 0 && row->version == c.base_version && RowHash(*row) == c.base_hash) {
      apply = true;
    } else if (!del) {
      // In the file already (a crash after the rewrite, before the log was
      // cleared), or superseded by a later version of the row.
      done = row->version > c.row.version || (row->version == c.row.version && RowHash(*row) == RowHash(c.row));
    }
    if (done) continue;
    if (!apply) {
      model::LoadWarning w;
      w.file = "computers.csv";
      w.message = "the acknowledged " + Describe(c) +
                  " was not applied: computers.csv was changed outside the service before the change was "
                  "written to it, and that row differs from the one the change was based on" +
                  (row != nullptr ? " (the file has version " + std::to_string(row->version) + ")" : "") +
                  "; check the row and apply the change again if it is still wanted";
      dropped->push_back(std::move(w));
      continue;
    }
    if (del) {
      t->EraseComputer(*t->PositionOf(row));
    } else if (row != nullptr) {
      t->SetComputer(*t->PositionOf(row), c.row);
    } else {
      t->AddComputer(c.row);
    }
    applied.push_back(c);
  }
  return applied;
}

}  // namespace provisiond::store

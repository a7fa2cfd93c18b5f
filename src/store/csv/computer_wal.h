// The change log of computers.csv (doc/csv_format.md, "computers.csv.wal"):
// a computer write is acknowledged once its record is appended and fsynced
// here, and computers.csv is rewritten shortly after. Records hold the full
// new row and the version and content hash of the row it replaced, so
// replaying them is idempotent and notices rows that changed in
// computers.csv meanwhile (an external edit). Pure functions over text and
// values: safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/tables.h"

namespace provisiond::store {

inline constexpr char kComputersWalName[] = "computers.csv.wal";

struct PendingChange {
  enum class Op { kPut, kDelete };
  Op op = Op::kPut;
  uint64_t base_version = 0;  // version of the row it replaces; 0: a new serial
  uint64_t base_hash = 0;     // RowHash() of that row; 0 for a new serial
  model::Computer row;        // kPut: the new row with its new version; kDelete: the serial
  friend bool operator==(const PendingChange&, const PendingChange&) = default;
};

// A hash of a row's content that is the same in memory and read back from
// computers.csv: `version` left out, extra columns by lower-cased name in
// name order, empty ones left out (the file gives every row every column).
uint64_t RowHash(const model::Computer& c);

// One record: a single line ending in '\n' (cells escaped, checksummed).
std::string EncodeWalRecord(const PendingChange& change);

struct WalContent {
  std::vector<PendingChange> changes;  // in append order
  // Records skipped: a torn last line (crash while appending: never
  // acknowledged) or a damaged one, each "record N: reason".
  std::vector<std::string> skipped;
};
// Never fails: what cannot be read is skipped and named.
WalContent DecodeWal(std::string_view text);

// Applies `changes` in order to t->computers (building its indexes first if
// needed, keeping them current). A change applies when the row it was based
// on is the one in `t` (same version and RowHash; a new serial: absent); it
// is already done when `t` holds it or a later version of the row (a delete:
// the serial is absent). Any other change conflicts: it is not applied and a
// warning naming the serial, the versions and what to do is added to
// *dropped. Returns the changes applied (still to be written to the file).
std::vector<PendingChange> ApplyPendingChanges(const std::vector<PendingChange>& changes, model::Tables* t,
                                               std::vector<model::LoadWarning>* dropped);

}  // namespace provisiond::store

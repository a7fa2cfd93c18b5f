// Import and export of the configuration tables (`provisiond export`,
// `provisiond import`): to/from a directory or a .zip, with a per-table diff
// shown before anything is applied, and all-or-nothing application.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "platform/fs.h"
#include "store/csv/tables_csv.h"

namespace provisiond::store {

struct ExportOptions {
  bool bom = false;       // true: UTF-8 BOM so Excel reads accents right
  char delimiter = ',';   // ';' for French Excel
};

// Writes every table file of `data_dir` (validated first: an invalid
// directory is refused, kInvalidArgument naming file/line/column) to `dest`:
// a directory (created; files replaced durably) or, when `dest` ends in
// ".zip", an archive. Cells that a spreadsheet would run as a formula are
// neutralised (doc/csv_format.md). Missing tables are not exported.
Status ExportData(platform::Fs& fs, const std::string& data_dir, const std::string& dest,
                  const ExportOptions& options);

struct FieldChange {
  std::string column, before, after;
  friend bool operator==(const FieldChange&, const FieldChange&) = default;
};
struct RowChange {
  std::string key;
  std::vector<FieldChange> fields;
};
struct TableDiff {
  TableId table;
  std::vector<std::string> added;    // keys
  std::vector<RowChange> changed;
  std::vector<std::string> removed;  // keys
  bool empty() const { return added.empty() && changed.empty() && removed.empty(); }
};

struct ImportPlan {
  std::vector<TableDiff> diffs;                 // one per imported table
  std::map<TableId, std::string> files;         // new file content per imported table
  std::vector<model::LoadWarning> warnings;     // of the data as it would be after import
};

// Reads the table files found in `source` (a directory or a .zip; other
// files ignored; ',' or ';', BOM, and export's formula prefixes handled),
// validates them together with the tables of `data_dir` they do not
// replace, and computes the diff. Changes nothing. kInvalidArgument lists
// every invalid file (file, line, column, reason); kNotFound if `source`
// holds no table file.
Result<ImportPlan> PlanImport(platform::Fs& fs, const std::string& data_dir, const std::string& source);

// Human-readable diff: "computers.csv: 2 added, 1 changed, 0 removed" then
// "+ KEY", "~ KEY: column 'before' -> 'after'", "- KEY".
std::string FormatPlan(const ImportPlan& plan);

// Writes every file of the plan durably. All or nothing: if a write fails,
// the files already written are put back as they were and the error is
// returned. A running service notices the new files within its reload
// interval.
Status ApplyImport(platform::Fs& fs, const std::string& data_dir, const ImportPlan& plan, bool fsync = true);

}  // namespace provisiond::store

// Import and export of the configuration tables (`provisiond export`,
// `provisiond import`, later the admin API's import): to/from a directory or
// a .zip (import also a single CSV file), merging by key or replacing whole
// tables, with a per-table diff shown before anything is applied, and
// all-or-nothing application.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
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
  std::vector<std::string> removed;  // keys (replace mode only)
  size_t kept = 0;                   // merge mode: current rows the import does not name, left as they are
  bool empty() const { return added.empty() && changed.empty() && removed.empty(); }
};

// How an imported table meets the current one.
enum class ImportMode {
  kMerge,    // upsert by key, column by column; no row removed
  kReplace,  // the imported file becomes the whole table
};
// "merge" or "replace" (any case); kInvalidArgument naming both otherwise.
Result<ImportMode> ParseImportMode(std::string_view text);
std::string_view ImportModeName(ImportMode mode);
// A table by name: "computers", "postype", ... or its file name
// ("computers.csv"), any case; kInvalidArgument listing the names otherwise.
Result<TableId> ParseTableName(std::string_view text);
// The table a CSV file holds, from its header: the one table whose required
// columns (RequiredColumnsOf) the header has all of. `file_name` (base name)
// decides when the header matches none but the name is a table file's.
// kInvalidArgument (header found, which tables it falls short of, how to
// name the table) when neither tells.
Result<TableId> DetectTable(std::string_view csv_text, std::string_view file_name);

struct ImportOptions {
  ImportMode mode = ImportMode::kMerge;
  // The table of a single CSV file; nullopt: DetectTable. Only for a file
  // source: kInvalidArgument for a directory or a .zip.
  std::optional<TableId> table;
  // A data directory moved as it is (`db import`): its rows keep their
  // spellings, and a type of its own naming an app its apps.csv lacks stays
  // a warning (plans skip that app), as its CSV store serves it; every
  // other rule is enforced as on any import.
  bool as_is = false;
};

struct ImportPlan {
  ImportMode mode = ImportMode::kMerge;
  std::vector<TableDiff> diffs;                 // one per imported table
  std::map<TableId, std::string> files;         // new file content per imported table
  std::vector<model::LoadWarning> warnings;     // of the data as it would be after import
};

// Reads the table files found in `source`: a single CSV file (its table from
// options.table or DetectTable), or a directory or a .zip (table files by
// name, other files ignored); ',' or ';', BOM, and export's formula
// prefixes handled. Validates them together with the tables of `data_dir`
// they do not import, merges or replaces (options.mode), and computes the
// diff. Changes nothing. kInvalidArgument lists every invalid file (file,
// line, column, reason); kNotFound if `source` holds no table file.
Result<ImportPlan> PlanImport(platform::Fs& fs, const std::string& data_dir, const std::string& source,
                              const ImportOptions& options = {});
// The same for texts already read (e.g. an admin upload), by table;
// messages name each by its table's file name.
// `errors`, when given, also gets each invalid file's error (file, line,
// column, reason) as a value, for a caller that shows them one by one.
Result<ImportPlan> PlanImportTexts(platform::Fs& fs, const std::string& data_dir,
                                   const std::map<TableId, std::string>& texts, ImportMode mode,
                                   std::vector<SourceError>* errors = nullptr, bool as_is = false);  // ImportOptions::as_is

// Human-readable plan, e.g. (merge):
//   import mode: merge (rows are added or updated by key; no row is removed)
//   computers.csv: 1 added, 1 changed, 0 removed, 298 kept
//     + NEW1
//     ~ 5CG6050PH9: computername 'manu15' -> 'manu16'
//   REMOVED: 0 rows (merge mode keeps the 298 rows the import does not name; --mode replace would remove them)
// In replace mode the removed rows are listed in their own block after the
// tables: "REMOVED: 2 rows (replace mode) ..." then "  - computers.csv: KEY".
// Then "warning: ..." lines.
std::string FormatPlan(const ImportPlan& plan);

// Writes every file of the plan durably. All or nothing: if a write fails,
// the files already written are put back as they were and the error is
// returned. A running service notices the new files within its reload
// interval.
Status ApplyImport(platform::Fs& fs, const std::string& data_dir, const ImportPlan& plan, bool fsync = true);

}  // namespace provisiond::store

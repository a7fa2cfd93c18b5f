// The meaning of each file of the CSV data directory (doc/csv_format.md):
// decoding a file's text into model rows with validation, encoding rows back
// with the documented column order, and loading a whole directory. Pure
// functions over text and values; the file system comes in as platform::Fs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/tables.h"
#include "platform/fs.h"
#include "store/csv/csv_codec.h"
#include "store/store.h"

namespace provisiond::store {

enum class TableId { kComputers, kTypeApps, kApps, kDrivers, kConfig, kLocales, kNetworks, kUsers };
// Decode order: apps before postype so reference warnings can be computed.
inline constexpr TableId kAllTables[] = {TableId::kComputers, TableId::kApps,     TableId::kTypeApps,
                                         TableId::kDrivers,   TableId::kConfig,   TableId::kLocales,
                                         TableId::kNetworks,  TableId::kUsers};

// "computers.csv", ...
std::string_view FileNameOf(TableId id);
// The table a file name holds (exact, lower-case name), or nullopt.
std::optional<TableId> TableOfFile(std::string_view file_name);
// The original service's columns (required in the header) and provisiond's
// optional ones, in write order.
const std::vector<std::string>& OriginalColumns(TableId id);
const std::vector<std::string>& OptionalColumns(TableId id);

// "computers.csv: line 4, field 2 (computername): reason" (parts omitted when 0).
std::string FormatSourceError(const SourceError& e);

// Parses and validates `text` as file `id`, replacing that table in *out
// (other tables untouched). Checks: the codec's errors, required columns,
// duplicate keys, regexes (RE2, Python-only constructs named), numbers,
// booleans. On error returns where and why; *out's table is then unspecified.
// `header`, if given, receives the file's column names.
std::optional<SourceError> DecodeFile(TableId id, std::string_view text, model::Tables* out,
                                      std::vector<std::string>* header = nullptr);

// The rows of `id` as a CSV table: original columns, then the optional
// columns that a row sets to a non-default value or that `keep_columns`
// names, then unknown columns in first-seen order.
CsvTable EncodeTable(TableId id, const model::Tables& t,
                     const std::vector<std::string>& keep_columns = {});
// EncodeTable written as provisiond writes files: ',', LF, no BOM.
std::string EncodeFile(TableId id, const model::Tables& t,
                       const std::vector<std::string>& keep_columns = {});

// Recomputes t->warnings: every postype row naming an app apps.csv lacks.
void ComputeWarnings(model::Tables* t);

// Versions across a reload of files that may lack a `version` column: a row
// whose content changed but whose version did not grow gets prev + 1; an
// unchanged row keeps prev's version. Rows are matched by key (drivers by id).
void CarryVersions(const model::Tables& prev, model::Tables* next);

struct FileMeta {
  platform::FsStat stat;             // as seen just before reading
  std::vector<std::string> header;   // columns the file had (empty if missing)
};

struct LoadedDir {
  model::Tables tables;                 // indexes not built
  std::map<TableId, FileMeta> files;    // every table, present or not
  std::vector<SourceError> errors;      // empty = every file valid
};

// Reads and decodes every file of `dir` (missing files = empty tables) and
// computes warnings. Never fails as a whole: problems are in `errors`.
LoadedDir LoadDataDir(platform::Fs& fs, const std::string& dir);

}  // namespace provisiond::store

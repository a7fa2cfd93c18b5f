// The meaning of each file of the CSV data directory (doc/csv_format.md):
// decoding a file's text into model rows with validation, encoding rows back
// with the documented column order, and loading a whole directory. Pure
// functions over text and values; the file system comes in as platform::Fs.
#pragma once

#include <map>
#include <memory>
#include <unordered_map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/tables.h"
#include "platform/fs.h"
#include "store/csv/computer_wal.h"
#include "store/csv/csv_codec.h"
#include "store/store.h"
#include "store/table_id.h"
#include "store/write_rules.h"

namespace provisiond::store {

// "computers.csv", ...
std::string_view FileNameOf(TableId id);
// The table a file name holds (exact, lower-case name), or nullopt.
std::optional<TableId> TableOfFile(std::string_view file_name);
// The original service's columns of `id`, which its header must have.
const std::vector<std::string>& RequiredColumnsOf(TableId id);

// How a file was laid out when read, so that provisiond writes it back the
// same way (Excel saves ';', a BOM and CRLF). A file provisiond creates gets
// the defaults: ',', LF, no BOM (like the original service's files).
struct FileFormat {
  char delimiter = ',';
  bool bom = false;
  std::string newline = "\n";  // "\r\n", "\n" or "\r"
  // WriteCsv options for this format; they refer to `newline`: valid while
  // this object lives and is unchanged.
  CsvWriteOptions WriteOptions() const;
  friend bool operator==(const FileFormat&, const FileFormat&) = default;
};

// "computers.csv: line 4, field 2 (computername): reason" (parts omitted when 0).
std::string FormatSourceError(const SourceError& e);

// Parses and validates `text` as file `id`, replacing that table in *out
// (other tables untouched). Checks: the codec's errors, required columns,
// duplicate keys, regexes (RE2, Python-only constructs named), numbers,
// booleans. On error returns where and why; *out's table is then unspecified.
// `header`, if given, receives the file's column names.
// `row_lines`, if given, receives the file line of each data row.
// `format`, if given, receives the file's delimiter, BOM and line end.
// `notes`, if given, receives what was skipped as Excel leaves it (blank
// rows, empty columns at the end of the header): warnings with file and
// line and an empty key, about the file, not a row.
std::optional<SourceError> DecodeFile(TableId id, std::string_view text, model::Tables* out,
                                      std::vector<std::string>* header = nullptr,
                                      std::vector<int>* row_lines = nullptr, FileFormat* format = nullptr,
                                      std::vector<model::LoadWarning>* notes = nullptr);

// The rows of `id` as a CSV table: original columns, then the optional
// columns that a row sets to a non-default value or that `keep_columns`
// names, then unknown columns in first-seen order.
CsvTable EncodeTable(TableId id, const model::Tables& t,
                     const std::vector<std::string>& keep_columns = {});
// How provisiond writes a new live data file: ',', LF, no BOM, and every
// cell that a spreadsheet would run as a formula (= + - @ TAB CR first)
// prefixed with ' (NeutralizeFormula); DecodeFile restores them. Identifiers
// never start so (model/text_rules.h); free text (notes, commands) may. A
// loaded file keeps its own delimiter, BOM and line end (FileFormat).
CsvWriteOptions LiveFileWriteOptions();
// EncodeTable written in `format` (default: a new file's ',', LF, no BOM),
// formulas neutralised.
std::string EncodeFile(TableId id, const model::Tables& t,
                       const std::vector<std::string>& keep_columns = {}, const FileFormat& format = {});

// computers.csv as EncodeFile(kComputers, t, keep_columns, format) writes it, byte
// for byte, but reusing the encoded text of every chunk of rows it encoded
// before: snapshots share unchanged chunks (model/rows.h), so after a
// one-row change only that row's chunk is encoded again (unless the header
// changes). Holds the text of the last file encoded (about its size).
// Not thread-safe: one caller at a time.
class ComputersEncoder {
 public:
  // *header, if given, receives the header written.
  std::string Encode(const model::Tables& t, const std::vector<std::string>& keep_columns,
                     std::vector<std::string>* header = nullptr, const FileFormat& format = {});
  // Chunks encoded (not reused) by the last Encode(), for tests.
  size_t encoded_chunks_for_testing() const { return encoded_chunks_; }

 private:
  struct Piece {
    std::shared_ptr<const model::RowList<model::Computer>::Chunk> chunk;  // keeps the address unique
    std::string text;
  };
  std::vector<std::string> header_;  // the header the pieces were encoded for
  FileFormat format_;                // and their format
  std::unordered_map<const void*, Piece> pieces_;
  size_t encoded_chunks_ = 0;
};

struct FileMeta;

// Recomputes t->warnings from the shared write rules (store/write_rules.h,
// CheckTables): every row a write would refuse (a computer with an invalid
// name or an unknown type, a postype row naming an app apps.csv lacks or
// repeating one, a negative driver minimum) is a warning
// "<file>: line N: (<column>) <reason>" keyed by the row's key. Lines come
// from `files` (as last loaded); without them, row + 2. The notes of
// `files` (FileMeta::notes) follow.
void ComputeWarnings(model::Tables* t, const std::map<TableId, FileMeta>* files = nullptr);

// The findings of CheckTables as SourceErrors with file, line and column:
// what `provisiond import` refuses. `header` and `row_lines` of the file the
// table came from (column 0 / line row + 2 when unknown).
SourceError FindingToError(const RowFinding& f, const std::vector<std::string>& header,
                           const std::vector<int>& row_lines);
// The file holding a finding's table.
TableId TableOfFinding(const RowFinding& f);

// Versions across a reload of files that may lack a `version` column: a row
// whose content changed but whose version did not grow gets prev + 1; an
// unchanged row keeps prev's version. Rows are matched by key (drivers by id).
void CarryVersions(const model::Tables& prev, model::Tables* next);

struct FileMeta {
  platform::FsStat stat;             // as seen just before reading
  std::vector<std::string> header;   // columns the file had (empty if missing)
  std::vector<int> row_lines;        // file line of each data row, as last loaded
  FileFormat format;                 // as last loaded; kept by provisiond's writes
  // What the load skipped as Excel leaves it (DecodeFile's notes): true
  // until provisiond writes the file, which leaves those out.
  std::vector<model::LoadWarning> notes;
};

struct LoadedDir {
  model::Tables tables;                 // indexes not necessarily built
  std::map<TableId, FileMeta> files;    // every table, present or not
  std::vector<SourceError> errors;      // empty = every file valid
  // Pending computer changes (computers.csv.wal), applied to `tables` when
  // computers.csv loaded:
  std::vector<PendingChange> pending;        // applied, not yet in computers.csv
  std::vector<model::LoadWarning> dropped;   // conflicting, not applied (also in tables.warnings)
  std::vector<std::string> wal_skipped;      // torn or damaged records, not applied
  std::string wal_text;                      // the log file as read
};

// Reads and decodes every file of `dir` (missing files = empty tables),
// applies the pending computer changes (ApplyPendingChanges): `pending`
// when given (a store's own list), else those read from computers.csv.wal;
// and computes warnings. Never fails as a whole: problems are in `errors`
// (a log that cannot be read is an error of computers.csv).
LoadedDir LoadDataDir(platform::Fs& fs, const std::string& dir,
                      const std::vector<PendingChange>* pending = nullptr);

}  // namespace provisiond::store

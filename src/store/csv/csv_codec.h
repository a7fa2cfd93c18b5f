// RFC 4180 CSV reading and writing, independent of any table's meaning.
// Reads UTF-8 with or without BOM, ',' or ';' (detected from the header
// line), CRLF or LF, quoted fields with embedded quotes, delimiters and
// newlines; tolerates what Excel leaves in a file (blank rows, empty
// trailing header columns). Errors name line and column (1-based) and say
// how to fix.
// Pure functions on strings: safe from any thread. Format: doc/csv_format.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace provisiond::store {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each row has header.size() fields
  std::vector<int> row_lines;                  // 1-based line where each row starts
  char delimiter = ',';
  bool had_bom = false;
  std::string newline = "\n";    // how the header line ends: "\r\n", "\n" or "\r" ("\n" if it does not)
  int header_line = 1;           // 1-based line of the header (blank rows may come first)
  std::vector<int> blank_lines;  // 1-based line of each blank row skipped (see ParseCsv)
  int dropped_columns = 0;       // empty-named columns cut off the end of the header
  friend bool operator==(const CsvTable&, const CsvTable&) = default;
};

struct CsvReadOptions {
  char delimiter = 0;          // 0: detect ',' or ';' from the header line
  bool require_header = true;  // an empty input is an error
  bool restore_formulas = false;  // true: RestoreFormula() on every cell (import of an export)
};

// Parses `text`. Refuses (InvalidArgument "line L, column C: reason; fix"):
// invalid UTF-8, NUL bytes, a quote opened and never closed, text after a
// closing quote, a row whose field count differs from the header's, an
// empty file, an empty or duplicate column name, a value in a column whose
// header name is empty.
// Also refuses other control bytes (binary data; TAB, CR, LF are fine).
// Empty lines are skipped anywhere, as Python's csv reader does; a '"'
// inside an unquoted field is kept as data. Lines end with LF, CRLF or CR;
// columns count characters (code points), not bytes. With
// require_header == false an empty input gives an empty table.
// What Excel leaves in a sheet is not an error: a blank row (no quoted
// field, every field empty or spaces, e.g. ";;;;") is skipped anywhere, its
// line in blank_lines; empty column names at the end of the header
// ("a;b;;;") are dropped (dropped_columns) with the rows' fields in those
// columns, which must then be empty. An empty name before a named column
// stays an error.
Result<CsvTable> ParseCsv(std::string_view text, const CsvReadOptions& options = {});

struct CsvWriteOptions {
  char delimiter = ',';
  bool bom = false;                 // true: start with EF BB BF (Excel)
  bool neutralize_formulas = false; // true: prefix cells starting = + - @ TAB CR with '
  std::string_view newline = "\r\n";
};

// Quotes a field only when needed (delimiter, quote, CR/LF, leading/trailing space),
// and the first field of a row whose fields are all empty or spaces, so that
// it is not read back as a blank row.
// Header cells, and every cell of a one-column table, are also quoted when
// they hold ',' or ';' so that delimiter detection reads the text back as
// written. ParseCsv(WriteCsv(t)) gives back t's header and rows (and its
// delimiter when t has two columns or more); with neutralize_formulas, use
// restore_formulas on the way back.
std::string WriteCsv(const CsvTable& table, const CsvWriteOptions& options = {});
// A data cell as WriteCsv would write it.
std::string EscapeCsvField(std::string_view field, const CsvWriteOptions& options);

// Formula neutralisation (OWASP CSV injection): a cell starting with
// = + - @ TAB or CR, after any run of leading ', gets one more leading '.
// Every such cell is prefixed, negative numbers included ("-5" -> "'-5").
// RestoreFormula undoes it exactly: RestoreFormula(NeutralizeFormula(s)) == s.
std::string NeutralizeFormula(std::string_view cell);
std::string RestoreFormula(std::string_view cell);

}  // namespace provisiond::store

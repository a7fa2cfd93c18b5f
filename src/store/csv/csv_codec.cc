#include "store/csv/csv_codec.h"

#include <cstdint>
#include <string>
#include <utility>

#include "base/strings.h"

namespace provisiond::store {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

struct Position {
  int line = 1;
  int column = 1;
};

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Line and column of byte `offset` in `body`. Computed on demand by a scan
// from the start: only errors need it, and they happen once per parse.
// Line breaks are LF, CRLF and a lone CR, the same rule the parser counts.
Position Locate(std::string_view body, size_t offset) {
  Position p;
  for (size_t i = 0; i < offset && i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\n' || (c == '\r' && (i + 1 >= body.size() || body[i + 1] != '\n'))) {
      ++p.line;
      p.column = 1;
    } else if (c != '\r' && !IsContinuation(static_cast<unsigned char>(c))) {
      ++p.column;
    }
  }
  return p;
}

Status ErrorAt(std::string_view body, size_t offset, std::string_view reason,
               std::string_view fix) {
  const Position p = Locate(body, offset);
  return Status::BadInputAt(p.line, p.column, std::string(reason) + "; " + std::string(fix));
}

std::string Hex(unsigned char c) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string("0x") + kDigits[c >> 4] + kDigits[c & 0xF];
}

// Length of the well-formed UTF-8 sequence at p[0..n), or 0 if it is not
// one (overlongs, surrogates and code points above U+10FFFF are refused).
size_t Utf8SequenceLength(const unsigned char* p, size_t n) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (n < len || p[1] < lo || p[1] > hi) return 0;
  for (size_t k = 2; k < len; ++k)
    if (!IsContinuation(p[k])) return 0;
  return len;
}

// One pass over the bytes before parsing: the parser then only sees valid
// UTF-8 text. `bom` is the number of bytes cut before `body`, so the byte
// offset in the message is the one a hex editor shows.
Status CheckText(std::string_view body, size_t bom) {
  const auto* p = reinterpret_cast<const unsigned char*>(body.data());
  const size_t n = body.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c >= 0x20 && c < 0x80) {
      ++i;
      continue;
    }
    if (c == 0) {
      return ErrorAt(body, i, "NUL byte (byte offset " + std::to_string(i + bom) +
                                  "): this is binary data or UTF-16 text, not a CSV file",
                     "save the file as \"CSV UTF-8\" text");
    }
    if (c < 0x20) {
      if (c == '\t' || c == '\r' || c == '\n') {
        ++i;
        continue;
      }
      return ErrorAt(body, i, "control character " + Hex(c) + " (byte offset " +
                                  std::to_string(i + bom) + "): binary data in a text file",
                     "remove it, or export the table again as \"CSV UTF-8\"");
    }
    const size_t len = Utf8SequenceLength(p + i, n - i);
    if (len == 0) {
      if (i == 0 && bom == 0 && n >= 2 && ((c == 0xFF && p[1] == 0xFE) || (c == 0xFE && p[1] == 0xFF))) {
        return ErrorAt(body, i, "the file is UTF-16, not UTF-8",
                       "save it as \"CSV UTF-8\" (Excel) or convert it with iconv -f UTF-16 -t UTF-8");
      }
      return ErrorAt(body, i, "invalid UTF-8 byte " + Hex(c) + " (byte offset " +
                                  std::to_string(i + bom) + ")",
                     "save the file as UTF-8 (Excel: \"CSV UTF-8\"), not ANSI/Latin-1");
    }
    i += len;
  }
  return Status::Ok();
}

// ';' when the header line has more ';' than ',' outside quotes, else ','.
// The header line is the first one holding more than delimiters and spaces:
// blank rows (";;;;", Excel) and empty lines before it do not count, unless
// there is no such line (then the first line with a delimiter decides).
char DetectDelimiter(std::string_view body) {
  int commas = 0, semicolons = 0;
  int first_commas = -1, first_semicolons = -1;  // of the first blank line with a delimiter
  bool quoted = false, content = false;
  for (char c : body) {
    if (c == '"') {
      quoted = !quoted;  // "" inside quotes toggles twice: still inside
      content = true;
    } else if (!quoted) {
      if (c == '\n' || c == '\r') {
        if (content) break;
        if (first_commas < 0 && commas + semicolons > 0) {
          first_commas = commas;
          first_semicolons = semicolons;
        }
        commas = semicolons = 0;
      } else if (c == ',') {
        ++commas;
      } else if (c == ';') {
        ++semicolons;
      } else if (c != ' ' && c != '\t') {
        content = true;
      }
    }
  }
  if (!content && first_commas >= 0) {
    commas = first_commas;
    semicolons = first_semicolons;
  }
  return semicolons > commas ? ';' : ',';
}

// One record: its fields and the byte offset where each starts (for errors).
struct Record {
  std::vector<std::string> fields;
  std::vector<size_t> starts;
  size_t end = 0;  // offset of the line end (or end of text) after the record
  int line = 0;    // 1-based line where it starts
  bool quoted = false;  // some field was quoted
};

// Excel's empty row: no field quoted, each empty or spaces. A quoted field
// ("") makes a row data: that is how WriteCsv writes an all-empty row.
bool IsBlank(const Record& record) {
  if (record.quoted) return false;
  for (const auto& f : record.fields)
    if (!Trim(f).empty()) return false;
  return true;
}

bool IsBlankField(std::string_view field) { return Trim(field).empty(); }

// RFC 4180 record reader over already validated text.
class Reader {
 public:
  Reader(std::string_view body, char delimiter) : body_(body), delimiter_(delimiter) {}

  // Skips empty lines; true if a record follows.
  bool NextRecordStarts() {
    while (pos_ < body_.size() && (body_[pos_] == '\n' || body_[pos_] == '\r')) ConsumeLineBreak();
    return pos_ < body_.size();
  }

  // REQUIRES: NextRecordStarts() returned true.
  Status Read(Record& record) {
    record.fields.clear();
    record.starts.clear();
    record.line = line_;
    record.quoted = false;
    for (;;) {
      record.starts.push_back(pos_);
      std::string field;
      if (pos_ < body_.size() && body_[pos_] == '"') {
        record.quoted = true;
        PV_RETURN_IF_ERROR(ReadQuoted(field));
      } else {
        ReadUnquoted(field);
      }
      record.fields.push_back(std::move(field));
      if (pos_ >= body_.size()) break;
      if (body_[pos_] == delimiter_) {
        ++pos_;
        continue;
      }
      break;  // a line break: ReadQuoted/ReadUnquoted stop only there
    }
    record.end = pos_;
    if (pos_ < body_.size()) ConsumeLineBreak();
    return Status::Ok();
  }

 private:
  bool IsLineBreak(char c) const { return c == '\n' || c == '\r'; }

  void ConsumeLineBreak() {
    if (body_[pos_] == '\r' && pos_ + 1 < body_.size() && body_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  void ReadUnquoted(std::string& field) {
    const size_t start = pos_;
    while (pos_ < body_.size() && body_[pos_] != delimiter_ && !IsLineBreak(body_[pos_])) ++pos_;
    field.assign(body_.substr(start, pos_ - start));
  }

  Status ReadQuoted(std::string& field) {
    const size_t open = pos_++;
    for (;;) {
      const size_t quote = body_.find('"', pos_);
      if (quote == std::string_view::npos) {
        return ErrorAt(body_, open, "quote opened here is never closed",
                       "add the closing \", and write a \" inside a quoted field as \"\"");
      }
      CountLineBreaks(pos_, quote);
      field.append(body_.substr(pos_, quote - pos_));
      pos_ = quote + 1;
      if (pos_ < body_.size() && body_[pos_] == '"') {  // "" is one quote
        field.push_back('"');
        ++pos_;
        continue;
      }
      break;
    }
    if (pos_ < body_.size() && body_[pos_] != delimiter_ && !IsLineBreak(body_[pos_])) {
      return ErrorAt(body_, pos_,
                     std::string("text after a closing quote (expected '") + delimiter_ +
                         "' or end of line)",
                     "put the whole field inside the quotes, and write a \" inside it as \"\"");
    }
    return Status::Ok();
  }

  // Line breaks inside a quoted field still advance the line count.
  void CountLineBreaks(size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      if (body_[i] == '\n' || (body_[i] == '\r' && (i + 1 >= body_.size() || body_[i + 1] != '\n')))
        ++line_;
    }
  }

  std::string_view body_;
  char delimiter_;
  size_t pos_ = 0;
  int line_ = 1;
};

Status CheckHeader(std::string_view body, const Record& header) {
  std::vector<std::string> seen;  // lower-cased, trimmed
  seen.reserve(header.fields.size());
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string key = ToLower(Trim(header.fields[i]));
    if (key.empty()) {
      return ErrorAt(body, header.starts[i],
                     "column " + std::to_string(i + 1) + " has an empty name in the header",
                     "name the column, or delete it (and its delimiter)");
    }
    for (size_t j = 0; j < seen.size(); ++j) {
      if (seen[j] == key) {
        return ErrorAt(body, header.starts[i],
                       "duplicate column name \"" + std::string(Trim(header.fields[i])) +
                           "\" (columns " + std::to_string(j + 1) + " and " +
                           std::to_string(i + 1) + ")",
                       "rename or delete one of them");
      }
    }
    seen.push_back(std::move(key));
  }
  return Status::Ok();
}

Status CheckFieldCount(std::string_view body, const Record& record, size_t expected,
                       char delimiter) {
  const size_t got = record.fields.size();
  if (got == expected) return Status::Ok();
  const std::string counts =
      "expected " + std::to_string(expected) + " fields (as in the header), got " + std::to_string(got);
  if (got > expected) {
    // Point at the delimiter that opens the first extra field.
    return ErrorAt(body, record.starts[expected] - 1, counts,
                   std::string("quote the field that contains '") + delimiter +
                       "', or remove the extra delimiter");
  }
  return ErrorAt(body, record.end, counts,
                 std::string("add the missing fields (empty ones are fine: '") + delimiter + "')");
}

bool IsFormulaStart(char c) { return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'; }

// True for a cell that a spreadsheet could run, or one that already went
// through NeutralizeFormula (leading quotes then a trigger).
bool LooksLikeFormula(std::string_view cell, size_t min_quotes) {
  size_t i = 0;
  while (i < cell.size() && cell[i] == '\'') ++i;
  return i >= min_quotes && i < cell.size() && IsFormulaStart(cell[i]);
}

bool NeedsQuotes(std::string_view field, char delimiter, bool both_delimiters) {
  if (field.empty()) return false;
  if (field.front() == ' ' || field.back() == ' ') return true;
  // A leading U+FEFF would be taken for a BOM when it opens the file.
  if (field.substr(0, kBom.size()) == kBom) return true;
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') return true;
    if (both_delimiters && (c == ',' || c == ';')) return true;
  }
  return false;
}

void AppendField(std::string& out, std::string_view raw, const CsvWriteOptions& options,
                 bool both_delimiters, bool force_quotes = false) {
  std::string neutralized;
  std::string_view field = raw;
  if (options.neutralize_formulas) {
    neutralized = NeutralizeFormula(raw);
    field = neutralized;
  }
  if (!force_quotes && !NeedsQuotes(field, options.delimiter, both_delimiters)) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void AppendRecord(std::string& out, const std::vector<std::string>& fields,
                  const CsvWriteOptions& options, bool both_delimiters) {
  // A row of empty (or space-only) fields would be read back as a blank row
  // and skipped: its first field is written quoted ("").
  bool blank = true;
  for (const auto& f : fields) blank = blank && IsBlankField(f);
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(options.delimiter);
    AppendField(out, fields[i], options, both_delimiters, /*force_quotes=*/i == 0 && blank);
  }
  out.append(options.newline);
}

}  // namespace

Result<CsvTable> ParseCsv(std::string_view text, const CsvReadOptions& options) {
  CsvTable table;
  std::string_view body = text;
  if (body.substr(0, kBom.size()) == kBom) {
    body.remove_prefix(kBom.size());
    table.had_bom = true;
  }
  PV_RETURN_IF_ERROR(CheckText(body, table.had_bom ? kBom.size() : 0));
  table.delimiter = options.delimiter ? options.delimiter : DetectDelimiter(body);

  Reader reader(body, table.delimiter);
  Record record;
  for (;;) {  // the header: the first record that is not a blank row
    if (!reader.NextRecordStarts()) {
      if (!options.require_header) return table;
      if (!table.blank_lines.empty())
        return ErrorAt(body, 0, "the file holds only blank rows, no header line",
                       "write a header line naming the columns, e.g. serial,computername");
      return ErrorAt(body, 0, "the file is empty",
                     "write a header line naming the columns, e.g. serial,computername");
    }
    PV_RETURN_IF_ERROR(reader.Read(record));
    if (!IsBlank(record)) break;
    table.blank_lines.push_back(record.line);
  }
  table.header_line = record.line;
  if (record.end < body.size()) {
    const bool crlf = body[record.end] == '\r' && record.end + 1 < body.size() && body[record.end + 1] == '\n';
    table.newline = crlf ? "\r\n" : std::string(1, body[record.end]);
  }
  // Excel writes "a;b;;;" when cells right of the table were ever touched:
  // those unnamed columns are dropped (one empty name before a named column
  // is still refused by CheckHeader).
  const size_t width = record.fields.size();
  size_t named = width;
  while (named > 1 && IsBlankField(record.fields[named - 1])) --named;
  table.dropped_columns = static_cast<int>(width - named);
  record.fields.resize(named);
  record.starts.resize(named);
  PV_RETURN_IF_ERROR(CheckHeader(body, record));
  table.header = std::move(record.fields);

  while (reader.NextRecordStarts()) {
    PV_RETURN_IF_ERROR(reader.Read(record));
    if (IsBlank(record)) {
      table.blank_lines.push_back(record.line);
      continue;
    }
    const size_t got = record.fields.size();
    if (got > named && got <= width) {
      for (size_t i = named; i < got; ++i) {
        if (IsBlankField(record.fields[i])) continue;
        return ErrorAt(body, record.starts[i],
                       "column " + std::to_string(i + 1) + " has no name in the header but this row has a value in it",
                       "name the column in the header, or clear the cell");
      }
      record.fields.resize(named);
    }
    PV_RETURN_IF_ERROR(CheckFieldCount(body, record, got > width ? width : named, table.delimiter));
    table.rows.push_back(std::move(record.fields));
    table.row_lines.push_back(record.line);
  }
  if (options.restore_formulas) {
    for (auto& cell : table.header) cell = RestoreFormula(cell);
    for (auto& row : table.rows)
      for (auto& cell : row) cell = RestoreFormula(cell);
  }
  return table;
}

std::string WriteCsv(const CsvTable& table, const CsvWriteOptions& options) {
  std::string out;
  if (options.bom) out.append(kBom);
  // Header cells quote both ',' and ';' so that detection counts only real
  // delimiters; a one-column table has none, so it is read back as ','.
  const bool single_column = table.header.size() == 1;
  AppendRecord(out, table.header, options, /*both_delimiters=*/true);
  for (const auto& row : table.rows) AppendRecord(out, row, options, single_column);
  return out;
}

std::string EscapeCsvField(std::string_view field, const CsvWriteOptions& options) {
  std::string out;
  AppendField(out, field, options, /*both_delimiters=*/false);
  return out;
}

std::string NeutralizeFormula(std::string_view cell) {
  if (!LooksLikeFormula(cell, 0)) return std::string(cell);
  return "'" + std::string(cell);
}

std::string RestoreFormula(std::string_view cell) {
  if (!LooksLikeFormula(cell, 1)) return std::string(cell);
  return std::string(cell.substr(1));
}

}  // namespace provisiond::store

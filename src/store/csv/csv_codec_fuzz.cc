// libFuzzer target for the CSV codec: any input parses or fails cleanly; an
// input that parses is written (plain, then Excel style with formulas
// neutralised) and must parse back to the same table. See doc/fuzzing.md.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "store/csv/csv_codec.h"

namespace {

using provisiond::store::CsvReadOptions;
using provisiond::store::CsvTable;
using provisiond::store::CsvWriteOptions;
using provisiond::store::ParseCsv;
using provisiond::store::WriteCsv;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "csv_codec_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

void RoundTrip(const CsvTable& t, const CsvWriteOptions& out) {
  CsvReadOptions in;
  in.restore_formulas = out.neutralize_formulas;
  const std::string text = WriteCsv(t, out);
  auto back = ParseCsv(text, in);
  if (!back.ok()) Fail("written table does not parse", back.status().ToString());
  if (back->header != t.header) Fail("header changed", text);
  if (back->rows != t.rows) Fail("rows changed", text);
  if (back->had_bom != out.bom) Fail("BOM changed", text);
  // A one-column table has no delimiter in its text: it reads back as ','.
  if (t.header.size() >= 2 && back->delimiter != out.delimiter) Fail("delimiter changed", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = ParseCsv(text);
  if (!parsed.ok()) {
    if (parsed.status().message().rfind("line ", 0) != 0) Fail("error without position", parsed.status().ToString());
    return 0;
  }
  const CsvTable& t = *parsed;
  for (const auto& row : t.rows)
    if (row.size() != t.header.size()) Fail("row width differs from header", std::string(text));
  if (t.row_lines.size() != t.rows.size()) Fail("row_lines size", std::string(text));

  CsvWriteOptions plain;
  plain.delimiter = t.delimiter;
  plain.bom = t.had_bom;
  RoundTrip(t, plain);

  CsvWriteOptions excel;
  excel.delimiter = ';';
  excel.bom = true;
  excel.newline = "\n";
  excel.neutralize_formulas = true;
  RoundTrip(t, excel);
  return 0;
}

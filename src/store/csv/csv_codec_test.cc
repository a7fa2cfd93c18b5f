#include "store/csv/csv_codec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace provisiond::store {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// --- Refused input: each case names the line, column and reason. ----------

struct BadCase {
  std::string name;
  std::string input;
  std::string want_prefix;  // "line L, column C: reason"
};

TEST(ParseCsv, RefusesMalformedInputWithLineColumnAndReason) {
  const std::vector<BadCase> cases = {
      {"unterminated quote", "a,b\n1,\"x\n2,3\n",
       "line 2, column 3: quote opened here is never closed"},
      {"unterminated quote in header", "\"a,b\n", "line 1, column 1: quote opened here is never closed"},
      {"text after closing quote", "a,b\n\"x\"y,2\n",
       "line 2, column 4: text after a closing quote (expected ',' or end of line)"},
      {"space after closing quote", "a;b\n\"x\" ;2\n",
       "line 2, column 4: text after a closing quote (expected ';' or end of line)"},
      {"text after quote counts characters not bytes", "a,b\nélan,\"x\"y\n",
       "line 2, column 9: text after a closing quote"},
      {"too many fields", "a,b\n1,2\n1,2,3\n",
       "line 3, column 4: expected 2 fields (as in the header), got 3"},
      {"too few fields", "a,b,c\n1,2\n", "line 2, column 4: expected 3 fields (as in the header), got 2"},
      {"too many fields, semicolons", "a;b\n1;2;3\n",
       "line 2, column 4: expected 2 fields (as in the header), got 3"},
      {"too few fields, CRLF", "a,b\r\n1,2\r\n3\r\n",
       "line 3, column 2: expected 2 fields (as in the header), got 1"},
      {"wrong count after a multi-line field", "a,b\n\"x\ny\",2,3\n",
       "line 3, column 5: expected 2 fields (as in the header), got 3"},
      {"line count after lone CR line ends", "a,b\r1,2\r3,4,5\r",
       "line 3, column 4: expected 2 fields (as in the header), got 3"},
      {"Latin-1 accent", "a,b\ncaf\xE9,1\n", "line 2, column 4: invalid UTF-8 byte 0xE9 (byte offset 7)"},
      {"Latin-1 after BOM and valid accents", "\xEF\xBB\xBFnom,ville\nRené,caf\xE9\n",
       "line 2, column 9: invalid UTF-8 byte 0xE9 (byte offset 22)"},
      {"overlong encoding", "a\n\xC0\xAF\n", "line 2, column 1: invalid UTF-8 byte 0xC0 (byte offset 2)"},
      {"UTF-16 surrogate", "a\nx\xED\xA0\x80\n", "line 2, column 2: invalid UTF-8 byte 0xED (byte offset 3)"},
      {"sequence cut at end of file", "a\n\xE2\x82", "line 2, column 1: invalid UTF-8 byte 0xE2 (byte offset 2)"},
      {"stray continuation byte", "a,b\n1,\x80\n", "line 2, column 3: invalid UTF-8 byte 0x80 (byte offset 6)"},
      {"NUL byte", std::string("a,b\n1,\0\n", 8), "line 2, column 3: NUL byte (byte offset 6)"},
      {"binary garbage (PNG)", std::string("\x89PNG\r\n\x1a\n\0\0", 10),
       "line 1, column 1: invalid UTF-8 byte 0x89 (byte offset 0)"},
      {"control character", "a,b\n1,\x01\x02\n", "line 2, column 3: control character 0x01 (byte offset 6)"},
      {"UTF-16 file", std::string("\xFF\xFE" "a\0,\0b\0", 8), "line 1, column 1: the file is UTF-16"},
      {"empty file", "", "line 1, column 1: the file is empty"},
      {"BOM only", "\xEF\xBB\xBF", "line 1, column 1: the file is empty"},
      {"blank lines only", "\n\r\n\n", "line 1, column 1: the file is empty"},
      {"empty header name", "a,,c\n1,2,3\n", "line 1, column 3: column 2 has an empty name in the header"},
      {"blank header name", "a, ,c\n", "line 1, column 3: column 2 has an empty name in the header"},
      {"empty name before a named column", "a;b;;c;;\n", "line 1, column 5: column 3 has an empty name in the header"},
      {"value in a column without a name", "a;b;;\r\n1;2;;\r\n3;4;x;\r\n",
       "line 3, column 5: column 3 has no name in the header but this row has a value in it"},
      {"more fields than the header with empty columns", "a;b;;\n1;2;;;\n",
       "line 2, column 6: expected 4 fields (as in the header), got 5"},
      {"fewer fields than the named columns", "a;b;;\n1\n",
       "line 2, column 2: expected 2 fields (as in the header), got 1"},
      {"blank rows only", ";;;\r\n;;;\r\n", "line 1, column 1: the file holds only blank rows, no header line"},
      {"duplicate header name", "serial,Name,name\n",
       "line 1, column 13: duplicate column name \"name\" (columns 2 and 3)"},
      {"duplicate header name after trimming", "a;b; A\n",
       "line 1, column 5: duplicate column name \"A\" (columns 1 and 3)"},
  };
  const std::regex shape(R"(line \d+, column \d+: [^;]+.*; .+)");
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = ParseCsv(c.input);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    const std::string m = r.status().message();  // status() returns a copy
    EXPECT_EQ(m.substr(0, c.want_prefix.size()), c.want_prefix) << m;
    EXPECT_TRUE(std::regex_match(m, shape)) << "no fix after the reason: " << m;
    // The position travels as data too, the same as in the text.
    const Status st = r.status();
    EXPECT_EQ("line " + std::to_string(st.line()) + ", column " + std::to_string(st.column()) + ": " +
                  std::string(st.reason()),
              m);
    EXPECT_GT(st.line(), 0);
    EXPECT_GT(st.column(), 0);
  }
}

TEST(ParseCsv, ErrorsSayHowToFix) {
  EXPECT_NE(ParseCsv("a\n\"x").status().message().find("add the closing \""), std::string::npos);
  EXPECT_NE(ParseCsv("a\ncaf\xE9").status().message().find("CSV UTF-8"), std::string::npos);
  EXPECT_NE(ParseCsv("a,b\n1,2,3").status().message().find("quote the field that contains ','"),
            std::string::npos);
  EXPECT_NE(ParseCsv("a,a").status().message().find("rename or delete one of them"), std::string::npos);
}

// --- Accepted input. --------------------------------------------------------

struct GoodCase {
  std::string name;
  std::string input;
  std::vector<std::string> header;
  Rows rows;
  std::vector<int> row_lines;
  char delimiter = ',';
  CsvReadOptions options = {};
};

TEST(ParseCsv, ReadsRfc4180Variants) {
  CsvReadOptions forced_tab;
  forced_tab.delimiter = '\t';
  const std::vector<GoodCase> cases = {
      {"LF", "a,b\n1,2\n3,4\n", {"a", "b"}, {{"1", "2"}, {"3", "4"}}, {2, 3}},
      {"CRLF without final newline", "a,b\r\n1,2\r\n3,4", {"a", "b"}, {{"1", "2"}, {"3", "4"}}, {2, 3}},
      {"lone CR line ends", "a,b\r1,2\r", {"a", "b"}, {{"1", "2"}}, {2}},
      {"header only", "a,b\n", {"a", "b"}, {}, {}},
      {"trailing blank lines ignored", "a,b\n1,2\n\n\r\n\n", {"a", "b"}, {{"1", "2"}}, {2}},
      {"blank lines in the middle skipped", "a,b\n\n1,2\n\n3,4\n", {"a", "b"}, {{"1", "2"}, {"3", "4"}}, {3, 5}},
      {"empty fields", "a,b,c\n,x,\n", {"a", "b", "c"}, {{"", "x", ""}}, {2}},
      {"quoted embedded quote", "a,b\n\"say \"\"hi\"\"\",2\n", {"a", "b"}, {{"say \"hi\"", "2"}}, {2}},
      {"quoted delimiters", "a,b\n\"x,y;z\",2\n", {"a", "b"}, {{"x,y;z", "2"}}, {2}},
      {"quoted newlines", "a,b\n\"l1\nl2\r\nl3\",2\n3,4\n", {"a", "b"}, {{"l1\nl2\r\nl3", "2"}, {"3", "4"}}, {2, 5}},
      {"quoted empty", "a,b\n\"\",\"\"\n", {"a", "b"}, {{"", ""}}, {2}},
      {"quote inside unquoted field kept", "a,b\n12\" screen,2\n", {"a", "b"}, {{"12\" screen", "2"}}, {2}},
      {"spaces kept", "a,b\n x , y\n", {"a", "b"}, {{" x ", " y"}}, {2}},
      {"semicolon detected", "a;b;c\n1;2,5;3\n", {"a", "b", "c"}, {{"1", "2,5", "3"}}, {2}, ';'},
      {"comma wins a tie", "a,b;c\n1,2;3\n", {"a", "b;c"}, {{"1", "2;3"}}, {2}, ','},
      {"quoted semicolons do not count", "\"a;b;c\",d\n1,2\n", {"a;b;c", "d"}, {{"1", "2"}}, {2}, ','},
      {"single column", "name\nx\n\"\"\ny\n", {"name"}, {{"x"}, {""}, {"y"}}, {2, 3, 4}},
      {"unicode", "nom,ville\nRené,Zürich 😀\n", {"nom", "ville"}, {{"René", "Zürich 😀"}}, {2}},
      {"forced delimiter", "a\tb,c\n1\t2\n", {"a", "b,c"}, {{"1", "2"}}, {2}, '\t', forced_tab},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = ParseCsv(c.input, c.options);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->header, c.header);
    EXPECT_EQ(r->rows, c.rows);
    EXPECT_EQ(r->row_lines, c.row_lines);
    EXPECT_EQ(r->delimiter, c.delimiter);
    EXPECT_FALSE(r->had_bom);
  }
}

TEST(ParseCsv, EmptyInputIsAnEmptyTableWhenHeaderNotRequired) {
  CsvReadOptions options;
  options.require_header = false;
  auto r = ParseCsv("\xEF\xBB\xBF\r\n", options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->header.empty());
  EXPECT_TRUE(r->rows.empty());
}

TEST(ParseCsv, ReadsFrenchExcelFile) {
  // What Excel (fr-FR) writes for "CSV UTF-8": BOM, ';', CRLF, accents,
  // decimal commas, quotes around fields holding ';' or '"'.
  const std::string text =
      "\xEF\xBB\xBF"
      "serial;computername;postype;setkeyboard;country;language;timezone;notes\r\n"
      "5CG6050PH9;FR-PAR-LT-0042;ACCUEIL;fr-FR;FR;fr-FR;Romance Standard Time;Accueil rez-de-chaussée\r\n"
      "PF3ABCDE;FR-LYO-DT-0007;CAISSE;fr-FR;FR;fr-FR;Romance Standard Time;\"écran 15,6\"\" ; tiroir\"\r\n"
      "7QX2K93;DE-BER-LT-0001;BUREAUTIQUE;de-DE;DE;de-DE;W. Europe Standard Time;\"Größe \"\"L\"\"\"\r\n"
      ";;;;;;;\r\n";
  auto r = ParseCsv(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->had_bom);
  EXPECT_EQ(r->delimiter, ';');
  EXPECT_EQ(r->newline, "\r\n");
  EXPECT_EQ(r->header, (std::vector<std::string>{"serial", "computername", "postype", "setkeyboard",
                                                 "country", "language", "timezone", "notes"}));
  const Rows want = {
      {"5CG6050PH9", "FR-PAR-LT-0042", "ACCUEIL", "fr-FR", "FR", "fr-FR", "Romance Standard Time",
       "Accueil rez-de-chaussée"},
      {"PF3ABCDE", "FR-LYO-DT-0007", "CAISSE", "fr-FR", "FR", "fr-FR", "Romance Standard Time",
       "écran 15,6\" ; tiroir"},
      {"7QX2K93", "DE-BER-LT-0001", "BUREAUTIQUE", "de-DE", "DE", "de-DE", "W. Europe Standard Time",
       "Größe \"L\""},
  };
  EXPECT_EQ(r->rows, want);  // the empty row Excel leaves is not a row
  EXPECT_EQ(r->row_lines, (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(r->blank_lines, (std::vector<int>{5}));
}

struct ExcelCase {
  std::string name;
  std::string input;
  std::vector<std::string> header;
  Rows rows;
  std::vector<int> row_lines;
  std::vector<int> blank_lines;
  int dropped_columns = 0;
  int header_line = 1;
};

TEST(ParseCsv, SkipsWhatExcelLeavesAndKeepsTheLinesRight) {
  const std::vector<ExcelCase> cases = {
      {"blank row in the middle", "a;b;c\r\n1;2;3\r\n;;\r\n4;5;6\r\n", {"a", "b", "c"},
       {{"1", "2", "3"}, {"4", "5", "6"}}, {2, 4}, {3}},
      {"blank rows at the end", "a;b\r\n1;2\r\n;\r\n;\r\n", {"a", "b"}, {{"1", "2"}}, {2}, {3, 4}},
      {"blank row of spaces and TABs", "a,b\n1,2\n  ,\t\n3,4\n", {"a", "b"}, {{"1", "2"}, {"3", "4"}}, {2, 4}, {3}},
      {"blank row with fewer delimiters", "a;b;c;d\n;\n1;2;3;4\n", {"a", "b", "c", "d"}, {{"1", "2", "3", "4"}},
       {3}, {2}},
      {"blank rows before the header", ";;\r\n\r\n;;\r\na;b;c\r\n1;2;3\r\n", {"a", "b", "c"}, {{"1", "2", "3"}},
       {5}, {1, 3}, 0, 4},
      {"blank row after a multi-line field", "a;b\n\"x\ny\";1\n;\n2;3\n", {"a", "b"}, {{"x\ny", "1"}, {"2", "3"}},
       {2, 5}, {4}},
      {"quoted empty fields are a row", "a;b\n\"\";\n", {"a", "b"}, {{"", ""}}, {2}, {}},
      {"trailing empty columns", "a;b;;;\r\n1;2;;;\r\n;;;;\r\n3;4; ;\r\n", {"a", "b"}, {{"1", "2"}, {"3", "4"}},
       {2, 4}, {3}, 3},
      {"trailing empty column, rows without it", "a,b,\n1,2\n3,4,\n", {"a", "b"}, {{"1", "2"}, {"3", "4"}}, {2, 3},
       {}, 1},
      {"single column with a blank row", "name\nx\n \ny\n", {"name"}, {{"x"}, {"y"}}, {2, 4}, {3}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = ParseCsv(c.input);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->header, c.header);
    EXPECT_EQ(r->rows, c.rows);
    EXPECT_EQ(r->row_lines, c.row_lines);
    EXPECT_EQ(r->blank_lines, c.blank_lines);
    EXPECT_EQ(r->dropped_columns, c.dropped_columns);
    EXPECT_EQ(r->header_line, c.header_line);
  }
}

TEST(ParseCsv, LaterErrorsNameTheirOwnLineAfterBlankRows) {
  auto r = ParseCsv(";;\r\na;b;c\r\n;;\r\n;;\r\n1;2\r\n");
  ASSERT_FALSE(r.ok());
  const std::string want = "line 5, column 4: expected 3 fields (as in the header), got 2";
  EXPECT_EQ(r.status().message().substr(0, want.size()), want);
}

TEST(ParseCsv, DetectsTheLineEndOfTheHeader) {
  struct Case {
    std::string input;
    std::string newline;
  };
  const std::vector<Case> cases = {
      {"a,b\r\n1,2\r\n", "\r\n"}, {"a,b\n1,2\r\n", "\n"}, {"a,b\r1,2\r", "\r"},
      {"a,b", "\n"},                 {";;\na;b\r\n", "\r\n"},  {"\xEF\xBB\xBF" "a;b\r\n", "\r\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    auto r = ParseCsv(c.input);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->newline, c.newline);
  }
}

TEST(ParseCsv, DelimiterIsDetectedFromTheHeaderNotTheBlankRowsBeforeIt) {
  for (const char* text : {"\n\na;b\n1;2\n", "\r\n ; \r\n\r\na;b\r\n"}) {
    SCOPED_TRACE(text);
    auto r = ParseCsv(text);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->delimiter, ';');
    EXPECT_EQ(r->header, (std::vector<std::string>{"a", "b"}));
  }
}

// An Excel-saved file written back in the format it was read in: the same
// bytes, but for the blank rows and empty trailing columns, which are gone.
TEST(WriteCsv, ExcelFileWrittenBackInItsOwnFormatLosesOnlyTheBlankRows) {
  const std::string bom = "\xEF\xBB\xBF";
  const std::string text = bom +
                           "serial;computername;notes;;\r\n"
                           "5CG6050PH9;FR-PAR-LT-0042;\"écran 15,6\"\" ; tiroir\";;\r\n"
                           ";;;;\r\n"
                           "7QX2K93;DE-BER-LT-0001;;;\r\n"
                           ";;;;\r\n";
  auto r = ParseCsv(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  CsvWriteOptions same;
  same.delimiter = r->delimiter;
  same.bom = r->had_bom;
  same.newline = r->newline;
  EXPECT_EQ(WriteCsv(*r, same), bom +
                                    "serial;computername;notes\r\n"
                                    "5CG6050PH9;FR-PAR-LT-0042;\"écran 15,6\"\" ; tiroir\"\r\n"
                                    "7QX2K93;DE-BER-LT-0001;\r\n");
}

TEST(WriteCsv, RowOfEmptyFieldsIsQuotedSoItIsNotReadAsABlankRow) {
  CsvTable t;
  t.header = {"a", "b", "c"};
  t.rows = {{"", "", ""}, {"\t", "", ""}, {"", "x", ""}};
  const std::string text = WriteCsv(t, {.delimiter = ';', .newline = "\n"});
  EXPECT_EQ(text, "a;b;c\n\"\";;\n\"\t\";;\n;x;\n");
  auto r = ParseCsv(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, t.rows);
  EXPECT_TRUE(r->blank_lines.empty());
}

// --- Writing. ---------------------------------------------------------------

TEST(EscapeCsvField, QuotesOnlyWhenNeeded) {
  struct Case {
    std::string field;
    char delimiter;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"plain", ',', "plain"},
      {"", ',', ""},
      {"a;b", ',', "a;b"},
      {"a,b", ',', "\"a,b\""},
      {"a;b", ';', "\"a;b\""},
      {"a,b", ';', "a,b"},
      {"say \"hi\"", ',', "\"say \"\"hi\"\"\""},
      {"l1\nl2", ',', "\"l1\nl2\""},
      {"l1\rl2", ',', "\"l1\rl2\""},
      {" lead", ',', "\" lead\""},
      {"trail ", ',', "\"trail \""},
      {"in side", ',', "in side"},
      {"\xEF\xBB\xBFx", ',', "\"\xEF\xBB\xBFx\""},
      {"=1+2", ',', "=1+2"},  // neutralisation is off by default
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.field);
    CsvWriteOptions options;
    options.delimiter = c.delimiter;
    EXPECT_EQ(EscapeCsvField(c.field, options), c.want);
  }
}

TEST(WriteCsv, WritesHeaderRowsNewlineAndBom) {
  CsvTable t;
  t.header = {"name", "url"};
  t.rows = {{"VLC", "https://x/VLC"}, {"A, B", "C:\\provision\\OtherFiles\\a b.zip"}};
  EXPECT_EQ(WriteCsv(t), "name,url\r\nVLC,https://x/VLC\r\n\"A, B\",C:\\provision\\OtherFiles\\a b.zip\r\n");

  CsvWriteOptions excel;
  excel.delimiter = ';';
  excel.bom = true;
  excel.newline = "\n";
  EXPECT_EQ(WriteCsv(t, excel), "\xEF\xBB\xBFname;url\nVLC;https://x/VLC\nA, B;C:\\provision\\OtherFiles\\a b.zip\n");
}

TEST(WriteCsv, HeaderQuotesBothDelimitersSoDetectionStaysRight) {
  CsvTable t;
  t.header = {"a;b;c", "d"};
  t.rows = {{"x;y;z", "1"}};
  const std::string text = WriteCsv(t);
  EXPECT_EQ(text, "\"a;b;c\",d\r\nx;y;z,1\r\n");
  auto r = ParseCsv(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->delimiter, ',');
  EXPECT_EQ(r->header, t.header);
  EXPECT_EQ(r->rows, t.rows);
}

TEST(WriteCsv, SingleColumnTableSurvivesDetection) {
  CsvTable t;
  t.header = {"name"};
  t.rows = {{"a,b"}, {""}, {"c;d"}};
  CsvWriteOptions options;
  options.delimiter = ';';
  const std::string text = WriteCsv(t, options);
  EXPECT_EQ(text, "name\r\n\"a,b\"\r\n\"\"\r\n\"c;d\"\r\n");
  auto r = ParseCsv(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, t.rows);
}

TEST(NeutralizeFormula, PrefixesEveryFormulaStartAndRestoresExactly) {
  struct Case {
    std::string cell;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"=SUM(A1:A9)", "'=SUM(A1:A9)"},
      {"+33 1 23 45 67 89", "'+33 1 23 45 67 89"},
      {"-5", "'-5"},  // negative numbers too: simple and safe
      {"-3.2", "'-3.2"},
      {"@SUM(1)", "'@SUM(1)"},
      {"\tcmd", "'\tcmd"},
      {"\rcmd", "'\rcmd"},
      {"'=already", "''=already"},  // so that RestoreFormula can undo exactly
      {"''-x", "'''-x"},
      {"'plain", "'plain"},
      {"a=b", "a=b"},
      {"5-3", "5-3"},
      {"", ""},
      {"'", "'"},
      {"é=", "é="},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.cell);
    EXPECT_EQ(NeutralizeFormula(c.cell), c.want);
    EXPECT_EQ(RestoreFormula(NeutralizeFormula(c.cell)), c.cell);
  }
  EXPECT_EQ(RestoreFormula("'plain"), "'plain");
}

TEST(WriteCsv, NeutralizesFormulasOnExportAndImportRestoresThem) {
  CsvTable t;
  t.header = {"name", "value"};
  t.rows = {{"=HYPERLINK(\"http://evil\",\"x\")", "-5"}, {"@cmd", "\rline"}, {"ok", "'=kept"}};
  CsvWriteOptions out;
  out.neutralize_formulas = true;
  const std::string text = WriteCsv(t, out);
  EXPECT_EQ(text,
            "name,value\r\n"
            "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'-5\r\n"
            "'@cmd,\"'\rline\"\r\n"
            "ok,''=kept\r\n");
  // Read as is, the cells keep their prefix (what a spreadsheet shows as text).
  auto raw = ParseCsv(text);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_EQ(raw->rows[0][1], "'-5");
  CsvReadOptions in;
  in.restore_formulas = true;
  auto restored = ParseCsv(text, in);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->header, t.header);
  EXPECT_EQ(restored->rows, t.rows);
}

// --- Round trip on random tables. -------------------------------------------

std::string RandomText(std::mt19937& rng, size_t max_pieces) {
  static const std::vector<std::string> kPieces = {
      "a", "Z", "0", "9", " ", "\"", ",", ";", "\r", "\n", "\r\n", "\t", "'", "=", "-", "+", "@",
      "é", "€", "ß", "😀", "\xEF\xBB\xBF", "\\", "%DeployRoot%", "\"\"", "x y"};
  std::uniform_int_distribution<size_t> count(0, max_pieces);
  std::uniform_int_distribution<size_t> pick(0, kPieces.size() - 1);
  std::string s;
  for (size_t n = count(rng); n > 0; --n) s += kPieces[pick(rng)];
  return s;
}

int LineBreaks(std::string_view s) {
  int n = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= s.size() || s[i + 1] != '\n'))) ++n;
  return n;
}

int RecordLines(const std::vector<std::string>& fields) {
  int n = 1;
  for (const auto& f : fields) n += LineBreaks(f);
  return n;
}

TEST(WriteCsv, RandomTablesRoundTripThroughParseForBothDelimiters) {
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> columns(1, 6), rows(0, 8), coin(0, 1);
  int checked = 0;
  for (char delimiter : {',', ';'}) {
    for (int iteration = 0; iteration < 3000; ++iteration) {
      CsvTable t;
      const int ncols = columns(rng);
      for (int c = 0; c < ncols; ++c)
        t.header.push_back("c" + std::to_string(c) + "_" + RandomText(rng, 3));
      for (int r = rows(rng); r > 0; --r) {
        std::vector<std::string> row;
        for (int c = 0; c < ncols; ++c) row.push_back(RandomText(rng, 6));
        t.rows.push_back(std::move(row));
      }
      CsvWriteOptions out;
      out.delimiter = delimiter;
      out.bom = coin(rng);
      out.newline = coin(rng) ? "\r\n" : "\n";
      out.neutralize_formulas = coin(rng);
      CsvReadOptions in;
      in.restore_formulas = out.neutralize_formulas;
      const std::string text = WriteCsv(t, out);

      auto r = ParseCsv(text, in);
      ASSERT_TRUE(r.ok()) << "iteration " << iteration << ": " << r.status().ToString();
      ASSERT_EQ(r->header, t.header) << "iteration " << iteration;
      ASSERT_EQ(r->rows, t.rows) << "iteration " << iteration;
      ASSERT_EQ(r->had_bom, out.bom);
      if (ncols >= 2) {
        ASSERT_EQ(r->delimiter, delimiter);
      }
      // Rows start after the lines taken by the records before them.
      int line = 1 + RecordLines(t.header);
      for (size_t i = 0; i < t.rows.size(); ++i) {
        ASSERT_EQ(r->row_lines[i], line) << "iteration " << iteration << " row " << i;
        line += RecordLines(t.rows[i]);
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6000);
}

// --- Truncated input: a clear answer at every byte offset. -----------------

TEST(ParseCsv, FileCutAtEveryByteParsesOrFailsClearly) {
  const std::string full =
      "\xEF\xBB\xBF"
      "name;url;notes\r\n"
      "VLC;https://provision.example.lan/file/apps/VLC;\"multi\r\nline \"\"quoted\"\" ; text\"\r\n"
      "Notepad++;%DeployRoot%\\Apps\\npp;Zürich 😀\r\n"
      "Chrome;C:\\provision\\OtherFiles\\chrome;\r\n";
  auto whole = ParseCsv(full);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  ASSERT_EQ(whole->rows.size(), 3u);
  const std::regex shape(R"(line \d+, column \d+: .+; .+)");
  int ok = 0, refused = 0;
  for (size_t cut = 0; cut <= full.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    auto r = ParseCsv(std::string_view(full).substr(0, cut));
    if (!r.ok()) {
      ++refused;
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      EXPECT_TRUE(std::regex_match(r.status().message(), shape)) << r.status().message();
      continue;
    }
    ++ok;
    // A prefix that parses is the start of the same table: every complete
    // row is the original's, only the last may be cut short.
    ASSERT_LE(r->rows.size(), whole->rows.size());
    for (size_t i = 0; i + 1 < r->rows.size(); ++i) EXPECT_EQ(r->rows[i], whole->rows[i]);
    for (const auto& row : r->rows) EXPECT_EQ(row.size(), r->header.size());
  }
  EXPECT_GT(ok, 0);
  EXPECT_GT(refused, 0);
  EXPECT_EQ(ok + refused, static_cast<int>(full.size() + 1));
}

// --- The real data directories. --------------------------------------------

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The original's sample (tests/data/original) and ours (data/sample, written
// by tools/gen_data.py) parse, and writing them back with LF gives the same
// bytes: a file opened and saved stays what the original service reads.
TEST(WriteCsv, RealDataFilesParseAndWriteBackByteIdentical) {
  const std::filesystem::path root = PROVISIOND_SOURCE_DIR;
  int files = 0;
  for (const char* dir : {"tests/data/original", "data/sample"}) {
    for (const auto& entry : std::filesystem::directory_iterator(root / dir)) {
      if (entry.path().extension() != ".csv") continue;
      SCOPED_TRACE(entry.path().string());
      const std::string text = ReadFile(entry.path());
      auto r = ParseCsv(text);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r->delimiter, ',');
      CsvWriteOptions options;
      options.newline = "\n";
      EXPECT_EQ(WriteCsv(*r, options), text);
      ++files;
    }
  }
  EXPECT_GE(files, 15);  // 7 original files + 8 sample files
}

}  // namespace
}  // namespace provisiond::store

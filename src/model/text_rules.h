// What a text value may hold, one rule for every way data gets in (API and
// legacy routes, import, the store's writes): what the CSV loader refuses
// (NUL, control bytes, invalid UTF-8) can never be stored, so a file that
// provisiond wrote always loads again; and an identifier (serial, name,
// type, country...) never starts like a spreadsheet formula. Free text
// (notes, messages, commands) may start with = + - @: files neutralise it
// (store/csv/). Pure; doc/csv_format.md lists which column gets which rule.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace provisiond::model {

enum class TextRule {
  kIdentifier,  // printable UTF-8, no tab, no formula start (= + - @)
  kLine,        // printable UTF-8 and tab; any first character
  kMultiline,   // kLine and line breaks (CR, LF): deployment messages, which
                // quote a script's output; files hold them quoted
};

// Why `value` breaks `rule` ("has control character 0x01 at byte 3; ..."),
// without the field name, or nullopt when it is fine. The value itself is
// not quoted (it may be binary).
std::optional<std::string> TextProblem(std::string_view value, TextRule rule);

// True when a spreadsheet would run `value` as a formula: it starts with
// = + - @, TAB or CR.
bool StartsLikeFormula(std::string_view value);

}  // namespace provisiond::model

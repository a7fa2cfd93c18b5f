#include "api/content/ws_base.h"

#include "base/strings.h"

namespace provisiond::api::content {
namespace {

// PowerShell single-quoted literal: a quote is doubled.
std::string SingleQuoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  out += '\'';
  return out;
}

// If `line` assigns a quoted literal to $WsBase, returns [begin, end) of
// that literal (quotes included) within the line; else {npos, npos}.
std::pair<size_t, size_t> FindAssignment(std::string_view line) {
  constexpr auto kNone = std::pair<size_t, size_t>{std::string_view::npos, std::string_view::npos};
  size_t i = 0;
  auto skip_space = [&] {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  };
  skip_space();
  if (StartsWithI(line.substr(i), "[string]")) {
    i += 8;
    skip_space();
  }
  if (!StartsWithI(line.substr(i), "$WsBase")) return kNone;
  i += 7;
  skip_space();
  if (i >= line.size() || line[i] != '=') return kNone;  // "$WsBaseUrl", "$WsBase -eq"
  ++i;
  skip_space();
  if (i >= line.size() || (line[i] != '\'' && line[i] != '"')) return kNone;  // not a literal
  char quote = line[i];
  size_t begin = i++;
  while (i < line.size()) {
    if (line[i] == '`' && quote == '"') {  // backtick escapes in double quotes
      i += 2;
      continue;
    }
    if (line[i] == quote) {
      if (quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {  // '' inside '...'
        i += 2;
        continue;
      }
      return {begin, i + 1};
    }
    ++i;
  }
  return kNone;  // unterminated: leave the line alone
}

}  // namespace

bool IsTemplatedScript(std::string_view rel) {
  size_t slash = rel.find('/');
  if (slash == std::string_view::npos || !IEquals(rel.substr(0, slash), "Provision")) return false;
  auto ends = [&](std::string_view ext) { return rel.size() > ext.size() && IEquals(rel.substr(rel.size() - ext.size()), ext); };
  return ends(".ps1") || ends(".psm1");
}

std::string RenderWsBase(std::string_view script, std::string_view base_url) {
  std::string out;
  out.reserve(script.size() + 64);
  size_t start = 0;
  while (start < script.size()) {
    size_t end = script.find('\n', start);
    end = end == std::string_view::npos ? script.size() : end + 1;
    std::string_view line = script.substr(start, end - start);
    size_t offset = 0;
    if (start == 0 && line.substr(0, 3) == "\xEF\xBB\xBF") offset = 3;  // UTF-8 BOM
    auto [b, e] = FindAssignment(line.substr(offset));
    if (b == std::string_view::npos) {
      out += line;
    } else {
      out += line.substr(0, offset + b);
      out += SingleQuoted(base_url);
      out += line.substr(offset + e);
    }
    start = end;
  }
  ReplaceAll(&out, "{{WsBase}}", base_url);
  ReplaceAll(&out, "__WSBASE__", base_url);
  return out;
}

}  // namespace provisiond::api::content

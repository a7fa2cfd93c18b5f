#include "core/variables.h"

#include <algorithm>

#include "base/strings.h"

namespace provisiond::core {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool IsVarNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

}  // namespace

bool ILess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return Lower(x) < Lower(y); });
}

namespace {

// ExpandVariables into *text / *unknown, which it clears first.
void ExpandInto(std::string_view text, const Variables& vars, std::string* out,
                std::vector<std::string>* unknown) {
  out->clear();
  unknown->clear();
  out->reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t pct = text.find('%', i);
    if (pct == std::string_view::npos) {
      out->append(text.substr(i));
      break;
    }
    out->append(text.substr(i, pct - i));  // the run before '%' in one go
    i = pct;
    size_t close = text.find('%', i + 1);
    std::string_view name =
        close == std::string_view::npos ? std::string_view() : text.substr(i + 1, close - i - 1);
    // Only %NAME% with a plausible name is a variable: "50%" or "%%" stays text.
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsVarNameChar)) {
      *out += '%';
      ++i;
      continue;
    }
    if (auto it = vars.find(name); it != vars.end()) {
      *out += it->second;
    } else {
      out->append(text.substr(i, close - i + 1));
      bool seen = std::any_of(unknown->begin(), unknown->end(),
                              [&](const std::string& u) { return IEquals(u, name); });
      if (!seen) unknown->emplace_back(name);
    }
    i = close + 1;
  }
}

}  // namespace

Expansion ExpandVariables(std::string_view text, const Variables& vars) {
  Expansion out;
  ExpandInto(text, vars, &out.text, &out.unknown);
  return out;
}

std::string_view SourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::kHttps: return "https";
    case SourceKind::kHttp: return "http";
    case SourceKind::kUnc: return "unc";
    case SourceKind::kLocal: return "local";
    case SourceKind::kServiceRelative: return "service-relative";
  }
  return "local";
}

SourceKind ClassifySource(std::string_view location) {
  std::string_view s = Trim(location);
  if (StartsWithI(s, "https://")) return SourceKind::kHttps;
  if (StartsWithI(s, "http://")) return SourceKind::kHttp;
  if (s.starts_with("\\\\") || s.starts_with("//")) return SourceKind::kUnc;
  if (StartsWithI(s, "[baseurl]") || s.starts_with("/")) return SourceKind::kServiceRelative;
  return SourceKind::kLocal;
}

std::string ResolveServiceUrl(std::string_view location, std::string_view base_url) {
  std::string_view s = Trim(location);
  std::string_view rest;
  if (StartsWithI(s, "[baseurl]")) {
    rest = s.substr(9);
  } else if (s.starts_with("/") && !s.starts_with("//")) {
    rest = s;
  } else {
    return std::string(location);
  }
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  std::string out(base_url);
  if (!rest.starts_with("/")) out += '/';
  out += rest;
  return out;
}

Expansion ResolveLocation(std::string_view location, std::string_view base_url, const Variables& vars) {
  Expansion out;
  ResolveLocationInto(location, base_url, vars, &out.text, &out.unknown);
  return out;
}

void ResolveLocationInto(std::string_view location, std::string_view base_url, const Variables& vars,
                         std::string* text, std::vector<std::string>* unknown) {
  std::string_view s = Trim(location);
  bool service_relative = StartsWithI(s, "[baseurl]") || (s.starts_with("/") && !s.starts_with("//"));
  if (service_relative) {
    std::string url = ResolveServiceUrl(location, base_url);  // rarer: a temporary is fine
    ExpandInto(url, vars, text, unknown);
  } else if (location.find('%') == std::string_view::npos) {
    text->assign(location);
    unknown->clear();
  } else {
    ExpandInto(location, vars, text, unknown);
  }
}

}  // namespace provisiond::core

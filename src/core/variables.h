// %VAR% expansion of paths and URLs, and the source kind of an app/driver
// location (HTTPS, HTTP, UNC, local, service-relative). Pure.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace provisiond::core {

// Case-insensitive (ASCII) ordering: Windows variables ignore case.
struct ILess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};
using Variables = std::map<std::string, std::string, ILess>;

// config.csv key for %DeployRoot%.
inline constexpr const char* kDeployRootKey = "deploy_root";

struct Expansion {
  std::string text;
  std::vector<std::string> unknown;  // names left as %NAME%, in order, no duplicates
  friend bool operator==(const Expansion&, const Expansion&) = default;
};

// Replaces each %NAME% found in `vars` (case-insensitive) by its value.
// Unknown names stay as written and are listed; a lone '%' or "%%" is copied.
// Values are not re-expanded.
Expansion ExpandVariables(std::string_view text, const Variables& vars);

enum class SourceKind { kHttps, kHttp, kUnc, kLocal, kServiceRelative };
// "https", "http", "unc", "local", "service-relative".
std::string_view SourceKindName(SourceKind kind);

// https:// http:// (case-insensitive), \\server\share or //server/share (UNC),
// "[baseurl]..." or "/..." (service-relative), anything else local
// (C:\..., %DeployRoot%\... before expansion is classified after it).
SourceKind ClassifySource(std::string_view location);

// "[baseurl]/x" and "/x" become base_url + "/x" (one slash between; base_url
// without trailing slash, e.g. "https://prov.example:12176"). Other input is
// returned unchanged. "//server/share" is UNC, not service-relative.
std::string ResolveServiceUrl(std::string_view location, std::string_view base_url);

// ExpandVariables(ResolveServiceUrl(location, base_url), vars): the path of an
// app or driver location. A location without '%' is not scanned again.
Expansion ResolveLocation(std::string_view location, std::string_view base_url, const Variables& vars);
// The same written into *text and *unknown (replacing what they held, reusing
// their capacity: a plan refilled per request allocates nothing here).
void ResolveLocationInto(std::string_view location, std::string_view base_url, const Variables& vars,
                         std::string* text, std::vector<std::string>* unknown);

}  // namespace provisiond::core

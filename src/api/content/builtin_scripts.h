// The customer scripts built into the binary (scripts/provision/ in the
// repository): served under Provision/ where the content root holds no file
// of that name, so a fresh install has working scripts and an admin's file
// in the hub overrides one without a rebuild. Every served copy says which
// it is: {{ScriptVersion}} / {{ScriptSource}} in the text and the
// Provisiond-Script response header. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace provisiond::api::content {

inline constexpr std::string_view kBuiltinFolder = "Provision";

struct BuiltinFile {
  std::string name;      // "Customer.ps1" (directly under Provision/)
  std::string contents;  // the template, before rendering
};

struct BuiltinScripts {
  std::string version;  // provisiond's version; each file's version adds its digest
  std::vector<BuiltinFile> files;
  int64_t mtime_seconds = 0;  // Last-Modified of the built-in copies (the start time)

  // The file "Provision/<name>" names (both parts case-insensitive), or null.
  const BuiltinFile* Find(std::string_view rel) const;
};

// Where a served script came from.
struct ScriptOrigin {
  bool builtin = false;
  std::string version;  // "1.4.0+3f2a9c01d4e5" (built in) or "override+<digest>"
};

// The origin of `raw` (the template text, before rendering).
ScriptOrigin BuiltinOrigin(const BuiltinScripts& scripts, std::string_view raw);
ScriptOrigin OverrideOrigin(std::string_view raw);

// `raw` with $WsBase (see ws_base.h), {{ScriptVersion}} and {{ScriptSource}}
// ("builtin" / "override") filled in.
std::string RenderScript(std::string_view raw, std::string_view base_url, const ScriptOrigin& origin);

// The Provisiond-Script header: "builtin; version=..." or "override; version=...".
std::string ScriptHeader(const ScriptOrigin& origin);

}  // namespace provisiond::api::content

#include "api/content/builtin_scripts.h"

#include "api/content/ws_base.h"
#include "base/strings.h"
#include "pki/sha256.h"

namespace provisiond::api::content {
namespace {

// Twelve hex digits: short enough for a log line, long enough that two
// versions of a script never share one in practice.
std::string ShortDigest(std::string_view text) { return pki::Sha256::HexOf(text).substr(0, 12); }

}  // namespace

const BuiltinFile* BuiltinScripts::Find(std::string_view rel) const {
  size_t slash = rel.find('/');
  if (slash == std::string_view::npos || !IEquals(rel.substr(0, slash), kBuiltinFolder)) return nullptr;
  std::string_view name = rel.substr(slash + 1);
  for (const auto& f : files)
    if (IEquals(f.name, name)) return &f;
  return nullptr;
}

ScriptOrigin BuiltinOrigin(const BuiltinScripts& scripts, std::string_view raw) {
  return ScriptOrigin{true, scripts.version + "+" + ShortDigest(raw)};
}

ScriptOrigin OverrideOrigin(std::string_view raw) { return ScriptOrigin{false, "override+" + ShortDigest(raw)}; }

std::string RenderScript(std::string_view raw, std::string_view base_url, const ScriptOrigin& origin) {
  std::string out = RenderWsBase(raw, base_url);
  ReplaceAll(&out, "{{ScriptVersion}}", origin.version);
  ReplaceAll(&out, "{{ScriptSource}}", origin.builtin ? "builtin" : "override");
  return out;
}

std::string ScriptHeader(const ScriptOrigin& origin) {
  return std::string(origin.builtin ? "builtin" : "override") + "; version=" + origin.version;
}

}  // namespace provisiond::api::content

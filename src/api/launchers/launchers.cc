#include "api/launchers/launchers.h"

#include <cctype>
#include <ctime>

#include "base/strings.h"

namespace provisiond::api::launchers {
namespace {

// A value inside '...' in PowerShell: a quote is written twice.
std::string SingleQuotedBody(std::string_view v) {
  std::string out;
  for (char c : v) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out;
}

bool HasControlOrSpace(std::string_view s) {
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f) return true;
  return false;
}

Result<std::string> NormaliseWsBase(std::string_view raw) {
  std::string v(Trim(raw));
  const std::string example = "; e.g. --ws-base https://prov.example.org:12176 or https://iis.example.org/provision";
  if (v.empty()) return Status::BadField("ws_base", "is empty: give the URL endpoints reach provisiond at" + example);
  if (v.size() > 512) return Status::BadField("ws_base", "is over 512 bytes");
  if (HasControlOrSpace(v) || v.find_first_of("\"'`$?#{}") != std::string::npos)
    return Status::BadField("ws_base", "'" + v + "' holds a space, a quote, '$', '?', '#' or a brace" + example);
  size_t scheme_end = v.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : ToLower(v.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https")
    return Status::BadField("ws_base", "'" + v + "' must start with http:// or https://" + example);
  size_t host_begin = scheme_end + 3;
  size_t path_begin = v.find('/', host_begin);
  std::string authority = v.substr(host_begin, path_begin == std::string::npos ? std::string::npos : path_begin - host_begin);
  if (authority.empty() || authority.find('@') != std::string::npos)
    return Status::BadField("ws_base", "'" + v + "' has no host (or holds user info)" + example);
  std::string path = path_begin == std::string::npos ? "" : v.substr(path_begin);
  while (!path.empty() && path.back() == '/') path.pop_back();
  return scheme + "://" + ToLower(authority) + path;
}

Result<std::string> NormaliseFingerprint(std::string_view raw) {
  std::string hex;
  for (char c : Trim(raw)) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return Status::BadField("root_sha256", "'" + std::string(raw) + "' is not a SHA-256 in hex (see `provisiond keys show`)");
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 64)
    return Status::BadField("root_sha256", "'" + std::string(raw) + "' has " + std::to_string(hex.size()) +
                                               " hex digits; a SHA-256 has 64 (see `provisiond keys show`)");
  return hex;
}

}  // namespace

std::time_t ArchiveMtime() {
  std::tm fields{};
  fields.tm_year = 2020 - 1900;
  fields.tm_mon = 0;
  fields.tm_mday = 1;
  fields.tm_isdst = -1;
  return std::mktime(&fields);
}

Result<LauncherInput> CheckLauncherInput(LauncherInput in) {
  PV_ASSIGN_OR_RETURN(in.ws_base, NormaliseWsBase(in.ws_base));
  if (in.bundle_key.size() > 256 || HasControlOrSpace(in.bundle_key) ||
      in.bundle_key.find_first_of("'\"`$") != std::string::npos)
    return Status::BadField("bundle_key", "is not a key made by `provisiond endpoint-keys create` (spaces, quotes or over 256 bytes)");
  for (auto& f : in.root_sha256) {
    PV_ASSIGN_OR_RETURN(f, NormaliseFingerprint(f));
  }
  return in;
}

std::vector<ZipEntry> MakeLaunchers(std::string_view tmpl, const LauncherInput& in) {
  std::vector<ZipEntry> out;
  for (std::string_view hook : kHooks) {
    std::string text(tmpl);
    ReplaceAll(&text, "{{Hook}}", SingleQuotedBody(hook));
    ReplaceAll(&text, "{{WsBase}}", SingleQuotedBody(in.ws_base));
    ReplaceAll(&text, "{{BundleKey}}", SingleQuotedBody(in.bundle_key));
    ReplaceAll(&text, "{{RootSha256}}", Join(in.root_sha256, ","));
    ReplaceAll(&text, "{{Version}}", SingleQuotedBody(in.version));
    out.push_back({std::string(hook), std::move(text)});
  }
  return out;
}

Result<std::string> LaunchersZip(std::string_view tmpl, const LauncherInput& in) {
  return MakeZip(MakeLaunchers(tmpl, in), ArchiveMtime());
}

}  // namespace provisiond::api::launchers

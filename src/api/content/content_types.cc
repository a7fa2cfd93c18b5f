#include "api/content/content_types.h"

#include "base/strings.h"

namespace provisiond::api::content {

namespace {

// The extension after the last dot of the last segment, or "".
std::string_view Extension(std::string_view file_name) {
  size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos || file_name.find('/', dot) != std::string_view::npos) return {};
  return file_name.substr(dot + 1);
}

}  // namespace

std::string_view ContentTypeFor(std::string_view file_name) {
  struct Type { std::string_view ext, type; };
  static constexpr std::string_view kText = "text/plain; charset=utf-8";
  static constexpr std::string_view kBinary = "application/octet-stream";
  // Scripts are served as text so a browser shows them instead of running or
  // saving them; installers and archives as binary.
  static constexpr Type kTypes[] = {
      {"ps1", kText}, {"psm1", kText}, {"psd1", kText}, {"cmd", kText}, {"bat", kText},
      {"txt", kText}, {"log", kText},  {"ini", kText},  {"inf", kText},
      {"csv", "text/csv; charset=utf-8"},
      {"md", "text/markdown; charset=utf-8"},
      {"json", "application/json"},          {"xml", "application/xml"},
      {"html", "text/html; charset=utf-8"},  {"htm", "text/html; charset=utf-8"},
      {"css", "text/css"},                   {"js", "text/javascript"},
      {"svg", "image/svg+xml"},              {"png", "image/png"},
      {"jpg", "image/jpeg"},                 {"jpeg", "image/jpeg"},
      {"ico", "image/x-icon"},               {"pdf", "application/pdf"},
      {"zip", "application/zip"},            {"cab", "application/vnd.ms-cab-compressed"},
      {"7z", "application/x-7z-compressed"}, {"gz", "application/gzip"},
      {"tgz", "application/gzip"},           {"tar", "application/x-tar"},
      {"msi", "application/x-msi"},          {"iso", "application/x-iso9660-image"},
      {"msu", kBinary}, {"exe", kBinary}, {"wim", kBinary}, {"esd", kBinary},
      {"cer", "application/pkix-cert"},      {"crt", "application/x-x509-ca-cert"},
      {"pem", "application/x-pem-file"},
  };
  std::string_view ext = Extension(file_name);
  if (ext.empty()) return kBinary;
  for (const auto& t : kTypes)
    if (IEquals(ext, t.ext)) return t.type;
  return kBinary;
}

bool IsActiveContent(std::string_view file_name) {
  // Everything a browser renders as a document or runs as a script or
  // stylesheet transform: HTML in all its spellings, SVG and XML (which may
  // carry <script> or an XSLT that does), JavaScript modules and classic
  // scripts. Windows script types (.ps1, .vbs, .hta) are not run by a
  // browser page; they stay plain downloads.
  static constexpr std::string_view kActive[] = {
      "html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml", "svg", "svgz",
      "xml",  "xsl", "xslt",  "js",  "mjs",   "cjs",
  };
  std::string_view ext = Extension(file_name);
  if (ext.empty()) return false;
  for (auto a : kActive)
    if (IEquals(ext, a)) return true;
  return false;
}

std::string AttachmentDisposition(std::string_view file_name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string plain, encoded;
  for (unsigned char c : file_name) {
    bool safe_plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    plain += safe_plain ? static_cast<char>(c) : '_';
    // RFC 8187 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"
    bool attr = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (attr) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return "attachment; filename=\"" + plain + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace provisiond::api::content

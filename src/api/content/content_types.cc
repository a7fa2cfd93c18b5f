#include "api/content/content_types.h"

#include "base/strings.h"

namespace provisiond::api::content {

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
  size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos || file_name.find('/', dot) != std::string_view::npos)
    return kBinary;
  std::string_view ext = file_name.substr(dot + 1);
  for (const auto& t : kTypes)
    if (IEquals(ext, t.ext)) return t.type;
  return kBinary;
}

}  // namespace provisiond::api::content

#include "net/request_target.h"

#include "api/http.h"
#include "base/strings.h"

namespace provisiond::net {
namespace {

bool HasDotDotSegment(std::string_view path) {
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (path.substr(i, j - i) == "..") return true;
    i = j + 1;
  }
  return false;
}

}  // namespace

Result<ParsedTarget> ParseTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return Status::InvalidArgument("request target must be an absolute path starting with '/'");
  }
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  auto path = api::PercentDecode(raw_path, false);
  if (!path) return Status::InvalidArgument("bad percent-escape in path");
  if (path->find('\0') != std::string::npos) return Status::InvalidArgument("NUL byte in path");
  if (!IsValidUtf8(*path)) return Status::InvalidArgument("path is not valid UTF-8");
  if (path->find('\\') != std::string::npos) return Status::InvalidArgument("backslash in path");
  if (HasDotDotSegment(*path)) return Status::InvalidArgument("'..' segment in path");
  ParsedTarget out;
  out.path = std::move(*path);
  if (q != std::string_view::npos) out.query = api::ParseQuery(target.substr(q + 1));
  return out;
}

}  // namespace provisiond::net

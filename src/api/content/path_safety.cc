#include "api/content/path_safety.h"

#include "api/http.h"
#include "base/strings.h"

namespace provisiond::api::content {
namespace {

Status Refuse(std::string_view what, std::string_view path) {
  return Status::InvalidArgument("path '" + std::string(path.substr(0, 200)) + "' " + std::string(what) +
                                 "; name a file or folder inside the content root with plain segments");
}

// Checks one segment as it will reach the file system; `path` names it in errors.
Status CheckSegment(std::string_view seg, std::string_view path) {
  if (seg == "." || seg == "..") return Refuse("contains a '.' or '..' segment", path);
  if (seg.size() > kMaxSegmentBytes)
    return Refuse("has a name longer than " + std::to_string(kMaxSegmentBytes) + " bytes", path);
  for (unsigned char c : seg) {
    if (c == 0) return Refuse("contains a NUL byte", path);
    if (c == '\\') return Refuse("contains a backslash", path);
    if (c < 0x20 || c == 0x7f) return Refuse("contains a control character", path);
  }
  return Status::Ok();
}

bool IsDriveLetter(std::string_view seg) {
  return seg.size() >= 2 && seg[1] == ':' &&
         ((seg[0] >= 'A' && seg[0] <= 'Z') || (seg[0] >= 'a' && seg[0] <= 'z'));
}

// The raw target must not carry what decoding would turn into separators,
// NUL or dot segments: scan it case-insensitively for the escapes themselves.
Status CheckRawTarget(std::string_view raw) {
  std::string_view path = raw.substr(0, raw.find('?'));
  std::string lower = ToLower(path);
  if (lower.find("%00") != std::string::npos) return Refuse("contains an encoded NUL (%00)", path);
  if (lower.find("%5c") != std::string::npos) return Refuse("contains an encoded backslash (%5C)", path);
  // Split on '/' and on its encoded form, then decode each piece fully.
  std::string unified;
  for (size_t i = 0; i < lower.size(); ++i) {
    if (lower.compare(i, 3, "%2f") == 0) {
      unified += '/';
      i += 2;
    } else {
      unified += path[i];
    }
  }
  size_t start = 0;
  while (start <= unified.size()) {
    size_t end = unified.find('/', start);
    if (end == std::string::npos) end = unified.size();
    std::string seg = unified.substr(start, end - start);
    // Decode until stable (at most a few rounds): "%252e%252e" is ".." to a
    // component that decodes twice.
    for (int round = 0; round < 3; ++round) {
      auto d = PercentDecode(seg, false);
      if (!d || *d == seg) break;
      seg = *d;
    }
    if (seg == "." || seg == "..") return Refuse("contains an encoded '.' or '..' segment", path);
    start = end + 1;
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> CheckContentPath(std::string_view decoded, std::string_view raw_target) {
  PV_RETURN_IF_ERROR(CheckRawTarget(raw_target));
  if (decoded.size() > kMaxPathBytes)
    return Refuse("is longer than " + std::to_string(kMaxPathBytes) + " bytes", decoded.substr(0, 64));
  if (decoded.find('\0') != std::string_view::npos) return Refuse("contains a NUL byte", "(binary)");
  if (!decoded.empty() && decoded.front() == '/') return Refuse("is absolute", decoded);
  std::string out;
  size_t start = 0;
  bool first = true;
  while (start <= decoded.size()) {
    size_t end = decoded.find('/', start);
    if (end == std::string_view::npos) end = decoded.size();
    std::string_view seg = decoded.substr(start, end - start);
    start = end + 1;
    if (seg.empty()) continue;  // "a//b" and a trailing slash name the same thing
    PV_RETURN_IF_ERROR(CheckSegment(seg, decoded));
    // A segment that decodes (again) to a dot segment or separator is a
    // trick for a component that decodes twice.
    if (auto again = PercentDecode(seg, false); again && *again != seg) {
      if (*again == "." || *again == ".." || again->find('/') != std::string::npos ||
          again->find('\\') != std::string::npos || again->find('\0') != std::string::npos)
        return Refuse("contains a double-encoded separator or dot segment", decoded);
    }
    if (first && IsDriveLetter(seg)) return Refuse("starts with a drive letter", decoded);
    if (seg.substr(0, kUploadTempPrefix.size()) == kUploadTempPrefix)
      return Status::NotFound("no such file: " + std::string(decoded));
    if (!first) out += '/';
    out += seg;
    first = false;
  }
  return out;
}

std::string_view BaseName(std::string_view rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string_view::npos ? rel : rel.substr(slash + 1);
}

std::string_view DirName(std::string_view rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : rel.substr(0, slash);
}

}  // namespace provisiond::api::content

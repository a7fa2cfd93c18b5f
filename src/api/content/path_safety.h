// Checks the path a request names inside the content root, before any file
// system call sees it. Pure: no I/O.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace provisiond::api::content {

// Upload temp files carry this name prefix; they are never listed or served.
inline constexpr std::string_view kUploadTempPrefix = ".pv-upload-";
inline constexpr size_t kMaxSegmentBytes = 255;
inline constexpr size_t kMaxPathBytes = 4096;

// `decoded` is the path below the route's prefix as the router captured it
// (percent-decoded once by the server); `raw_target` is the request-target
// as sent, scanned for encoded tricks the decoded form may hide.
// Returns the normalised relative path ("a/b/c"; "" for the root), or:
// InvalidArgument (400) for "." or ".." segments (also percent-encoded, once
// or twice), absolute paths (a leading "/"), backslashes, NUL or control bytes, drive letters, over-long
// names; NotFound (404) for upload temp files.
Result<std::string> CheckContentPath(std::string_view decoded, std::string_view raw_target);

// Last segment of a normalised relative path ("" for the root).
std::string_view BaseName(std::string_view rel);
// Everything before the last segment ("" for a top-level name).
std::string_view DirName(std::string_view rel);

}  // namespace provisiond::api::content

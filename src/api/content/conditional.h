// HTTP validators, conditional requests and byte ranges (RFC 9110 §8.8,
// §13, §14) for one representation. Pure functions over header values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/http.h"

namespace provisiond::api::content {

// What a response describes: its full size and validators.
struct Representation {
  uint64_t size = 0;
  std::string etag;         // strong, quoted: "\"abc\""
  int64_t mtime_seconds = 0;  // Last-Modified, Unix seconds
};

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string FormatHttpDate(int64_t unix_seconds);
// Parses IMF-fixdate (the only form senders may generate); nullopt otherwise.
std::optional<int64_t> ParseHttpDate(std::string_view s);

// A strong ETag for a file identity: "\"<16 hex>\"".
std::string FileETag(uint64_t inode, uint64_t size, int64_t mtime_ns);

enum class RangeKind {
  kNone,           // no Range, a syntax the server ignores, or several ranges: send all
  kSingle,         // one satisfiable range: 206
  kUnsatisfiable,  // 416 with "Content-Range: bytes */size"
};
struct RangeSpec {
  RangeKind kind = RangeKind::kNone;
  uint64_t offset = 0;
  uint64_t length = 0;
  // "bytes=<size>-" on a non-empty file: what `curl -C -` sends when the
  // local copy is already complete (see Evaluate()).
  bool resume_at_end = false;
};
// Parses a Range header value ("bytes=a-b", "bytes=a-", "bytes=-n") against `size`.
RangeSpec ParseRange(std::string_view header, uint64_t size);

// The outcome of evaluating a GET/HEAD against a representation.
struct Decision {
  int status = 200;  // 200, 206, 304, 412 or 416
  uint64_t offset = 0;
  uint64_t length = 0;  // bytes to send (200: size; 206: the range)
};
// Applies If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since,
// If-Range and Range in the order RFC 9110 §13.2.2 gives. One exception to
// 416: "bytes=<size>-" is answered 200 with the whole body (a server MAY
// ignore Range, §14.2), because curl -fSL -C - fails on 416 but, seeing a
// Content-Length equal to its resume offset, reports "already downloaded"
// and succeeds: re-running a finished download after a reboot must work.
Decision Evaluate(const Request& request, const Representation& rep);

// Sets ETag, Last-Modified, Accept-Ranges and, for 206/416, Content-Range.
void SetValidatorHeaders(const Representation& rep, const Decision& d, Response* response);

}  // namespace provisiond::api::content

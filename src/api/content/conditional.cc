#include "api/content/conditional.h"

#include <chrono>
#include <cstdio>

#include "base/strings.h"

namespace provisiond::api::content {
namespace {

constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01 was a Thursday
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool ParseDigits(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// Splits a comma-separated list of entity tags; "*" is returned as is.
bool ListMatches(std::string_view header, std::string_view etag, bool weak_compare) {
  std::string_view opaque = etag;  // strong tag: "\"...\""
  for (size_t start = 0; start <= header.size();) {
    size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = Trim(header.substr(start, end - start));
    start = end + 1;
    if (item == "*") return true;
    bool weak = item.size() > 2 && (item.substr(0, 2) == "W/" || item.substr(0, 2) == "w/");
    if (weak) {
      if (!weak_compare) continue;
      item.remove_prefix(2);
    }
    if (item == opaque) return true;
  }
  return false;
}

}  // namespace

std::string FormatHttpDate(int64_t unix_seconds) {
  using namespace std::chrono;
  sys_seconds tp{seconds{unix_seconds}};
  sys_days day = floor<days>(tp);
  year_month_day ymd{day};
  hh_mm_ss hms{tp - day};
  int64_t dow = ((day.time_since_epoch().count() % 7) + 7) % 7;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", kDays[dow],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<int64_t> ParseHttpDate(std::string_view s) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions.
  s = Trim(s);
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s[25] != ' ' || s.substr(26) != "GMT")
    return std::nullopt;
  uint64_t d, y, hh, mm, ss;
  if (!ParseDigits(s.substr(5, 2), &d) || !ParseDigits(s.substr(12, 4), &y) || !ParseDigits(s.substr(17, 2), &hh) ||
      !ParseDigits(s.substr(20, 2), &mm) || !ParseDigits(s.substr(23, 2), &ss))
    return std::nullopt;
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i)
    if (s.substr(8, 3) == kMonths[i]) month = i + 1;
  if (month == 0 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{static_cast<int>(y)}, std::chrono::month{month}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  int64_t days_since = sys_days{ymd}.time_since_epoch().count();
  return days_since * 86400 + static_cast<int64_t>(hh * 3600 + mm * 60 + ss);
}

std::string FileETag(uint64_t inode, uint64_t size, int64_t mtime_ns) {
  // FNV-1a over the identity: cheap, stable across restarts, changes when
  // the file is replaced (new inode) or rewritten in place (size, mtime).
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&](uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xff;
      h *= 1099511628211ULL;
    }
  };
  mix(inode);
  mix(size);
  mix(static_cast<uint64_t>(mtime_ns));
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

RangeSpec ParseRange(std::string_view header, uint64_t size) {
  RangeSpec none;
  header = Trim(header);
  if (!StartsWithI(header, "bytes=")) return none;  // unknown unit: ignore
  std::string_view spec = Trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return none;  // several ranges: whole body (RFC 9110 §14.2)
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return none;
  std::string_view first = Trim(spec.substr(0, dash)), last = Trim(spec.substr(dash + 1));
  uint64_t a = 0, b = 0;
  RangeSpec out;
  if (first.empty()) {  // suffix: the last n bytes
    if (!ParseDigits(last, &b)) return none;
    if (b == 0 || size == 0) return {RangeKind::kUnsatisfiable, 0, 0};
    uint64_t n = b < size ? b : size;
    return {RangeKind::kSingle, size - n, n};
  }
  if (!ParseDigits(first, &a)) return none;
  if (last.empty()) {
    b = size == 0 ? 0 : size - 1;
  } else {
    if (!ParseDigits(last, &b) || b < a) return none;  // invalid: ignore the header
    if (size > 0 && b >= size) b = size - 1;
  }
  if (a >= size) return {RangeKind::kUnsatisfiable, 0, 0, last.empty() && a == size && size > 0};
  return {RangeKind::kSingle, a, b - a + 1};
}

Decision Evaluate(const Request& request, const Representation& rep) {
  const Headers& h = request.headers;
  Decision full{200, 0, rep.size};
  // 1-2: If-Match, else If-Unmodified-Since.
  if (auto im = h.Get("If-Match")) {
    if (!ListMatches(*im, rep.etag, false)) return {412, 0, 0};
  } else if (auto ius = h.Get("If-Unmodified-Since")) {
    if (auto t = ParseHttpDate(*ius); t && rep.mtime_seconds > *t) return {412, 0, 0};
  }
  // 3-4: If-None-Match (weak comparison), else If-Modified-Since.
  if (auto inm = h.Get("If-None-Match")) {
    if (ListMatches(*inm, rep.etag, true)) return {304, 0, 0};
  } else if (auto ims = h.Get("If-Modified-Since")) {
    if (auto t = ParseHttpDate(*ims); t && rep.mtime_seconds <= *t) return {304, 0, 0};
  }
  // 5: Range, guarded by If-Range.
  auto range = h.Get("Range");
  if (!range || h.Count("Range") > 1) return full;
  if (auto ir = h.Get("If-Range")) {
    std::string_view v = Trim(*ir);
    bool matches;
    if (!v.empty() && (v.front() == '"' || v.substr(0, 2) == "W/")) {
      matches = v == rep.etag;  // strong comparison: a weak tag never matches
    } else {
      auto t = ParseHttpDate(v);
      matches = t && *t == rep.mtime_seconds;
    }
    if (!matches) return full;
  }
  RangeSpec r = ParseRange(*range, rep.size);
  switch (r.kind) {
    case RangeKind::kNone: return full;
    case RangeKind::kSingle: return {206, r.offset, r.length};
    case RangeKind::kUnsatisfiable: return r.resume_at_end ? full : Decision{416, 0, 0};
  }
  return full;
}

void SetValidatorHeaders(const Representation& rep, const Decision& d, Response* response) {
  Headers& h = response->headers;
  h.Set("ETag", rep.etag);
  h.Set("Last-Modified", FormatHttpDate(rep.mtime_seconds));
  h.Set("Accept-Ranges", "bytes");
  if (d.status == 206) {
    h.Set("Content-Range", "bytes " + std::to_string(d.offset) + "-" + std::to_string(d.offset + d.length - 1) +
                               "/" + std::to_string(rep.size));
  } else if (d.status == 416) {
    h.Set("Content-Range", "bytes */" + std::to_string(rep.size));
  }
}

}  // namespace provisiond::api::content

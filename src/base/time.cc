#include "base/time.h"

#include <cstdio>

namespace provisiond {
namespace {
using namespace std::chrono;

int ParseInt(std::string_view s, size_t pos, size_t len, bool& ok) {
  if (pos + len > s.size()) { ok = false; return 0; }
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') { ok = false; return 0; }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}
}  // namespace

std::string FormatIso8601(Timestamp t) {
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()),
                int(hms.subseconds().count()));
  return buf;
}

std::string FormatDay(Timestamp t) {
  year_month_day ymd{floor<days>(t)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return buf;
}

std::optional<Timestamp> ParseIso8601(std::string_view s) {
  bool ok = true;
  int y = ParseInt(s, 0, 4, ok), mo = ParseInt(s, 5, 2, ok), d = ParseInt(s, 8, 2, ok);
  if (!ok || s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  milliseconds tod{0};
  if (s.size() > 10) {
    if ((s[10] != 'T' && s[10] != ' ') || s.size() < 19 || s[13] != ':' || s[16] != ':') return std::nullopt;
    int h = ParseInt(s, 11, 2, ok), mi = ParseInt(s, 14, 2, ok), se = ParseInt(s, 17, 2, ok);
    if (!ok || h > 23 || mi > 59 || se > 60) return std::nullopt;
    tod = hours{h} + minutes{mi} + seconds{se};
    size_t i = 19;
    if (i < s.size() && s[i] == '.') {
      int ms = 0, digits = 0;
      for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits)
        if (digits < 3) ms = ms * 10 + (s[i] - '0');
      for (; digits < 3; ++digits) ms *= 10;
      tod += milliseconds{ms};
    }
    if (i < s.size() && s[i] == 'Z') ++i;
    if (i != s.size()) return std::nullopt;
  }
  return Timestamp{sys_days{ymd}.time_since_epoch() + tod};
}

}  // namespace provisiond

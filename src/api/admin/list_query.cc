#include "api/admin/list_query.h"

#include <charconv>

#include "base/strings.h"

namespace provisiond::api::admin {
namespace {

char Fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

Status ParseCount(const Request& req, std::string_view name, size_t max, size_t* out) {
  auto v = req.Query(name);
  if (!v || Trim(*v).empty()) return Status::Ok();
  std::string_view t = Trim(*v);
  size_t n = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), n);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || n > max)
    return Status::BadField(name, "must be an integer 0.." + std::to_string(max) + ", got '" + std::string(t) + "'");
  *out = n;
  return Status::Ok();
}


Result<ListQuery> ParseListQuery(const Request& req, const std::vector<std::string_view>& sortable) {
  ListQuery q;
  q.q = ToLower(Trim(req.Query("q").value_or("")));
  q.sort = std::string(Trim(req.Query("sort").value_or("")));
  if (q.sort.empty()) q.sort = std::string(sortable.front());
  if (std::find(sortable.begin(), sortable.end(), q.sort) == sortable.end()) {
    std::string names;
    for (auto s : sortable) names += (names.empty() ? "" : ", ") + std::string(s);
    return Status::BadField("sort", "must be one of " + names + ", got '" + q.sort + "'");
  }
  std::string order = ToLower(Trim(req.Query("order").value_or("asc")));
  if (order != "asc" && order != "desc")
    return Status::BadField("order", "must be asc or desc, got '" + order + "'");
  q.descending = order == "desc";
  PV_RETURN_IF_ERROR(ParseCount(req, "offset", SIZE_MAX / 4, &q.offset));
  PV_RETURN_IF_ERROR(ParseCount(req, "limit", kMaxPageSize, &q.limit));
  if (q.limit == 0) q.limit = 50;
  return q;
}

bool ContainsFolded(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > hay.size()) return false;
  const char first = needle.front();
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (Fold(hay[i]) != first) continue;
    size_t k = 1;
    while (k < needle.size() && Fold(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

int CompareFolded(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    char x = Fold(a[i]), y = Fold(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y) ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

}  // namespace provisiond::api::admin

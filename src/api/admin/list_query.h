// Server-side search, sort and paging of a table's rows for the admin list
// routes: ?q=&sort=&order=asc|desc&offset=&limit=. A table names its
// columns once (text or number); the page costs one pass to filter and a
// partial sort of the first offset+limit matches, without copying rows.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "base/status.h"

namespace provisiond::api::admin {

template <class Row>
struct Column {
  std::string_view name;                       // JSON field name, the ?sort= value
  std::string_view (*text)(const Row&) = nullptr;  // text columns: searched by q
  double (*number)(const Row&) = nullptr;          // numeric columns: sorted as numbers
};

struct ListQuery {
  std::string q;           // lower-cased; empty: every row
  std::string sort;        // a column name
  bool descending = false;
  size_t offset = 0;
  size_t limit = 50;
};

inline constexpr size_t kMaxPageSize = 1000;

// The query of `req`; `sortable` lists the column names, the first is the
// default sort. InvalidArgument naming sort, order, offset or limit.
Result<ListQuery> ParseListQuery(const Request& req, const std::vector<std::string_view>& sortable);

// ?name=N as a count 0..max into *out (absent or blank: unchanged);
// InvalidArgument naming `name` otherwise.
Status ParseCount(const Request& req, std::string_view name, size_t max, size_t* out);

// True when `hay` contains `needle` (already lower-cased), ASCII case-folded.
bool ContainsFolded(std::string_view hay, std::string_view needle);
// <0, 0, >0 comparing ASCII case-folded.
int CompareFolded(std::string_view a, std::string_view b);

template <class Row>
struct Page {
  std::vector<const Row*> items;
  size_t total = 0;  // matches before offset/limit
};

// Rows of `rows` whose text columns contain q (or that `keep` accepts when
// given), sorted by q.sort (ties: table order), the page of them.
template <class Row, class Rows>
Page<Row> Paginate(const Rows& rows, const std::vector<Column<Row>>& columns, const ListQuery& q,
                   const std::function<bool(const Row&)>& keep = {}) {
  Page<Row> page;
  std::vector<std::pair<const Row*, size_t>> match;  // row, table position
  match.reserve(rows.size());
  size_t pos = 0;
  for (const Row& r : rows) {
    bool ok = keep ? keep(r) : true;
    if (ok && !q.q.empty()) {
      ok = false;
      for (const auto& c : columns)
        if (c.text && ContainsFolded(c.text(r), q.q)) { ok = true; break; }
    }
    if (ok) match.emplace_back(&r, pos);
    ++pos;
  }
  page.total = match.size();
  const Column<Row>* by = &columns.front();
  for (const auto& c : columns)
    if (c.name == q.sort) by = &c;
  auto less = [&](const std::pair<const Row*, size_t>& a, const std::pair<const Row*, size_t>& b) {
    int cmp = 0;
    if (by->number) {
      double x = by->number(*a.first), y = by->number(*b.first);
      cmp = x < y ? -1 : (x > y ? 1 : 0);
    } else {
      cmp = CompareFolded(by->text(*a.first), by->text(*b.first));
    }
    if (q.descending) cmp = -cmp;
    return cmp != 0 ? cmp < 0 : a.second < b.second;
  };
  size_t end = std::min(match.size(), q.offset + q.limit);
  if (q.offset >= match.size()) return page;
  // A deep page: select its first row in linear time, then sort only the
  // page (not the offset rows before it).
  auto first = match.begin() + static_cast<std::ptrdiff_t>(q.offset);
  if (q.offset > 0) std::nth_element(match.begin(), first, match.end(), less);
  std::partial_sort(first, match.begin() + static_cast<std::ptrdiff_t>(end), match.end(), less);
  for (size_t i = q.offset; i < end; ++i) page.items.push_back(match[i].first);
  return page;
}

}  // namespace provisiond::api::admin

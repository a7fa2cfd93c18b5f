#include "api/content/listing.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>

#include "base/strings.h"
#include "base/time.h"

namespace provisiond::api::content {
namespace {

constexpr std::string_view kMarker = "folder-link";

// A file row must never contain the folder marker (the scripts search the
// row body case-insensitively): a name holding it is written with the dash
// escaped, which a browser shows unchanged.
std::string Defuse(std::string s, std::string_view dash_replacement) {
  std::string lower = ToLower(s);
  for (size_t pos = lower.find(kMarker); pos != std::string::npos; pos = lower.find(kMarker, pos + 1)) {
    size_t dash = pos + 6;  // "folder" then '-'
    s.replace(dash, 1, dash_replacement);
    lower.replace(dash, 1, dash_replacement);
  }
  return s;
}

std::string DateText(int64_t seconds) {
  std::string iso = FormatIso8601(Timestamp{std::chrono::seconds{seconds}});
  // "2026-11-23T07:28:05.000Z" -> "2026-11-23 07:28:05 UTC"
  return iso.substr(0, 10) + " " + iso.substr(11, 8) + " UTC";
}

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse}th,td{padding:.25em 1em;text-align:left}"
    "tr:nth-child(even){background:#f4f4f4}td.size{text-align:right}"
    "td.sha256{font-family:monospace;font-size:.8em;color:#555}a.folder-link{font-weight:bold}";

}  // namespace

void SortEntries(std::vector<ListingEntry>* entries) {
  std::sort(entries->begin(), entries->end(), [](const ListingEntry& a, const ListingEntry& b) {
    if (a.folder != b.folder) return a.folder;
    std::string la = ToLower(a.name), lb = ToLower(b.name);
    return la != lb ? la < lb : a.name < b.name;
  });
}

std::string IsoSeconds(int64_t seconds) {
  std::string iso = FormatIso8601(Timestamp{std::chrono::seconds{seconds}});
  return iso.substr(0, 19) + "Z";
}

std::string HumanSize(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else std::snprintf(buf, sizeof buf, v < 10 ? "%.1f %s" : "%.0f %s", v, kUnits[unit]);
  return buf;
}

std::string RenderHtmlListing(std::string_view title_path, std::string_view parent_href,
                              const std::vector<ListingEntry>& entries) {
  std::string title = HtmlEscape(title_path);
  std::string out;
  out.reserve(512 + entries.size() * 300);
  out += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width\"><title>Index of ";
  out += title;
  out += "</title><style>";
  out += kStyle;
  out += "</style></head>\n<body>\n<h1>Index of ";
  out += title;
  out += "</h1>\n<table>\n<thead><tr><th>Name</th><th>Size</th><th>Modified</th><th>SHA-256</th></tr></thead>\n<tbody>\n";
  if (!parent_href.empty()) {
    // No data-entry-href: scripts walking the tree must not climb back up.
    out += "<tr class=\"parent\"><td><a class=\"parent-link\" href=\"";
    out += HtmlEscape(parent_href);
    out += "\">../</a></td><td></td><td></td><td></td></tr>\n";
  }
  for (const auto& e : entries) {
    std::string href = HtmlEscape(e.href);
    std::string name = HtmlEscape(e.name);
    if (e.folder) {
      out += "<tr class=\"entry folder\" data-entry-href=\"" + href + "\" data-entry-type=\"folder\">";
      out += "<td><a class=\"folder-link\" href=\"" + href + "\">" + name + "/</a></td>";
      out += "<td class=\"size\">-</td><td class=\"mtime\">" + DateText(e.mtime_seconds) + "</td><td></td></tr>\n";
    } else {
      out += "<tr class=\"entry file\" data-entry-href=\"" + href + "\" data-entry-type=\"file\" data-size=\"" +
             std::to_string(e.size) + "\">";
      std::string row = "<td><a class=\"file-link\" href=\"" + Defuse(href, "%2D") + "\">" + Defuse(name, "&#45;") +
                        "</a></td><td class=\"size\" title=\"" + std::to_string(e.size) + " bytes\">" +
                        HumanSize(e.size) + "</td><td class=\"mtime\">" + DateText(e.mtime_seconds) +
                        "</td><td class=\"sha256\">" + (e.sha256 ? *e.sha256 : std::string("(computing)")) +
                        "</td></tr>\n";
      out += row;
    }
  }
  out += "</tbody>\n</table>\n</body></html>\n";
  return out;
}

std::string RenderJsonListing(std::string_view path, const std::vector<ListingEntry>& entries) {
  boost::json::array items;
  items.reserve(entries.size());
  for (const auto& e : entries) {
    boost::json::object o;
    o["name"] = e.name;
    o["type"] = e.folder ? "folder" : "file";
    if (e.folder) o["size"] = nullptr;
    else o["size"] = e.size;
    o["mtime"] = IsoSeconds(e.mtime_seconds);
    if (e.sha256) o["sha256"] = *e.sha256;
    else o["sha256"] = nullptr;
    o["href"] = e.href;
    if (e.builtin) o["builtin"] = true;
    items.push_back(std::move(o));
  }
  boost::json::object root;
  root["path"] = std::string(path);
  root["entries"] = std::move(items);
  return boost::json::serialize(root);
}

}  // namespace provisiond::api::content

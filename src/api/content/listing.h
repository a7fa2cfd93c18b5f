// Folder listings in the original service's format. The deployed scripts
// parse the HTML with
//   <tr\b[^>]*data-entry-href="(?<href>[^"]+)"[^>]*>(?<body>.*?)</tr>
// (case-insensitive, dot matches newline) and treat a row whose body holds
// "folder-link" as a sub-folder; only entry rows carry data-entry-href. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace provisiond::api::content {

struct ListingEntry {
  std::string name;
  bool folder = false;
  uint64_t size = 0;                  // bytes as served (files)
  int64_t mtime_seconds = 0;
  std::optional<std::string> sha256;  // hex; nullopt while not yet computed
  std::string href;                   // absolute path, percent-encoded (not HTML-escaped)
  bool builtin = false;               // a built-in script (builtin_scripts.h), not a file of the root
};

// Entries in display order: folders first, then by name, case-insensitive.
void SortEntries(std::vector<ListingEntry>* entries);

// `title_path` is shown ("/file/Drivers/"); `parent_href` is the link to the
// parent folder, empty at the root.
std::string RenderHtmlListing(std::string_view title_path, std::string_view parent_href,
                              const std::vector<ListingEntry>& entries);
// {"path":..., "entries":[{"name","type":"file"|"folder","size","mtime","sha256","href"}]}
// ("builtin": true on a built-in script's entry)
std::string RenderJsonListing(std::string_view path, const std::vector<ListingEntry>& entries);

// "2026-11-23T07:28:05Z": the mtime of every JSON answer about content.
std::string IsoSeconds(int64_t seconds);

// "1.5 GiB", "12 KiB", "512 B".
std::string HumanSize(uint64_t bytes);

}  // namespace provisiond::api::content

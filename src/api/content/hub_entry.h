// What the content hub holds at a path, for checks made from the admin side
// (the source check of an application or driver): a file's size and SHA-256,
// or a folder's entries. The same root, path rules and digest cache as the
// /file/ routes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/content/content.h"
#include "base/status.h"

namespace provisiond::api::content {

struct HubEntry {
  std::string path;  // normalised relative path ("Apps/VLC/vlc.msi")
  bool directory = false;
  uint64_t size = 0;                  // a file's bytes; a folder's: its files' bytes (one level)
  std::string mtime;                  // ISO 8601, seconds
  std::optional<std::string> sha256;  // a file's digest; nullopt while a large file is hashed
  std::vector<std::string> entries;   // a folder's names (folders end with '/'), sorted, at most kMaxEntries
  size_t entry_count = 0;             // all of them
  static constexpr size_t kMaxEntries = 50;
};

// Describes hub path `rel` (decoded, below /file/). InvalidArgument for a
// path the hub refuses (".." and the like), NotFound when nothing is there.
// A file up to options.inline_hash_max_bytes is hashed now, a larger one is
// queued (sha256 nullopt: ask again). Safe from any thread.
class HubInspector {
 public:
  // Shares options->cache when set (the routes' digests), else owns one.
  explicit HubInspector(std::shared_ptr<const ContentOptions> options);
  Result<HubEntry> Describe(std::string_view rel) const;

 private:
  std::shared_ptr<const ContentOptions> options_;
  std::shared_ptr<Sha256Cache> cache_;
};

}  // namespace provisiond::api::content

#include "api/content/hub_entry.h"

#include <algorithm>

#include "api/content/content_root.h"
#include "api/content/listing.h"
#include "api/content/path_safety.h"

namespace provisiond::api::content {
namespace {

int64_t SecondsOf(int64_t ns) { return ns / 1000000000; }

}  // namespace

HubInspector::HubInspector(std::shared_ptr<const ContentOptions> options)
    : options_(std::move(options)), cache_(CacheFor(*options_)) {}

Result<HubEntry> HubInspector::Describe(std::string_view rel_in) const {
  // The admin side has no raw request-target: the decoded path is all there is.
  PV_ASSIGN_OR_RETURN(std::string rel, CheckContentPath(rel_in, rel_in));
  ContentRoot root(options_->root);
  PV_ASSIGN_OR_RETURN(OpenedEntry opened, root.Open(rel));
  HubEntry e;
  e.path = rel;
  e.mtime = IsoSeconds(SecondsOf(opened.stat.mtime_ns));
  if (opened.stat.kind == platform::FileKind::kDirectory) {
    e.directory = true;
    PV_ASSIGN_OR_RETURN(std::vector<DirEntry> list, root.List(opened));
    e.entry_count = list.size();
    for (const auto& d : list) {
      bool dir = d.stat.kind == platform::FileKind::kDirectory;
      if (!dir) e.size += d.stat.size;
      e.entries.push_back(dir ? d.name + "/" : d.name);
    }
    std::sort(e.entries.begin(), e.entries.end());
    if (e.entries.size() > HubEntry::kMaxEntries) e.entries.resize(HubEntry::kMaxEntries);
    return e;
  }
  e.size = opened.stat.size;
  auto id = FileIdentity::Of(opened.stat);
  if (auto hex = cache_->Find(id)) {
    e.sha256 = *hex;
  } else if (e.size <= options_->inline_hash_max_bytes) {
    PV_ASSIGN_OR_RETURN(std::string hex, cache_->Compute(opened.fd.get(), id));
    e.sha256 = std::move(hex);
  } else {
    (void)cache_->ComputeLater(opened.real_path);
  }
  return e;
}

}  // namespace provisiond::api::content

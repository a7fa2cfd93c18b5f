#include "api/content/file_ops.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include "api/content/path_safety.h"
#include "base/log.h"

namespace provisiond::api::content {
namespace {

std::string Shown(std::string_view rel) { return "/" + std::string(rel); }

// Permission bits for what the admin API creates: folders get the content
// root's own mode (setuid aside), files the same without execute bits (root 0755: files
// 0644; root 0750: files 0640), whatever the service's umask. So a file
// uploaded through the API is readable by exactly whom the root's files are.
struct Modes {
  uint32_t folder = 0755, file = 0644;
};
Result<Modes> ModesOf(const ContentRoot& root) {
  PV_ASSIGN_OR_RETURN(OpenedEntry top, root.Open(""));
  Modes m;
  m.folder = top.stat.mode & 03777;  // setgid kept: a shared-group root stays one
  m.file = top.stat.mode & 0666;
  return m;
}

// Opens the folder `rel`, creating it (and its parents) when missing; each
// folder created is appended to `created` (parents first) with `mode`.
Result<OpenedEntry> EnsureFolder(const ContentRoot& root, std::string_view rel, uint32_t mode,
                                 std::vector<std::string>* created) {
  auto opened = root.Open(rel);
  if (opened.ok()) {
    if (opened->stat.kind != platform::FileKind::kDirectory)
      return Status::Conflict("'" + Shown(rel) + "' is a file, not a folder; choose another path");
    return opened;
  }
  if (opened.status().code() != StatusCode::kNotFound || rel.empty()) return opened.status();
  PV_ASSIGN_OR_RETURN(OpenedEntry parent, EnsureFolder(root, DirName(rel), mode, created));
  int e = platform::MakeDirectoryAt(parent.fd.get(), std::string(BaseName(rel)));
  if (e != 0 && e != EEXIST) return ErrnoStatus(e, "cannot create folder", Shown(rel));
  if (e == 0) {
    created->emplace_back(rel);
    (void)platform::Sync(parent.fd.get());  // the new name is durable
  }
  auto folder = root.Open(rel);
  if (folder.ok() && e == 0) (void)platform::ChangeMode(folder->fd.get(), mode);
  return folder;
}

// Removes the folders in `created` (parents first), deepest first. One that
// is not empty (another upload put a file there meanwhile) stays.
void RemoveCreatedFolders(const ContentRoot& root, const std::vector<std::string>& created) {
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    auto parent = root.Open(DirName(*it));
    if (!parent.ok()) continue;
    (void)platform::UnlinkAt(parent->fd.get(), std::string(BaseName(*it)), true);
  }
}

// The folder holding `rel` (must exist) and the last segment.
Result<OpenedEntry> OpenParent(const ContentRoot& root, std::string_view rel) {
  if (rel.empty()) return Status::InvalidArgument("the content root itself cannot be changed; name a path inside it");
  PV_ASSIGN_OR_RETURN(OpenedEntry parent, root.Open(DirName(rel)));
  if (parent.stat.kind != platform::FileKind::kDirectory)
    return Status::Conflict("'" + Shown(DirName(rel)) + "' is a file, not a folder");
  return parent;
}

}  // namespace

Result<std::unique_ptr<UploadWriter>> UploadWriter::Begin(const ContentRoot& root, std::string rel,
                                                          uint64_t max_bytes, bool overwrite) {
  if (rel.empty()) return Status::InvalidArgument("upload needs a file path below the content root");
  std::unique_ptr<UploadWriter> w(new UploadWriter());
  w->root_ = &root;  // from here on, an early return removes what Begin created
  PV_ASSIGN_OR_RETURN(Modes modes, ModesOf(root));
  PV_ASSIGN_OR_RETURN(w->dir_, EnsureFolder(root, DirName(rel), modes.folder, &w->created_folders_));
  w->leaf_ = std::string(BaseName(rel));
  platform::FileStat existing;
  if (platform::StatAt(w->dir_.fd.get(), w->leaf_, false, &existing) == 0) {
    if (existing.kind == platform::FileKind::kDirectory)
      return Status::Conflict("'" + Shown(rel) + "' is a folder; delete it first or upload to another path");
    if (!overwrite) return Status::Conflict("'" + Shown(rel) + "' exists; send overwrite=1 to replace it");
  }
  // Temp file beside the target: rename() is atomic only within one file system.
  if (int e = platform::CreateTempAt(w->dir_.fd.get(), std::string(kUploadTempPrefix), &w->temp_, &w->temp_name_))
    return ErrnoStatus(e, "cannot create temp file for", Shown(rel));
  if (int e = platform::ChangeMode(w->temp_.get(), modes.file))
    return ErrnoStatus(e, "cannot set the mode of the temp file for", Shown(rel));
  w->rel_ = std::move(rel);
  w->max_bytes_ = max_bytes;
  return w;
}

UploadWriter::~UploadWriter() {
  if (committed_) return;
  if (!temp_name_.empty()) {
    temp_ = platform::Fd();
    (void)platform::UnlinkAt(dir_.fd.get(), temp_name_, false);
  }
  if (root_) RemoveCreatedFolders(*root_, created_folders_);
}

Status UploadWriter::Append(std::string_view chunk) {
  if (committed_) return Status::FailedPrecondition("upload already committed");
  if (written_ + chunk.size() > max_bytes_) {
    too_large_ = true;
    return Status::TooLarge("upload of '" + Shown(rel_) + "' exceeds the limit of " +
                                      std::to_string(max_bytes_) + " bytes; raise content.max_upload_bytes");
  }
  if (int e = platform::WriteAll(temp_.get(), chunk.data(), chunk.size()))
    return ErrnoStatus(e, "cannot write upload", Shown(rel_));
  hasher_.Update(chunk);
  written_ += chunk.size();
  return Status::Ok();
}

Result<UploadResult> UploadWriter::Commit(bool overwrite, Sha256Cache* cache) {
  if (committed_) return Status::FailedPrecondition("upload already committed");
  if (too_large_) return Status::TooLarge("upload of '" + Shown(rel_) + "' exceeded its limit");
  if (int e = platform::Sync(temp_.get())) return ErrnoStatus(e, "cannot fsync upload", Shown(rel_));
  platform::FileStat st;
  if (int e = platform::Stat(temp_.get(), &st)) return ErrnoStatus(e, "cannot stat upload", Shown(rel_));
  platform::FileStat old;
  bool existed = platform::StatAt(dir_.fd.get(), leaf_, false, &old) == 0;
  if (int e = platform::RenameAt(dir_.fd.get(), temp_name_, dir_.fd.get(), leaf_, !overwrite)) {
    if (e == EEXIST) return Status::Conflict("'" + Shown(rel_) + "' exists; send overwrite=1 to replace it");
    return ErrnoStatus(e, "cannot rename upload onto", Shown(rel_));
  }
  committed_ = true;
  // The rename is durable only once the folder is synced.
  if (int e = platform::Sync(dir_.fd.get())) return ErrnoStatus(e, "cannot fsync folder of", Shown(rel_));
  UploadResult r{written_, pki::ToHex(hasher_.Finish()), existed};
  // rename() may change ctime: read the identity as it now stands.
  platform::FileStat now;
  if (cache && platform::StatAt(dir_.fd.get(), leaf_, false, &now) == 0 && now.inode == st.inode)
    cache->Store(FileIdentity::Of(now), r.sha256);
  return r;
}

Status MakeFolder(const ContentRoot& root, std::string_view rel) {
  if (rel.empty()) return Status::Ok();
  PV_ASSIGN_OR_RETURN(Modes modes, ModesOf(root));
  std::vector<std::string> created;
  return EnsureFolder(root, rel, modes.folder, &created).status();
}

Status Rename(const ContentRoot& root, std::string_view from, std::string_view to, bool overwrite) {
  if (from.empty() || to.empty()) return Status::InvalidArgument("the content root itself cannot be renamed");
  if (to.size() > from.size() && to.substr(0, from.size()) == from && to[from.size()] == '/')
    return Status::InvalidArgument("cannot move '" + Shown(from) + "' into itself ('" + Shown(to) + "')");
  PV_ASSIGN_OR_RETURN(OpenedEntry from_dir, OpenParent(root, from));
  platform::FileStat st;
  if (int e = platform::StatAt(from_dir.fd.get(), std::string(BaseName(from)), false, &st))
    return ErrnoStatus(e, "cannot rename", Shown(from));
  PV_ASSIGN_OR_RETURN(Modes modes, ModesOf(root));
  std::vector<std::string> created;
  PV_ASSIGN_OR_RETURN(OpenedEntry to_dir, EnsureFolder(root, DirName(to), modes.folder, &created));
  if (int e = platform::RenameAt(from_dir.fd.get(), std::string(BaseName(from)), to_dir.fd.get(),
                                 std::string(BaseName(to)), !overwrite)) {
    RemoveCreatedFolders(root, created);  // a refused rename leaves no new folder behind
    if (e == EEXIST) return Status::Conflict("'" + Shown(to) + "' exists; send overwrite=true to replace it");
    return ErrnoStatus(e, "cannot rename '" + Shown(from) + "' to", Shown(to));
  }
  if (int e = platform::Sync(to_dir.fd.get())) return ErrnoStatus(e, "cannot fsync folder of", Shown(to));
  if (int e = platform::Sync(from_dir.fd.get())) return ErrnoStatus(e, "cannot fsync folder of", Shown(from));
  return Status::Ok();
}

Status Delete(const ContentRoot& root, std::string_view rel, bool recursive) {
  PV_ASSIGN_OR_RETURN(OpenedEntry parent, OpenParent(root, rel));
  std::string leaf(BaseName(rel));
  platform::FileStat st;
  if (int e = platform::StatAt(parent.fd.get(), leaf, false, &st)) return ErrnoStatus(e, "cannot delete", Shown(rel));
  int e = 0;
  if (st.kind == platform::FileKind::kDirectory) {
    e = recursive ? platform::RemoveTreeAt(parent.fd.get(), leaf) : platform::UnlinkAt(parent.fd.get(), leaf, true);
    if (e == ENOTEMPTY || e == EEXIST)
      return Status::Conflict("folder '" + Shown(rel) + "' is not empty; send recursive=1 to delete its content too");
  } else {
    e = platform::UnlinkAt(parent.fd.get(), leaf, false);
  }
  if (e != 0) return ErrnoStatus(e, "cannot delete", Shown(rel));
  if (int s = platform::Sync(parent.fd.get())) return ErrnoStatus(s, "cannot fsync folder of", Shown(rel));
  return Status::Ok();
}

Result<std::vector<std::string>> RemoveStaleUploads(const ContentRoot& root) {
  PV_ASSIGN_OR_RETURN(OpenedEntry top, root.Open(""));
  if (top.stat.kind != platform::FileKind::kDirectory)
    return Status::InvalidArgument("content root '" + root.dir() + "' is not a folder");
  std::vector<std::string> removed;
  // Folders to visit, as (descriptor, path relative to the root). Symlinks
  // are never followed: a temp file is always created in a real folder, and
  // a link could lead out of the root or into a loop.
  std::vector<std::pair<OpenedEntry, std::string>> pending;
  pending.emplace_back(std::move(top), std::string());
  while (!pending.empty()) {
    auto [dir, rel] = std::move(pending.back());
    pending.pop_back();
    std::vector<std::string> names;
    if (int e = platform::ListDirectory(dir.fd.get(), &names)) {
      LogWarning("cannot list a content folder while removing stale uploads",
                 {{"path", Shown(rel)}, {"error", std::strerror(e)}});
      continue;
    }
    for (auto& name : names) {
      platform::FileStat st;
      if (platform::StatAt(dir.fd.get(), name, false, &st) != 0) continue;
      std::string child = rel.empty() ? name : rel + "/" + name;
      if (st.kind == platform::FileKind::kDirectory) {
        OpenedEntry sub;
        sub.real_path = dir.real_path + "/" + name;
        if (platform::OpenNoFollow(sub.real_path, true, &sub.fd) == 0) pending.emplace_back(std::move(sub), child);
      } else if (st.kind == platform::FileKind::kRegular &&
                 name.compare(0, kUploadTempPrefix.size(), kUploadTempPrefix) == 0) {
        if (int e = platform::UnlinkAt(dir.fd.get(), name, false))
          return ErrnoStatus(e, "cannot remove stale upload", Shown(child));
        removed.push_back(std::move(child));
      }
    }
  }
  return removed;
}

}  // namespace provisiond::api::content

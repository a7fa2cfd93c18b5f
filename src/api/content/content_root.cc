#include "api/content/content_root.h"

#include <cerrno>
#include <cstring>

#include "api/content/path_safety.h"

namespace provisiond::api::content {

Status ErrnoStatus(int err, std::string_view what, std::string_view path) {
  std::string msg = std::string(what) + " '" + std::string(path) + "': " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR: return Status::NotFound(msg);
    case EEXIST:
    case ENOTEMPTY: return Status::Conflict(msg);
    case EACCES:
    case EPERM:
    case ELOOP: return Status::PermissionDenied(msg);
    case EINVAL:
    case EXDEV:
    case ENAMETOOLONG: return Status::InvalidArgument(msg);
    default: return Status::IoError(path, std::string(what) + ": " + std::strerror(err));
  }
}

bool ContentRoot::Inside(std::string_view real, std::string_view real_root) {
  if (real == real_root) return true;
  if (real_root == "/") return !real.empty() && real.front() == '/';
  return real.size() > real_root.size() && real.substr(0, real_root.size()) == real_root &&
         real[real_root.size()] == '/';
}

Result<std::string> ContentRoot::RealRoot() const {
  std::string real;
  if (int e = platform::RealPath(dir_, &real))
    return Status::Unavailable("content root '" + dir_ + "': " + std::strerror(e) +
                               "; create the folder or configure another content root");
  return real;
}

Result<OpenedEntry> ContentRoot::Open(std::string_view rel) const {
  PV_ASSIGN_OR_RETURN(std::string root, RealRoot());
  std::string full = rel.empty() ? root : root + "/" + std::string(rel);
  std::string shown = "/" + std::string(rel);
  OpenedEntry out;
  if (int e = platform::RealPath(full, &out.real_path)) return ErrnoStatus(e, "cannot resolve", shown);
  if (!Inside(out.real_path, root))
    return Status::PermissionDenied("'" + shown + "' leads outside the content root (symlink); "
                                    "copy the content into the root instead of linking out");
  // The path has no symlinks now; O_NOFOLLOW plus the descriptor's own path
  // catch one swapped in between realpath() and open().
  if (int e = platform::OpenNoFollow(out.real_path, false, &out.fd)) return ErrnoStatus(e, "cannot open", shown);
  std::string held;
  if (platform::DescriptorPath(out.fd.get(), &held) == 0 && !Inside(held, root))
    return Status::PermissionDenied("'" + shown + "' changed to lead outside the content root");
  if (int e = platform::Stat(out.fd.get(), &out.stat)) return ErrnoStatus(e, "cannot stat", shown);
  if (out.stat.kind != platform::FileKind::kRegular && out.stat.kind != platform::FileKind::kDirectory)
    return Status::PermissionDenied("'" + shown + "' is neither a regular file nor a folder");
  return out;
}

Result<std::vector<DirEntry>> ContentRoot::List(const OpenedEntry& dir) const {
  PV_ASSIGN_OR_RETURN(std::string root, RealRoot());
  std::vector<std::string> names;
  if (int e = platform::ListDirectory(dir.fd.get(), &names)) return ErrnoStatus(e, "cannot list", dir.real_path);
  std::vector<DirEntry> out;
  out.reserve(names.size());
  for (auto& name : names) {
    if (name.compare(0, kUploadTempPrefix.size(), kUploadTempPrefix) == 0) continue;
    DirEntry entry;
    if (platform::StatAt(dir.fd.get(), name, false, &entry.stat) != 0) continue;  // vanished meanwhile
    entry.real_path = dir.real_path + "/" + name;
    if (entry.stat.kind == platform::FileKind::kSymlink) {
      std::string target;
      if (platform::RealPath(entry.real_path, &target) != 0 || !Inside(target, root)) continue;
      if (platform::StatAt(dir.fd.get(), name, true, &entry.stat) != 0) continue;
      entry.real_path = std::move(target);
    }
    if (entry.stat.kind != platform::FileKind::kRegular && entry.stat.kind != platform::FileKind::kDirectory)
      continue;
    entry.name = std::move(name);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace provisiond::api::content

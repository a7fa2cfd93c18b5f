#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/file.h"

namespace provisiond::platform {
namespace {

int64_t Nanoseconds(const struct timespec& ts) {
  return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

void FillStat(const struct stat& st, FileStat* out) {
  FileStat s;
  if (S_ISREG(st.st_mode)) s.kind = FileKind::kRegular;
  else if (S_ISDIR(st.st_mode)) s.kind = FileKind::kDirectory;
  else if (S_ISLNK(st.st_mode)) s.kind = FileKind::kSymlink;
  else s.kind = FileKind::kOther;
  s.device = static_cast<uint64_t>(st.st_dev);
  s.inode = static_cast<uint64_t>(st.st_ino);
  s.size = st.st_size > 0 ? static_cast<uint64_t>(st.st_size) : 0;
  s.mtime_ns = Nanoseconds(st.st_mtim);
  s.ctime_ns = Nanoseconds(st.st_ctim);
  s.mode = static_cast<uint32_t>(st.st_mode & 07777);
  *out = s;
}

int OpenFlags(bool directory) {
  return O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | (directory ? O_DIRECTORY : 0);
}

}  // namespace

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.Release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

int RealPath(const std::string& path, std::string* out) {
  char* p = ::realpath(path.c_str(), nullptr);
  if (!p) return errno;
  *out = p;
  ::free(p);
  return 0;
}

int OpenNoFollow(const std::string& path, bool directory, Fd* out) {
  int fd = ::open(path.c_str(), OpenFlags(directory));
  if (fd < 0) return errno;
  *out = Fd(fd);
  return 0;
}

int DescriptorPath(int fd, std::string* out) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char buf[PATH_MAX + 1];
  ssize_t n = ::readlink(link, buf, PATH_MAX);
  if (n < 0) return errno == ENOENT ? ENOSYS : errno;
  out->assign(buf, static_cast<size_t>(n));
  return 0;
}

int Stat(int fd, FileStat* out) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return errno;
  FillStat(st, out);
  return 0;
}

int StatAt(int dir_fd, const std::string& name, bool follow, FileStat* out) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0) return errno;
  FillStat(st, out);
  return 0;
}

int ReadChunk(int fd, void* buffer, size_t n, uint64_t offset, size_t* got) {
  for (;;) {
    ssize_t r = ::pread(fd, buffer, n, static_cast<off_t>(offset));
    if (r >= 0) {
      *got = static_cast<size_t>(r);
      return 0;
    }
    if (errno != EINTR) return errno;
  }
}

int ListDirectory(int dir_fd, std::vector<std::string>* names) {
  // fdopendir takes ownership of its descriptor: give it a duplicate.
  int dup_fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return errno;
  DIR* dir = ::fdopendir(dup_fd);
  if (!dir) {
    int e = errno;
    ::close(dup_fd);
    return e;
  }
  ::rewinddir(dir);
  std::vector<std::string> out;
  errno = 0;
  while (struct dirent* e = ::readdir(dir)) {
    std::string_view n(e->d_name);
    if (n != "." && n != "..") out.emplace_back(n);
    errno = 0;
  }
  int e = errno;
  ::closedir(dir);
  if (e != 0) return e;
  *names = std::move(out);
  return 0;
}

int CreateTempAt(int dir_fd, const std::string& prefix, Fd* out, std::string* name) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (int attempt = 0; attempt < 16; ++attempt) {
    unsigned char random[12];
    if (::getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) return EIO;
    std::string candidate = prefix;
    for (unsigned char c : random) candidate += kAlphabet[c % 36];
    int fd = ::openat(dir_fd, candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd >= 0) {
      *out = Fd(fd);
      *name = std::move(candidate);
      return 0;
    }
    if (errno != EEXIST) return errno;
  }
  return EEXIST;
}

int WriteAll(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return 0;
}

int Sync(int fd) { return ::fsync(fd) == 0 ? 0 : errno; }

int RenameAt(int from_dir, const std::string& from, int to_dir, const std::string& to, bool no_replace) {
  if (no_replace) {
    if (::renameat2(from_dir, from.c_str(), to_dir, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return errno;
    // File systems without RENAME_NOREPLACE: check, then rename (racy, best effort).
    struct stat st;
    if (::fstatat(to_dir, to.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return EEXIST;
  }
  return ::renameat(from_dir, from.c_str(), to_dir, to.c_str()) == 0 ? 0 : errno;
}

int UnlinkAt(int dir_fd, const std::string& name, bool directory) {
  return ::unlinkat(dir_fd, name.c_str(), directory ? AT_REMOVEDIR : 0) == 0 ? 0 : errno;
}

int RemoveTreeAt(int dir_fd, const std::string& name) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno;
  if (!S_ISDIR(st.st_mode)) return UnlinkAt(dir_fd, name, false);
  Fd sub;
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno;
  sub = Fd(fd);
  std::vector<std::string> names;
  if (int e = ListDirectory(sub.get(), &names)) return e;
  for (const auto& n : names)
    if (int e = RemoveTreeAt(sub.get(), n)) return e;
  return UnlinkAt(dir_fd, name, true);
}

int MakeDirectoryAt(int dir_fd, const std::string& name) {
  return ::mkdirat(dir_fd, name.c_str(), 0755) == 0 ? 0 : errno;
}

int ChangeMode(int fd, uint32_t mode) {
  return ::fchmod(fd, static_cast<mode_t>(mode & 07777)) == 0 ? 0 : errno;
}

}  // namespace provisiond::platform

// POSIX implementation of Fs.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "platform/fs.h"

namespace provisiond::platform {
namespace {

FsError Fail(const char* step, const std::string& path) { return FsError{errno, step, path}; }

class PosixFsImpl final : public Fs {
 public:
  FsError ReadFile(const std::string& path, std::string* out) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Fail("open", path);
    std::string data;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) data.reserve(static_cast<size_t>(st.st_size));
    char buf[1 << 16];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        FsError e = Fail("read", path);
        ::close(fd);
        return e;
      }
      if (n == 0) break;
      data.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    *out = std::move(data);
    return {};
  }

  FsError Stat(const std::string& path, FsStat* out) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) {
        *out = FsStat{};
        return {};
      }
      return Fail("stat", path);
    }
    out->exists = true;
    out->size = static_cast<uint64_t>(st.st_size);
    out->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    out->inode = static_cast<uint64_t>(st.st_ino);
    return {};
  }

  FsError ListDir(const std::string& dir, std::vector<std::string>* out) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      if (errno == ENOENT) {
        out->clear();
        return {};
      }
      return Fail("opendir", dir);
    }
    std::vector<std::string> names;
    while (dirent* ent = ::readdir(d)) {
      std::string n = ent->d_name;
      if (n != "." && n != "..") names.push_back(std::move(n));
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    *out = std::move(names);
    return {};
  }

  FsError MakeDirs(const std::string& dir) override {
    if (dir.empty()) return {};
    std::string cur;
    size_t pos = 0;
    while (pos != std::string::npos) {
      pos = dir.find('/', pos + 1);
      cur = dir.substr(0, pos);
      if (cur.empty()) continue;
      if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return Fail("mkdir", cur);
    }
    return {};
  }

  FsError Open(const std::string& path, bool append, int* fd) override {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_EXCL);
    int f = ::open(path.c_str(), flags, 0644);
    if (f < 0) return Fail("open", path);
    *fd = f;
    return {};
  }

  FsError Write(int fd, std::string_view data, const std::string& path) override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Fail("write", path);
      if (n == 0) return FsError{EIO, "write", path};
      done += static_cast<size_t>(n);
    }
    return {};
  }

  FsError Sync(int fd, const std::string& path) override {
    if (::fsync(fd) != 0) return Fail("fsync", path);
    return {};
  }

  FsError Close(int fd, const std::string& path) override {
    if (::close(fd) != 0 && errno != EINTR) return Fail("close", path);
    return {};
  }

  FsError Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return Fail("rename", from + " -> " + to);
    return {};
  }

  FsError SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Fail("open dir", dir);
    FsError e;
    if (::fsync(fd) != 0) e = Fail("fsync dir", dir);
    ::close(fd);
    return e;
  }

  FsError Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Fail("unlink", path);
    return {};
  }
};

}  // namespace

Fs& PosixFs() {
  static PosixFsImpl fs;
  return fs;
}

}  // namespace provisiond::platform

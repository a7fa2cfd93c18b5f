// File-system calls the content hub needs, behind plain functions (POSIX in
// file_posix.cc). platform/ sits below base/, so failures are errno values:
// each function returns 0 on success or the errno, and leaves its outputs
// unchanged on failure. All functions are safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace provisiond::platform {

// An open file descriptor, closed on destruction. Move-only.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.Release()) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

enum class FileKind { kRegular, kDirectory, kSymlink, kOther };

struct FileStat {
  FileKind kind = FileKind::kOther;
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;  // since the Unix epoch
  int64_t ctime_ns = 0;
  uint32_t mode = 0;  // permission bits (07777)
};

// Canonical absolute path of `path` (symlinks, "." and ".." resolved).
int RealPath(const std::string& path, std::string* out);
// Opens `path` read-only, close-on-exec, non-blocking (a FIFO cannot hang the
// caller), never following a symlink in the last component (ELOOP).
// `directory`: fails with ENOTDIR unless it is a directory.
int OpenNoFollow(const std::string& path, bool directory, Fd* out);
// The path the kernel holds for an open descriptor (/proc/self/fd); ENOSYS
// where the system cannot tell.
int DescriptorPath(int fd, std::string* out);
int Stat(int fd, FileStat* out);
// `follow`: stat the symlink's target instead of the link.
int StatAt(int dir_fd, const std::string& name, bool follow, FileStat* out);
// Reads up to `n` bytes at `offset`; *got = 0 at end of file. Retries EINTR.
int ReadChunk(int fd, void* buffer, size_t n, uint64_t offset, size_t* got);
// Names in the directory `dir_fd` (without "." and ".."), unsorted.
int ListDirectory(int dir_fd, std::vector<std::string>* names);

// Creates a new file `prefix` + random suffix in `dir_fd` (O_EXCL, 0644).
int CreateTempAt(int dir_fd, const std::string& prefix, Fd* out, std::string* name);
// Writes all of `data`, retrying short writes and EINTR.
int WriteAll(int fd, const void* data, size_t n);
// fsync(2).
int Sync(int fd);
// rename(2) between directories; `no_replace`: EEXIST if `to` exists.
int RenameAt(int from_dir, const std::string& from, int to_dir, const std::string& to, bool no_replace);
// Removes a file (or, with `directory`, an empty directory).
int UnlinkAt(int dir_fd, const std::string& name, bool directory);
// Removes `name` and, if it is a directory, everything beneath it; symlinks
// are removed, never followed.
int RemoveTreeAt(int dir_fd, const std::string& name);
int MakeDirectoryAt(int dir_fd, const std::string& name);
// fchmod(2): sets the permission bits of an open file or folder, whatever the umask.
int ChangeMode(int fd, uint32_t mode);

}  // namespace provisiond::platform

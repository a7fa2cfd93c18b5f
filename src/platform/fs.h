// Fs: the file operations the CSV store needs, one virtual call per step so
// a test double (fs_faulty.h) can fail any single step. POSIX lives in
// fs_posix.cc. platform/ sits below base/: failures are FsError values
// (errno, step, path); the caller turns them into a Status.
// Safe from any thread (PosixFs has no state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace provisiond::platform {

struct FsError {
  int err = 0;       // errno; 0 = success
  std::string step;  // "open", "write", "fsync", "close", "rename", "fsync dir", ...
  std::string path;  // the path the step worked on
  bool ok() const { return err == 0; }
  // "fsync /data/computers.csv.tmp.12: No space left on device"
  std::string ToString() const;
};

struct FsStat {
  bool exists = false;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  friend bool operator==(const FsStat&, const FsStat&) = default;
};

class Fs {
 public:
  virtual ~Fs() = default;
  // Whole file into *out (unchanged on failure).
  virtual FsError ReadFile(const std::string& path, std::string* out) = 0;
  // A missing file is success with exists = false.
  virtual FsError Stat(const std::string& path, FsStat* out) = 0;
  // Names (not paths) in `dir`, sorted; a missing dir is success, empty.
  virtual FsError ListDir(const std::string& dir, std::vector<std::string>* out) = 0;
  virtual FsError MakeDirs(const std::string& dir) = 0;
  // Opens for writing: `append` (create if missing, O_APPEND) or a new file
  // that must not exist (O_EXCL). *fd is a descriptor for Write/Sync/Close.
  virtual FsError Open(const std::string& path, bool append, int* fd) = 0;
  // Writes all of `data` (retries short writes); `path` only names errors.
  virtual FsError Write(int fd, std::string_view data, const std::string& path) = 0;
  virtual FsError Sync(int fd, const std::string& path) = 0;
  virtual FsError Close(int fd, const std::string& path) = 0;
  virtual FsError Rename(const std::string& from, const std::string& to) = 0;
  virtual FsError SyncDir(const std::string& dir) = 0;
  // A missing file is success.
  virtual FsError Remove(const std::string& path) = 0;
};

// The real file system. Lives for the whole process.
Fs& PosixFs();

// Replaces `path` with `data` so that a crash at any instant leaves the old
// or the new content, never a mix: temp file beside it, write, fsync, close,
// rename, fsync the directory (`sync` false skips both fsyncs: faster, may
// lose the last write on power loss). On failure the temp file is removed
// and `path` is untouched (unless only the final directory fsync failed:
// then the new content is in place but may not survive a power loss).
FsError ReplaceFile(Fs& fs, const std::string& path, std::string_view data, bool sync);

// ReplaceFile in two halves, for a caller that writes without holding a
// lock and renames under it. WriteTempFile: a new temp file beside `path`
// holding `data` (fsynced when `sync`), named in *tmp; on failure nothing
// is left behind. CommitTempFile: renames `tmp` over `path`, then fsyncs the
// directory; if the rename fails `tmp` is removed and `path` is untouched.
FsError WriteTempFile(Fs& fs, const std::string& path, std::string_view data, bool sync, std::string* tmp);
FsError CommitTempFile(Fs& fs, const std::string& tmp, const std::string& path, bool sync);

// Appends `data` to `path` (created if missing) with one write call, then
// fsyncs when `sync`. A new file's directory is fsynced too.
FsError AppendToFile(Fs& fs, const std::string& path, std::string_view data, bool sync);

// The directory part of `path` ("." when none).
std::string DirName(const std::string& path);

}  // namespace provisiond::platform

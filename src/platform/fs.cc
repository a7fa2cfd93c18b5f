#include "platform/fs.h"

#include <atomic>
#include <cstring>
#include <random>

namespace provisiond::platform {

std::string FsError::ToString() const {
  if (ok()) return "ok";
  return step + " " + path + ": " + std::strerror(err);
}

std::string DirName(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

namespace {

std::string TempNameFor(const std::string& path) {
  // A per-process random salt plus a counter: two processes writing the same
  // file never pick the same name, and Open's O_EXCL catches the rest.
  static const uint64_t salt = std::random_device{}();
  static std::atomic<uint64_t> counter{0};
  return path + ".tmp." + std::to_string(salt % 1000000) + "-" + std::to_string(counter.fetch_add(1));
}

}  // namespace

FsError WriteTempFile(Fs& fs, const std::string& path, std::string_view data, bool sync, std::string* tmp_out) {
  // Temp file beside the target: rename() is atomic only within one filesystem.
  std::string tmp;
  int fd = -1;
  FsError e;
  for (int attempt = 0; attempt < 8; ++attempt) {
    tmp = TempNameFor(path);
    e = fs.Open(tmp, /*append=*/false, &fd);
    if (e.ok() || e.err != EEXIST) break;
  }
  if (!e.ok()) return e;
  auto fail = [&](FsError err, bool close_fd) {
    if (close_fd) (void)fs.Close(fd, tmp);
    (void)fs.Remove(tmp);
    return err;
  };
  if (e = fs.Write(fd, data, tmp); !e.ok()) return fail(e, true);
  if (sync) {
    if (e = fs.Sync(fd, tmp); !e.ok()) return fail(e, true);
  }
  if (e = fs.Close(fd, tmp); !e.ok()) return fail(e, false);
  *tmp_out = std::move(tmp);
  return {};
}

FsError CommitTempFile(Fs& fs, const std::string& tmp, const std::string& path, bool sync) {
  if (FsError e = fs.Rename(tmp, path); !e.ok()) {
    (void)fs.Remove(tmp);
    return e;
  }
  // The rename is only durable once the directory entry is on disk.
  if (sync) return fs.SyncDir(DirName(path));
  return {};
}

FsError ReplaceFile(Fs& fs, const std::string& path, std::string_view data, bool sync) {
  std::string tmp;
  if (FsError e = WriteTempFile(fs, path, data, sync, &tmp); !e.ok()) return e;
  return CommitTempFile(fs, tmp, path, sync);
}

FsError AppendToFile(Fs& fs, const std::string& path, std::string_view data, bool sync) {
  FsStat st;
  FsError e = fs.Stat(path, &st);
  if (!e.ok()) return e;
  int fd = -1;
  if (e = fs.Open(path, /*append=*/true, &fd); !e.ok()) return e;
  e = fs.Write(fd, data, path);
  if (e.ok() && sync) e = fs.Sync(fd, path);
  FsError c = fs.Close(fd, path);
  if (!e.ok()) return e;
  if (!c.ok()) return c;
  if (sync && !st.exists) return fs.SyncDir(DirName(path));
  return {};
}

}  // namespace provisiond::platform

#include "platform/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <random>

#include "platform/fs.h"

namespace provisiond::platform {
namespace {

WriteFileError Fail(std::string step, const std::string& path) {
  return {errno, std::move(step), path};
}

}  // namespace

WriteFileError WriteFileAtomic(const std::string& path, std::string_view data, unsigned mode) {
  // Temp file beside the target: rename() is atomic only within one filesystem.
  std::random_device rd;
  std::string tmp = path + ".tmp" + std::to_string(rd() % 1000000);
  // O_EXCL: never reuse (and never widen) a file someone else created; the
  // mode applies at creation, so the key is never readable by others.
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return Fail("open", tmp);
  // The umask may have narrowed `mode`; fchmod makes the result exact.
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    auto e = Fail("chmod", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      auto e = Fail("write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return e;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto e = Fail("fsync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  }
  if (::close(fd) != 0) {
    auto e = Fail("close", tmp);
    ::unlink(tmp.c_str());
    return e;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = Fail("rename", path);
    ::unlink(tmp.c_str());
    return e;
  }
  std::string dir = DirName(path);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Fail("open dir", dir);
  int rc = ::fsync(dfd);
  auto e = rc != 0 ? Fail("fsync dir", dir) : WriteFileError{};
  ::close(dfd);
  return e;
}

int FileMode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

}  // namespace provisiond::platform

namespace provisiond::platform {
std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}
}  // namespace provisiond::platform

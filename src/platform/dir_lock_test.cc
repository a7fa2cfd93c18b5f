// DirLock (one holder per data directory, released with the object) and
// ExchangePaths (two directories swapped in one step).
#include "platform/dir_lock.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "platform/exchange.h"

namespace provisiond::platform {
namespace {

namespace fs = std::filesystem;

// A fresh directory, removed with its content at scope exit.
struct ScratchDir {
  std::string path;
  ScratchDir() {
    std::string t = (fs::temp_directory_path() / "pvplatform-XXXXXX").string();
    path = ::mkdtemp(t.data()) ? t : "";
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(DirLock, OneHolderAtATimeNamedByPidAndReleasedWithTheObject) {
  ScratchDir dir;
  ASSERT_FALSE(dir.path.empty());
  std::unique_ptr<DirLock> first, second;
  long holder = -1;
  ASSERT_EQ(DirLock::TryAcquire(dir.path, &first, &holder), 0);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(Read(fs::path(dir.path) / kDirLockName), std::to_string(::getpid()) + "\n");
  // A second open of the file (as another process would) is refused, naming the holder.
  EXPECT_EQ(DirLock::TryAcquire(dir.path, &second, &holder), EWOULDBLOCK);
  EXPECT_EQ(second, nullptr);
  EXPECT_EQ(holder, static_cast<long>(::getpid()));
  first.reset();
  EXPECT_EQ(DirLock::TryAcquire(dir.path, &second, &holder), 0);
  EXPECT_NE(second, nullptr);
}

TEST(DirLock, AMissingDirectoryIsAnErrorNotALock) {
  std::unique_ptr<DirLock> lock;
  long holder = -1;
  EXPECT_EQ(DirLock::TryAcquire("/nonexistent-pv-dir/x", &lock, &holder), ENOENT);
  EXPECT_EQ(lock, nullptr);
}

TEST(ExchangePaths, SwapsTwoDirectoriesOrChangesNothing) {
  ScratchDir dir;
  fs::path a = fs::path(dir.path) / "a", b = fs::path(dir.path) / "b";
  fs::create_directories(a);
  fs::create_directories(b);
  std::ofstream(a / "f") << "A";
  std::ofstream(b / "f") << "B";
  int err = ExchangePaths(a.string(), b.string());
  if (err == EINVAL || err == ENOSYS) GTEST_SKIP() << "this file system cannot exchange";
  ASSERT_EQ(err, 0);
  EXPECT_EQ(Read(a / "f"), "B");
  EXPECT_EQ(Read(b / "f"), "A");
  EXPECT_EQ(ExchangePaths(a.string(), (fs::path(dir.path) / "missing").string()), ENOENT);
  EXPECT_EQ(Read(a / "f"), "B");
  EXPECT_EQ(SyncDirectory(dir.path), 0);
}

}  // namespace
}  // namespace provisiond::platform

#include "platform/service_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace provisiond::platform {
namespace {

// Sets an environment variable for one test; restores the old value.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) setenv(name, value->c_str(), 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string StderrDevIno(long inode_offset) {
  struct stat st {};
  EXPECT_EQ(fstat(STDERR_FILENO, &st), 0);
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + inode_offset);
}

TEST(StderrIsJournal, OnlyWhenJournalStreamNamesTheStreamStderrIs) {
  struct Case {
    const char* name;
    std::optional<std::string> value;
    bool want;
  };
  const Case cases[] = {
      {"unset: a terminal, a file, a pipe", std::nullopt, false},
      {"stderr's own device:inode", StderrDevIno(0), true},
      {"inherited from a parent whose stderr differs", StderrDevIno(1), false},
      {"not device:inode", std::string("journal"), false},
      {"empty", std::string(), false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ScopedEnv env("JOURNAL_STREAM", c.value);
    EXPECT_EQ(StderrIsJournal(), c.want);
  }
}

TEST(NotifyServiceManager, SendsTheStateToNotifySocketAndNothingWithoutOne) {
  {
    ScopedEnv env("NOTIFY_SOCKET", std::nullopt);
    EXPECT_FALSE(NotifyServiceManager("READY=1"));
  }
  char dir_template[] = "/tmp/pvd-notify-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string path = std::string(dir_template) + "/notify.sock";
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  {
    ScopedEnv env("NOTIFY_SOCKET", path);
    EXPECT_TRUE(NotifyServiceManager("READY=1\nSTATUS=serving"));
    char buf[256] = {};
    ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);  // sent before: no wait
    EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "READY=1\nSTATUS=serving");
  }
  close(fd);
  unlink(path.c_str());
  rmdir(dir_template);
}

TEST(ServiceWatchdogInterval, FromWatchdogUsecForThisProcessOnly) {
  {
    ScopedEnv usec("WATCHDOG_USEC", std::nullopt);
    EXPECT_EQ(ServiceWatchdogInterval(), std::nullopt);
  }
  {
    ScopedEnv usec("WATCHDOG_USEC", "30000000");
    ScopedEnv pid("WATCHDOG_PID", std::nullopt);
    EXPECT_EQ(ServiceWatchdogInterval(), std::chrono::microseconds(30'000'000));
  }
  {
    ScopedEnv usec("WATCHDOG_USEC", "30000000");
    ScopedEnv pid("WATCHDOG_PID", std::to_string(getpid()));
    EXPECT_EQ(ServiceWatchdogInterval(), std::chrono::microseconds(30'000'000));
  }
  {
    ScopedEnv usec("WATCHDOG_USEC", "30000000");
    ScopedEnv pid("WATCHDOG_PID", std::to_string(getpid() + 1));  // meant for another process
    EXPECT_EQ(ServiceWatchdogInterval(), std::nullopt);
  }
}

}  // namespace
}  // namespace provisiond::platform

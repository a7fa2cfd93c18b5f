#include "platform/service_notify.h"

#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace provisiond::platform {

bool NotifyServiceManager(std::string_view state) {
  // sd_notify wants a C string; 0: keep NOTIFY_SOCKET set, the next
  // notification (STOPPING=1, watchdog pings) needs it too.
  return sd_notify(0, std::string(state).c_str()) > 0;
}

std::optional<std::chrono::microseconds> ServiceWatchdogInterval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  // The variable is inherited: a child whose stderr was redirected (a
  // pipe, a file) must keep its timestamps, so compare with what stderr is.
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

}  // namespace provisiond::platform

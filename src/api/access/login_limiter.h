// Failed sign-ins, counted per user name and per client address: after
// `max_failures` within `window`, that name or address is locked out for
// `lockout`, which clears by itself. The name need not exist: a lockout
// says nothing about which users do. Safe from any thread.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/time.h"

namespace provisiond::api::access {

struct LoginLimits {
  int max_failures = 5;
  std::chrono::seconds window{15 * 60};
  std::chrono::seconds lockout{15 * 60};
};

class LoginLimiter {
 public:
  explicit LoginLimiter(LoginLimits limits = {}) : limits_(limits) {}
  // Seconds until `user` and `address` may try again; 0 when neither is locked.
  int64_t RetryAfter(std::string_view user, std::string_view address, Timestamp now);
  void Failed(std::string_view user, std::string_view address, Timestamp now);
  // A success clears the user's count (not the address's: one good password
  // must not reset a spray from that address).
  void Succeeded(std::string_view user);

 private:
  struct Entry {
    int failures = 0;
    Timestamp first{};
    Timestamp locked_until{};
  };
  void FailedLocked(const std::string& key, Timestamp now);
  int64_t WaitLocked(const std::string& key, Timestamp now);
  void PruneLocked(Timestamp now);

  LoginLimits limits_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // "u:<lower name>", "a:<address>"
};

}  // namespace provisiond::api::access

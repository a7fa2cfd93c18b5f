#include "api/access/login_limiter.h"

#include "base/strings.h"

namespace provisiond::api::access {
namespace {
constexpr size_t kPruneAbove = 50'000;  // entries before stale ones are dropped
std::string UserKey(std::string_view u) { return "u:" + ToLower(Trim(u)); }
std::string AddressKey(std::string_view a) { return "a:" + std::string(a); }
}  // namespace

int64_t LoginLimiter::WaitLocked(const std::string& key, Timestamp now) {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.locked_until <= now) return 0;
  auto ms = (it->second.locked_until - now).count();
  return (ms + 999) / 1000;
}

int64_t LoginLimiter::RetryAfter(std::string_view user, std::string_view address, Timestamp now) {
  std::lock_guard lock(mu_);
  return std::max(WaitLocked(UserKey(user), now), WaitLocked(AddressKey(address), now));
}

void LoginLimiter::FailedLocked(const std::string& key, Timestamp now) {
  Entry& e = entries_[key];
  if (e.failures == 0 || now - e.first > limits_.window || (e.locked_until != Timestamp{} && e.locked_until <= now)) {
    e = Entry{0, now, {}};
  }
  if (++e.failures >= limits_.max_failures)
    e.locked_until = now + std::chrono::duration_cast<std::chrono::milliseconds>(limits_.lockout);
}

void LoginLimiter::PruneLocked(Timestamp now) {
  if (entries_.size() < kPruneAbove) return;
  for (auto it = entries_.begin(); it != entries_.end();) {
    bool stale = now - it->second.first > limits_.window && it->second.locked_until <= now;
    it = stale ? entries_.erase(it) : std::next(it);
  }
}

void LoginLimiter::Failed(std::string_view user, std::string_view address, Timestamp now) {
  std::lock_guard lock(mu_);
  PruneLocked(now);
  FailedLocked(UserKey(user), now);
  FailedLocked(AddressKey(address), now);
}

void LoginLimiter::Succeeded(std::string_view user) {
  std::lock_guard lock(mu_);
  entries_.erase(UserKey(user));
}

}  // namespace provisiond::api::access

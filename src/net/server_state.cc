#include "net/server_state.h"

#include <chrono>
#include <cstdio>
#include <vector>

#include "base/log.h"

namespace provisiond::net {

void SessionRegistry::Add(const std::shared_ptr<SessionBase>& session) {
  std::lock_guard lock(mu_);
  sessions_[session.get()] = session;
}

void SessionRegistry::Remove(const SessionBase* session) {
  std::lock_guard lock(mu_);
  sessions_.erase(session);
}

void SessionRegistry::StopAll() {
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(mu_);
    live.reserve(sessions_.size());
    for (auto& [ptr, weak] : sessions_)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  // Outside the lock: dropping `live` may destroy a session, whose
  // destructor takes the lock to unregister.
  for (auto& s : live) s->OnServerStop();
}

size_t SessionRegistry::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

bool ClientCounter::TryAdd(const std::string& address, uint64_t limit) {
  std::lock_guard lock(mu_);
  uint64_t& n = counts_[address];
  if (limit != 0 && n >= limit) {
    if (n == 0) counts_.erase(address);
    return false;
  }
  ++n;
  return true;
}

void ClientCounter::Remove(const std::string& address) {
  std::lock_guard lock(mu_);
  auto it = counts_.find(address);
  if (it == counts_.end()) return;
  if (--it->second == 0) counts_.erase(it);
}

uint64_t ClientCounter::Count(const std::string& address) const {
  std::lock_guard lock(mu_);
  auto it = counts_.find(address);
  return it == counts_.end() ? 0 : it->second;
}

ConnectionSlot::ConnectionSlot(std::shared_ptr<ServerState> st, std::string client)
    : st_(std::move(st)), client_(std::move(client)) {}

ConnectionSlot::~ConnectionSlot() {
  st_->clients.Remove(client_);
  st_->connections.fetch_sub(1, std::memory_order_relaxed);
}

std::string NewRequestId() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t salt =
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) & 0xffffff;
  uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06llx-%08llx", static_cast<unsigned long long>(salt),
                static_cast<unsigned long long>(n));
  return buf;
}

bool RunGuarded(const char* where, const std::string& request_id, const std::function<void()>& task) {
  std::string what;
  try {
    task();
    return true;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  LogError("exception caught, the server keeps serving",
           {{"where", where}, {"request_id", request_id.empty() ? "-" : request_id}, {"error", what}});
  return false;
}

Status CheckResponseHeaders(const api::Headers& headers) {
  for (const auto& [name, value] : headers.items()) {
    if (name.empty()) return Status::InvalidArgument("response header with an empty name");
    for (const std::string* s : {&name, &value}) {
      for (char c : *s) {
        if (c == '\r' || c == '\n' || c == '\0') {
          return Status::InvalidArgument("response header '" + (s == &name ? std::string("(name)") : name) +
                                         "' contains CR, LF or NUL; refusing to send a split response");
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace provisiond::net

// What every connection of one Server shares: options, router, counters, the
// live-session registry and the per-client connection counts. No Beast or
// Asio here (only forward declarations), so the tests and the files that do
// not touch a socket stay cheap to compile.
// Thread rule: every member is safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "api/router.h"
#include "net/server.h"

namespace boost::asio { class thread_pool; }

namespace provisiond::net {

// A live connection, as the shutdown sees it.
class ServerMetrics;

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // The server is stopping: close if idle, else after the current response.
  // Posts to the session's own executor; safe from any thread.
  virtual void OnServerStop() = 0;
};

// The sessions alive now. Holds weak references only: a session being
// destroyed is never touched (its weak_ptr no longer locks), and the
// registry never keeps one alive.
class SessionRegistry {
 public:
  void Add(const std::shared_ptr<SessionBase>& session);
  // From the session's destructor.
  void Remove(const SessionBase* session);
  // Calls OnServerStop() on every session still alive, outside the lock (a
  // session that dies meanwhile unregisters without waiting on us).
  void StopAll();
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<const SessionBase*, std::weak_ptr<SessionBase>> sessions_;  // guarded by mu_
};

// Open connections per TCP peer address (not per X-Forwarded-For: a proxy
// is one peer, and the count is taken before any header is read).
class ClientCounter {
 public:
  // Counts one more connection from `address` and returns true, or returns
  // false (nothing counted) if it already holds `limit` (0: no limit).
  bool TryAdd(const std::string& address, uint64_t limit);
  void Remove(const std::string& address);
  uint64_t Count(const std::string& address) const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, uint64_t> counts_;  // guarded by mu_; no zero entries
};

struct ServerState {
  ServerOptions options;
  std::shared_ptr<const api::Router> router;
  std::atomic<uint64_t> connections{0};
  std::atomic<bool> stopping{false};
  std::shared_ptr<boost::asio::thread_pool> blocking_pool;  // routes marked blocking
  std::shared_ptr<ServerMetrics> metrics;  // null: options.metrics unset
  SessionRegistry sessions;
  ClientCounter clients;
};

// Counts one connection (total and per client) from accept to close.
class ConnectionSlot {
 public:
  // Takes the counts already added by the caller (connections, clients).
  ConnectionSlot(std::shared_ptr<ServerState> st, std::string client);
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot();

 private:
  std::shared_ptr<ServerState> st_;
  std::string client_;
};

// "1f2e3d-0000002a": unique in this process, cheap, sortable per process.
std::string NewRequestId();

// Runs `task`; an exception is logged (with `where` and `request_id`) and
// swallowed, so it never ends a server or pool thread. True if it returned.
bool RunGuarded(const char* where, const std::string& request_id, const std::function<void()>& task);

// OK, or InvalidArgument naming the first response header whose name or
// value holds CR, LF or NUL (which would split or smuggle a response), or
// whose name is empty.
Status CheckResponseHeaders(const api::Headers& headers);

}  // namespace provisiond::net

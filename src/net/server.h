// The HTTP(S) server: listeners, sessions, limits, timeouts, graceful stop.
// Everything Beast/Asio stays behind this header. Files: listener.cc
// (accept, connection caps, TLS detection, the sessions), http_session.h
// (request loop), body_stream.h (bodies, uploads, lingering close),
// file_send.h (file bodies), server.cc (threads, signals, shutdown/drain). Requests are handed to an
// api::Router as plain values; the answer is written back (files streamed).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/router.h"
#include "base/cidr.h"
#include "base/status.h"

namespace boost::asio::ssl { class context; }
namespace provisiond::metrics { class Registry; }

namespace provisiond::net {

enum class TlsMode { kPlain = 0, kTls = 1, kBoth = 2 };

// Returns the TLS context new connections use (may change on reload), or
// null when no certificate is loaded.
using TlsContextSource = std::function<std::shared_ptr<boost::asio::ssl::context>()>;

struct ListenerOptions {
  std::string bind = "0.0.0.0";
  uint16_t port = 12176;  // 0: ephemeral (tests); see Server::ports()
  TlsMode mode = TlsMode::kPlain;
};

struct ServerOptions {
  std::vector<ListenerOptions> listeners = {ListenerOptions{}};
  int threads = 0;                                    // 0: one per core
  // Threads for the routes that wait on a durable write (fsync, a database
  // commit). They mostly wait: more of them let concurrent writes share one
  // flush (PostgreSQL's group commit). 0: 32.
  int blocking_threads = 0;
  uint64_t max_header_bytes = 16 * 1024;              // over: 431
  uint64_t max_body_bytes = 8 * 1024 * 1024;          // over: 413 (routes may declare more)
  std::chrono::milliseconds header_timeout{10'000};   // first request's header; over: 408
  std::chrono::milliseconds idle_timeout{30'000};     // keep-alive wait for the next request
  std::chrono::milliseconds body_timeout{300'000};    // reading a body
  std::chrono::milliseconds write_timeout{300'000};   // no write progress for this long: close
  uint64_t max_connections = 10'000;                  // over: 503 and close
  uint64_t max_connections_per_client = 256;          // per TCP peer address; over: 503, close; 0: none
  // A streamed upload slower than this over a whole window is closed (its
  // temp file removed): a client trickling a byte now and then cannot hold
  // a connection and a temp file forever. 0: no minimum.
  uint64_t upload_min_rate = 1024;                    // bytes per second
  std::chrono::milliseconds upload_rate_window{60'000};
  std::chrono::milliseconds shutdown_grace{10'000};   // in-flight requests get this long
  CidrList trusted_proxies;                           // X-Forwarded-* honoured only from these
  bool require_incoming_encryption = false;           // plaintext requests refused (426)
  // Strict-Transport-Security max-age on responses that went over TLS
  // (directly, or through a trusted proxy saying https). 0: not sent.
  uint64_t hsts_max_age_s = 31'536'000;
  TlsContextSource tls;                               // required if any listener uses TLS
  // Requests, connections and TLS handshakes are counted here (see
  // net/server_metrics.h). Null: nothing is counted, at no cost.
  std::shared_ptr<metrics::Registry> metrics;
};

class Server {
 public:
  // Binds every listener. Fails (IoError naming the address) if a port is taken.
  static Result<std::unique_ptr<Server>> Create(ServerOptions options,
                                                std::shared_ptr<const api::Router> router);
  ~Server();

  // Serves until Stop() or SIGINT/SIGTERM, then drains within the grace
  // period. Returns when every thread is done.
  void Run();
  // Stop accepting; finish in-flight requests. Safe from any thread.
  void Stop();
  // Called on SIGHUP (TLS reload hooks in here).
  void OnReload(std::function<void()> callback);
  // Called once when shutdown starts (a signal or Stop()), on an I/O
  // thread, before the listeners close. Set before Run().
  void OnShutdown(std::function<void()> callback);
  // Runs `task` on the first I/O thread after what is queued there: a task
  // that runs proves the accept loop turns (the service watchdog's probe).
  // Safe from any thread; a task posted after Run() returned never runs.
  void Post(std::function<void()> task);
  // Actual bound ports, in listener order (for port 0).
  std::vector<uint16_t> ports() const;
  // Runs `task` on an I/O thread, or on the blocking worker pool (tests: a
  // throwing task must not end the process).
  void PostForTesting(std::function<void()> task, bool on_pool);

  class Impl;
  // Use Create(); Impl is private to server.cc.
  explicit Server(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace provisiond::net

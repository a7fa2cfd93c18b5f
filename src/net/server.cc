// Threads, signals and shutdown/drain: one io_context per thread (sessions
// stay on theirs), a worker pool for blocking routes, SIGINT/SIGTERM to
// stop, SIGHUP to reload. Stopping closes the listeners, tells every live
// session to close after its current response, and waits for the
// connection count to reach zero or the grace period to end. No exception
// ends a server or pool thread: each is caught and logged, and the thread
// goes on serving.
#include "net/server.h"

#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "base/log.h"
#include "base/metrics.h"
#include "net/listener.h"
#include "net/server_metrics.h"
#include "net/server_state.h"
#include "platform/process.h"

namespace provisiond::net {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

namespace {

// io_context::run, restarted after an exception a handler let escape: the
// handler's session is dropped (its other handlers still close it), the
// thread keeps serving the others.
void RunContext(asio::io_context& ctx, const char* name) {
  while (!RunGuarded(name, "", [&] { ctx.run(); })) {
  }
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, std::shared_ptr<const api::Router> router) {
    st_ = std::make_shared<ServerState>();
    st_->options = std::move(options);
    st_->router = std::move(router);
    if (st_->options.metrics) {
      std::weak_ptr<ServerState> weak = st_;
      st_->metrics = std::make_shared<ServerMetrics>(*st_->options.metrics, *st_->router, [weak] {
        auto st = weak.lock();
        return st ? static_cast<double>(st->connections.load(std::memory_order_relaxed)) : 0.0;
      });
    }
    int n = st_->options.threads > 0 ? st_->options.threads
                                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i) {
      contexts_.push_back(std::make_unique<asio::io_context>(1));
      guards_.emplace_back(asio::make_work_guard(*contexts_.back()));
    }
    const int blocking = st_->options.blocking_threads > 0 ? st_->options.blocking_threads : 32;
    st_->blocking_pool = std::make_shared<asio::thread_pool>(blocking);
    signals_.emplace(*contexts_[0], SIGINT, SIGTERM);
#ifdef SIGHUP
    signals_->add(SIGHUP);
#endif
  }

  Status Bind() {
    std::vector<asio::io_context*> all;
    for (auto& c : contexts_) all.push_back(c.get());
    PV_ASSIGN_OR_RETURN(listeners_, Listeners::Bind(st_, *contexts_[0], std::move(all)));
    return Status::Ok();
  }

  void Run() {
    listeners_->StartAccepting();
    WaitSignal();
    std::vector<std::thread> threads;
    for (size_t i = 1; i < contexts_.size(); ++i)
      threads.emplace_back([this, i] { RunContext(*contexts_[i], "io thread"); });
    RunContext(*contexts_[0], "io thread");
    for (auto& t : threads) t.join();
    st_->blocking_pool->join();
  }

  void Stop() {
    asio::post(*contexts_[0], [this] { BeginShutdown(); });
  }

  void Post(std::function<void()> task, bool on_pool) {
    // The pool's threads are not ours to restart: every task posted there
    // is guarded where it is posted (here, and in HttpSession::OffThread).
    if (on_pool) return asio::post(*st_->blocking_pool, [task] { RunGuarded("worker pool", "", task); });
    asio::post(*contexts_[0], std::move(task));  // RunContext catches
  }

  std::vector<uint16_t> ports() const { return listeners_->ports(); }
  std::function<void()> on_reload;
  std::function<void()> on_shutdown;

 private:
  void WaitSignal() {
    signals_->async_wait([this](error_code ec, int sig) {
      if (ec) return;
#ifdef SIGHUP
      if (sig == SIGHUP) {
        LogInfo("SIGHUP: reloading");
        if (on_reload) RunGuarded("reload", "", on_reload);
        return WaitSignal();
      }
#endif
      LogInfo("signal received, stopping", {{"signal", std::to_string(sig)}});
      BeginShutdown();
    });
  }

  void BeginShutdown() {
    if (st_->stopping.exchange(true)) return;
    if (on_shutdown) RunGuarded("shutdown", "", on_shutdown);
    error_code ec;
    listeners_->Close();
    signals_->cancel(ec);
    st_->sessions.StopAll();
    for (auto& g : guards_) g.reset();
    // Drain: poll until no connection is left or the grace period is over.
    deadline_ = std::chrono::steady_clock::now() + st_->options.shutdown_grace;
    drain_timer_.emplace(*contexts_[0]);
    PollDrain();
  }

  void PollDrain() {
    if (st_->connections.load() == 0 || std::chrono::steady_clock::now() >= deadline_) {
      if (st_->connections.load() > 0)
        LogWarning("shutdown grace period over, closing remaining connections",
                   {{"connections", std::to_string(st_->connections.load())}});
      for (auto& c : contexts_) c->stop();
      return;
    }
    drain_timer_->expires_after(std::chrono::milliseconds(20));
    drain_timer_->async_wait([this](error_code) { PollDrain(); });
  }

  std::shared_ptr<ServerState> st_;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::unique_ptr<Listeners> listeners_;
  std::optional<asio::signal_set> signals_;
  std::optional<asio::steady_timer> drain_timer_;
  std::chrono::steady_clock::time_point deadline_;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options, std::shared_ptr<const api::Router> router) {
  for (const auto& l : options.listeners) {
    if (l.mode != TlsMode::kPlain && !options.tls) {
      return Status::FailedPrecondition("listener " + l.bind + ":" + std::to_string(l.port) +
                                        " uses TLS but no certificate is configured");
    }
  }
  platform::IgnoreBrokenPipe();
  auto impl = std::make_unique<Impl>(std::move(options), std::move(router));
  PV_RETURN_IF_ERROR(impl->Bind());
  return std::make_unique<Server>(std::move(impl));
}

void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }
void Server::OnReload(std::function<void()> callback) { impl_->on_reload = std::move(callback); }
void Server::OnShutdown(std::function<void()> callback) { impl_->on_shutdown = std::move(callback); }
void Server::Post(std::function<void()> task) { impl_->Post(std::move(task), false); }
std::vector<uint16_t> Server::ports() const { return impl_->ports(); }
void Server::PostForTesting(std::function<void()> task, bool on_pool) { impl_->Post(std::move(task), on_pool); }

}  // namespace provisiond::net

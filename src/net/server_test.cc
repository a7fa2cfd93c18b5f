// The server over real loopback sockets: exceptions never end the process,
// bodies a route does not take are not read, per-client cap, upload minimum
// rate, response header checks, shutdown while connections come and go.
#include "net/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "api/problem.h"
#include "base/metrics.h"
#include "net/server_metrics.h"
#include "net/server_state.h"

namespace provisiond::net {
namespace {

// A client socket with a receive timeout (so a broken server fails the
// test instead of hanging it).
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{15, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Everything until the server closes (or the timeout: then "TIMEOUT" is appended).
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return out;
      if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? out + "TIMEOUT" : out;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  // What one recv() returns; "" on close, error or timeout.
  std::string ReadSome() {
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }
  // One response with a Content-Length body, the connection left open.
  std::string ReadResponse() {
    std::string out;
    char buf[4096];
    for (;;) {
      size_t end = out.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t cl = out.find("Content-Length: ");
        size_t len = cl == std::string::npos ? 0 : std::stoul(out.substr(cl + 16));
        if (out.size() >= end + 4 + len) return out;
      }
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(response.substr(9, 3));
}

// A server on an ephemeral loopback port, run on its own thread.
class Running {
 public:
  Running(std::shared_ptr<api::Router> router, ServerOptions o = {}) {
    o.listeners = {ListenerOptions{"127.0.0.1", 0, TlsMode::kPlain}};
    if (o.threads == 0) o.threads = 2;
    auto s = Server::Create(std::move(o), std::move(router));
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    port_ = server_->ports()[0];
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~Running() {
    server_->Stop();
    thread_.join();
  }
  uint16_t port() const { return port_; }
  Server& server() { return *server_; }

 private:
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::thread thread_;
};

std::string Get(uint16_t port, const std::string& path) {
  Client c(port);
  c.Send("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  return c.ReadAll();
}

class ThrowingSink : public api::BodySink {
 public:
  Status Append(std::string_view) override { throw std::runtime_error("sink append exploded"); }
};

// Records what reached it and whether it was destroyed (temp file removed).
struct SinkProbe {
  std::atomic<uint64_t> bytes{0};
  std::atomic<bool> destroyed{false};
  std::atomic<bool> completed{false};
};
class ProbeSink : public api::BodySink {
 public:
  explicit ProbeSink(std::shared_ptr<SinkProbe> p) : p_(std::move(p)) {}
  ~ProbeSink() override { p_->destroyed = true; }
  Status Append(std::string_view chunk) override {
    p_->bytes += chunk.size();
    return Status::Ok();
  }

 private:
  std::shared_ptr<SinkProbe> p_;
};

std::shared_ptr<api::Router> ThrowingRouter() {
  auto r = std::make_shared<api::Router>();
  r->AllowEveryoneForTesting();
  r->Add("GET", "/ok", [](api::Request&) { return api::Response::Text(200, "ok"); });
  r->Add("GET", "/throw", [](api::Request&) -> api::Response { throw std::runtime_error("handler exploded"); });
  api::RouteOptions blocking;
  blocking.blocking = true;
  r->Add("GET", "/throw-blocking", [](api::Request&) -> api::Response { throw std::logic_error("pool exploded"); },
         blocking);
  api::RouteOptions admin;
  admin.group = api::RouteGroup::kAdmin;
  r->Add("GET", "/admin", [](api::Request&) { return api::Response::Text(200, "let through"); }, admin);
  r->AddAccessCheck(api::RouteGroup::kAdmin, [](api::Request&, const api::Route&) -> std::optional<api::Response> {
    throw std::runtime_error("access check exploded");
  });
  api::RouteOptions open_throws;
  open_throws.blocking = true;
  open_throws.open_body_sink = [](api::Request&) -> Result<std::shared_ptr<api::BodySink>> {
    throw std::runtime_error("sink open exploded");
  };
  r->Add("PUT", "/upload-open", [](api::Request&) { return api::Response::Text(201, "stored"); }, open_throws);
  api::RouteOptions append_throws;
  append_throws.blocking = true;
  append_throws.open_body_sink = [](api::Request&) -> Result<std::shared_ptr<api::BodySink>> {
    return std::shared_ptr<api::BodySink>(std::make_shared<ThrowingSink>());
  };
  r->Add("PUT", "/upload-append", [](api::Request&) { return api::Response::Text(201, "stored"); }, append_throws);
  return r;
}

TEST(Server, ExceptionsFromEveryLayerAre500AndServingGoesOn) {
  Running s(ThrowingRouter());
  struct Case {
    const char* name;
    std::string request;
  } cases[] = {
      {"handler", "GET /throw HTTP/1.1\r\nHost: t\r\n\r\n"},
      {"handler on the worker pool", "GET /throw-blocking HTTP/1.1\r\nHost: t\r\n\r\n"},
      {"access check", "GET /admin HTTP/1.1\r\nHost: t\r\n\r\n"},
      {"sink open", "PUT /upload-open HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"},
      {"sink append", "PUT /upload-append HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Client client(s.port());
    ASSERT_TRUE(client.Send(c.request));
    std::string res = client.ReadResponse();
    EXPECT_EQ(StatusOf(res), 500) << res;
    EXPECT_EQ(res.find("let through"), std::string::npos);
    EXPECT_EQ(StatusOf(Get(s.port(), "/ok")), 200);
  }
}

TEST(Server, ThrowingTaskOnIoThreadOrPoolDoesNotEndTheProcess) {
  ServerOptions o;
  o.threads = 1;  // the one I/O thread must survive
  Running s(ThrowingRouter(), o);
  for (bool on_pool : {false, true}) {
    SCOPED_TRACE(on_pool ? "pool" : "io thread");
    auto ran = std::make_shared<std::atomic<bool>>(false);
    s.server().PostForTesting(
        [ran] {
          ran->store(true);
          throw std::runtime_error("posted task exploded");
        },
        on_pool);
    while (!ran->load()) std::this_thread::yield();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(StatusOf(Get(s.port(), "/ok")), 200);
  }
}

// systemd hears STOPPING=1 from this hook: it must run once per stop, and
// while the port is still bound (the stop has begun, not ended).
TEST(Server, OnShutdownRunsOnceWhenTheStopBeginsWithTheListenerStillOpen) {
  ServerOptions o;
  o.listeners = {ListenerOptions{"127.0.0.1", 0, TlsMode::kPlain}};
  o.threads = 1;
  auto s = Server::Create(std::move(o), std::make_shared<api::Router>());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const uint16_t port = (*s)->ports()[0];
  std::atomic<int> calls{0};
  std::atomic<bool> listening{false};
  (*s)->OnShutdown([&] {
    ++calls;
    listening = Client(port).connected();
  });
  (*s)->Stop();
  (*s)->Stop();  // a second stop (a second SIGTERM) does not call it again
  std::thread runner([&] { (*s)->Run(); });
  runner.join();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_TRUE(listening.load());
  EXPECT_FALSE(Client(port).connected());  // after the stop: closed
}

TEST(Server, ResponseHeaderWithCrLfOrNulIs500NeverASplitResponse) {
  auto r = std::make_shared<api::Router>();
  r->AllowEveryoneForTesting();
  r->Add("GET", "/crlf", [](api::Request&) {
    auto res = api::Response::Text(200, "body");
    res.headers.Add("Location", "/x\r\nSet-Cookie: stolen=1");
    return res;
  });
  r->Add("GET", "/lf", [](api::Request&) {
    auto res = api::Response::Text(200, "body");
    res.headers.Add("X-A", "a\nSet-Cookie: stolen=1");
    return res;
  });
  r->Add("GET", "/nul", [](api::Request&) {
    auto res = api::Response::Text(200, "body");
    res.headers.Add("X-A", std::string("a\0b", 3));
    return res;
  });
  Running s(r);
  for (const char* path : {"/crlf", "/lf", "/nul"}) {
    SCOPED_TRACE(path);
    std::string res = Get(s.port(), path);
    EXPECT_EQ(StatusOf(res), 500) << res;
    EXPECT_EQ(res.find("stolen"), std::string::npos);
  }
}

TEST(CheckResponseHeaders, NamesTheBadHeader) {
  api::Headers ok;
  ok.Add("Content-Type", "text/plain");
  EXPECT_TRUE(CheckResponseHeaders(ok).ok());
  api::Headers bad;
  bad.Add("X-Good", "1");
  bad.Add("X-Bad", "a\rb");
  Status s = CheckResponseHeaders(bad);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("X-Bad"), std::string::npos) << s.ToString();
  api::Headers bad_name;
  bad_name.Add("X\nY", "1");
  EXPECT_FALSE(CheckResponseHeaders(bad_name).ok());
}

std::shared_ptr<api::Router> BodyRouter(std::shared_ptr<SinkProbe> probe = nullptr) {
  auto r = std::make_shared<api::Router>();
  r->AllowEveryoneForTesting();
  r->Add("GET", "/healthz", [](api::Request& req) { return api::Response::Text(200, "body=" + req.body); });
  r->Add("POST", "/echo", [](api::Request& req) { return api::Response::Text(200, "echo=" + req.body); });
  api::RouteOptions upload;
  upload.blocking = true;
  upload.open_body_sink = [probe](api::Request&) -> Result<std::shared_ptr<api::BodySink>> {
    return std::shared_ptr<api::BodySink>(std::make_shared<ProbeSink>(probe));
  };
  r->Add("PUT", "/upload", [probe](api::Request&) {
    probe->completed = true;
    return api::Response::Text(201, "stored");
  }, upload);
  return r;
}

// The header announces 1 MiB (under the 8 MiB limit) but no body byte is
// sent: the answer can only come if the server does not wait for the body.
TEST(Server, BodyOfUnknownOrBodylessRouteIsNotReadBeforeAnswering) {
  Running s(BodyRouter());
  struct Case {
    const char* name;
    std::string head;
    int status;
  } cases[] = {
      {"unknown path", "POST /nowhere HTTP/1.1\r\nHost: t\r\nContent-Length: 1048576\r\n\r\n", 404},
      {"GET route", "GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 1048576\r\n\r\n", 200},
      {"chunked to a GET route", "GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 200},
      {"wrong method", "DELETE /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1048576\r\n\r\n", 405},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Client client(s.port());
    ASSERT_TRUE(client.Send(c.head));
    std::string res = client.ReadResponse();
    EXPECT_EQ(StatusOf(res), c.status) << res;
    EXPECT_NE(res.find("Connection: close"), std::string::npos) << res;  // the body is drained, not kept
    EXPECT_EQ(res.find("body=ab"), std::string::npos);
  }
}

// Deny before the body: a refused caller's 1 MiB body is never waited for
// (no byte of it is sent), and a security header rides on every answer.
TEST(Server, AccessIsDecidedBeforeTheBodyIsRead) {
  auto r = std::make_shared<api::Router>();
  auto read = std::make_shared<std::atomic<int>>(0);
  api::RouteOptions admin;
  admin.group = api::RouteGroup::kAdmin;
  admin.permission = api::Permission::kAdmin;
  r->Add("POST", "/admin/echo", [read](api::Request& req) {
    ++*read;
    return api::Response::Text(200, "echo=" + req.body);
  }, admin);
  r->AddAccessCheck(api::RouteGroup::kAdmin, [](api::Request& req, const api::Route&) -> std::optional<api::Response> {
    if (req.headers.Get("X-Key") == std::optional<std::string_view>("k")) return std::nullopt;
    return api::Problem(401, "key needed");
  });
  Running s(r);
  {
    Client client(s.port());
    ASSERT_TRUE(client.Send("POST /admin/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1048576\r\n\r\n"));
    std::string res = client.ReadResponse();
    EXPECT_EQ(StatusOf(res), 401) << res;
    EXPECT_NE(res.find("X-Content-Type-Options: nosniff"), std::string::npos) << res;
  }
  Client client(s.port());
  ASSERT_TRUE(client.Send("POST /admin/echo HTTP/1.1\r\nHost: t\r\nX-Key: k\r\nContent-Length: 2\r\n\r\nhi"));
  std::string res = client.ReadResponse();
  EXPECT_EQ(StatusOf(res), 200) << res;
  EXPECT_NE(res.find("echo=hi"), std::string::npos) << res;
  EXPECT_EQ(read->load(), 1);
}

TEST(Server, RouteThatTakesABodyStillGetsItAndKeepsTheConnection) {
  Running s(BodyRouter());
  Client client(s.port());
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
  std::string first = client.ReadResponse();
  EXPECT_EQ(StatusOf(first), 200) << first;
  EXPECT_NE(first.find("echo=hello"), std::string::npos) << first;
  ASSERT_TRUE(client.Send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(StatusOf(client.ReadResponse()), 200);
}

TEST(Server, PerClientConnectionCapAnswers503) {
  ServerOptions o;
  o.max_connections_per_client = 2;
  Running s(BodyRouter(), o);
  Client a(s.port()), b(s.port());
  ASSERT_TRUE(a.connected() && b.connected());
  // a and b are accepted first (one acceptor, in order); keep them open.
  ASSERT_TRUE(a.Send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_EQ(StatusOf(a.ReadResponse()), 200);
  Client c(s.port());
  std::string refused = c.ReadAll();
  EXPECT_EQ(StatusOf(refused), 503) << refused;
  EXPECT_NE(refused.find("from your address"), std::string::npos) << refused;
  // b, within the cap, is served.
  ASSERT_TRUE(b.Send("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(StatusOf(b.ReadAll()), 200);
}

TEST(Server, TrickleUploadIsClosedAndItsSinkDestroyed) {
  auto probe = std::make_shared<SinkProbe>();
  ServerOptions o;
  o.upload_min_rate = 1000;  // bytes/s
  o.upload_rate_window = std::chrono::milliseconds(200);
  Running s(BodyRouter(probe), o);
  Client client(s.port());
  ASSERT_TRUE(client.Send("PUT /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\nx"));
  std::string res = client.ReadAll();  // the server closes: no answer, no timeout
  EXPECT_EQ(res, "");
  while (!probe->destroyed.load()) std::this_thread::yield();
  EXPECT_FALSE(probe->completed.load());
}

TEST(Server, FastUploadPassesTheRateGuard) {
  auto probe = std::make_shared<SinkProbe>();
  ServerOptions o;
  o.upload_min_rate = 1000;
  o.upload_rate_window = std::chrono::milliseconds(200);
  Running s(BodyRouter(probe), o);
  Client client(s.port());
  std::string body(300'000, 'b');
  ASSERT_TRUE(client.Send("PUT /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 300000\r\n\r\n" + body));
  std::string res = client.ReadResponse();
  EXPECT_EQ(StatusOf(res), 201) << res;
  EXPECT_EQ(probe->bytes.load(), 300'000u);
}

// Shutdown while connections open and close on every thread: the registry
// must never touch a session being destroyed (run under ASan and TSan, see
// tools/test.sh). Three kinds of client race the stop: open-and-close,
// one request per connection, and keep-alive connections left idle, which
// only the stop itself can end.
TEST(Server, ShutdownWhileConnectionsComeAndGo) {
  ServerOptions o;
  o.threads = 3;
  o.shutdown_grace = std::chrono::milliseconds(2000);
  auto router = BodyRouter();
  auto s = Server::Create(o, router);
  ASSERT_TRUE(s.ok());
  auto port = (*s)->ports()[0];
  std::thread runner([&] { (*s)->Run(); });
  std::atomic<bool> stop{false};
  std::atomic<int> served{0};
  std::atomic<int> idle_open{0}, idle_closed_by_server{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        Client c(port);
        if (!c.connected()) continue;
        if ((i + t) % 3 == 0) continue;  // open and close at once
        if (!c.Send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")) continue;
        if ((i + t) % 3 == 1 && StatusOf(c.ReadResponse()) == 200) ++served;
      }
    });
  }
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      Client c(port);
      if (!c.connected() || !c.Send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")) return;
      if (StatusOf(c.ReadResponse()) != 200) return;
      ++idle_open;
      // Idle on a keep-alive connection: the stop must close it (EOF), not
      // the 15 s receive timeout.
      if (c.ReadAll().find("TIMEOUT") == std::string::npos) ++idle_closed_by_server;
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((served.load() < 200 || idle_open.load() < 4) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  EXPECT_EQ(idle_open.load(), 4) << "an idle client got no first answer";
  (*s)->Stop();
  runner.join();  // Run returned: every thread done
  stop = true;
  for (auto& c : clients) c.join();
  EXPECT_GE(served.load(), 200);
  EXPECT_EQ(idle_closed_by_server.load(), 4);
}

// A stream body that records what the session told it and lets the test write.
class ProbeStream : public api::StreamBody {
 public:
  void Open(std::shared_ptr<api::StreamSink> sink) override {
    std::lock_guard lock(mu);
    this->sink = std::move(sink);
    cv.notify_all();
  }
  void Closed() override {
    std::lock_guard lock(mu);
    closed = true;
    cv.notify_all();
  }
  std::shared_ptr<api::StreamSink> WaitOpen() {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return sink != nullptr; });
    return sink;
  }
  bool WaitClosed() {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return closed; });
  }
  std::mutex mu;
  std::condition_variable cv;
  std::shared_ptr<api::StreamSink> sink;
  bool closed = false;
};

std::shared_ptr<api::Router> StreamRouter(std::shared_ptr<ProbeStream> probe) {
  auto router = std::make_shared<api::Router>();
  router->Add("GET", "/stream", [probe](api::Request&) {
    api::Response r;
    r.headers.Add("Content-Type", "text/event-stream");
    r.stream = probe;
    return r;
  }, {api::RouteGroup::kPublic, api::Permission::kAnyone, "test stream"});
  router->Add("GET", "/healthz", [](api::Request&) { return api::Response::Text(200, "ok"); },
              {api::RouteGroup::kPublic, api::Permission::kAnyone, "ok"});
  return router;
}

TEST(Server, StreamingBodyIsWrittenFromAnyThreadWithHeartbeatsAndEndsOnClientClose) {
  auto probe = std::make_shared<ProbeStream>();
  probe->heartbeat_interval = std::chrono::milliseconds(50);
  Running server(StreamRouter(probe));
  auto c = std::make_unique<Client>(server.port());
  ASSERT_TRUE(c->Send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto sink = probe->WaitOpen();
  ASSERT_NE(sink, nullptr);
  std::thread writer([sink] {
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(sink->Write("data: " + std::to_string(i) + "\n\n"));
  });
  writer.join();
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((got.find("data: 2") == std::string::npos || got.find(": heartbeat") == std::string::npos) &&
         std::chrono::steady_clock::now() < deadline) {
    std::string piece = c->ReadSome();
    if (piece.empty()) break;
    got += piece;
  }
  EXPECT_EQ(StatusOf(got), 200) << got;
  EXPECT_NE(got.find("Cache-Control: no-cache"), std::string::npos);
  EXPECT_EQ(got.find("Content-Length"), std::string::npos);
  EXPECT_LT(got.find("data: 0"), got.find("data: 2"));
  EXPECT_NE(got.find(": heartbeat"), std::string::npos) << "no heartbeat within 10 s";
  c.reset();  // the client leaves
  EXPECT_TRUE(probe->WaitClosed());
  EXPECT_FALSE(sink->Write("late\n\n"));
}

TEST(Server, StopEndsOpenStreamsAtOnce) {
  auto probe = std::make_shared<ProbeStream>();
  ServerOptions o;
  o.shutdown_grace = std::chrono::milliseconds(20000);
  auto running = std::make_unique<Running>(StreamRouter(probe), o);
  Client c(running->port());
  ASSERT_TRUE(c.Send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_NE(probe->WaitOpen(), nullptr);
  auto t0 = std::chrono::steady_clock::now();
  running.reset();  // Stop + join: must not wait out the 20 s grace for the stream
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_TRUE(probe->closed);
  EXPECT_EQ(c.ReadAll().find("TIMEOUT"), std::string::npos);
}

TEST(SessionRegistry, SkipsSessionsAlreadyGone) {
  struct Counting : SessionBase {
    explicit Counting(SessionRegistry* r, int* stops) : r_(r), stops_(stops) {}
    ~Counting() override { r_->Remove(this); }
    void OnServerStop() override { ++*stops_; }
    SessionRegistry* r_;
    int* stops_;
  };
  SessionRegistry reg;
  int stops = 0;
  auto a = std::make_shared<Counting>(&reg, &stops);
  auto b = std::make_shared<Counting>(&reg, &stops);
  reg.Add(a);
  reg.Add(b);
  EXPECT_EQ(reg.size(), 2u);
  b.reset();
  EXPECT_EQ(reg.size(), 1u);
  reg.StopAll();
  EXPECT_EQ(stops, 1);
}

TEST(ClientCounter, RefusesOverTheLimitPerAddress) {
  ClientCounter c;
  EXPECT_TRUE(c.TryAdd("10.0.0.1", 2));
  EXPECT_TRUE(c.TryAdd("10.0.0.1", 2));
  EXPECT_FALSE(c.TryAdd("10.0.0.1", 2));
  EXPECT_TRUE(c.TryAdd("10.0.0.2", 2));  // another address has its own count
  c.Remove("10.0.0.1");
  EXPECT_TRUE(c.TryAdd("10.0.0.1", 2));
  EXPECT_EQ(c.Count("10.0.0.1"), 2u);
  EXPECT_TRUE(c.TryAdd("10.0.0.3", 0));  // 0: no limit
}

}  // namespace
}  // namespace provisiond::net

namespace provisiond::net {
namespace {

// The value of the exposition line `series`, or -1 when there is none.
double SeriesValue(const std::string& text, const std::string& series) {
  size_t p = text.find("\n" + series + " ");
  if (p == std::string::npos) return -1;
  return std::stod(text.substr(p + series.size() + 2));
}

TEST(ServerMetrics, CountsAnswersByRoutePatternAndContentBytes) {
  auto router = std::make_shared<api::Router>();
  router->AllowEveryoneForTesting();
  router->Add("GET", "/hello/{name}", [](api::Request&) { return api::Response::Text(200, "hi"); });
  api::RouteOptions content;
  content.group = api::RouteGroup::kContent;
  router->Add("GET", "/file/{*rest}", [](api::Request&) { return api::Response::Text(200, std::string(1000, 'x')); },
              content);
  auto registry = std::make_shared<metrics::Registry>();
  ServerOptions o;
  o.metrics = registry;
  Running s(router, o);
  // Connection: close: the server counts an answer before it closes, so
  // each count below is in place once the client has read to the end.
  EXPECT_EQ(StatusOf(Get(s.port(), "/hello/a")), 200);
  EXPECT_EQ(StatusOf(Get(s.port(), "/hello/b?x=1")), 200);
  EXPECT_EQ(StatusOf(Get(s.port(), "/nope/at/all")), 404);
  EXPECT_EQ(StatusOf(Get(s.port(), "/file/a/b.bin")), 200);
  {
    Client c(s.port());
    c.Send("HEAD /file/a/b.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(StatusOf(c.ReadAll()), 200);
  }
  {
    Client c(s.port());
    c.Send("BREW /hello/a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(StatusOf(c.ReadAll()), 405);
  }
  ASSERT_TRUE(registry->status().ok()) << registry->status().ToString();
  std::string text = registry->Expose();
  EXPECT_EQ(SeriesValue(text, R"(provisiond_http_requests_total{route="/hello/{name}",method="GET",code="200"})"), 2)
      << text;
  EXPECT_EQ(SeriesValue(text, R"(provisiond_http_requests_total{route="unmatched",method="GET",code="404"})"), 1);
  EXPECT_EQ(SeriesValue(text, R"(provisiond_http_requests_total{route="unmatched",method="other",code="405"})"), 1);
  EXPECT_EQ(SeriesValue(text, R"(provisiond_http_requests_total{route="/file/{*rest}",method="GET",code="200"})"), 2);
  EXPECT_EQ(text.find("/hello/a"), std::string::npos);  // never the raw path
  EXPECT_EQ(SeriesValue(text, R"(provisiond_http_request_duration_seconds_count{route="/hello/{name}",method="GET"})"),
            2);
  // The GET's body only: the HEAD sent none.
  EXPECT_EQ(SeriesValue(text, "provisiond_content_bytes_served_total"), 1000);
  EXPECT_NE(text.find("\nprovisiond_open_connections "), std::string::npos);
}

TEST(ServerMetrics, LabelsOutsideTheKnownSetsAreOther) {
  EXPECT_EQ(MethodLabel("GET"), "GET");
  EXPECT_EQ(MethodLabel("BREW"), "other");
  EXPECT_EQ(TlsVersionLabel("TLSv1.3"), "TLSv1.3");
  EXPECT_EQ(TlsVersionLabel(""), "unknown");
  EXPECT_EQ(TlsVersionLabel("SSLv3"), "other");
}

}  // namespace
}  // namespace provisiond::net

// Beast/Asio server. TLS uses asio::ssl::stream directly: in Boost 1.81 the
// buffered async_handshake of beast::ssl_stream has a wrong constraint.
// One io_context per thread: a session lives on one
// thread for its whole life, so it needs no strand and no mutex. Listeners
// accept on their own context and hand sockets out round-robin.
#include "net/server.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "api/problem.h"
#include "base/log.h"
#include "base/strings.h"
#include "net/proxy.h"
#include "net/request_target.h"
#include "platform/process.h"
#include "platform/sendfile.h"

namespace provisiond::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

namespace {

constexpr size_t kFileChunk = 256 * 1024;  // copy path (TLS): one read + write
// Lingering close after an answer that left a request body unread.
constexpr std::chrono::seconds kLingerIdle{5};
constexpr std::chrono::seconds kLingerTotal{30};
// A streamed request body reaches its sink in chunks of up to this much:
// one disk write per chunk, and the memory one upload holds.
constexpr size_t kSinkChunk = 1024 * 1024;
// Zero-copy path: bytes one connection may send before letting the others on
// its thread run (nginx's sendfile_max_chunk default too). Measured with
// bench/content_bench.sh on loopback: 8 MiB turns made one download 0.8-0.9x
// nginx (the receiver falls behind a sender that never pauses); 1-2 MiB gave
// 1.0-1.4x, and 2 MiB kept 64 concurrent downloads at 1.05-1.1x.
constexpr uint64_t kSendTurnBytes = 2 * 1024 * 1024;

// Errors that only mean "the peer went away": not worth a warning.
bool IsBenign(const error_code& ec) {
  return ec == asio::error::operation_aborted || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == http::error::end_of_stream || ec == ssl::error::stream_truncated ||
         ec == beast::error::timeout;
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

}  // namespace

// Shared by every session; outlives them (sessions hold a shared_ptr).
struct ServerState {
  ServerOptions options;
  std::shared_ptr<const api::Router> router;
  std::atomic<uint64_t> connections{0};
  std::atomic<bool> stopping{false};
  std::unique_ptr<asio::thread_pool> blocking_pool;  // routes marked blocking

  std::mutex mu;
  std::unordered_set<class SessionBase*> sessions;  // guarded by mu
};

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Server is stopping: close if idle, else after the current response.
  virtual void OnServerStop() = 0;
};

namespace {

void Register(ServerState& st, SessionBase* s) {
  std::lock_guard lock(st.mu);
  st.sessions.insert(s);
}
void Unregister(ServerState& st, SessionBase* s) {
  std::lock_guard lock(st.mu);
  st.sessions.erase(s);
}

// Counts a connection for its whole life (accept to close).
class ConnectionSlot {
 public:
  explicit ConnectionSlot(std::shared_ptr<ServerState> st) : st_(std::move(st)) {}
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { st_->connections.fetch_sub(1, std::memory_order_relaxed); }

 private:
  std::shared_ptr<ServerState> st_;
};

// The HTTP/1.1 request loop over any stream, CRTP as in Beast's examples.
template <class Derived>
class HttpSession : public SessionBase {
 public:
  HttpSession(std::shared_ptr<ServerState> st, std::unique_ptr<ConnectionSlot> slot,
              beast::flat_buffer buffer, api::ConnectionInfo conn)
      : st_(std::move(st)), slot_(std::move(slot)), buffer_(std::move(buffer)), conn_(std::move(conn)) {}

  ~HttpSession() override { Unregister(*st_, this); }

  void Start() {
    Register(*st_, this);
    ReadHeader(st_->options.header_timeout);
  }

  void OnServerStop() override {
    asio::post(Stream().get_executor(), [self = Self()] {
      self->close_after_response_ = true;
      if (self->waiting_header_ && self->buffer_.size() == 0 && !self->parser_->got_some()) {
        self->CloseNow();
      }
    });
  }

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }
  auto& Stream() { return derived().stream(); }
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(Stream()); }
  std::shared_ptr<Derived> Self() { return derived().shared_from_this(); }

  void CloseNow() {
    error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().socket().close(ec);
  }

  // Starts reading the next request's header with a deadline. A timer of
  // our own, not the stream's expiry: that would close the socket, and a
  // slow client is owed a 408.
  void ReadHeader(std::chrono::milliseconds timeout) {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(st_->options.max_header_bytes));
    parser_->body_limit(boost::none);  // checked per route once the header is in
    waiting_header_ = true;
    header_timed_out_ = false;
    Lowest().expires_never();
    timer_.emplace(Stream().get_executor());
    timer_->expires_after(timeout);
    timer_->async_wait([weak = std::weak_ptr<Derived>(Self())](error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) {
        self->header_timed_out_ = true;
        error_code ignored;
        self->Lowest().socket().cancel(ignored);
      }
    });
    http::async_read_header(Stream(), buffer_, *parser_,
                            [self = Self()](error_code e, size_t) { self->OnHeader(e); });
  }

  void OnHeader(error_code ec) {
    waiting_header_ = false;
    timer_->cancel();
    started_ = std::chrono::steady_clock::now();
    if (header_timed_out_) {
      // Nothing at all since the last response: a quiet keep-alive close.
      if (buffer_.size() == 0 && !parser_->got_some()) return CloseNow();
      return SendError(408, "request header not received within " +
                                std::to_string(st_->options.header_timeout.count()) + " ms");
    }
    if (ec == http::error::header_limit) {
      return SendError(431, "request header larger than " +
                                std::to_string(st_->options.max_header_bytes) + " bytes");
    }
    if (ec) {
      // The peer closed cleanly (TLS: its close_notify): answer in kind, so
      // the TLS session stays resumable.
      if (ec == http::error::end_of_stream || ec == asio::error::eof) return derived().Close();
      if (IsBenign(ec) || ec == asio::error::not_connected) return;
      return SendError(400, "malformed request: " + ec.message());
    }
    auto& req = parser_->get();
    request_.emplace();
    request_->method = std::string(req.method_string());
    request_->target = std::string(req.target());
    auto target = ParseTarget(request_->target);
    if (!target.ok()) return SendError(400, target.status().message());
    request_->path = std::move(target->path);
    request_->query = std::move(target->query);
    // Found once, with its params: the body limit, admission and dispatch use it.
    route_ = st_->router->Find(request_->method, request_->path, &request_->params);
    uint64_t limit = BodyLimit();
    if (auto len = parser_->content_length(); len && *len > limit) {
      return SendError(413, "request body of " + std::to_string(*len) + " bytes exceeds the limit of " +
                                std::to_string(limit) + " bytes");
    }
    parser_->body_limit(limit);
    expect_continue_ = beast::iequals(req[http::field::expect], "100-continue");
    if (route_ && route_->options.open_body_sink) return AdmitStreaming();
    if (parser_->is_done()) return Dispatch();
    ContinueThen([self = Self()] { self->ReadBody(); });
  }

  // Answers "Expect: 100-continue" (the client waits for it before sending
  // the body), then reads on.
  template <class Next>
  void ContinueThen(Next next) {
    if (!expect_continue_) return next();
    auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    Lowest().expires_after(st_->options.write_timeout);
    http::async_write(Stream(), *cont, [self = Self(), cont, next](error_code e, size_t) {
      if (e) return self->Fail(e, "write 100-continue");
      next();
    });
  }

  void ReadBody() {
    Lowest().expires_after(st_->options.body_timeout);
    http::async_read(Stream(), buffer_, *parser_, [self = Self()](error_code ec, size_t) {
      if (!self->BodyReadOk(ec)) return;
      self->Dispatch();
    });
  }

  // False (and the connection answered or closed) when a body read failed.
  bool BodyReadOk(error_code ec) {
    if (ec == http::error::need_buffer) ec = {};  // sink buffer full: not an error
    if (!ec) return true;
    if (ec == http::error::body_limit) {
      SendError(413, "request body exceeds the limit of " + std::to_string(BodyLimit()) + " bytes");
    } else if (ec == beast::error::timeout) {
      Fail(ec, "body read");  // the stream's expiry closed the socket
    } else if (!IsBenign(ec) && ec != http::error::partial_message) {  // partial: the client left
      SendError(400, "malformed request body: " + ec.message());
    }
    return false;
  }

  uint64_t BodyLimit() const {
    return route_ && route_->options.max_body_bytes ? route_->options.max_body_bytes
                                                    : st_->options.max_body_bytes;
  }

  // Everything of the request but its body, from the parsed header.
  void FillRequest() {
    auto& req = parser_->get();
    api::Request& r = *request_;
    r.connection = conn_;
    for (const auto& f : req) r.headers.Add(std::string(f.name_string()), std::string(f.value()));
    r.origin = ResolveOrigin(r.headers, r.connection, st_->options.trusted_proxies);
    r.request_id = NewRequestId();
    keep_alive_ = parser_->keep_alive() && !close_after_response_;
  }

  // 426 when plaintext is refused (RequireIncomingEncryption), else nullopt.
  std::optional<api::Response> RefusePlaintext() const {
    if (!st_->options.require_incoming_encryption || conn_.tls) return std::nullopt;
    return api::Problem(426, "this service requires TLS (RequireIncomingEncryption=1): "
                             "use https:// on the same port");
  }

  // Runs `work` (which returns a value) where the route may block: on the
  // worker pool for blocking routes, else right here. `then` gets the value
  // on this session's executor.
  template <class Work, class Then>
  void OffThread(Work work, Then then) {
    if (!(route_ && route_->options.blocking && st_->blocking_pool)) return then(work());
    asio::post(*st_->blocking_pool, [self = Self(), work = std::move(work), then = std::move(then)]() mutable {
      auto value = work();
      asio::post(self->Stream().get_executor(),
                 [value = std::move(value), then = std::move(then)]() mutable { then(std::move(value)); });
    });
  }

  void Dispatch() {
    FillRequest();
    request_->body = std::move(parser_->get().body());
    if (auto refused = RefusePlaintext()) return Send(std::move(*refused));
    OffThread([self = Self()] { return self->st_->router->Dispatch(*self->request_, self->route_); },
              [self = Self()](api::Response res) { self->Send(std::move(res)); });
  }

  // A streaming route (uploads): the access check and the sink come first,
  // so a refused or impossible upload is answered before its body is read;
  // the body then goes to the sink in chunks, never whole into memory.
  void AdmitStreaming() {
    FillRequest();
    if (auto refused = RefusePlaintext()) return SendRefusal(std::move(*refused));
    OffThread([self = Self()] { return self->st_->router->Admit(*self->request_, *self->route_); },
              [self = Self()](std::optional<api::Response> refused) {
                if (refused) return self->SendRefusal(std::move(*refused));
                self->sink_parser_.emplace(std::move(*self->parser_));
                self->sink_parser_->body_limit(self->BodyLimit());
                self->sink_buffer_.resize(kSinkChunk);
                self->sink_fill_ = 0;
                if (self->sink_parser_->is_done()) return self->FlushSink();
                self->ContinueThen([self] { self->ReadSinkChunk(); });
              });
  }

  // Answered before the whole body arrived (a refusal, a 413): the request's
  // header was parsed, its body was not all read.
  bool BodyUnread() const {
    if (sink_parser_) return !sink_parser_->is_done();
    return parser_ && parser_->is_header_done() && !parser_->is_done();
  }

  // Refused before its body was read: the unread body leaves the
  // connection unusable for another request.
  void SendRefusal(api::Response res) {
    keep_alive_ = false;
    Send(std::move(res));
  }

  void ReadSinkChunk() {
    auto& body = sink_parser_->get().body();
    body.data = sink_buffer_.data() + sink_fill_;
    body.size = sink_buffer_.size() - sink_fill_;
    body.more = true;
    Lowest().expires_after(st_->options.body_timeout);
    http::async_read_some(Stream(), buffer_, *sink_parser_, [self = Self()](error_code ec, size_t) {
      if (!self->BodyReadOk(ec)) return;
      self->sink_fill_ = self->sink_buffer_.size() - self->sink_parser_->get().body().size;
      if (self->sink_parser_->is_done() || self->sink_fill_ == self->sink_buffer_.size()) return self->FlushSink();
      self->ReadSinkChunk();
    });
  }

  // Hands the buffered chunk to the sink (on the pool: it writes to disk),
  // then reads on, or runs the route once the body is complete.
  void FlushSink() {
    std::string_view chunk(sink_buffer_.data(), sink_fill_);
    OffThread(
        [self = Self(), chunk] { return chunk.empty() ? Status::Ok() : self->st_->router->Feed(*self->request_, chunk); },
        [self = Self()](Status appended) {
          self->sink_fill_ = 0;
          if (!appended.ok()) return self->SendRefusal(api::ToProblem(appended));
          if (!self->sink_parser_->is_done()) return self->ReadSinkChunk();
          self->OffThread([self] { return self->st_->router->Run(*self->request_, *self->route_); },
                          [self](api::Response res) { self->Send(std::move(res)); });
        });
  }

  void SendError(int status, std::string detail) {
    keep_alive_ = false;
    if (!request_) request_.emplace();
    request_->request_id = NewRequestId();
    request_->origin.client_address = conn_.peer_address;
    LogWarning("request refused",
               {{"request_id", request_->request_id}, {"client", conn_.peer_address},
                {"status", std::to_string(status)}, {"reason", detail}});
    Send(api::Problem(status, detail));
  }

  void Send(api::Response res) {
    response_ = std::move(res);
    auto& r = *response_;
    bool head = r.head_only || (request_ && request_->method == "HEAD");
    uint64_t length = r.file ? r.file->length : r.body.size();
    if (r.file && r.file->fd < 0) {
      response_ = api::Problem(500, "file body without a descriptor");
      return Send(std::move(*response_));
    }
    auto header = std::make_shared<http::response<http::empty_body>>();
    header->version(11);
    header->result(static_cast<unsigned>(r.status));
    for (const auto& [k, v] : r.headers.items()) header->insert(k, v);
    if (request_ && !request_->request_id.empty()) header->set("X-Request-Id", request_->request_id);
    bool no_body_status = r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200);
    if (!no_body_status) header->content_length(length);
    header->keep_alive(keep_alive_);
    bytes_sent_ = 0;
    Lowest().expires_after(st_->options.write_timeout);
    if (head || no_body_status || length == 0) {
      return WriteHeaderThen(header, [self = Self()] { self->Finish(); });
    }
    if (!r.file) {
      // Header and body in one write.
      auto msg = std::make_shared<http::response<http::string_body>>(std::move(header->base()),
                                                                     std::move(r.body));
      return http::async_write(Stream(), *msg, [self = Self(), msg](error_code ec, size_t n) {
        self->bytes_sent_ = n;
        if (ec) return self->Fail(ec, "write");
        self->Finish();
      });
    }
    file_offset_ = r.file->offset;
    file_remaining_ = r.file->length;
    WriteHeaderThen(header, [self = Self()] { self->derived().SendFileBody(); });
  }

  template <class Next>
  void WriteHeaderThen(std::shared_ptr<http::response<http::empty_body>> header, Next next) {
    auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*header);
    http::async_write_header(Stream(), *sr,
                             [self = Self(), header, sr, next](error_code ec, size_t n) {
                               self->bytes_sent_ += n;
                               if (ec) return self->Fail(ec, "write header");
                               next();
                             });
  }

  // Portable file streaming: pread into a buffer, write, repeat.
  void SendFileByCopy() {
    if (file_remaining_ == 0) return Finish();
    size_t n = static_cast<size_t>(std::min<uint64_t>(file_remaining_, kFileChunk));
    chunk_.resize(n);
    long got = platform::ReadAt(response_->file->fd, chunk_.data(), n, file_offset_);
    if (got <= 0) return Fail(asio::error::eof, "file read");
    Lowest().expires_after(st_->options.write_timeout);
    asio::async_write(Stream(), asio::buffer(chunk_.data(), static_cast<size_t>(got)),
                      [self = Self()](error_code ec, size_t w) {
                        if (ec) return self->Fail(ec, "write file");
                        self->file_offset_ += w;
                        self->file_remaining_ -= w;
                        self->bytes_sent_ += w;
                        self->SendFileByCopy();
                      });
  }

  void Finish() {
    LogAccess();
    bool unread = BodyUnread();
    response_.reset();
    request_.reset();  // an unfinished upload's sink removes its temp file
    sink_parser_.reset();
    sink_buffer_ = {};
    route_ = nullptr;
    // TLS: Close() sends close_notify before the TCP FIN; a FIN first would
    // make the session look truncated and OpenSSL would drop it from the
    // resumption cache.
    if (!keep_alive_ || close_after_response_ || st_->stopping.load())
      return unread ? LingeringClose() : derived().Close();
    ReadHeader(st_->options.idle_timeout);
  }

  // A client may still be sending the body of a request we refused (a 413,
  // a 409 for an upload without Expect: 100-continue). Closing with unread
  // data makes the kernel send a reset, which can destroy our answer before
  // the client reads it. So, as nginx does: stop sending, read and drop
  // input until the client closes, pauses for kLingerIdle, or kLingerTotal.
  void LingeringClose() {
    derived().StopSending();
    linger_until_ = std::chrono::steady_clock::now() + kLingerTotal;
    DiscardInput();
  }

  void DiscardInput() {
    auto left = linger_until_ - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return CloseNow();
    Lowest().expires_after(std::min<std::chrono::steady_clock::duration>(left, kLingerIdle));
    chunk_.resize(64 * 1024);
    Stream().async_read_some(asio::buffer(chunk_), [self = Self()](error_code ec, size_t) {
      if (ec) return self->CloseNow();  // the client closed, or it paused too long
      self->DiscardInput();
    });
  }

  void LogAccess() {
    if (!LogEnabled(LogLevel::kInfo) || !request_) return;
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    char lat[32];
    std::snprintf(lat, sizeof lat, "%.3f", ms);
    Log(LogLevel::kInfo, "access",
        {{"request_id", request_->request_id},
         {"client", request_->origin.client_address.empty() ? conn_.peer_address
                                                            : request_->origin.client_address},
         {"method", request_->method},
         {"path", request_->path},
         {"status", std::to_string(response_ ? response_->status : 0)},
         {"bytes", std::to_string(bytes_sent_)},
         {"latency_ms", lat},
         {"tls", conn_.tls ? "1" : "0"}});
  }

  void Fail(error_code ec, const char* what) {
    if (!IsBenign(ec)) LogWarning("connection error", {{"op", what}, {"error", ec.message()}, {"client", conn_.peer_address}});
    if (response_) LogAccess();
    CloseNow();
  }

  std::shared_ptr<ServerState> st_;
  std::unique_ptr<ConnectionSlot> slot_;
  beast::flat_buffer buffer_;
  api::ConnectionInfo conn_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<http::buffer_body>> sink_parser_;  // streaming routes
  std::vector<char> sink_buffer_;
  size_t sink_fill_ = 0;
  std::optional<asio::steady_timer> timer_;
  std::optional<api::Request> request_;
  std::optional<api::Response> response_;
  const api::Route* route_ = nullptr;
  std::vector<char> chunk_;
  uint64_t file_offset_ = 0;
  uint64_t file_remaining_ = 0;
  uint64_t bytes_sent_ = 0;
  std::chrono::steady_clock::time_point started_;
  bool keep_alive_ = true;
  bool waiting_header_ = false;
  bool header_timed_out_ = false;
  bool close_after_response_ = false;
  bool expect_continue_ = false;
  std::chrono::steady_clock::time_point linger_until_;
};

class PlainSession : public HttpSession<PlainSession>, public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(beast::tcp_stream&& stream, std::shared_ptr<ServerState> st,
               std::unique_ptr<ConnectionSlot> slot, beast::flat_buffer buffer, api::ConnectionInfo conn)
      : HttpSession(std::move(st), std::move(slot), std::move(buffer), std::move(conn)),
        stream_(std::move(stream)) {}
  beast::tcp_stream& stream() { return stream_; }
  void Close() { CloseNow(); }
  // Lingering close: the FIN tells the client its answer is complete.
  void StopSending() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  // Zero-copy: the kernel moves file pages to the socket. Sends until the
  // socket buffer is full (then waits for writability) or until a turn's
  // byte budget is spent (then posts itself, so other connections on this
  // thread get their turn). Posting is cheap; waiting for writability after
  // every chunk cost ~20% throughput.
  void SendFileBody() {
    auto& sock = stream_.socket();
    error_code ec;
    if (!sock.non_blocking()) sock.non_blocking(true, ec);  // one ioctl, not one per turn
    uint64_t budget = kSendTurnBytes;
    while (file_remaining_ > 0) {
      if (budget == 0) {
        return asio::post(stream_.get_executor(), [self = shared_from_this()] { self->SendFileBody(); });
      }
      auto r = platform::SendFile(sock.native_handle(), response_->file->fd, file_offset_,
                                  std::min(file_remaining_, budget));
      if (r.error) return Fail(error_code(r.error, boost::system::system_category()), "sendfile");
      file_offset_ += r.sent;
      file_remaining_ -= r.sent;
      bytes_sent_ += r.sent;
      budget -= r.sent;
      if (r.would_block) return WaitWritable();
    }
    Finish();
  }

 private:
  // Resumes SendFileBody() once the socket takes more. The stream's expiry
  // covers only its own read/write operations, not a bare async_wait, so the
  // write timeout is a timer of our own: a client that stops reading is
  // closed instead of holding the connection forever.
  void WaitWritable() {
    timer_->expires_after(st_->options.write_timeout);
    timer_->async_wait([weak = weak_from_this()](error_code ec) {
      if (ec) return;
      auto self = weak.lock();
      // A stale expiry (the wait finished and a new one was armed) is not a timeout.
      if (self && self->timer_->expiry() <= std::chrono::steady_clock::now()) {
        LogWarning("client took no data within the write timeout, closing",
                   {{"client", self->conn_.peer_address},
                    {"write_timeout_ms", std::to_string(self->st_->options.write_timeout.count())}});
        error_code ignored;
        self->stream_.socket().cancel(ignored);
      }
    });
    stream_.socket().async_wait(tcp::socket::wait_write, [self = shared_from_this()](error_code e) {
      self->timer_->cancel();
      if (e) return self->Fail(e, "sendfile wait");
      self->SendFileBody();
    });
  }

  beast::tcp_stream stream_;
};

class TlsSession : public HttpSession<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  TlsSession(beast::tcp_stream&& stream, ssl::context& ctx, std::shared_ptr<ssl::context> ctx_owner,
             std::shared_ptr<ServerState> st, std::unique_ptr<ConnectionSlot> slot,
             beast::flat_buffer buffer, api::ConnectionInfo conn)
      : HttpSession(std::move(st), std::move(slot), std::move(buffer), std::move(conn)),
        ctx_(std::move(ctx_owner)),
        stream_(std::move(stream), ctx) {}
  asio::ssl::stream<beast::tcp_stream>& stream() { return stream_; }

  void Handshake() {
    Register(*st_, this);
    beast::get_lowest_layer(stream_).expires_after(st_->options.header_timeout);
    stream_.async_handshake(ssl::stream_base::server, buffer_.data(),
                            [self = shared_from_this()](error_code ec, size_t used) {
                              if (ec) {
                                LogDebug("TLS handshake failed", {{"client", self->conn_.peer_address},
                                                                  {"error", ec.message()}});
                                return self->CloseNow();
                              }
                              self->buffer_.consume(used);
                              SSL* s = self->stream_.native_handle();
                              self->conn_.tls = true;
                              self->conn_.tls_version = SSL_get_version(s);
                              self->conn_.tls_cipher = SSL_get_cipher_name(s);
                              self->ReadHeader(self->st_->options.header_timeout);
                            });
  }

  void SendFileBody() { SendFileByCopy(); }
  // Lingering close: close_notify would end our reading too; the answer
  // carried "Connection: close", so the client closes when it has read it.
  void StopSending() {}

  void Close() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](error_code) { self->CloseNow(); });
  }

 private:
  std::shared_ptr<ssl::context> ctx_;  // keeps a reloaded-away context alive
  asio::ssl::stream<beast::tcp_stream> stream_;
};

// Mode 2: peek at the first bytes; a ClientHello goes to TLS, anything else
// to plaintext. Modes 0 and 1 skip the peek.
class DetectSession : public std::enable_shared_from_this<DetectSession> {
 public:
  DetectSession(tcp::socket socket, std::shared_ptr<ServerState> st, std::unique_ptr<ConnectionSlot> slot,
                TlsMode mode, uint16_t local_port)
      : stream_(std::move(socket)), st_(std::move(st)), slot_(std::move(slot)), mode_(mode) {
    error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      auto addr = ep.address();
      if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
      conn_.peer_address = addr.to_string();
      conn_.peer_port = ep.port();
    }
    conn_.local_port = local_port;
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }

  void Run() {
    switch (mode_) {
      case TlsMode::kPlain: return StartPlain();
      case TlsMode::kTls: return StartTls();
      case TlsMode::kBoth: break;
    }
    stream_.expires_after(st_->options.header_timeout);
    beast::async_detect_ssl(stream_, buffer_, [self = shared_from_this()](error_code ec, bool is_tls) {
      if (ec) return;  // closed or timed out before a byte: nothing to answer
      is_tls ? self->StartTls() : self->StartPlain();
    });
  }

 private:
  void StartPlain() {
    std::make_shared<PlainSession>(std::move(stream_), st_, std::move(slot_), std::move(buffer_), conn_)->Start();
  }

  void StartTls() {
    auto ctx = st_->options.tls ? st_->options.tls() : nullptr;
    if (!ctx) {
      LogError("TLS connection refused: no certificate loaded", {{"client", conn_.peer_address}});
      error_code ec;
      stream_.socket().close(ec);
      return;
    }
    auto& ref = *ctx;
    std::make_shared<TlsSession>(std::move(stream_), ref, std::move(ctx), st_, std::move(slot_),
                                 std::move(buffer_), conn_)
        ->Handshake();
  }

  beast::tcp_stream stream_;
  std::shared_ptr<ServerState> st_;
  std::unique_ptr<ConnectionSlot> slot_;
  TlsMode mode_;
  beast::flat_buffer buffer_;
  api::ConnectionInfo conn_;
};

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, std::shared_ptr<const api::Router> router) {
    st_ = std::make_shared<ServerState>();
    st_->options = std::move(options);
    st_->router = std::move(router);
    int n = st_->options.threads > 0 ? st_->options.threads
                                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i) {
      contexts_.push_back(std::make_unique<asio::io_context>(1));
      guards_.emplace_back(asio::make_work_guard(*contexts_.back()));
    }
    st_->blocking_pool = std::make_unique<asio::thread_pool>(std::max(2, n));
    signals_.emplace(*contexts_[0], SIGINT, SIGTERM);
#ifdef SIGHUP
    signals_->add(SIGHUP);
#endif
  }

  Status Bind() {
    for (const auto& l : st_->options.listeners) {
      error_code ec;
      auto addr = asio::ip::make_address(l.bind, ec);
      if (ec) return Status::InvalidArgument("listener address '" + l.bind + "' is not an IP address");
      tcp::endpoint ep(addr, l.port);
      auto acc = std::make_unique<tcp::acceptor>(*contexts_[0]);
      acc->open(ep.protocol(), ec);
      if (!ec) acc->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acc->bind(ep, ec);
      if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        return Status::IoError(l.bind + ":" + std::to_string(l.port), ec.message() +
                               " (is another service on this port? set WS_PORT or --port)");
      }
      ports_.push_back(acc->local_endpoint().port());
      modes_.push_back(l.mode);
      acceptors_.push_back(std::move(acc));
    }
    return Status::Ok();
  }

  void Run() {
    for (size_t i = 0; i < acceptors_.size(); ++i) Accept(i);
    WaitSignal();
    std::vector<std::thread> threads;
    for (size_t i = 1; i < contexts_.size(); ++i) threads.emplace_back([this, i] { contexts_[i]->run(); });
    contexts_[0]->run();
    for (auto& t : threads) t.join();
    st_->blocking_pool->join();
  }

  void Stop() {
    asio::post(*contexts_[0], [this] { BeginShutdown(); });
  }

  std::vector<uint16_t> ports() const { return ports_; }
  std::function<void()> on_reload;

 private:
  void WaitSignal() {
    signals_->async_wait([this](error_code ec, int sig) {
      if (ec) return;
#ifdef SIGHUP
      if (sig == SIGHUP) {
        LogInfo("SIGHUP: reloading");
        if (on_reload) on_reload();
        return WaitSignal();
      }
#endif
      LogInfo("signal received, stopping", {{"signal", std::to_string(sig)}});
      BeginShutdown();
    });
  }

  void Accept(size_t i) {
    auto& ioc = *contexts_[next_++ % contexts_.size()];
    acceptors_[i]->async_accept(ioc, [this, i](error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted) return;
        LogWarning("accept failed", {{"error", ec.message()}});
        if (!st_->stopping) Accept(i);
        return;
      }
      OnAccepted(std::move(socket), i);
      if (!st_->stopping) Accept(i);
    });
  }

  void OnAccepted(tcp::socket socket, size_t i) {
    uint64_t n = st_->connections.fetch_add(1, std::memory_order_relaxed) + 1;
    auto slot = std::make_unique<ConnectionSlot>(st_);
    if (n > st_->options.max_connections) {
      LogWarning("connection limit reached, answering 503",
                 {{"limit", std::to_string(st_->options.max_connections)}});
      auto sock = std::make_shared<tcp::socket>(std::move(socket));
      const std::string body =
          "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,"
          "\"detail\":\"too many connections; retry later\"}";
      auto msg = std::make_shared<std::string>(
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
          "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body);
      asio::async_write(*sock, asio::buffer(*msg), [sock, msg, slot = std::move(slot)](error_code, size_t) {
        error_code ec;
        sock->shutdown(tcp::socket::shutdown_both, ec);
        sock->close(ec);
      });
      return;
    }
    auto port = ports_[i];
    auto mode = modes_[i];
    auto st = st_;
    // Hand over to the socket's own context before touching it further.
    auto ex = socket.get_executor();
    asio::post(ex, [socket = std::move(socket), st, slot = std::move(slot), mode, port]() mutable {
      std::make_shared<DetectSession>(std::move(socket), st, std::move(slot), mode, port)->Run();
    });
  }

  void BeginShutdown() {
    if (st_->stopping.exchange(true)) return;
    error_code ec;
    for (auto& a : acceptors_) a->close(ec);
    signals_->cancel(ec);
    {
      std::lock_guard lock(st_->mu);
      for (auto* s : st_->sessions) s->OnServerStop();
    }
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
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::vector<uint16_t> ports_;
  std::vector<TlsMode> modes_;
  std::optional<asio::signal_set> signals_;
  std::optional<asio::steady_timer> drain_timer_;
  std::chrono::steady_clock::time_point deadline_;
  size_t next_ = 0;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options,
                                               std::shared_ptr<const api::Router> router) {
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
std::vector<uint16_t> Server::ports() const { return impl_->ports(); }

}  // namespace provisiond::net

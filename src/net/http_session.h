// The HTTP/1.1 request loop over any stream (CRTP, as in Beast's examples):
// read a header with a deadline, choose the route once, read or skip the
// body, dispatch (on the worker pool for blocking routes), write the answer,
// then keep the connection alive or close it. Bodies, uploads and lingering
// close are in body_stream.h, file bodies in file_send.h; this header
// includes both. Derived supplies stream(), Close(), StopSending() and
// SendFileBody(). A session lives on one io_context thread: no mutex.
// Only net/listener.cc includes this (Beast is slow to compile).
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api/problem.h"
#include "base/log.h"
#include "net/proxy.h"
#include "net/request_target.h"
#include "net/server_metrics.h"
#include "net/server_state.h"

namespace provisiond::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

// Lingering close after an answer that left a request body unread.
inline constexpr std::chrono::seconds kLingerIdle{5};
inline constexpr std::chrono::seconds kLingerTotal{30};
inline constexpr size_t kLingerChunk = 64 * 1024;
// A streamed request body reaches its sink in chunks of up to this much:
// one disk write per chunk, and the memory one upload holds.
inline constexpr size_t kSinkChunk = 1024 * 1024;

// Errors that only mean "the peer went away": not worth a warning.
inline bool IsBenign(const error_code& ec) {
  return ec == asio::error::operation_aborted || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == http::error::end_of_stream || ec == ssl::error::stream_truncated ||
         ec == beast::error::timeout;
}

// True if `route` reads a request body: it streams one, declares a limit, or
// its method carries one. GET, HEAD, DELETE and OPTIONS routes do not: a
// body sent to them is never read into memory.
inline bool RouteTakesBody(const api::Route& route) {
  if (route.options.open_body_sink || route.options.max_body_bytes > 0) return true;
  return !(route.method == "GET" || route.method == "HEAD" || route.method == "DELETE" ||
           route.method == "OPTIONS");
}

template <class Session>
class ZeroCopySender;
template <class Derived>
class SessionStreamSink;

template <class Derived>
class HttpSession : public SessionBase {
 public:
  HttpSession(std::shared_ptr<ServerState> st, std::unique_ptr<ConnectionSlot> slot,
              beast::flat_buffer buffer, api::ConnectionInfo conn)
      : st_(std::move(st)), slot_(std::move(slot)), buffer_(std::move(buffer)), conn_(std::move(conn)) {}

  ~HttpSession() override { st_->sessions.Remove(this); }

  void Start() {
    st_->sessions.Add(Self());
    ReadHeader(st_->options.header_timeout);
  }

  void OnServerStop() override {
    asio::post(Stream().get_executor(), [self = Self()] {
      self->close_after_response_ = true;
      if (self->streaming_) return self->EndStream();
      if (self->waiting_header_ && self->buffer_.size() == 0 && self->parser_ && !self->parser_->got_some()) {
        self->CloseNow();
      }
    });
  }

 protected:
  template <class>
  friend class ZeroCopySender;

  Derived& derived() { return static_cast<Derived&>(*this); }
  auto& Stream() { return derived().stream(); }
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(Stream()); }
  std::shared_ptr<Derived> Self() { return derived().shared_from_this(); }
  const std::string& RequestId() const {
    static const std::string kNone;
    return request_ ? request_->request_id : kNone;
  }

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
    keep_alive_ = true;
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
    if (!route_ || !RouteTakesBody(*route_)) {
      // Unknown route, or one without a body: answered without reading the
      // body (no 100-continue); an unread body means a lingering close.
      if (!parser_->is_done()) keep_alive_ = false;
      if (auto refused = Authorize()) return Send(std::move(*refused));
      return Dispatch();
    }
    // Who may send a body is decided before a byte of it is read.
    if (auto refused = Authorize()) return SendRefusal(std::move(*refused));
    uint64_t limit = BodyLimit();
    if (auto len = parser_->content_length(); len && *len > limit) {
      return SendError(413, "request body of " + std::to_string(*len) + " bytes exceeds the limit of " +
                                std::to_string(limit) + " bytes");
    }
    parser_->body_limit(limit);
    expect_continue_ = beast::iequals(req[http::field::expect], "100-continue");
    if (route_->options.open_body_sink) return AdmitStreaming();
    if (parser_->is_done()) return Dispatch();
    ContinueThen([self = Self()] { self->ReadBody(); });
  }

  // Everything of the request but its body, from the parsed header. Once.
  void FillRequest() {
    if (filled_) return;
    filled_ = true;
    auto& req = parser_->get();
    api::Request& r = *request_;
    r.connection = conn_;
    for (const auto& f : req) r.headers.Add(std::string(f.name_string()), std::string(f.value()));
    r.origin = ResolveOrigin(r.headers, r.connection, st_->options.trusted_proxies);
    r.request_id = NewRequestId();
    keep_alive_ = keep_alive_ && parser_->keep_alive() && !close_after_response_;
  }

  // 426 when plaintext is refused (RequireIncomingEncryption), else nullopt.
  std::optional<api::Response> RefusePlaintext() const {
    if (!st_->options.require_incoming_encryption || conn_.tls) return std::nullopt;
    return api::Problem(426, "this service requires TLS (RequireIncomingEncryption=1): "
                             "use https:// on the same port");
  }

  // Runs `work` (which returns a value) where the route may block: on the
  // worker pool for blocking routes, else right here. `then` gets the value
  // on this session's executor. An exception from `work` is logged with the
  // request id and answered 500; it never reaches a pool or I/O thread.
  template <class Work, class Then>
  void OffThread(Work work, Then then) {
    if (!(route_ && route_->options.blocking && st_->blocking_pool)) {
      std::optional<decltype(work())> value;
      if (!RunGuarded("route", RequestId(), [&] { value.emplace(work()); })) return SendInternalError();
      return then(std::move(*value));
    }
    asio::post(*st_->blocking_pool, [self = Self(), work = std::move(work), then = std::move(then)]() mutable {
      std::optional<decltype(work())> value;
      bool ok = RunGuarded("worker pool", self->RequestId(), [&] { value.emplace(work()); });
      asio::post(self->Stream().get_executor(),
                 [self, ok, value = std::move(value), then = std::move(then)]() mutable {
                   if (!ok) return self->SendInternalError();
                   then(std::move(*value));
                 });
    });
  }

  // The plaintext refusal and the route's access decision (Router::Authorize),
  // after the header and before the body. The checks keep their state in
  // memory (they never wait on a disk or a database): run right here.
  std::optional<api::Response> Authorize() {
    FillRequest();
    if (auto refused = RefusePlaintext()) return refused;
    if (!route_) return std::nullopt;
    return st_->router->Authorize(*request_, *route_);
  }

  // Runs the authorized route (or answers 404/405 for none).
  void Dispatch() {
    FillRequest();
    if (parser_->is_done()) request_->body = std::move(parser_->get().body());
    if (!route_) return Send(st_->router->Dispatch(*request_, nullptr));
    OffThread([self = Self()] { return self->st_->router->Run(*self->request_, *self->route_); },
              [self = Self()](api::Response res) { self->Send(std::move(res)); });
  }

  void SendInternalError() {
    keep_alive_ = false;
    Send(api::Problem(500, "internal error (request id " + RequestId() + "); see the server log"));
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
    if (r.file && r.file->fd < 0) return Send(api::Problem(500, "file body without a descriptor"));
    if (Status headers_ok = CheckResponseHeaders(r.headers); !headers_ok.ok()) {
      // A header with CR/LF would split the response: a route's bug, never sent.
      LogError("response refused", {{"request_id", RequestId()}, {"error", headers_ok.message()}});
      keep_alive_ = false;
      return Send(api::Problem(500, "internal error (request id " + RequestId() + "): invalid response header"));
    }
    AddSecurityHeaders(r);
    bool head = r.head_only || (request_ && request_->method == "HEAD");
    uint64_t length = r.file ? r.file->length : r.body.size();
    auto header = std::make_shared<http::response<http::empty_body>>();
    header->version(11);
    header->result(static_cast<unsigned>(r.status));
    for (const auto& [k, v] : r.headers.items()) header->insert(k, v);
    if (request_ && !request_->request_id.empty()) header->set("X-Request-Id", request_->request_id);
    bool no_body_status = r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200);
    if (r.stream && !head && !no_body_status) {
      // The body runs until the connection closes: no length, no keep-alive;
      // proxies must pass it on as it comes (nginx: X-Accel-Buffering).
      keep_alive_ = false;
      header->keep_alive(false);
      header->set("Cache-Control", "no-cache");
      header->set("X-Accel-Buffering", "no");
      Lowest().expires_after(st_->options.write_timeout);
      return WriteHeaderThen(header, [self = Self()] { self->StartStream(); });
    }
    if (!no_body_status) header->content_length(length);
    header->keep_alive(keep_alive_);
    bytes_sent_ = 0;
    body_sent_ = 0;
    Lowest().expires_after(st_->options.write_timeout);
    if (head || no_body_status || length == 0) {
      return WriteHeaderThen(header, [self = Self()] { self->Finish(); });
    }
    if (!r.file) {
      // Header and body in one write.
      auto msg = std::make_shared<http::response<http::string_body>>(std::move(header->base()),
                                                                     std::move(r.body));
      return http::async_write(Stream(), *msg, [self = Self(), msg, length](error_code ec, size_t n) {
        self->bytes_sent_ = n;
        if (ec) return self->Fail(ec, "write");
        self->body_sent_ = length;
        self->Finish();
      });
    }
    file_offset_ = r.file->offset;
    file_remaining_ = r.file->length;
    WriteHeaderThen(header, [self = Self()] { self->derived().SendFileBody(); });
  }

  // On every answer, whatever produced it; a route may set its own first.
  void AddSecurityHeaders(api::Response& r) const {
    auto set_default = [&r](std::string_view name, std::string value) {
      if (!r.headers.Get(name)) r.headers.Add(std::string(name), std::move(value));
    };
    set_default("X-Content-Type-Options", "nosniff");
    set_default("Referrer-Policy", "same-origin");
    set_default("X-Frame-Options", "DENY");
    auto type = r.headers.Get("Content-Type");
    if (type && type->starts_with("text/html"))
      set_default("Content-Security-Policy",
                  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
    bool https = conn_.tls || (request_ && request_->origin.scheme == "https");
    if (https && st_->options.hsts_max_age_s > 0)
      set_default("Strict-Transport-Security", "max-age=" + std::to_string(st_->options.hsts_max_age_s));
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

  // The response is out: log it, drop the request, then wait for the next
  // one (keep-alive) or close.
  void Finish() {
    LogAccess();
    RecordMetrics();
    bool unread = BodyUnread();
    response_.reset();
    request_.reset();  // an unfinished upload's sink removes its temp file
    sink_parser_.reset();
    sink_buffer_ = {};
    rate_timer_.reset();
    route_ = nullptr;
    filled_ = false;
    // TLS: Close() sends close_notify before the TCP FIN; a FIN first would
    // make the session look truncated and OpenSSL would drop it from the
    // resumption cache.
    if (!keep_alive_ || close_after_response_ || st_->stopping.load())
      return unread ? LingeringClose() : derived().Close();
    ReadHeader(st_->options.idle_timeout);
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

  // The answer's metrics (nothing when the server counts none).
  void RecordMetrics() {
    if (!st_->metrics || !response_) return;
    static const std::string kNone;
    st_->metrics->OnResponse(route_, request_ ? request_->method : kNone, response_->status, started_, body_sent_);
  }

  void Fail(error_code ec, const char* what) {
    if (!IsBenign(ec)) LogWarning("connection error", {{"op", what}, {"error", ec.message()}, {"client", conn_.peer_address}});
    if (response_) {
      LogAccess();
      RecordMetrics();
    }
    CloseNow();
  }

  // body_stream.h
  template <class Next>
  void ContinueThen(Next next);
  void ReadBody();
  bool BodyReadOk(error_code ec);
  uint64_t BodyLimit() const;
  void AdmitStreaming();
  bool BodyUnread() const;
  void SendRefusal(api::Response res);
  void ReadSinkChunk();
  void FlushSink();
  void StartRateGuard();
  void CheckRate();
  void LingeringClose();
  void DiscardInput();
  // file_send.h
  void SendFileByCopy();
  // stream_send.h
  template <class>
  friend class SessionStreamSink;
  void StartStream();
  void ArmHeartbeat();
  void QueueStream(std::string text);
  void WriteNextStream();
  void EndStream();

  std::shared_ptr<ServerState> st_;
  std::unique_ptr<ConnectionSlot> slot_;
  beast::flat_buffer buffer_;
  api::ConnectionInfo conn_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<http::buffer_body>> sink_parser_;  // streaming routes
  std::vector<char> sink_buffer_;
  size_t sink_fill_ = 0;
  bool sink_flushing_ = false;              // a chunk is on its way to the sink (disk)
  uint64_t window_bytes_ = 0;               // body bytes since the rate window began
  std::optional<asio::steady_timer> rate_timer_;
  std::optional<asio::steady_timer> timer_;
  std::optional<api::Request> request_;
  std::optional<api::Response> response_;
  const api::Route* route_ = nullptr;
  std::vector<char> chunk_;
  uint64_t file_offset_ = 0;
  uint64_t file_remaining_ = 0;
  uint64_t bytes_sent_ = 0;
  uint64_t body_sent_ = 0;  // of bytes_sent_, the body's
  std::chrono::steady_clock::time_point started_;
  bool keep_alive_ = true;
  bool filled_ = false;  // FillRequest ran for this request
  bool waiting_header_ = false;
  bool header_timed_out_ = false;
  bool close_after_response_ = false;
  bool expect_continue_ = false;
  std::chrono::steady_clock::time_point linger_until_;
  // Streaming responses (stream_send.h).
  bool streaming_ = false;
  bool stream_ended_ = false;
  bool stream_writing_ = false;
  size_t stream_backlog_ = 0;
  std::deque<std::string> stream_queue_;
  std::optional<asio::steady_timer> stream_timer_;
  std::shared_ptr<SessionStreamSink<Derived>> stream_sink_;
  char stream_probe_[1];
};

}  // namespace provisiond::net

#include "net/body_stream.h"
#include "net/file_send.h"
#include "net/stream_send.h"

// Accept and TLS detection, and the two session types (the only file that
// instantiates the Beast session templates). TLS uses asio::ssl::stream
// directly: in Boost 1.81 the buffered async_handshake of
// beast::ssl_stream has a wrong constraint. One io_context per thread: a
// session lives on one thread for its whole life, so it needs no strand and
// no mutex. Listeners accept on their own context and hand sockets out
// round-robin.
#include "net/listener.h"

#include <boost/beast/ssl.hpp>

#include "net/http_session.h"

namespace provisiond::net {
namespace {

// Read-ahead room beyond the header limit in a connection's input buffer
// (one read of Beast's default size).
constexpr size_t kInputSlack = 64 * 1024;

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
  void SendFileBody() { ZeroCopySender<PlainSession>::Send(shared_from_this()); }

 private:
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
    st_->sessions.Add(shared_from_this());
    beast::get_lowest_layer(stream_).expires_after(st_->options.header_timeout);
    stream_.async_handshake(ssl::stream_base::server, buffer_.data(),
                            [self = shared_from_this()](error_code ec, size_t used) {
                              SSL* s = self->stream_.native_handle();
                              if (self->st_->metrics) self->st_->metrics->OnTlsHandshake(SSL_get_version(s), !ec);
                              if (ec) {
                                LogDebug("TLS handshake failed", {{"client", self->conn_.peer_address},
                                                                  {"error", ec.message()}});
                                return self->CloseNow();
                              }
                              self->buffer_.consume(used);
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
                TlsMode mode, api::ConnectionInfo conn)
      : stream_(std::move(socket)), st_(std::move(st)), slot_(std::move(slot)), mode_(mode), conn_(std::move(conn)) {
    error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    // Unparsed input per connection: a header, or a chunk header whose
    // extensions never end, cannot grow it past this (400 instead).
    buffer_.max_size(st_->options.max_header_bytes + kInputSlack);
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

// The socket's peer as text (IPv4-mapped IPv6 shown as IPv4), or "" if the
// peer already left.
api::ConnectionInfo PeerOf(const tcp::socket& socket, uint16_t local_port) {
  api::ConnectionInfo conn;
  error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (!ec) {
    auto addr = ep.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    conn.peer_address = addr.to_string();
    conn.peer_port = ep.port();
  }
  conn.local_port = local_port;
  return conn;
}

// Answers 503 on a raw socket and closes it; `slot` is released after.
void Refuse503(tcp::socket socket, std::unique_ptr<ConnectionSlot> slot, const std::string& detail) {
  auto sock = std::make_shared<tcp::socket>(std::move(socket));
  const std::string body = "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,"
                           "\"detail\":\"" + detail + "\"}";
  auto msg = std::make_shared<std::string>(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
      "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  asio::async_write(*sock, asio::buffer(*msg), [sock, msg, slot = std::move(slot)](error_code, size_t) {
    error_code ec;
    sock->shutdown(tcp::socket::shutdown_both, ec);
    sock->close(ec);
  });
}

}  // namespace

class Listeners::Impl {
 public:
  Impl(std::shared_ptr<ServerState> st, asio::io_context& accept_context, std::vector<asio::io_context*> contexts)
      : st_(std::move(st)), accept_context_(accept_context), contexts_(std::move(contexts)) {}

  Status Bind() {
    for (const auto& l : st_->options.listeners) {
      error_code ec;
      auto addr = asio::ip::make_address(l.bind, ec);
      if (ec) return Status::InvalidArgument("listener address '" + l.bind + "' is not an IP address");
      tcp::endpoint ep(addr, l.port);
      auto acc = std::make_unique<tcp::acceptor>(accept_context_);
      acc->open(ep.protocol(), ec);
      if (!ec) acc->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acc->bind(ep, ec);
      if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        return Status::IoError(l.bind + ":" + std::to_string(l.port),
                               ec.message() + " (is another service on this port? set WS_PORT or --port)");
      }
      ports_.push_back(acc->local_endpoint().port());
      modes_.push_back(l.mode);
      acceptors_.push_back(std::move(acc));
    }
    return Status::Ok();
  }

  void StartAccepting() {
    for (size_t i = 0; i < acceptors_.size(); ++i) Accept(i);
  }

  void Close() {
    error_code ec;
    for (auto& a : acceptors_) a->close(ec);
  }

  std::vector<uint16_t> ports() const { return ports_; }

 private:
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
    api::ConnectionInfo conn = PeerOf(socket, ports_[i]);
    const ServerOptions& o = st_->options;
    if (!st_->clients.TryAdd(conn.peer_address, o.max_connections_per_client)) {
      LogWarning("per-client connection limit reached, answering 503",
                 {{"client", conn.peer_address}, {"limit", std::to_string(o.max_connections_per_client)}});
      st_->connections.fetch_add(1, std::memory_order_relaxed);
      st_->clients.TryAdd(conn.peer_address, 0);  // the slot releases both counts
      return Refuse503(std::move(socket), std::make_unique<ConnectionSlot>(st_, conn.peer_address),
                       "too many connections from your address; retry later");
    }
    uint64_t n = st_->connections.fetch_add(1, std::memory_order_relaxed) + 1;
    auto slot = std::make_unique<ConnectionSlot>(st_, conn.peer_address);
    if (n > o.max_connections) {
      LogWarning("connection limit reached, answering 503", {{"limit", std::to_string(o.max_connections)}});
      return Refuse503(std::move(socket), std::move(slot), "too many connections; retry later");
    }
    auto mode = modes_[i];
    auto st = st_;
    // Hand over to the socket's own context before touching it further.
    auto ex = socket.get_executor();
    asio::post(ex, [socket = std::move(socket), st, slot = std::move(slot), mode, conn = std::move(conn)]() mutable {
      std::make_shared<DetectSession>(std::move(socket), st, std::move(slot), mode, std::move(conn))->Run();
    });
  }

  std::shared_ptr<ServerState> st_;
  asio::io_context& accept_context_;
  std::vector<asio::io_context*> contexts_;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::vector<uint16_t> ports_;
  std::vector<TlsMode> modes_;
  size_t next_ = 0;
};

Listeners::Listeners(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Listeners::~Listeners() = default;

Result<std::unique_ptr<Listeners>> Listeners::Bind(std::shared_ptr<ServerState> st,
                                                   asio::io_context& accept_context,
                                                   std::vector<asio::io_context*> contexts) {
  auto impl = std::make_unique<Impl>(std::move(st), accept_context, std::move(contexts));
  PV_RETURN_IF_ERROR(impl->Bind());
  return std::make_unique<Listeners>(std::move(impl));
}

void Listeners::StartAccepting() { impl_->StartAccepting(); }
void Listeners::Close() { impl_->Close(); }
std::vector<uint16_t> Listeners::ports() const { return impl_->ports(); }

}  // namespace provisiond::net

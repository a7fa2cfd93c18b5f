#include "net/outbound_http.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <optional>

#include "base/strings.h"

namespace provisiond::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct Target {
  bool tls = false;
  std::string host;  // without brackets
  std::string port;
  std::string path;  // origin-form: "/x?y"
  std::string host_header;
};

Result<Target> ParseTarget(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return Status::BadField("url", "'" + std::string(url) + "' is not an absolute URL");
  std::string scheme = ToLower(parsed->scheme());
  if (scheme != "http" && scheme != "https")
    return Status::BadField("url", "scheme '" + scheme + "' is not http or https");
  Target t;
  t.tls = scheme == "https";
  t.host = std::string(parsed->encoded_host_address());
  if (t.host.size() > 2 && t.host.front() == '[') t.host = t.host.substr(1, t.host.size() - 2);
  if (t.host.empty()) return Status::BadField("url", "'" + std::string(url) + "' has no host");
  t.port = parsed->has_port() ? std::string(parsed->port()) : (t.tls ? "443" : "80");
  t.path = std::string(parsed->encoded_target());
  if (t.path.empty() || t.path.front() != '/') t.path = "/" + t.path;
  t.host_header = std::string(parsed->encoded_host_and_port());
  return t;
}

bool IsIpAddress(const std::string& host) {
  boost::system::error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

// What went wrong, in words an admin can act on.
Status Failure(std::string_view step, const Target& t, const boost::system::error_code& ec, SSL* ssl) {
  std::string why = ec.message();
  if (ssl != nullptr) {
    long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) why = std::string("certificate not trusted: ") + X509_verify_cert_error_string(verify);
  }
  return Status::Unavailable(std::string(step) + " " + t.host + ":" + t.port + " failed: " + why);
}

class Call {
 public:
  Call(const api::OutboundRequest& req, const OutboundOptions& options, Target target)
      : req_(req), options_(options), t_(std::move(target)), ssl_ctx_(ssl::context::tls_client) {}

  Result<api::OutboundResponse> Run() {
    if (t_.tls) PV_RETURN_IF_ERROR(SetUpTls());
    asio::co_spawn(ioc_, Main(), [this](std::exception_ptr e) {
      if (e) out_ = Result<api::OutboundResponse>(Status::Internal("outbound request failed"));
    });
    ioc_.run_for(req_.timeout);
    if (!out_) {
      return Status::Unavailable(std::string(step_) + " " + t_.host + ":" + t_.port + " timed out after " +
                                 std::to_string(req_.timeout.count()) + " ms");
    }
    return std::move(*out_);
  }

 private:
  Status SetUpTls() {
    SSL_CTX_set_min_proto_version(ssl_ctx_.native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    if (options_.ca_file.empty()) ssl_ctx_.set_default_verify_paths(ec);
    else ssl_ctx_.load_verify_file(options_.ca_file, ec);
    if (ec) return Status::Unavailable("cannot load the trusted CA certificates: " + ec.message());
    ssl_ctx_.set_verify_mode(ssl::verify_peer);
    return Status::Ok();
  }

  asio::awaitable<void> Main() { out_ = co_await Exchange(); }

  asio::awaitable<Result<api::OutboundResponse>> Exchange() {
    boost::system::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    step_ = "resolving";
    tcp::resolver resolver(ioc_);
    auto endpoints = co_await resolver.async_resolve(t_.host, t_.port, token);
    if (ec) co_return Failure(step_, t_, ec, nullptr);
    step_ = "connecting to";
    beast::tcp_stream tcp_stream(ioc_);
    auto peer = co_await tcp_stream.async_connect(endpoints, token);
    if (ec) co_return Failure(step_, t_, ec, nullptr);
    api::OutboundResponse res;
    res.peer_address = peer.address().to_string();
    if (!t_.tls) co_return co_await Talk(tcp_stream, std::move(res));

    beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(tcp_stream), ssl_ctx_);
    if (!IsIpAddress(t_.host)) SSL_set_tlsext_host_name(tls_stream.native_handle(), t_.host.c_str());
    tls_stream.set_verify_callback(ssl::host_name_verification(t_.host));
    step_ = "TLS handshake with";
    co_await tls_stream.async_handshake(ssl::stream_base::client, token);
    if (ec) co_return Failure(step_, t_, ec, tls_stream.native_handle());
    res.tls_version = SSL_get_version(tls_stream.native_handle());
    co_return co_await Talk(tls_stream, std::move(res));
  }

  template <typename Stream>
  asio::awaitable<Result<api::OutboundResponse>> Talk(Stream& stream, api::OutboundResponse res) {
    boost::system::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    http::request<http::string_body> out{http::string_to_verb(req_.method), t_.path, 11};
    if (out.method() == http::verb::unknown) co_return Status::BadField("method", "unknown HTTP method " + req_.method);
    out.set(http::field::host, t_.host_header);
    out.set(http::field::user_agent, options_.user_agent);
    for (const auto& [name, value] : req_.headers.items()) out.set(name, value);
    out.body() = req_.body;
    out.prepare_payload();
    step_ = "sending to";
    co_await http::async_write(stream, out, token);
    if (ec) co_return Failure(step_, t_, ec, nullptr);

    step_ = "waiting for the answer of";
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(req_.max_body_bytes);
    if (out.method() == http::verb::head) parser.skip(true);
    if (req_.read_body && out.method() != http::verb::head) co_await http::async_read(stream, buffer, parser, token);
    else co_await http::async_read_header(stream, buffer, parser, token);
    if (ec == http::error::body_limit) {
      res.truncated = true;
      ec = {};
    }
    if (ec) co_return Failure(step_, t_, ec, nullptr);
    const auto& msg = parser.get();
    res.status = static_cast<int>(msg.result_int());
    res.reason = std::string(msg.reason());
    for (const auto& field : msg) res.headers.Add(std::string(field.name_string()), std::string(field.value()));
    if (req_.read_body) res.body = msg.body();
    co_return res;
  }

  const api::OutboundRequest& req_;
  const OutboundOptions& options_;
  Target t_;
  asio::io_context ioc_{1};
  ssl::context ssl_ctx_;
  const char* step_ = "resolving";
  std::optional<Result<api::OutboundResponse>> out_;
};

}  // namespace

api::OutboundHttp MakeOutboundHttp(OutboundOptions options) {
  return [options = std::move(options)](const api::OutboundRequest& req) -> Result<api::OutboundResponse> {
    PV_ASSIGN_OR_RETURN(Target target, ParseTarget(req.url));
    Call call(req, options, std::move(target));
    return call.Run();
  };
}

}  // namespace provisiond::net

// libFuzzer target for the HTTP request path up to the router: the bytes a
// client sends are parsed as the session parses them (Beast, the server's
// header limit), the target is split and decoded (ParseTarget) and the
// external origin is read from the proxy headers (ResolveOrigin), once from
// a trusted proxy and once from an untrusted peer. Checks what routes and
// the URLs they emit rely on; aborts on any breach. See doc/fuzzing.md.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/cidr.h"
#include "base/strings.h"
#include "net/proxy.h"
#include "net/request_target.h"
#include "net/server.h"

namespace {

using namespace std::string_view_literals;  // "...\0"sv keeps the NUL
namespace http = boost::beast::http;
using provisiond::CidrList;
using provisiond::IsValidUtf8;
namespace net = provisiond::net;
namespace api = provisiond::api;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "http_request_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

bool HasAny(std::string_view s, std::string_view chars) { return s.find_first_of(chars) != std::string_view::npos; }

void CheckTarget(const net::ParsedTarget& t) {
  if (t.path.empty() || t.path.front() != '/') Fail("path does not start with '/'", t.path);
  if (t.path.find('\0') != std::string::npos || HasAny(t.path, "\\")) Fail("path holds NUL or '\\'", t.path);
  if (!IsValidUtf8(t.path)) Fail("path is not UTF-8", t.path);
  for (size_t at = 0; (at = t.path.find("/..", at)) != std::string::npos; ++at) {
    char after = at + 3 < t.path.size() ? t.path[at + 3] : '/';
    if (after == '/') Fail("path holds a '..' segment", t.path);
  }
}

// What every emitted URL is built from: nothing in it may break a URL, a
// Location header or a script that embeds it.
void CheckOrigin(const api::ExternalOrigin& o, bool trusted, const std::string& peer) {
  if (o.scheme != "http" && o.scheme != "https") Fail("scheme", o.scheme);
  if (HasAny(o.host, "\r\n\t \"'<>/\\@?#%\0"sv)) Fail("host holds a URL-breaking character", o.host);
  if (!o.prefix.empty()) {
    if (o.prefix.front() != '/' || o.prefix.back() == '/') Fail("prefix shape", o.prefix);
    if (HasAny(o.prefix, "\r\n\t \"'<>\\?#\0"sv)) Fail("prefix holds a URL-breaking character", o.prefix);
    if (o.prefix.find("..") != std::string::npos || o.prefix.find("//") != std::string::npos) Fail("prefix", o.prefix);
  }
  if (!trusted) {
    if (!o.prefix.empty()) Fail("untrusted peer set a prefix", o.prefix);
    if (o.client_address != peer) Fail("untrusted peer set the client address", o.client_address);
  }
  std::string url = o.Url("/x");
  if (HasAny(url, "\r\n\0"sv)) Fail("URL holds CR, LF or NUL", url);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const CidrList trusted = *CidrList::Parse({"127.0.0.0/8", "::1/128"});
  const net::ServerOptions defaults;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<uint32_t>(defaults.max_header_bytes));
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  boost::asio::const_buffer in(data, size);
  while (in.size() > 0 && !parser.is_header_done()) {
    size_t used = parser.put(in, ec);
    if (ec || used == 0) break;
    in += used;
  }
  if (!parser.is_header_done()) return 0;
  const auto& req = parser.get();

  auto target = net::ParseTarget(req.target());
  if (target.ok()) CheckTarget(*target);
  else if (target.status().message().empty()) Fail("target refused without a reason", std::string(req.target()));

  api::Headers headers;
  for (const auto& f : req) headers.Add(std::string(f.name_string()), std::string(f.value()));
  for (const char* name : {"X-Forwarded-For", "X-Forwarded-Prefix", "X-Forwarded-Host", "Host"}) {
    auto joined = net::JoinedValue(headers, name);
    if (joined && !headers.Get(name)) Fail("joined value of an absent header", name);
  }
  for (bool from_proxy : {true, false}) {
    api::ConnectionInfo conn;
    conn.peer_address = from_proxy ? "127.0.0.1" : "192.0.2.7";
    conn.peer_port = 40000;
    conn.local_port = 12176;
    conn.tls = size % 2 == 0;
    CheckOrigin(net::ResolveOrigin(headers, conn, trusted), from_proxy, conn.peer_address);
  }
  return 0;
}

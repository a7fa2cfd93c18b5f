// Requests the service itself sends (a source check's HEAD; later, webhooks),
// as plain values. api/ only describes them: net/ sends them
// (net::MakeOutboundHttp) and the wiring hands that function down, so the
// routes that use it stay testable with a fake.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "api/http.h"
#include "base/status.h"

namespace provisiond::api {

struct OutboundRequest {
  std::string method = "GET";
  std::string url;  // absolute http:// or https:// URL
  Headers headers;  // Host, User-Agent and Content-Length are added
  std::string body;
  std::chrono::milliseconds timeout{5000};  // resolve + connect + TLS + answer, in all
  // false: only the status line and header are read (the connection is then
  // closed); HEAD never has a body.
  bool read_body = false;
  size_t max_body_bytes = 64 * 1024;  // a longer body is cut, and `truncated` says so
};

struct OutboundResponse {
  int status = 0;
  std::string reason;
  Headers headers;
  std::string body;
  bool truncated = false;
  std::string peer_address;  // the address connected to
  std::string tls_version;   // "TLSv1.3"; empty for http://
};

// Sends one request; redirects are answered, not followed. Errors:
// InvalidArgument (not an absolute http(s) URL), Unavailable (resolve,
// connect, TLS handshake or certificate verification failed, the peer hung
// up, or the timeout passed: the message says which). Blocks the caller.
using OutboundHttp = std::function<Result<OutboundResponse>(const OutboundRequest&)>;

}  // namespace provisiond::api

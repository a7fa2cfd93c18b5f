// The client half of net/: sends an api::OutboundRequest over HTTP or HTTPS
// (TLS 1.2 minimum, the peer's certificate verified against the system CA
// store or `ca_file`, its name checked). One connection per request, no
// redirects followed, no pooling: the callers (a source check, webhooks)
// send a few requests a minute, not thousands.
#pragma once

#include <string>

#include "api/outbound_http.h"

namespace provisiond::net {

struct OutboundOptions {
  std::string ca_file;  // PEM bundle to trust instead of the system store; "" = system
  std::string user_agent = "provisiond";
};

// A thread-safe sender: each call runs its own I/O context on the calling
// thread, bounded by the request's timeout.
api::OutboundHttp MakeOutboundHttp(OutboundOptions options);

}  // namespace provisiond::net

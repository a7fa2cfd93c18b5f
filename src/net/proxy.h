// Reverse-proxy awareness: the external scheme, host, port, prefix and client
// address of a request. X-Forwarded-* headers count only when the socket
// peer is a trusted proxy; from anyone else they are ignored.
#pragma once

#include "api/http.h"
#include "base/cidr.h"

namespace provisiond::net {

// `local_port` and `tls` describe the connection as accepted here.
// REQUIRES: request.connection filled in.
api::ExternalOrigin ResolveOrigin(const api::Headers& headers, const api::ConnectionInfo& connection,
                                  const CidrList& trusted_proxies);

// The client address from X-Forwarded-For: walking right to left, the first
// address that is not itself a trusted proxy (so a client cannot spoof it by
// sending its own X-Forwarded-For through the proxy).
std::string ClientFromForwardedFor(std::string_view xff, std::string_view peer,
                                   const CidrList& trusted_proxies);

// A prefix is kept only if it is a clean absolute path ("/provision"),
// without a trailing slash; anything else (a URL, "..", quotes) is dropped.
std::string SanitizePrefix(std::string_view prefix);

}  // namespace provisiond::net

// Reverse-proxy awareness: the external scheme, host, port, prefix and client
// address of a request. X-Forwarded-* headers count only when the socket
// peer is a trusted proxy; from anyone else they are ignored. Each header
// sent on several lines is read as one comma-joined list; proto, host, port
// and prefix take the list's last value (the nearest proxy's), the client
// address the rightmost hop that is not a trusted proxy. Forwarded
// (RFC 7239) is read too; X-Forwarded-* win where both are sent.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "base/cidr.h"

namespace provisiond::net {

// `local_port` and `tls` describe the connection as accepted here.
// REQUIRES: request.connection filled in.
api::ExternalOrigin ResolveOrigin(const api::Headers& headers, const api::ConnectionInfo& connection,
                                  const CidrList& trusted_proxies);

// Every line of header `name`, in order, joined with ", " (RFC 9110: a
// list header sent as several lines means one list), or nullopt if absent.
std::optional<std::string> JoinedValue(const api::Headers& headers, std::string_view name);

// The parts of an RFC 7239 Forwarded list that ResolveOrigin uses: every
// for= node in order (quotes, brackets and ports removed), and the last
// proto= and host= (the nearest proxy's).
struct ForwardedList {
  std::vector<std::string> for_nodes;
  std::string proto;
  std::string host;
};
ForwardedList ParseForwarded(std::string_view value);

// The client address from X-Forwarded-For: walking right to left, the first
// address that is not itself a trusted proxy (so a client cannot spoof it by
// sending its own X-Forwarded-For through the proxy).
std::string ClientFromForwardedFor(std::string_view xff, std::string_view peer,
                                   const CidrList& trusted_proxies);

// A prefix is kept only if it is a clean absolute path ("/provision"),
// without a trailing slash; anything else (a URL, "..", quotes) is dropped.
std::string SanitizePrefix(std::string_view prefix);

}  // namespace provisiond::net

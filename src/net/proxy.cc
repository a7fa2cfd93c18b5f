#include "net/proxy.h"

#include <charconv>

#include "base/strings.h"

namespace provisiond::net {
namespace {

// Last value of a comma-joined list: the one the nearest proxy (a trusted
// peer) added. Earlier values may come from the client itself.
std::string_view LastValue(std::string_view v) {
  size_t comma = v.rfind(',');
  return Trim(comma == std::string_view::npos ? v : v.substr(comma + 1));
}

// A Forwarded "for=" node without quotes, brackets or port:
// "\"[2001:db8::1]:4711\"" -> "2001:db8::1", "192.0.2.4:80" -> "192.0.2.4".
std::string ForwardedNode(std::string_view v) {
  v = Trim(v);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (!v.empty() && v.front() == '[') {
    size_t close = v.find(']');
    return std::string(close == std::string_view::npos ? v.substr(1) : v.substr(1, close - 1));
  }
  if (size_t colon = v.find(':'); colon != std::string_view::npos && v.find(':', colon + 1) == std::string_view::npos)
    v = v.substr(0, colon);
  return std::string(v);
}

std::string Unquote(std::string_view v) {
  v = Trim(v);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

bool ParsePort(std::string_view s, uint16_t* out) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v == 0 || v > 65535) return false;
  *out = static_cast<uint16_t>(v);
  return true;
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == ':' || c == '[' || c == ']' || c == '_';
}

// Splits "host:port" / "[v6]:port" / "host"; rejects characters that could
// break a URL or a header. Returns false if the host is unusable.
bool SplitHostPort(std::string_view hp, std::string* host, std::optional<uint16_t>* port) {
  hp = Trim(hp);
  if (hp.empty()) return false;
  for (char c : hp)
    if (!IsHostChar(c)) return false;
  if (hp.front() == '[') {
    size_t close = hp.find(']');
    if (close == std::string_view::npos) return false;
    *host = std::string(hp.substr(1, close - 1));
    std::string_view rest = hp.substr(close + 1);
    if (!rest.empty()) {
      uint16_t p;
      if (rest.front() != ':' || !ParsePort(rest.substr(1), &p)) return false;
      *port = p;
    }
    return true;
  }
  size_t colon = hp.rfind(':');
  if (colon != std::string_view::npos && hp.find(':') == colon) {
    uint16_t p;
    if (!ParsePort(hp.substr(colon + 1), &p)) return false;
    *port = p;
    *host = std::string(hp.substr(0, colon));
  } else {
    *host = std::string(hp);  // bare IPv6 without brackets is taken whole
  }
  return !host->empty();
}

}  // namespace

std::string SanitizePrefix(std::string_view prefix) {
  prefix = Trim(prefix);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty() || prefix.front() != '/') return {};
  for (char c : prefix) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    if (!ok) return {};
  }
  if (prefix.find("//") != std::string_view::npos || prefix.find("/./") != std::string_view::npos ||
      prefix.find("..") != std::string_view::npos)
    return {};
  return std::string(prefix);
}

std::string ClientFromForwardedFor(std::string_view xff, std::string_view peer,
                                   const CidrList& trusted_proxies) {
  std::vector<std::string> hops = SplitList(xff, ',');
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    std::array<uint8_t, 16> ignored;
    if (!ParseIpAddress(*it, &ignored)) break;  // garbage: stop trusting the chain
    if (!trusted_proxies.Contains(*it)) return *it;
    peer = *it;
  }
  return std::string(peer);
}

std::optional<std::string> JoinedValue(const api::Headers& headers, std::string_view name) {
  std::optional<std::string> joined;
  for (const auto& [k, v] : headers.items()) {
    if (!IEquals(k, name)) continue;
    if (joined) {
      *joined += ", ";
      *joined += v;
    } else {
      joined = v;
    }
  }
  return joined;
}

ForwardedList ParseForwarded(std::string_view value) {
  ForwardedList out;
  for (const std::string& element : SplitList(value, ',')) {
    for (const std::string& pair : SplitList(element, ';')) {
      size_t eq = pair.find('=');
      if (eq == std::string::npos) continue;
      std::string key = ToLower(Trim(std::string_view(pair).substr(0, eq)));
      std::string_view v = std::string_view(pair).substr(eq + 1);
      if (key == "for") out.for_nodes.push_back(ForwardedNode(v));
      else if (key == "proto") out.proto = ToLower(Unquote(v));
      else if (key == "host") out.host = Unquote(v);
    }
  }
  return out;
}

api::ExternalOrigin ResolveOrigin(const api::Headers& headers, const api::ConnectionInfo& connection,
                                  const CidrList& trusted_proxies) {
  api::ExternalOrigin o;
  o.scheme = connection.tls ? "https" : "http";
  o.client_address = connection.peer_address;
  std::optional<uint16_t> port;
  std::string host;
  if (auto h = headers.Get("Host"); !h || !SplitHostPort(*h, &host, &port)) {
    host = "localhost";
    port = connection.local_port;
  }
  bool trusted = trusted_proxies.Contains(connection.peer_address);
  if (trusted) {
    // Several lines of one header are one comma-joined list (RFC 9110 5.3):
    // a line the client sent itself never hides the one the proxy added.
    // RFC 7239 Forwarded first; X-Forwarded-* (what nginx sends) win.
    if (auto f = JoinedValue(headers, "Forwarded")) {
      ForwardedList fl = ParseForwarded(*f);
      if (fl.proto == "http" || fl.proto == "https") o.scheme = fl.proto;
      std::string fh;
      std::optional<uint16_t> fp;
      if (!fl.host.empty() && SplitHostPort(fl.host, &fh, &fp)) {
        host = fh;
        port = fp;
      }
      if (!fl.for_nodes.empty()) {
        o.client_address = ClientFromForwardedFor(Join(fl.for_nodes, ","), connection.peer_address, trusted_proxies);
      }
    }
    if (auto p = JoinedValue(headers, "X-Forwarded-Proto")) {
      std::string proto = ToLower(LastValue(*p));
      if (proto == "http" || proto == "https") o.scheme = proto;
    }
    if (auto h = JoinedValue(headers, "X-Forwarded-Host")) {
      std::string fh;
      std::optional<uint16_t> fp;
      if (SplitHostPort(LastValue(*h), &fh, &fp)) {
        host = fh;
        port = fp;  // a forwarded host without a port means the scheme default
      }
    }
    if (auto p = JoinedValue(headers, "X-Forwarded-Port")) {
      uint16_t fp;
      if (ParsePort(LastValue(*p), &fp)) port = fp;
    }
    if (auto p = JoinedValue(headers, "X-Forwarded-Prefix")) o.prefix = SanitizePrefix(LastValue(*p));
    if (auto f = JoinedValue(headers, "X-Forwarded-For")) {
      o.client_address = ClientFromForwardedFor(*f, connection.peer_address, trusted_proxies);
    }
  }
  o.host = host;
  o.port = port.value_or(o.scheme == "https" ? 443 : 80);
  return o;
}

}  // namespace provisiond::net

#include "net/proxy.h"

#include <gtest/gtest.h>

#include "net/request_target.h"

namespace provisiond::net {
namespace {

CidrList Loopback() { return *CidrList::Parse({"127.0.0.0/8", "::1/128"}); }

api::ConnectionInfo Conn(std::string peer, uint16_t local_port = 12176, bool tls = false) {
  api::ConnectionInfo c;
  c.peer_address = std::move(peer);
  c.local_port = local_port;
  c.tls = tls;
  return c;
}

api::Headers IisHeaders() {
  api::Headers h;
  h.Add("Host", "10.1.2.3:12176");
  h.Add("X-Forwarded-Prefix", "/provision");
  h.Add("X-Forwarded-Host", "deploy.example.com");
  h.Add("X-Forwarded-Proto", "https");
  h.Add("X-Forwarded-Port", "8443");
  h.Add("X-Forwarded-For", "192.168.1.50");
  return h;
}

TEST(ResolveOrigin, TrustedProxyHeadersShapeTheExternalUrl) {
  auto o = ResolveOrigin(IisHeaders(), Conn("127.0.0.1"), Loopback());
  EXPECT_EQ(o.BaseUrl(), "https://deploy.example.com:8443/provision");
  EXPECT_EQ(o.client_address, "192.168.1.50");
}

TEST(ResolveOrigin, UntrustedPeerHeadersAreIgnored) {
  auto o = ResolveOrigin(IisHeaders(), Conn("192.168.1.77"), Loopback());
  EXPECT_EQ(o.BaseUrl(), "http://10.1.2.3:12176");
  EXPECT_EQ(o.prefix, "");
  EXPECT_EQ(o.client_address, "192.168.1.77");
}

TEST(ResolveOrigin, ForwardedHostWithPortAndNoForwardedPort) {
  api::Headers h;
  h.Add("Host", "127.0.0.1:12176");
  h.Add("X-Forwarded-Host", "proxy.lan:8080");
  h.Add("X-Forwarded-Proto", "http");
  auto o = ResolveOrigin(h, Conn("::1"), Loopback());
  EXPECT_EQ(o.BaseUrl(), "http://proxy.lan:8080");
}

TEST(ResolveOrigin, NoHostHeaderFallsBackToLocalPort) {
  auto o = ResolveOrigin({}, Conn("10.0.0.5", 12176, true), Loopback());
  EXPECT_EQ(o.BaseUrl(), "https://localhost:12176");
}

TEST(ResolveOrigin, HostileValuesAreDropped) {
  api::Headers h;
  h.Add("Host", "ok.lan");
  h.Add("X-Forwarded-Host", "evil.com/\"><script>");
  h.Add("X-Forwarded-Prefix", "https://evil.com");
  h.Add("X-Forwarded-Proto", "gopher");
  h.Add("X-Forwarded-Port", "99999");
  auto o = ResolveOrigin(h, Conn("127.0.0.1"), Loopback());
  EXPECT_EQ(o.BaseUrl(), "http://ok.lan");
}

TEST(SanitizePrefix, KeepsCleanPathsOnly) {
  EXPECT_EQ(SanitizePrefix("/provision/"), "/provision");
  EXPECT_EQ(SanitizePrefix("/a/b"), "/a/b");
  EXPECT_EQ(SanitizePrefix("provision"), "");
  EXPECT_EQ(SanitizePrefix("/../x"), "");
  EXPECT_EQ(SanitizePrefix("//evil.com"), "");
  EXPECT_EQ(SanitizePrefix("/a b"), "");
}

TEST(ClientFromForwardedFor, SkipsTrustedHopsFromTheRight) {
  auto trusted = *CidrList::Parse({"127.0.0.1", "10.9.0.0/16"});
  EXPECT_EQ(ClientFromForwardedFor("1.2.3.4, 10.9.1.1", "127.0.0.1", trusted), "1.2.3.4");
  // A client-supplied first hop cannot win over the real one the proxy saw.
  EXPECT_EQ(ClientFromForwardedFor("6.6.6.6, 5.5.5.5", "127.0.0.1", trusted), "5.5.5.5");
  EXPECT_EQ(ClientFromForwardedFor("garbage", "127.0.0.1", trusted), "127.0.0.1");
}

// A proxy that appends its own line after the client's: the client's
// forged line must not become the client address, scheme or host.
TEST(ResolveOrigin, ProxyHeadersOnSeveralLinesAreOneList) {
  api::Headers h;
  h.Add("Host", "10.1.2.3:12176");
  h.Add("X-Forwarded-For", "6.6.6.6");          // the client's own line
  h.Add("X-Forwarded-Proto", "http");
  h.Add("X-Forwarded-Host", "evil.example");
  h.Add("X-Forwarded-For", "192.168.1.50");     // the proxy's line
  h.Add("X-Forwarded-Proto", "https");
  h.Add("X-Forwarded-Host", "deploy.example.com");
  auto o = ResolveOrigin(h, Conn("127.0.0.1"), Loopback());
  EXPECT_EQ(o.client_address, "192.168.1.50");
  EXPECT_EQ(o.scheme, "https");
  EXPECT_EQ(o.host, "deploy.example.com");
}

TEST(JoinedValue, JoinsEveryLineInOrderCaseInsensitively) {
  api::Headers h;
  h.Add("x-forwarded-for", "1.1.1.1");
  h.Add("Other", "x");
  h.Add("X-Forwarded-For", "2.2.2.2, 3.3.3.3");
  EXPECT_EQ(JoinedValue(h, "X-Forwarded-For"), "1.1.1.1, 2.2.2.2, 3.3.3.3");
  EXPECT_EQ(JoinedValue(h, "Forwarded"), std::nullopt);
}

TEST(ResolveOrigin, Rfc7239ForwardedFromTrustedProxy) {
  api::Headers h;
  h.Add("Host", "10.1.2.3:12176");
  h.Add("Forwarded", "for=6.6.6.6;proto=http");  // the client's own line
  h.Add("Forwarded", "for=\"[2001:db8::7]:4711\";proto=https;host=deploy.example.com");
  auto o = ResolveOrigin(h, Conn("127.0.0.1"), Loopback());
  EXPECT_EQ(o.client_address, "2001:db8::7");
  EXPECT_EQ(o.scheme, "https");
  EXPECT_EQ(o.host, "deploy.example.com");
  EXPECT_EQ(o.port, 443);
  // From an untrusted peer it is ignored.
  auto u = ResolveOrigin(h, Conn("203.0.113.9"), Loopback());
  EXPECT_EQ(u.client_address, "203.0.113.9");
  EXPECT_EQ(u.scheme, "http");
}

TEST(ParseForwarded, NodesWithoutQuotesBracketsOrPorts) {
  ForwardedList f = ParseForwarded("for=192.0.2.60:8080;proto=HTTP, For=\"[::1]\";by=203.0.113.43");
  EXPECT_EQ(f.for_nodes, (std::vector<std::string>{"192.0.2.60", "::1"}));
  EXPECT_EQ(f.proto, "http");
  EXPECT_EQ(f.host, "");
}

TEST(ParseTarget, RefusesWhatNoRouteShouldSee) {
  struct Case { const char* target; const char* reason; };
  const Case bad[] = {
      {"http://x/y", "absolute path"},   {"/a/../b", "'..'"},     {"/a/%2e%2e/b", "'..'"},
      {"/a%5cb", "backslash"},           {"/a\\b", "backslash"},  {"/a%00b", "NUL"},
      {"/a%zz", "percent-escape"},       {"/a%ff%fe", "UTF-8"},   {"", "absolute path"},
  };
  for (const auto& c : bad) {
    SCOPED_TRACE(c.target);
    auto t = ParseTarget(c.target);
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.status().message().find(c.reason), std::string::npos) << t.status().message();
  }
  auto ok = ParseTarget("/getcomputer?serial=5CG%206050&x=%C3%A9");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->path, "/getcomputer");
  EXPECT_EQ(ok->query[0].second, "5CG 6050");
  EXPECT_EQ(ok->query[1].second, "\xC3\xA9");
  EXPECT_EQ(ParseTarget("/file/caf%C3%A9.txt")->path, "/file/caf\xC3\xA9.txt");
  EXPECT_TRUE(ParseTarget("/a..b/c").ok());  // only whole ".." segments are refused
}

}  // namespace
}  // namespace provisiond::net

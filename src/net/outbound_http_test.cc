// The outbound client against hand-written peers on loopback: what it sends,
// what it reads back, and how each failure is named (refused, silent peer
// past the timeout, not a URL, a body over its limit).
#include "net/outbound_http.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace provisiond::net {
namespace {

// A one-connection peer: accepts, reads the request head, answers `reply`
// (or nothing), and keeps what it read.
class Peer {
 public:
  explicit Peer(std::string reply, bool answer = true) : reply_(std::move(reply)), answer_(answer) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 1);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~Peer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  const std::string& request() const { return request_; }

 private:
  void Serve() {
    int c = accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    char buf[4096];
    while (request_.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) break;
      request_.append(buf, static_cast<size_t>(n));
    }
    if (answer_) {
      (void)!write(c, reply_.data(), reply_.size());
    } else {
      while (read(c, buf, sizeof buf) > 0) {
      }  // silent until the client gives up
    }
    close(c);
  }

  std::string reply_;
  bool answer_;
  int fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

std::string Url(int port, std::string_view path) { return "http://127.0.0.1:" + std::to_string(port) + std::string(path); }

TEST(OutboundHttp, SendsTheRequestAndReadsARedirectWithoutFollowingIt) {
  api::OutboundResponse res;
  std::string seen;
  {
    Peer peer("HTTP/1.1 301 Moved Permanently\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n");
    api::OutboundRequest req;
    req.method = "HEAD";
    req.url = Url(peer.port(), "/a/b?c=d");
    auto r = MakeOutboundHttp({})(req);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    res = *r;
    seen = Url(peer.port(), "");
    EXPECT_EQ(peer.request().rfind("HEAD /a/b?c=d HTTP/1.1\r\n", 0), 0u) << peer.request();
    EXPECT_NE(peer.request().find("Host: 127.0.0.1:" + std::to_string(peer.port()) + "\r\n"), std::string::npos);
    EXPECT_NE(peer.request().find("User-Agent: provisiond\r\n"), std::string::npos);
  }
  EXPECT_EQ(res.status, 301);
  EXPECT_EQ(res.reason, "Moved Permanently");
  EXPECT_EQ(res.headers.Get("Location").value_or(""), "/next");
  EXPECT_EQ(res.peer_address, "127.0.0.1");
  EXPECT_EQ(res.tls_version, "");
}

TEST(OutboundHttp, ABodyOverItsLimitIsCutAndSaidSo) {
  Peer peer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'));
  api::OutboundRequest req;
  req.url = Url(peer.port(), "/");
  req.read_body = true;
  req.max_body_bytes = 10;
  auto r = MakeOutboundHttp({})(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->truncated);
  EXPECT_LE(r->body.size(), 10u);
}

TEST(OutboundHttp, ASilentPeerEndsWithTheTimeoutNamed) {
  Peer peer("", /*answer=*/false);
  api::OutboundRequest req;
  req.url = Url(peer.port(), "/");
  req.timeout = std::chrono::milliseconds(200);
  auto r = MakeOutboundHttp({})(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("timed out after 200 ms"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("waiting for the answer of 127.0.0.1"), std::string::npos);
}

TEST(OutboundHttp, RefusedAndMalformedTargetsAreNamed) {
  int port;
  {
    Peer closed("");  // a port that was just free
    port = closed.port();
    api::OutboundRequest wake;
    wake.url = Url(port, "/");
    (void)MakeOutboundHttp({})(wake);  // let the peer finish
  }
  api::OutboundRequest req;
  req.url = Url(port, "/");
  auto refused = MakeOutboundHttp({})(req);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("connecting to 127.0.0.1"), std::string::npos) << refused.status().message();

  for (const char* bad : {"ftp://host/x", "not a url", "https:///nohost"}) {
    req.url = bad;
    auto r = MakeOutboundHttp({})(req);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace provisiond::net

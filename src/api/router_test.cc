#include "api/router.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "api/problem.h"

namespace provisiond::api {
namespace {

Request Make(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

// A public route (no access check needed).
RouteOptions Open(RouteGroup g = RouteGroup::kPublic, Permission p = Permission::kAnyone, std::string summary = "") {
  RouteOptions o;
  o.group = g;
  o.permission = p;
  o.summary = std::move(summary);
  return o;
}

Response Echo(Request& r) {
  std::string out;
  for (const auto& [k, v] : r.params) out += k + "=" + v + ";";
  return Response::Text(200, out);
}

TEST(Router, MatchesLiteralsParamsAndRest) {
  Router router;
  router.Add("GET", "/api/v1/computers/{serial}", Echo, Open());
  router.Add("GET", "/api/v1/computers/export", Echo, Open());
  router.Add("GET", "/file/{*path}", Echo, Open());
  struct Case { std::string path; int status; std::string body; };
  const Case cases[] = {
      {"/api/v1/computers/ABC123", 200, "serial=ABC123;"},
      {"/api/v1/computers/export", 200, ""},  // literal wins over {serial}
      {"/file/Provision/Customer.ps1", 200, "path=Provision/Customer.ps1;"},
      {"/file/", 200, "path=;"},
      {"/api/v1/computers", 404, ""},
      {"/api/v1/computers/a/b", 404, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    Request r = Make("GET", c.path);
    Response res = router.Dispatch(r);
    EXPECT_EQ(res.status, c.status);
    if (c.status == 200) {
      EXPECT_EQ(res.body, c.body);
    }
  }
}

TEST(PathPattern, LiteralPatternsCompareSegmentsLikeSplitPath) {
  const char* paths[] = {"/", "", "//", "/a", "a", "/a/", "//a//", "/a/b", "/a//b/", "/ab", "/a/bc", "/a/b/c", "/b/a"};
  for (const char* pattern : {"/", "/a", "/a/b", "/a/b/"}) {
    for (const char* path : paths) {
      SCOPED_TRACE(std::string(pattern) + " vs " + path);
      EXPECT_EQ(PathPattern(pattern).Match(path, nullptr), SplitPath(pattern) == SplitPath(path));
    }
  }
  EXPECT_TRUE(PathPattern("/api/v1/endpoint/plan").Match("/api/v1/endpoint/plan", nullptr));
  EXPECT_FALSE(PathPattern("/api/v1/endpoint/plan").Match("/api/v1/endpoint/plans", nullptr));
  EXPECT_FALSE(PathPattern("/api/v1/endpoint/plan").Match("/api/v1/endpoint", nullptr));
}

TEST(PathPattern, CapturesIgnoreEmptySegmentsAndRestKeepsThePathAsSent) {
  struct Case { const char* pattern; const char* path; bool match; std::string params; };
  const Case cases[] = {
      {"/c/{serial}", "/c/ABC", true, "serial=ABC;"},
      {"/c/{serial}", "//c//ABC/", true, "serial=ABC;"},
      {"/c/{serial}", "/c/", false, ""},
      {"/c/{serial}", "/c/A/B", false, ""},
      {"/c/{serial}/x", "/c/A/x", true, "serial=A;"},
      {"/c/{serial}/x", "/c/A/y", false, ""},
      {"/file/{*path}", "/file", true, "path=;"},
      {"/file/{*path}", "/file//Apps//a b.zip", true, "path=Apps//a b.zip;"},
      {"/file/{*path}", "/file/Apps/", true, "path=Apps/;"},
      {"/file/{*path}", "/files/Apps", false, ""},
      {"/a/{x}/{*rest}", "/a/1/2/3", true, "rest=2/3;x=1;"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.pattern) + " vs " + c.path);
    PathParams params;
    EXPECT_EQ(PathPattern(c.pattern).Match(c.path, &params), c.match);
    std::string got;
    for (const auto& [k, v] : params) got += k + "=" + v + ";";
    if (c.match) {
      EXPECT_EQ(got, c.params);
    }
  }
  EXPECT_TRUE(PathPattern("/a/b").literal());
  EXPECT_FALSE(PathPattern("/a/{b}").literal());
}

TEST(Router, UnknownMethodIs405WithAllow) {
  Router router;
  router.Add("GET", "/things", Echo, Open());
  router.Add("POST", "/things", Echo, Open());
  Request r = Make("DELETE", "/things");
  Response res = router.Dispatch(r);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.headers.Get("Allow").value_or(""), "GET, HEAD, POST");
  EXPECT_EQ(res.headers.Get("Content-Type").value_or(""), "application/problem+json");
  EXPECT_NE(res.body.find("\"status\":405"), std::string::npos);
}

TEST(Router, HeadAnswersLikeGetWithoutBody) {
  Router router;
  router.Add("GET", "/x", [](Request&) { return Response::Text(200, "hello"); }, Open());
  Request r = Make("HEAD", "/x");
  Response res = router.Dispatch(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.head_only);
  EXPECT_EQ(res.body, "hello");  // kept so the server can send its Content-Length
}

TEST(Router, AccessCheckRunsPerGroupBeforeTheHandler) {
  Router router;
  bool called = false;
  router.Add("GET", "/admin", [&](Request&) { called = true; return Response::Text(200, "secret"); },
             Open(RouteGroup::kAdmin, Permission::kViewer));
  router.Add("GET", "/open", Echo, Open());
  router.AddAccessCheck(RouteGroup::kAdmin, [](Request& r, const Route&) -> std::optional<Response> {
    if (r.headers.Get("X-Key") == std::optional<std::string_view>("k")) {
      r.principal.name = "tester";
      return std::nullopt;
    }
    return Problem(401, "key required");
  });
  Request denied = Make("GET", "/admin");
  EXPECT_EQ(router.Dispatch(denied).status, 401);
  EXPECT_FALSE(called);
  Request allowed = Make("GET", "/admin");
  allowed.headers.Add("x-key", "k");
  EXPECT_EQ(router.Dispatch(allowed).status, 200);
  EXPECT_TRUE(called);
  EXPECT_EQ(allowed.principal.name, "tester");
  Request open = Make("GET", "/open");
  EXPECT_EQ(router.Dispatch(open).status, 200);
}

// Records what a streaming route's sink was given.
struct RecordingSink : BodySink {
  std::string got;
  size_t limit = 8;
  Status Append(std::string_view chunk) override {
    if (chunk == "boom") throw std::runtime_error("sink failed");
    if (got.size() + chunk.size() > limit) return Status::TooLarge("over 8 bytes");
    got += chunk;
    return Status::Ok();
  }
};

TEST(Router, StreamingRouteGetsItsBodyThroughTheSinkAfterTheAccessCheck) {
  Router router;
  int opened = 0;
  RouteOptions o = Open(RouteGroup::kAdmin, Permission::kAdmin);
  o.open_body_sink = [&opened](Request& r) -> Result<std::shared_ptr<BodySink>> {
    ++opened;
    if (r.Param("name") == "bad") return Status::Conflict("'bad' is in the way");
    if (r.Param("name") == "throw") throw std::runtime_error("disk on fire");
    return std::shared_ptr<BodySink>(std::make_shared<RecordingSink>());
  };
  router.Add("PUT", "/up/{name}", [](Request& r) {
    auto* sink = dynamic_cast<RecordingSink*>(r.body_sink.get());
    return Response::Text(201, sink ? "sink:" + sink->got + ";body:" + r.body : "no sink");
  }, o);
  router.AddAccessCheck(RouteGroup::kAdmin, [](Request& r, const Route&) -> std::optional<Response> {
    if (r.headers.Get("X-Key") != "k") return Problem(401, "key needed");
    return std::nullopt;
  });

  Request refused = Make("PUT", "/up/a");
  refused.body = "data";
  EXPECT_EQ(router.Dispatch(refused).status, 401);
  EXPECT_EQ(opened, 0);  // no sink (no temp file) for a refused caller

  Request ok = Make("PUT", "/up/a");
  ok.headers.Add("X-Key", "k");
  ok.body = "data";
  Response r = router.Dispatch(ok);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "sink:data;body:");  // the body went to the sink, not the handler
  EXPECT_EQ(opened, 1);

  Request conflict = Make("PUT", "/up/bad");
  conflict.headers.Add("X-Key", "k");
  EXPECT_EQ(router.Dispatch(conflict).status, 409);

  Request throws = Make("PUT", "/up/throw");
  throws.headers.Add("X-Key", "k");
  EXPECT_EQ(router.Dispatch(throws).status, 500);  // an exception in a sink's opener

  Request big = Make("PUT", "/up/a");
  big.headers.Add("X-Key", "k");
  big.body = "123456789";
  Response too_large = router.Dispatch(big);
  EXPECT_EQ(too_large.status, 413);
  EXPECT_NE(too_large.body.find("over 8 bytes"), std::string::npos);

  Request boom = Make("PUT", "/up/a");
  boom.headers.Add("X-Key", "k");
  boom.body = "boom";
  Response failed = router.Dispatch(boom);  // an exception in Append: 500, not a dead thread
  EXPECT_EQ(failed.status, 500);
  EXPECT_NE(failed.body.find("sink failed"), std::string::npos);
}

TEST(Router, EscapedExceptionBecomes500Problem) {
  Router router;
  router.Add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("kaput"); }, Open());
  Request r = Make("GET", "/boom");
  Response res = router.Dispatch(r);
  EXPECT_EQ(res.status, 500);
  EXPECT_NE(res.body.find("kaput"), std::string::npos);
}

TEST(Router, DescribeListsEveryRoute) {
  Router router;
  router.Add("GET", "/healthz", Echo, Open(RouteGroup::kPublic, Permission::kAnyone, "liveness"));
  router.Add("POST", "/setcomputer", Echo, Open(RouteGroup::kMachine, Permission::kMachine, "create or update"));
  std::string d = router.Describe();
  EXPECT_NE(d.find("anyone"), std::string::npos) << d;
  EXPECT_NE(d.find("GET     /healthz"), std::string::npos) << d;
  EXPECT_NE(d.find("machine"), std::string::npos) << d;
  EXPECT_NE(d.find("create or update"), std::string::npos) << d;
}

TEST(Router, DeniesByDefault) {
  Router router;
  int called = 0;
  auto count = [&called](Request&) { ++called; return Response::Text(200, "in"); };
  router.Add("GET", "/undeclared", count);  // no permission declared
  router.Add("GET", "/machine", count, Open(RouteGroup::kMachine, Permission::kMachine));  // no check installed
  router.Add("GET", "/chained", count, Open(RouteGroup::kAdmin, Permission::kAdmin));
  std::vector<std::string> order;
  router.AddAccessCheck(RouteGroup::kAdmin, [&order](Request& r, const Route&) -> std::optional<Response> {
    order.push_back("network");
    if (r.headers.Get("X-Net")) return Problem(403, "outside");
    return std::nullopt;
  });
  router.AddAccessCheck(RouteGroup::kAdmin, [&order](Request&, const Route&) -> std::optional<Response> {
    order.push_back("credentials");
    return std::nullopt;
  });
  for (const char* path : {"/undeclared", "/machine"}) {
    SCOPED_TRACE(path);
    Request r = Make("GET", path);
    Response res = router.Dispatch(r);
    EXPECT_EQ(res.status, 401);
    EXPECT_NE(res.body.find("deny by default"), std::string::npos) << res.body;
  }
  EXPECT_EQ(called, 0);
  Request blocked = Make("GET", "/chained");
  blocked.headers.Add("X-Net", "1");
  EXPECT_EQ(router.Dispatch(blocked).status, 403);
  EXPECT_EQ(order, std::vector<std::string>({"network"}));  // the chain stops at the first refusal
  Request through = Make("GET", "/chained");
  EXPECT_EQ(router.Dispatch(through).status, 200);
  EXPECT_EQ(order, std::vector<std::string>({"network", "network", "credentials"}));
  EXPECT_EQ(called, 1);
  EXPECT_NE(router.Describe().find("UNDECLARED"), std::string::npos);
}

TEST(ExternalOrigin, BaseUrlOmitsDefaultPortsAndKeepsPrefix) {
  ExternalOrigin o;
  o.scheme = "https";
  o.host = "deploy.example.com";
  o.port = 443;
  o.prefix = "/provision";
  EXPECT_EQ(o.Url("/file/raw/a.zip"), "https://deploy.example.com/provision/file/raw/a.zip");
  o.port = 8443;
  EXPECT_EQ(o.BaseUrl(), "https://deploy.example.com:8443/provision");
  o.scheme = "http";
  o.port = 80;
  o.prefix = "";
  o.host = "::1";
  EXPECT_EQ(o.BaseUrl(), "http://[::1]");
}

TEST(Query, DecodesPairsAndPlus) {
  auto q = ParseQuery("serial=ab%20c&x=1+2&empty=&flag");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].second, "ab c");
  EXPECT_EQ(q[1].second, "1 2");
  EXPECT_EQ(q[2].second, "");
  EXPECT_EQ(q[3].first, "flag");
  EXPECT_FALSE(PercentDecode("%zz", false).has_value());
  EXPECT_FALSE(PercentDecode("%4", false).has_value());
}

}  // namespace
}  // namespace provisiond::api

// The source check's two decisions without a network: where a location
// leads (hub path, URL, endpoint-only) and how an HTTP check walks its
// redirects (relative Locations, HEAD refused, loops, failures, the deadline).
#include "api/admin/source_check.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

namespace provisiond::api::admin {
namespace {

using core::SourceKind;
constexpr const char* kBase = "https://prov.example/provision";

TEST(SourceTarget, HubPathsComeFromTheServiceUrlOnly) {
  core::Variables vars{{"DeployRoot", "\\\\srv\\deploy"}};
  struct Case {
    const char* location;
    SourceKind kind;
    const char* resolved;
    std::optional<std::string> hub;
  } cases[] = {
      {"[baseurl]/file/Apps/VLC", SourceKind::kServiceRelative, "https://prov.example/provision/file/Apps/VLC", "Apps/VLC"},
      {"/file/raw/Apps/My%20App/setup.exe", SourceKind::kServiceRelative,
       "https://prov.example/provision/file/raw/Apps/My%20App/setup.exe", "Apps/My App/setup.exe"},
      {"https://prov.example/provision/file/Drivers/x.cab?token=t", SourceKind::kHttps,
       "https://prov.example/provision/file/Drivers/x.cab?token=t", "Drivers/x.cab"},
      {"https://prov.example/provision/filex/a", SourceKind::kHttps, "https://prov.example/provision/filex/a", std::nullopt},
      {"https://other.example/file/a", SourceKind::kHttps, "https://other.example/file/a", std::nullopt},
      {"%DeployRoot%\\Apps\\7zip", SourceKind::kUnc, "\\\\srv\\deploy\\Apps\\7zip", std::nullopt},
      {"C:\\provision\\OtherFiles\\a.exe", SourceKind::kLocal, "C:\\provision\\OtherFiles\\a.exe", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.location);
    SourceTarget t = TargetOf(c.location, kBase, vars);
    EXPECT_EQ(t.kind, c.kind);
    EXPECT_EQ(t.resolved, c.resolved);
    EXPECT_EQ(t.hub_path, c.hub);
  }
  SourceTarget device = TargetOf("[baseurl]/file/%MODEL%/a.zip", kBase, vars);
  EXPECT_EQ(device.unknown, std::vector<std::string>{"MODEL"});
  EXPECT_FALSE(device.hub_path);  // depends on the device: not one hub path
}

// A scripted web: URL -> (status, Location), recording each request.
struct FakeWeb {
  std::map<std::string, std::pair<int, std::string>> pages;
  std::map<std::string, bool> head_refused;
  std::vector<std::string> log;  // "HEAD url"
  OutboundHttp Http() {
    return [this](const OutboundRequest& r) -> Result<OutboundResponse> {
      log.push_back(r.method + " " + r.url + (r.headers.Get("Range") ? " +range" : ""));
      if (r.url.find("dead") != std::string::npos) return Status::Unavailable("connecting to dead:443 failed: refused");
      OutboundResponse res;
      if (r.method == "HEAD" && head_refused[r.url]) {
        res.status = 405;
        return res;
      }
      auto it = pages.find(r.url);
      if (it == pages.end()) {
        res.status = 404;
        return res;
      }
      res.status = it->second.first;
      if (!it->second.second.empty()) res.headers.Add("Location", it->second.second);
      return res;
    };
  }
};

TEST(CheckUrl, FollowsRelativeAndAbsoluteRedirectsAndShowsEachHop) {
  FakeWeb web;
  web.pages = {{"https://a.example/dl/x", {301, "../get/x?v=2"}},
               {"https://a.example/get/x?v=2", {302, "https://cdn.example/x.msi"}},
               {"https://cdn.example/x.msi", {200, ""}}};
  UrlCheck c = CheckUrl(web.Http(), "https://a.example/dl/x", 5, std::chrono::seconds(5));
  ASSERT_TRUE(c.failure.ok()) << c.failure.ToString();
  ASSERT_EQ(c.hops.size(), 3u);
  EXPECT_EQ(c.hops[1].url, "https://a.example/get/x?v=2");
  EXPECT_EQ(c.hops[0].location, "../get/x?v=2");  // as sent
  EXPECT_EQ(c.hops[2].status, 200);
  EXPECT_EQ(c.method, "HEAD");
  EXPECT_FALSE(c.too_many_redirects);
}

TEST(CheckUrl, HeadRefusedIsAskedAgainWithAOneByteGetOnTheSameUrl) {
  FakeWeb web;
  web.pages = {{"https://a.example/x", {200, ""}}};
  web.head_refused["https://a.example/x"] = true;
  UrlCheck c = CheckUrl(web.Http(), "https://a.example/x", 5, std::chrono::seconds(5));
  EXPECT_EQ(c.method, "GET");
  ASSERT_EQ(c.hops.size(), 1u);  // the refused HEAD is not a hop
  EXPECT_EQ(c.hops[0].status, 200);
  EXPECT_EQ(web.log, (std::vector<std::string>{"HEAD https://a.example/x", "GET https://a.example/x +range"}));
}

TEST(CheckUrl, ALoopStopsAfterTheLimitAndAFailureNamesItsHop) {
  FakeWeb web;
  web.pages = {{"https://a.example/loop", {302, "/loop"}}};
  UrlCheck loop = CheckUrl(web.Http(), "https://a.example/loop", 3, std::chrono::seconds(5));
  EXPECT_TRUE(loop.too_many_redirects);
  EXPECT_EQ(loop.hops.size(), 4u);  // the first request and 3 redirects followed
  EXPECT_EQ(web.log.size(), 4u);

  web.pages["https://a.example/to-unreachable"] = {307, "https://dead.example/x"};
  UrlCheck dead = CheckUrl(web.Http(), "https://a.example/to-unreachable", 3, std::chrono::seconds(5));
  EXPECT_EQ(dead.failure.code(), StatusCode::kUnavailable);
  ASSERT_EQ(dead.hops.size(), 2u);
  EXPECT_EQ(dead.hops[1].url, "https://dead.example/x");
  EXPECT_EQ(dead.hops[1].status, 0);
}

TEST(CheckUrl, EachHopGetsOnlyWhatIsLeftOfTheDeadline) {
  std::vector<std::chrono::milliseconds> given;
  OutboundHttp slow = [&](const OutboundRequest& r) -> Result<OutboundResponse> {
    given.push_back(r.timeout);
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    OutboundResponse res;
    res.status = 302;
    res.headers.Add("Location", "/again");
    return res;
  };
  UrlCheck c = CheckUrl(slow, "https://a.example/x", 50, std::chrono::milliseconds(150));
  EXPECT_EQ(c.failure.code(), StatusCode::kUnavailable);
  EXPECT_NE(c.failure.message().find("150 ms"), std::string::npos) << c.failure.message();
  EXPECT_LT(given.size(), 50u);  // the deadline ended it, not the redirect limit
  for (size_t i = 0; i < given.size(); ++i) {
    EXPECT_LE(given[i], std::chrono::milliseconds(150));
    if (i > 0) {
      EXPECT_LT(given[i], given[i - 1]);
    }
  }
}

}  // namespace
}  // namespace provisiond::api::admin

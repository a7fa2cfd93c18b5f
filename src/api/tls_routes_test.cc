#include "api/tls_routes.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "pki/keys_dir.h"
#include "store/testing/temp_dir_for_testing.h"

namespace provisiond::api {
namespace {

namespace json = boost::json;

Timestamp T0() { return *ParseIso8601("2026-11-23T07:28:05Z"); }

TlsInfo SampleInfo(int days_to_expiry) {
  TlsInfo info;
  info.listeners = {{"0.0.0.0", 12176, 2}, {"0.0.0.0", 443, 1}};
  info.loaded = true;
  info.min_version = "TLSv1.2";
  info.max_version = "TLSv1.3";
  info.tls12_suites = {"ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384"};
  info.tls12_usable_suites = {"ECDHE-ECDSA-AES256-GCM-SHA384"};
  info.tls13_suites = {"TLS_AES_256_GCM_SHA384"};
  info.groups = "X25519:P-256:P-384";
  info.session_resumption = true;
  info.loaded_at = T0();
  info.certificates.push_back({"/k/reporting.crt", "/k/reporting.pvk", "CN=<prov>&co", "CN=root", T0(),
                               days_to_expiry, "AB:CD", "EC P-256", {"DNS:prov"}});
  return info;
}

Request Get(std::string path) {
  Request r;
  r.method = "GET";
  r.target = path;
  r.path = std::move(path);
  return r;
}

TEST(TlsVersionsBetween, ListsEveryVersionFromMinToMax) {
  EXPECT_EQ(TlsVersionsBetween("TLSv1.2", "TLSv1.3"), (std::vector<std::string>{"TLSv1.2", "TLSv1.3"}));
  EXPECT_EQ(TlsVersionsBetween("TLSv1.2", "TLSv1.2"), (std::vector<std::string>{"TLSv1.2"}));
  EXPECT_EQ(TlsVersionsBetween("TLSv1", "TLSv1.3").size(), 4u);
}

TEST(ReadTrustRoots, NoRootNamesTheCommandToRun) {
  store::testing::TempDir tmp;
  auto r = ReadTrustRoots(tmp.path(), T0());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("provisiond keys root-init"), std::string::npos) << r.status().ToString();
}

TEST(ReadTrustRoots, BundleDuringGraceHoldsBothRootsCurrentFirst) {
  store::testing::TempDir tmp;
  pki::KeysDir keys(tmp.path());
  auto first = pki::InitRoot(keys, {"CN=Old Root", pki::KeyType::kEcP256, 7300}, T0());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto one = ReadTrustRoots(tmp.path(), T0());
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->roots.size(), 1u);
  EXPECT_EQ(one->roots[0].sha256, first->sha256);
  EXPECT_FALSE(one->grace_until.has_value());
  EXPECT_EQ(one->roots[0].days_to_expiry, 7300);

  pki::RotateOptions ro;
  ro.subject = "CN=New Root";
  ro.grace_days = 30;
  auto rotated = pki::RotateRoot(keys, ro, T0());
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  auto two = ReadTrustRoots(tmp.path(), T0());
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  ASSERT_EQ(two->roots.size(), 2u);
  EXPECT_EQ(two->roots[0].sha256, rotated->new_root.sha256);
  EXPECT_EQ(two->roots[1].sha256, first->sha256);
  ASSERT_TRUE(two->grace_until.has_value());
  EXPECT_EQ(*two->grace_until, rotated->grace_until);
  EXPECT_EQ(two->path, keys.Path(pki::kTrustBundleFile));
}

TEST(TlsInfoJson, ShowsListenersPolicyCertificatesAndWarnsUnder30Days) {
  for (int days : {29, 30}) {
    SCOPED_TRACE(days);
    auto v = json::parse(TlsInfoJson(SampleInfo(days), Status::NotFound("no root yet"))).as_object();
    EXPECT_EQ(v["listeners"].as_array().size(), 2u);
    EXPECT_EQ(v["listeners"].as_array()[1].as_object()["mode"].as_int64(), 1);
    EXPECT_FALSE(v["listeners"].as_array()[1].as_object()["plaintext"].as_bool());
    EXPECT_EQ(v["tls"].as_object()["versions"], json::parse(R"(["TLSv1.2","TLSv1.3"])"));
    auto& cert = v["certificates"].as_array()[0].as_object();
    EXPECT_EQ(cert["days_to_expiry"].as_int64(), days);
    EXPECT_EQ(cert["warning"].is_null(), days >= 30);
    EXPECT_EQ(v["warnings"].as_array().size(), days < 30 ? 1u : 0u);
    EXPECT_EQ(v["root"].as_object()["error"].as_string(), "no root yet");
  }
  auto expired = json::parse(TlsInfoJson(SampleInfo(-2), Status::NotFound("x"))).as_object();
  EXPECT_EQ(expired["certificates"].as_array()[0].as_object()["warning"].as_string(), "EXPIRED 2 days ago");
}

TEST(TlsInfoHtml, EscapesTextAndMarksWarnings) {
  std::string page = TlsInfoHtml(SampleInfo(5), Status::NotFound("no root <yet>"));
  EXPECT_NE(page.find("CN=&lt;prov&gt;&amp;co"), std::string::npos);
  EXPECT_EQ(page.find("<prov>"), std::string::npos);
  EXPECT_NE(page.find("class=warn>5 (expires in 5 days: renew soon)"), std::string::npos);
  EXPECT_NE(page.find("no root &lt;yet&gt;"), std::string::npos);
  EXPECT_NE(page.find("1. <code>ECDHE-ECDSA-AES256-GCM-SHA384</code>"), std::string::npos);
}

TEST(TlsRoutes, GroupsAndAnswers) {
  store::testing::TempDir tmp;
  pki::KeysDir keys(tmp.path());
  auto root = pki::InitRoot(keys, {"CN=Root", pki::KeyType::kEcP256, 7300}, T0());
  ASSERT_TRUE(root.ok());
  Router router;
  TlsRoutesOptions o;
  o.info = [] { return SampleInfo(100); };
  o.keys_dir = tmp.path();
  o.clock = [] { return T0(); };
  RegisterTlsRoutes(router, std::move(o));
  router.AllowEveryoneForTesting();
  EXPECT_EQ(router.Find("GET", "/api/v1/tls/root.crt")->options.group, RouteGroup::kMachine);
  EXPECT_EQ(router.Find("GET", "/api/v1/tls/root")->options.group, RouteGroup::kMachine);
  EXPECT_EQ(router.Find("GET", "/api/v1/admin/tls")->options.group, RouteGroup::kAdmin);
  EXPECT_EQ(router.Find("GET", "/admin/tls")->options.group, RouteGroup::kAdmin);

  Request r = Get("/api/v1/tls/root.crt");
  Response pem = router.Dispatch(r);
  EXPECT_EQ(pem.status, 200);
  EXPECT_EQ(pem.body.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  EXPECT_EQ(*pem.headers.Get("Content-Disposition"), "attachment; filename=\"provisiond-root.crt\"");
  r = Get("/api/v1/tls/root");
  auto fp = json::parse(router.Dispatch(r).body).as_object();
  EXPECT_EQ(fp["sha256"].as_string(), root->sha256);
  r = Get("/api/v1/admin/tls");
  auto info = json::parse(router.Dispatch(r).body).as_object();
  EXPECT_EQ(info["root"].as_object()["sha256"].as_string(), root->sha256);
  EXPECT_EQ(info["certificates"].as_array()[0].as_object()["sha256"].as_string(), "AB:CD");
}

}  // namespace
}  // namespace provisiond::api

// The content hub through the router, on a temp copy of tests/data/file.
#include <re2/re2.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <gtest/gtest.h>
#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <set>
#include <stdexcept>

#include "api/admin/settings_routes.h"
#include "api/content/conditional.h"
#include "api/content/sha256_cache.h"
#include "api/endpoint/test_env_for_testing.h"
#include "api/content/content.h"
#include "api/content/test_util.h"
#include "base/strings.h"
#include "pki/sha256.h"

namespace provisiond::api::content {
namespace {

namespace fs = std::filesystem;
using testing::MakeRequest;
using testing::ReadBody;
using testing::TempDir;
using testing::WriteFile;

// The tree every test starts from: the sample data plus generated files.
// <tmp>/secret.txt lies outside the root <tmp>/file.
struct Tree {
  TempDir tmp;
  fs::path root = tmp.path() / "file";
  std::string big;  // Drivers/pack.zip content
  Tree() {
    fs::copy(fs::path(PROVISIOND_SOURCE_DIR) / "tests/data/file", root, fs::copy_options::recursive);
    big.resize(100000);
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    WriteFile(root / "Drivers/Dell/pack.zip", big);
    WriteFile(root / "a&b \"c\" folder-link.txt", "odd name");
    WriteFile(tmp.path() / "secret.txt", "outside the root");
  }
};

std::shared_ptr<ContentOptions> Options(const Tree& t) {
  auto o = std::make_shared<ContentOptions>();
  o->root = t.root.string();
  return o;
}

Router MakeRouter(std::shared_ptr<const ContentOptions> o) {
  Router r;
  RegisterContentRoutes(r, std::move(o));
  r.AllowEveryoneForTesting();
  return r;
}

Response Call(const Router& router, const std::string& method, const std::string& target, ExternalOrigin origin = {},
              std::vector<std::pair<std::string, std::string>> headers = {}) {
  Request req = MakeRequest(method, target, std::move(origin));
  for (auto& [k, v] : headers) req.headers.Add(k, v);
  return router.Dispatch(req);
}

std::string Header(const Response& r, std::string_view name) {
  auto v = r.headers.Get(name);
  return v ? std::string(*v) : std::string();
}

ExternalOrigin BehindProxy() {
  ExternalOrigin o;
  o.scheme = "https";
  o.host = "pv.example";
  o.port = 8443;
  o.prefix = "/provision";
  return o;
}

struct Row {
  std::string href, body;
};
// Parses a listing exactly as the deployed scripts do.
std::vector<Row> ParseListing(const std::string& html) {
  static const RE2 kRow(R"re((?is)<tr\b[^>]*data-entry-href="(?P<href>[^"]+)"[^>]*>(?P<body>.*?)</tr>)re");
  EXPECT_TRUE(kRow.ok()) << kRow.error();
  std::vector<Row> rows;
  re2::StringPiece input(html);
  std::string href, body;
  while (RE2::FindAndConsume(&input, kRow, &href, &body)) rows.push_back({href, body});
  return rows;
}

bool IsFolder(const Row& r) { return ToLower(r.body).find("folder-link") != std::string::npos; }

const Row* FindRow(const std::vector<Row>& rows, std::string_view href) {
  for (const auto& r : rows)
    if (r.href == href) return &r;
  return nullptr;
}

// --- listings ----------------------------------------------------------------

// A hash queue whose thread stops inside its first task until Release():
// whatever a route answers meanwhile, it answered without waiting for a hash.
struct HeldHashQueue {
  std::promise<void> entered;
  std::future<void> entered_future = entered.get_future();  // taken here: get_future may race set_value
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  bool released_once = false;  // test thread only
  std::shared_ptr<Sha256Cache> cache;

  explicit HeldHashQueue(size_t capacity) {
    Sha256Cache::Options o;
    o.queue_capacity = capacity;
    o.before_hash_for_testing = [this](const std::string&) {
      if (first.exchange(false)) entered.set_value();
      released.wait();
    };
    cache = std::make_shared<Sha256Cache>(std::move(o));
  }
  ~HeldHashQueue() { Release(); }
  void WaitEntered() { entered_future.wait(); }
  void Release() {
    if (!released_once) release.set_value();
    released_once = true;
  }
};

TEST(ContentListing, RowsParseWithTheScriptsRegexAndMarkFolders) {
  Tree t;
  Router router = MakeRouter(Options(t));
  Response r = Call(router, "GET", "/file/", BehindProxy());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Header(r, "Content-Type"), "text/html; charset=utf-8");
  auto rows = ParseListing(r.body);
  ASSERT_EQ(rows.size(), 4u) << r.body;  // Apps/, Drivers/, Provision/, the odd file; no header or parent row
  const Row* apps = FindRow(rows, "/provision/file/Apps/");
  const Row* drivers = FindRow(rows, "/provision/file/Drivers/");
  // HTML-escaped and percent-encoded: & -> %26, space -> %20, " -> %22.
  const Row* odd = FindRow(rows, "/provision/file/a%26b%20%22c%22%20folder-link.txt");
  ASSERT_TRUE(apps && drivers && odd) << r.body;
  EXPECT_TRUE(IsFolder(*apps));
  EXPECT_TRUE(IsFolder(*drivers));
  EXPECT_FALSE(IsFolder(*odd)) << "a file whose name holds the marker must not look like a folder: " << odd->body;
  EXPECT_NE(odd->body.find("a&amp;b &quot;c&quot; folder&#45;link.txt"), std::string::npos) << odd->body;
  // Readable by a person: size and SHA-256 of a small file.
  EXPECT_NE(odd->body.find("8 B"), std::string::npos);
  EXPECT_NE(odd->body.find(pki::Sha256::HexOf("odd name")), std::string::npos);
}

TEST(ContentListing, SubfolderWithAndWithoutSlashGivesSameAbsoluteHrefs) {
  Tree t;
  Router router = MakeRouter(Options(t));
  for (std::string target : {"/file/Drivers", "/file/Drivers/"}) {
    SCOPED_TRACE(target);
    Response r = Call(router, "GET", target);
    ASSERT_EQ(r.status, 200) << r.body;
    auto rows = ParseListing(r.body);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].href, "/file/Drivers/Dell/");
    EXPECT_TRUE(IsFolder(rows[0]));
    EXPECT_NE(r.body.find("href=\"/file/\">../"), std::string::npos) << "parent link";
  }
  Response leaf = Call(router, "GET", "/file/Drivers/Dell");
  auto rows = ParseListing(leaf.body);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].href, "/file/Drivers/Dell/pack.zip");
  EXPECT_FALSE(IsFolder(rows[0]));
}

TEST(ContentListing, JsonFormatHasNameTypeSizeMtimeSha256Href) {
  Tree t;
  Router router = MakeRouter(Options(t));
  Response r = Call(router, "GET", "/file/Drivers/Dell/?format=json", BehindProxy());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Header(r, "Content-Type"), "application/json");
  auto v = boost::json::parse(r.body).as_object();
  EXPECT_EQ(v["path"].as_string(), "/file/Drivers/Dell/");
  auto& e = v["entries"].as_array().at(0).as_object();
  EXPECT_EQ(e["name"].as_string(), "pack.zip");
  EXPECT_EQ(e["type"].as_string(), "file");
  EXPECT_EQ(e["size"].to_number<uint64_t>(), t.big.size());
  EXPECT_EQ(e["sha256"].as_string(), pki::Sha256::HexOf(t.big));
  EXPECT_EQ(e["href"].as_string(), "/provision/file/Drivers/Dell/pack.zip");
  EXPECT_EQ(e["mtime"].as_string().size(), 20u);  // 2026-11-23T07:28:05Z

  auto root = boost::json::parse(Call(router, "GET", "/file?format=json").body).as_object();
  bool saw_folder = false;
  for (auto& x : root["entries"].as_array())
    if (x.as_object()["name"].as_string() == "Apps") saw_folder = x.as_object()["type"].as_string() == "folder";
  EXPECT_TRUE(saw_folder);
}

TEST(ContentListing, LargeFilesAreHashedInTheBackground) {
  Tree t;
  auto o = Options(t);
  o->inline_hash_max_bytes = 1000;  // pack.zip (100000 bytes) is a large file here
  HeldHashQueue held(16);
  o->cache = held.cache;
  Router router = MakeRouter(o);
  // The listing answers while the hash thread is held: no digest yet.
  auto first = boost::json::parse(Call(router, "GET", "/file/Drivers/Dell/?format=json").body).as_object();
  EXPECT_TRUE(first["entries"].as_array().at(0).as_object()["sha256"].is_null());
  EXPECT_NE(Call(router, "GET", "/file/Drivers/Dell/").body.find("(computing)"), std::string::npos);
  held.Release();
  held.cache->DrainForTesting();
  // The worker finished; a later listing shows it without computing.
  auto again = boost::json::parse(Call(router, "GET", "/file/Drivers/Dell/?format=json").body).as_object();
  auto& sha = again["entries"].as_array().at(0).as_object()["sha256"];
  ASSERT_TRUE(sha.is_string()) << again;
  EXPECT_EQ(sha.as_string(), pki::Sha256::HexOf(t.big));
}

// --- redirect and raw ----------------------------------------------------------

TEST(ContentFile, FileUrlRedirectsToRawWithExternalOrigin) {
  Tree t;
  Router router = MakeRouter(Options(t));
  Response r = Call(router, "GET", "/file/Apps/readme.txt", BehindProxy());
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(Header(r, "Location"), "https://pv.example:8443/provision/file/raw/Apps/readme.txt");
  Response plain = Call(router, "GET", "/file/a%26b%20%22c%22%20folder-link.txt");
  EXPECT_EQ(Header(plain, "Location"), "http://pv.example:12176/file/raw/a%26b%20%22c%22%20folder-link.txt");
}

TEST(ContentFile, RawServesTheFileWithValidators) {
  Tree t;
  Router router = MakeRouter(Options(t));
  Response r = Call(router, "GET", "/file/raw/Drivers/Dell/pack.zip");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->length, t.big.size());
  EXPECT_EQ(r.file->offset, 0u);
  EXPECT_GE(r.file->fd, 0);
  EXPECT_EQ(ReadBody(*r.file), t.big);
  EXPECT_EQ(Header(r, "Content-Type"), "application/zip");
  EXPECT_EQ(Header(r, "Accept-Ranges"), "bytes");
  EXPECT_EQ(Header(r, "ETag").front(), '"');
  auto mtime = fs::last_write_time(t.root / "Drivers/Dell/pack.zip");
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::file_clock::to_sys(mtime).time_since_epoch()).count();
  EXPECT_EQ(Header(r, "Last-Modified"), FormatHttpDate(secs));
  EXPECT_EQ(Header(r, "X-Checksum-SHA256"), "") << "not hashed yet: no digest header";

  Response head = Call(router, "HEAD", "/file/raw/Drivers/Dell/pack.zip");
  EXPECT_TRUE(head.head_only);
  ASSERT_TRUE(head.file);
  EXPECT_EQ(head.file->length, t.big.size());
}

TEST(ContentFile, Ranges) {
  Tree t;
  Router router = MakeRouter(Options(t));
  const uint64_t n = t.big.size();
  struct Case {
    std::string range;
    int status;
    uint64_t offset, length;
    std::string content_range;
  };
  const Case cases[] = {
      {"bytes=0-0", 206, 0, 1, "bytes 0-0/100000"},
      {"bytes=1000-1999", 206, 1000, 1000, "bytes 1000-1999/100000"},
      {"bytes=-10", 206, n - 10, 10, "bytes 99990-99999/100000"},
      {"bytes=99000-", 206, 99000, 1000, "bytes 99000-99999/100000"},
      {"bytes=100000-", 200, 0, n, ""},  // curl -C - on a complete file
      {"bytes=100001-", 416, 0, 0, "bytes */100000"},
      {"bytes=100000-100010", 416, 0, 0, "bytes */100000"},
      {"bytes=0-1,10-20", 200, 0, n, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.range);
    Response r = Call(router, "GET", "/file/raw/Drivers/Dell/pack.zip", {}, {{"Range", c.range}});
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(Header(r, "Content-Range"), c.content_range);
    if (c.status == 416) {
      EXPECT_FALSE(r.file);
      continue;
    }
    ASSERT_TRUE(r.file);
    EXPECT_EQ(r.file->offset, c.offset);
    EXPECT_EQ(r.file->length, c.length);
    EXPECT_EQ(ReadBody(*r.file), t.big.substr(c.offset, c.length));
  }
}

TEST(ContentFile, ConditionalRequests) {
  Tree t;
  Router router = MakeRouter(Options(t));
  const std::string url = "/file/raw/Drivers/Dell/pack.zip";
  Response first = Call(router, "GET", url);
  std::string etag = Header(first, "ETag"), lm = Header(first, "Last-Modified");
  Response by_etag = Call(router, "GET", url, {}, {{"If-None-Match", etag}});
  EXPECT_EQ(by_etag.status, 304);
  EXPECT_FALSE(by_etag.file);
  EXPECT_EQ(Header(by_etag, "ETag"), etag);
  EXPECT_EQ(Call(router, "GET", url, {}, {{"If-Modified-Since", lm}}).status, 304);
  EXPECT_EQ(Call(router, "GET", url, {}, {{"If-None-Match", "\"other\""}}).status, 200);
  Response range_ok = Call(router, "GET", url, {}, {{"Range", "bytes=10-"}, {"If-Range", etag}});
  EXPECT_EQ(range_ok.status, 206);
  Response range_stale = Call(router, "GET", url, {}, {{"Range", "bytes=10-"}, {"If-Range", "\"stale\""}});
  EXPECT_EQ(range_stale.status, 200);
  ASSERT_TRUE(range_stale.file);
  EXPECT_EQ(range_stale.file->length, t.big.size());
}

TEST(ContentFile, ReplaceDuringDownloadKeepsServingTheOldFile) {
  Tree t;
  Router router = MakeRouter(Options(t));
  Response r = Call(router, "GET", "/file/raw/Drivers/Dell/pack.zip");
  ASSERT_TRUE(r.file);
  std::string etag = Header(r, "ETag");
  // The admin replaces the file (new inode renamed over the old name).
  std::string replacement(50000, 'Z');
  WriteFile(t.root / "Drivers/Dell/.new", replacement);
  fs::rename(t.root / "Drivers/Dell/.new", t.root / "Drivers/Dell/pack.zip");
  EXPECT_EQ(ReadBody(*r.file), t.big) << "the download in flight must finish with the old bytes";
  Response next = Call(router, "GET", "/file/raw/Drivers/Dell/pack.zip");
  ASSERT_TRUE(next.file);
  EXPECT_EQ(ReadBody(*next.file), replacement);
  EXPECT_NE(Header(next, "ETag"), etag);
  // A resume against the old ETag now gets the whole new file, not a mix.
  Response resume = Call(router, "GET", "/file/raw/Drivers/Dell/pack.zip", {}, {{"Range", "bytes=100-"}, {"If-Range", etag}});
  EXPECT_EQ(resume.status, 200);
}

TEST(ContentFile, Sha256RouteAndDigestHeaders) {
  Tree t;
  Router router = MakeRouter(Options(t));
  Response r = Call(router, "GET", "/file/sha256/Drivers/Dell/pack.zip");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string hex = pki::Sha256::HexOf(t.big);
  EXPECT_EQ(r.body, hex + "  pack.zip\n");
  Response raw = Call(router, "GET", "/file/raw/Drivers/Dell/pack.zip");
  EXPECT_EQ(Header(raw, "X-Checksum-SHA256"), hex);
  EXPECT_EQ(Header(raw, "Digest"), "sha-256=" + pki::ToBase64(pki::Sha256::Of(t.big)));
  EXPECT_EQ(Call(router, "GET", "/file/sha256/Drivers").status, 400);
}

TEST(ContentFile, MissingIs404AndRootMissingIs503) {
  Tree t;
  Router router = MakeRouter(Options(t));
  EXPECT_EQ(Call(router, "GET", "/file/raw/nope.zip").status, 404);
  EXPECT_EQ(Call(router, "GET", "/file/nope/").status, 404);
  auto o = Options(t);
  o->root = (t.tmp.path() / "absent").string();
  Router absent = MakeRouter(o);
  EXPECT_EQ(Call(absent, "GET", "/file/").status, 503);
}

// --- path safety -----------------------------------------------------------------

TEST(ContentSafety, EveryTraversalAttemptIsRefused) {
  Tree t;
  Router router = MakeRouter(Options(t));
  const std::string long_name(300, 'x');
  const std::string targets[] = {
      "/file/../secret.txt",          "/file/raw/../secret.txt",        "/file/raw/Apps/../../secret.txt",
      "/file/raw/%2e%2e/secret.txt",  "/file/raw/%2E%2E/secret.txt",     "/file/raw/.%2e/secret.txt",
      "/file/raw/%252e%252e/secret.txt", "/file/raw/Apps%2f..%2f..%2fsecret.txt",
      "/file/raw/..%5csecret.txt",    "/file/raw/..\\secret.txt",       "/file/raw//etc/passwd",
      "/file/raw/C:/Windows/win.ini", "/file/raw/Apps/readme.txt%00.zip", "/file/raw/" + long_name,
      "/file/sha256/../secret.txt",   "/file/raw/./Apps/readme.txt",
  };
  for (const auto& target : targets) {
    SCOPED_TRACE(target);
    Response r = Call(router, "GET", target);
    EXPECT_GE(r.status, 400);
    EXPECT_LT(r.status, 500);
    EXPECT_FALSE(r.file);
    EXPECT_EQ(Header(r, "Content-Type"), "application/problem+json");
    EXPECT_EQ(r.body.find("outside the root"), std::string::npos);
  }
}

TEST(ContentSafety, SymlinkLeavingTheRootIsRefusedOneInsideIsServed) {
  Tree t;
  fs::create_symlink(t.tmp.path() / "secret.txt", t.root / "escape.txt");
  fs::create_directory_symlink(t.tmp.path(), t.root / "escape-dir");
  fs::create_symlink("Apps/readme.txt", t.root / "inside.txt");
  fs::create_directory_symlink(t.root / "Drivers", t.root / "drivers-link");
  Router router = MakeRouter(Options(t));
  EXPECT_EQ(Call(router, "GET", "/file/raw/escape.txt").status, 403);
  EXPECT_EQ(Call(router, "GET", "/file/raw/escape-dir/secret.txt").status, 403);
  EXPECT_EQ(Call(router, "GET", "/file/escape-dir/").status, 403);
  Response inside = Call(router, "GET", "/file/raw/inside.txt");
  ASSERT_EQ(inside.status, 200);
  EXPECT_EQ(ReadBody(*inside.file), "hello from apps\n");
  EXPECT_EQ(Call(router, "GET", "/file/raw/drivers-link/Dell/pack.zip").status, 200);
  auto rows = ParseListing(Call(router, "GET", "/file/").body);
  EXPECT_FALSE(FindRow(rows, "/file/escape.txt"));
  EXPECT_FALSE(FindRow(rows, "/file/escape-dir/"));
  EXPECT_TRUE(FindRow(rows, "/file/inside.txt"));
  const Row* link = FindRow(rows, "/file/drivers-link/");
  ASSERT_TRUE(link);
  EXPECT_TRUE(IsFolder(*link));
}

TEST(ContentSafety, UploadTempFilesAreNeitherListedNorServed) {
  Tree t;
  WriteFile(t.root / "Apps/.pv-upload-abc123", "partial");
  Router router = MakeRouter(Options(t));
  EXPECT_EQ(Call(router, "GET", "/file/raw/Apps/.pv-upload-abc123").status, 404);
  EXPECT_EQ(Call(router, "GET", "/file/Apps/").body.find("pv-upload"), std::string::npos);
}

// --- token -----------------------------------------------------------------------

TEST(ContentToken, RequiredWhenConfiguredAcceptedInEveryForm) {
  Tree t;
  auto o = Options(t);
  o->token = "s3cret";
  Router router = MakeRouter(o);
  Response none = Call(router, "GET", "/file/raw/Apps/readme.txt");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Header(none, "Content-Type"), "application/problem+json");
  EXPECT_EQ(Call(router, "GET", "/file/raw/Apps/readme.txt?token=wrong").status, 401);
  EXPECT_EQ(Call(router, "GET", "/file/raw/Apps/readme.txt?token=s3cre").status, 401);
  EXPECT_EQ(Call(router, "GET", "/file/raw/Apps/readme.txt?token=s3cret").status, 200);
  EXPECT_EQ(Call(router, "GET", "/file/raw/Apps/readme.txt", {}, {{"X-File-Token", "s3cret"}}).status, 200);
  EXPECT_EQ(Call(router, "GET", "/file/raw/Apps/readme.txt", {}, {{"Authorization", "Bearer s3cret"}}).status, 200);
  EXPECT_EQ(Call(router, "GET", "/file/", {}, {{"X-File-Token", "nope"}}).status, 401);
  // A script that authenticates by query keeps the token through links and redirects.
  Response redirect = Call(router, "GET", "/file/Apps/readme.txt?token=s3cret");
  EXPECT_EQ(Header(redirect, "Location"), "http://pv.example:12176/file/raw/Apps/readme.txt?token=s3cret");
  auto rows = ParseListing(Call(router, "GET", "/file/?token=s3cret").body);
  EXPECT_TRUE(FindRow(rows, "/file/Apps/?token=s3cret"));
}

TEST(ContentToken, OpenWithoutToken) {
  Tree t;
  Router router = MakeRouter(Options(t));
  EXPECT_EQ(Call(router, "GET", "/file/raw/Apps/readme.txt").status, 200);
}

// --- $WsBase ---------------------------------------------------------------------

TEST(ContentScripts, WsBaseFilledFromExternalUrl) {
  Tree t;
  Router router = MakeRouter(Options(t));
  struct Case {
    std::string name;
    ExternalOrigin origin;
    std::string want;
  };
  ExternalOrigin direct;  // MakeRequest fills pv.example:12176
  const Case cases[] = {
      {"behind proxy with prefix", BehindProxy(), "https://pv.example:8443/provision"},
      {"direct, no prefix", direct, "http://pv.example:12176"},
  };
  std::set<std::string> etags;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Response r = Call(router, "GET", "/file/raw/Provision/Customer.ps1", c.origin);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.file) << "templated scripts are answered from memory";
    EXPECT_NE(r.body.find("\r\n$WsBase = '" + c.want + "'  # replaced when served\r\n"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("$WsBaseUrl = \"unchanged\""), std::string::npos);
    EXPECT_NE(r.body.find("$ConfigUrl = \"" + c.want + "/getcomputer\""), std::string::npos);
    EXPECT_EQ(r.body.find("placeholder.invalid"), std::string::npos);
    EXPECT_EQ(Header(r, "Content-Type"), "text/plain; charset=utf-8");
    etags.insert(Header(r, "ETag"));
    // The checksum and listing size describe what this caller downloads.
    Response sum = Call(router, "GET", "/file/sha256/Provision/Customer.ps1", c.origin);
    EXPECT_EQ(sum.body, pki::Sha256::HexOf(r.body) + "  Customer.ps1\n");
    auto listing = boost::json::parse(Call(router, "GET", "/file/Provision/?format=json", c.origin).body).as_object();
    auto& e = listing["entries"].as_array().at(0).as_object();
    EXPECT_EQ(e["size"].to_number<uint64_t>(), r.body.size());
    // Conditional and range requests work on the rendered text too.
    EXPECT_EQ(Call(router, "GET", "/file/raw/Provision/Customer.ps1", c.origin, {{"If-None-Match", Header(r, "ETag")}}).status, 304);
    Response part = Call(router, "GET", "/file/raw/Provision/Customer.ps1", c.origin, {{"Range", "bytes=2-9"}});
    EXPECT_EQ(part.status, 206);
    EXPECT_EQ(part.body, r.body.substr(2, 8));
  }
  EXPECT_EQ(etags.size(), 2u) << "different bases, different representations";
  // Outside Provision/ a .ps1 is served as is.
  WriteFile(t.root / "Apps/tool.ps1", "$WsBase = 'keep'\n");
  Response plain = Call(router, "GET", "/file/raw/Apps/tool.ps1");
  ASSERT_TRUE(plain.file);
  EXPECT_EQ(ReadBody(*plain.file), "$WsBase = 'keep'\n");
}

// --- built-in scripts: the default Provision/ content ---------------------------

std::shared_ptr<const BuiltinScripts> TwoBuiltins() {
  auto b = std::make_shared<BuiltinScripts>();
  b->version = "9.9.9";
  b->mtime_seconds = 1700000000;
  b->files = {{"Customer.ps1", "# {{ScriptSource}} {{ScriptVersion}}\r\n$WsBase = 'x'\r\n"},
              {"Provisiond.psm1", "$script:V = '{{ScriptVersion}}' # {{WsBase}}\n"}};
  return b;
}

TEST(ContentBuiltin, ServedWhereTheRootHasNoFileAndOverriddenByOne) {
  Tree t;  // tests/data/file has Provision/Customer.ps1: it overrides the built-in one
  auto o = Options(t);
  o->builtin = TwoBuiltins();
  Router router = MakeRouter(o);
  ExternalOrigin proxy = BehindProxy();
  const std::string module_text = "$script:V = '9.9.9+" + pki::Sha256::HexOf("$script:V = '{{ScriptVersion}}' # {{WsBase}}\n").substr(0, 12) +
                                  "' # https://pv.example:8443/provision\n";
  // The module is built in only: served rendered, from memory, said so.
  Response m = Call(router, "GET", "/file/raw/Provision/Provisiond.psm1", proxy);
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(m.body, module_text);
  EXPECT_EQ(Header(m, "Provisiond-Script"), "builtin; version=9.9.9+" + pki::Sha256::HexOf("$script:V = '{{ScriptVersion}}' # {{WsBase}}\n").substr(0, 12));
  EXPECT_EQ(Header(m, "X-Checksum-SHA256"), pki::Sha256::HexOf(module_text));
  EXPECT_EQ(Call(router, "GET", "/file/raw/Provision/Provisiond.psm1", proxy, {{"If-None-Match", Header(m, "ETag")}}).status, 304);
  EXPECT_EQ(Call(router, "GET", "/file/sha256/provision/provisiond.PSM1", proxy).body,
            pki::Sha256::HexOf(module_text) + "  provisiond.PSM1\n");
  // /file/Provision/<name> redirects to raw as for any file.
  Response redirect = Call(router, "GET", "/file/Provision/Provisiond.psm1", proxy);
  EXPECT_EQ(redirect.status, 302);
  EXPECT_EQ(Header(redirect, "Location"), "https://pv.example:8443/provision/file/raw/Provision/Provisiond.psm1");
  // The admin's Customer.ps1 wins over the built-in one, and says it is an override.
  Response c = Call(router, "GET", "/file/raw/Provision/Customer.ps1", proxy);
  ASSERT_EQ(c.status, 200);
  EXPECT_EQ(c.body.find("{{ScriptSource}}"), std::string::npos);
  EXPECT_EQ(Header(c, "Provisiond-Script").rfind("override; version=override+", 0), 0u) << Header(c, "Provisiond-Script");
  // The listing shows both: the built-in entry flagged, with the size and digest served.
  auto listing = boost::json::parse(Call(router, "GET", "/file/Provision/?format=json", proxy).body).as_object();
  std::map<std::string, boost::json::object> by_name;
  for (auto& e : listing["entries"].as_array()) by_name[std::string(e.at("name").as_string())] = e.as_object();
  ASSERT_EQ(by_name.count("Provisiond.psm1"), 1u);
  EXPECT_TRUE(by_name["Provisiond.psm1"]["builtin"].as_bool());
  EXPECT_EQ(by_name["Provisiond.psm1"]["sha256"].as_string(), pki::Sha256::HexOf(module_text));
  EXPECT_EQ(by_name["Provisiond.psm1"]["size"].to_number<uint64_t>(), module_text.size());
  EXPECT_EQ(by_name["Customer.ps1"].count("builtin"), 0u) << "the root's own file is not built in";
  EXPECT_EQ(std::count_if(listing["entries"].as_array().begin(), listing["entries"].as_array().end(),
                          [](const auto& e) { return e.at("name").as_string() == "Customer.ps1"; }), 1);
  // A name that is neither on disk nor built in is still 404.
  EXPECT_EQ(Call(router, "GET", "/file/raw/Provision/Nope.ps1", proxy).status, 404);
}

TEST(ContentBuiltin, AFreshRootListsTheProvisionFolder) {
  TempDir tmp;
  fs::create_directories(tmp.path() / "file");
  auto o = std::make_shared<ContentOptions>();
  o->root = (tmp.path() / "file").string();
  o->builtin = TwoBuiltins();
  Router router = MakeRouter(o);
  auto root = boost::json::parse(Call(router, "GET", "/file/?format=json").body).as_object();
  ASSERT_EQ(root["entries"].as_array().size(), 1u);
  EXPECT_EQ(root["entries"].as_array()[0].at("name").as_string(), "Provision");
  EXPECT_EQ(root["entries"].as_array()[0].at("type").as_string(), "folder");
  EXPECT_TRUE(root["entries"].as_array()[0].at("builtin").as_bool()) << "a folder only the binary holds";
  Response html = Call(router, "GET", "/file/Provision/");
  ASSERT_EQ(html.status, 200) << html.body;
  EXPECT_NE(html.body.find("data-entry-href=\"/file/Provision/Customer.ps1\""), std::string::npos) << html.body;
  EXPECT_NE(html.body.find("data-entry-href=\"/file/Provision/Provisiond.psm1\""), std::string::npos);
  Response admin = Call(router, "GET", "/api/v1/admin/files/Provision");
  EXPECT_EQ(admin.status, 200) << admin.body;
  Response c = Call(router, "GET", "/file/raw/Provision/Customer.ps1");
  ASSERT_EQ(c.status, 200);
  EXPECT_EQ(c.body.rfind("# builtin 9.9.9+", 0), 0u) << c.body;
  EXPECT_NE(c.body.find("$WsBase = 'http://pv.example:12176'"), std::string::npos) << c.body;
  // Without built-in scripts the folder does not exist.
  auto bare = std::make_shared<ContentOptions>();
  bare->root = o->root;
  EXPECT_EQ(Call(MakeRouter(bare), "GET", "/file/Provision/").status, 404);
}

// --- active content: never a page of the admin UI's origin ---------------------

TEST(ContentFile, ActiveTypesAreServedAsSandboxedAttachments) {
  Tree t;
  WriteFile(t.root / "Apps/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>");
  WriteFile(t.root / "Apps/Page.HTML", "<script>alert(1)</script>");
  WriteFile(t.root / "Apps/tool.ps1", "Write-Output 1");
  Router router = MakeRouter(Options(t));
  struct Case {
    std::string path, disposition;  // "" : no Content-Disposition, no CSP
  };
  const Case cases[] = {
      {"Apps/logo.svg", "attachment; filename=\"logo.svg\"; filename*=UTF-8''logo.svg"},
      {"Apps/Page.HTML", "attachment; filename=\"Page.HTML\"; filename*=UTF-8''Page.HTML"},
      {"Apps/tool.ps1", ""},
      {"Drivers/Dell/pack.zip", ""},
      {"Apps/readme.txt", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    // Reached through the /file/ redirect, as a browser or curl -L does.
    Response redirect = Call(router, "GET", "/file/" + c.path);
    ASSERT_EQ(redirect.status, 302);
    EXPECT_EQ(Header(redirect, "Location"), "http://pv.example:12176/file/raw/" + c.path);
    for (auto headers : {std::vector<std::pair<std::string, std::string>>{},
                         std::vector<std::pair<std::string, std::string>>{{"Range", "bytes=1-3"}}}) {
      Response r = Call(router, "GET", "/file/raw/" + c.path, {}, headers);
      ASSERT_TRUE(r.status == 200 || r.status == 206) << r.status;
      EXPECT_EQ(Header(r, "Content-Disposition"), c.disposition);
      EXPECT_EQ(Header(r, "Content-Security-Policy"), c.disposition.empty() ? "" : "sandbox");
      EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff");
    }
  }
}

// --- slow work: whole-file hashes on their own bounded queue -------------------

TEST(ContentSha256, UncachedLargeFileIs202AtOnceThen200WithTheDigest) {
  Tree t;
  auto o = Options(t);
  o->inline_hash_max_bytes = 1000;  // pack.zip (100000 bytes) is a large file here
  o->cache = std::make_shared<Sha256Cache>();
  Router router = MakeRouter(o);
  Response first = Call(router, "GET", "/file/sha256/Drivers/Dell/pack.zip");
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(Header(first, "Retry-After"), "1");
  EXPECT_EQ(Header(first, "X-Checksum-SHA256"), "");
  auto body = boost::json::parse(first.body).as_object();
  EXPECT_EQ(body["status"].as_string(), "computing");
  EXPECT_EQ(body["path"].as_string(), "/Drivers/Dell/pack.zip");
  EXPECT_EQ(body["retry_after"].to_number<int>(), 1);
  EXPECT_NE(body["detail"].as_string().find("being computed"), boost::json::string::npos);

  o->cache->DrainForTesting();
  Response done = Call(router, "GET", "/file/sha256/Drivers/Dell/pack.zip");
  ASSERT_EQ(done.status, 200) << done.body;
  std::string hex = pki::Sha256::HexOf(t.big);
  EXPECT_EQ(done.body, hex + "  pack.zip\n");
  EXPECT_EQ(Header(done, "X-Checksum-SHA256"), hex);
  // The raw download and the admin metadata now carry it too.
  EXPECT_EQ(Header(Call(router, "GET", "/file/raw/Drivers/Dell/pack.zip"), "X-Checksum-SHA256"), hex);
}

TEST(ContentSha256, AdminMetadataQueuesTheHashOfALargeFile) {
  Tree t;
  auto o = Options(t);
  o->inline_hash_max_bytes = 1000;
  o->cache = std::make_shared<Sha256Cache>();
  Router router = MakeRouter(o);
  auto sha = [&] {
    return boost::json::parse(Call(router, "GET", "/api/v1/admin/files/Drivers/Dell/pack.zip").body).as_object()["sha256"];
  };
  EXPECT_TRUE(sha().is_null());  // answered before the hash was even queued
  o->cache->DrainForTesting();
  auto later = sha();
  ASSERT_TRUE(later.is_string()) << later;
  EXPECT_EQ(later.as_string(), pki::Sha256::HexOf(t.big));
}

TEST(ContentSha256, SmallFileIsHashedInlineWith200) {
  Tree t;
  auto o = Options(t);
  o->inline_hash_max_bytes = t.big.size();
  Router router = MakeRouter(o);
  Response r = Call(router, "GET", "/file/sha256/Drivers/Dell/pack.zip");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, pki::Sha256::HexOf(t.big) + "  pack.zip\n");
}

TEST(ContentSha256, AThrowingHashTaskIsCaughtAndTheNextRequestGetsTheDigest) {
  Tree t;
  auto o = Options(t);
  o->inline_hash_max_bytes = 1000;
  std::atomic<int> calls{0};
  Sha256Cache::Options co;
  co.before_hash_for_testing = [&calls](const std::string&) {
    if (calls++ == 0) throw std::runtime_error("injected failure in the hashing task");
  };
  o->cache = std::make_shared<Sha256Cache>(std::move(co));
  Router router = MakeRouter(o);
  EXPECT_EQ(Call(router, "GET", "/file/sha256/Drivers/Dell/pack.zip").status, 202);
  o->cache->DrainForTesting();  // the task threw; the process and the queue live on
  EXPECT_EQ(calls, 1);
  // Not cached, and not stuck as "queued" either: the next request queues it again.
  EXPECT_EQ(Call(router, "GET", "/file/sha256/Drivers/Dell/pack.zip").status, 202);
  o->cache->DrainForTesting();
  EXPECT_EQ(calls, 2);
  Response r = Call(router, "GET", "/file/sha256/Drivers/Dell/pack.zip");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, pki::Sha256::HexOf(t.big) + "  pack.zip\n");
}

TEST(ContentSha256, ManyLargeHashRequestsNeitherWaitNorBlockEventAndSettingsWrites) {
  constexpr int kFiles = 12;
  constexpr size_t kCapacity = 4;
  HeldHashQueue held(kCapacity);  // first: outlives the routes that use its cache
  TempDir tmp;
  api::testing::Env env(api::testing::SampleData());
  admin::RegisterSettingsRoutes(env.router, env.store);
  std::vector<std::string> data(kFiles);
  for (int i = 0; i < kFiles; ++i) {
    data[i] = std::string(5000 + i, static_cast<char>('A' + i));
    WriteFile(tmp.path() / "Big" / ("f" + std::to_string(i) + ".bin"), data[i]);
  }
  auto o = std::make_shared<ContentOptions>();
  o->root = tmp.str();
  o->inline_hash_max_bytes = 1000;  // every file above is "large"
  o->cache = held.cache;
  RegisterContentRoutes(env.router, o);
  auto sum = [&](int i) { return env.Get("/file/sha256/Big/f" + std::to_string(i) + ".bin"); };

  ASSERT_EQ(sum(0).status, 202);
  held.WaitEntered();  // the only hash thread is now held inside f0's task
  std::vector<int> status(kFiles);
  status[0] = 202;
  for (int i = 1; i < kFiles; ++i) {
    Response r = sum(i);
    status[i] = r.status;
    EXPECT_FALSE(Header(r, "Retry-After").empty()) << i;
  }
  // Bounded: f1..f4 wait in the queue, the rest are refused at once (503).
  EXPECT_EQ(std::count(status.begin(), status.end(), 202), 1 + static_cast<int>(kCapacity));
  EXPECT_EQ(std::count(status.begin(), status.end(), 503), kFiles - 1 - static_cast<int>(kCapacity));
  EXPECT_EQ(sum(1).status, 202);  // asked again: still queued once, not twice
  // A listing of those files answers too, without their digests yet.
  auto listing = boost::json::parse(env.Get("/file/Big/?format=json").body).as_object();
  for (auto& e : listing["entries"].as_array()) EXPECT_TRUE(e.as_object()["sha256"].is_null());

  // The writes that must never wait for hashing go through meanwhile.
  Response start = env.Post("/api/v1/endpoint/deployments", R"({"serial":"SDK86P3","model":"Latitude 5420"})");
  ASSERT_EQ(start.status, 201) << start.body;
  std::string id(api::testing::Parse(start).at("id").as_string());
  Response event = env.Post("/api/v1/endpoint/deployments/" + id + "/events",
                            R"({"event_id":"e-1","phase":"apps","message":"installing"})");
  EXPECT_TRUE(event.status == 200 || event.status == 201) << event.status << " " << event.body;
  Response setting = env.Call("PUT", "/api/v1/admin/settings/OptionalTLSMinAttemptCount", R"({"value":"5"})");
  EXPECT_EQ(setting.status, 200) << setting.body;

  held.Release();
  held.cache->DrainForTesting();
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kFiles; ++i)
      if (status[i] != 200) status[i] = sum(i).status;  // a refused one is queued now
    held.cache->DrainForTesting();
  }
  for (int i = 0; i < kFiles; ++i) {
    SCOPED_TRACE(i);
    Response r = sum(i);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, pki::Sha256::HexOf(data[i]) + "  f" + std::to_string(i) + ".bin\n");
  }
}

}  // namespace
}  // namespace provisiond::api::content

// The admin file API through the router: upload, mkdir, rename, delete.
#include <boost/json.hpp>
#include <filesystem>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <functional>
#include <set>

#include "api/content/content.h"
#include "api/content/file_ops.h"
#include "api/content/test_util.h"
#include "pki/sha256.h"

namespace provisiond::api::content {
namespace {

namespace fs = std::filesystem;
using testing::MakeRequest;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

struct Admin {
  TempDir tmp;
  fs::path root = tmp.path() / "file";
  std::shared_ptr<ContentOptions> options = std::make_shared<ContentOptions>();
  Router router;
  Admin() {
    fs::create_directories(root);
    options->root = root.string();
    options->max_upload_bytes = 1 << 20;
    RegisterContentRoutes(router, options);
    router.AllowEveryoneForTesting();
  }
  Response Call(const std::string& method, const std::string& target, std::string body = {},
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request req = MakeRequest(method, target);
    req.body = std::move(body);
    for (auto& [k, v] : headers) req.headers.Add(k, v);
    return router.Dispatch(req);
  }
  // Names in `dir` starting with the upload temp prefix.
  int TempFiles(const fs::path& dir) {
    int n = 0;
    for (auto& e : fs::directory_iterator(dir)) n += e.path().filename().string().rfind(".pv-upload-", 0) == 0;
    return n;
  }
};

TEST(AdminFiles, UploadCreatesThenReplaces) {
  Admin a;
  Response created = a.Call("PUT", "/api/v1/admin/files/Apps/Tool/setup.exe", "MZ version 1");
  ASSERT_EQ(created.status, 201) << created.body;
  auto o = boost::json::parse(created.body).as_object();
  EXPECT_EQ(o["sha256"].as_string(), pki::Sha256::HexOf("MZ version 1"));
  EXPECT_EQ(o["size"].to_number<uint64_t>(), 12u);
  EXPECT_EQ(o["href"].as_string(), "/file/Apps/Tool/setup.exe");
  EXPECT_EQ(ReadFile(a.root / "Apps/Tool/setup.exe"), "MZ version 1");

  Response replaced = a.Call("PUT", "/api/v1/admin/files/Apps/Tool/setup.exe", "MZ version 2!");
  EXPECT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(ReadFile(a.root / "Apps/Tool/setup.exe"), "MZ version 2!");
  EXPECT_EQ(a.TempFiles(a.root / "Apps/Tool"), 0);
  // The upload primed the SHA-256 cache: the raw download carries it at once.
  Response raw = a.Call("GET", "/file/raw/Apps/Tool/setup.exe");
  EXPECT_EQ(raw.headers.Get("X-Checksum-SHA256").value_or(""), pki::Sha256::HexOf("MZ version 2!"));
}

TEST(AdminFiles, UploadRefusals) {
  Admin a;
  WriteFile(a.root / "keep.txt", "old");
  EXPECT_EQ(a.Call("PUT", "/api/v1/admin/files/keep.txt?overwrite=0", "new").status, 409);
  EXPECT_EQ(a.Call("PUT", "/api/v1/admin/files/keep.txt", "new", {{"If-None-Match", "*"}}).status, 409);
  EXPECT_EQ(ReadFile(a.root / "keep.txt"), "old");
  EXPECT_EQ(a.Call("PUT", "/api/v1/admin/files/big.bin", std::string((1 << 20) + 1, 'x')).status, 413);
  EXPECT_FALSE(fs::exists(a.root / "big.bin"));
  EXPECT_EQ(a.Call("PUT", "/api/v1/admin/files/../escape.txt", "x").status, 400);
  EXPECT_EQ(a.Call("PUT", "/api/v1/admin/files/%2e%2e/escape.txt", "x").status, 400);
  EXPECT_FALSE(fs::exists(a.tmp.path() / "escape.txt"));
  fs::create_directory(a.root / "dir");
  EXPECT_EQ(a.Call("PUT", "/api/v1/admin/files/dir", "x").status, 409);
  Response on_folder = a.Call("PUT", "/api/v1/admin/files/dir?overwrite=0", "x");
  EXPECT_EQ(on_folder.status, 409);
  EXPECT_NE(on_folder.body.find("is a folder"), std::string::npos) << on_folder.body;
  EXPECT_EQ(a.Call("PUT", "/api/v1/admin/files/keep.txt/child", "x").status, 409);
  EXPECT_EQ(a.TempFiles(a.root), 0);
}

TEST(AdminFiles, WriterOverLimitLeavesNoTempFile) {
  Admin a;
  ContentRoot root(a.root.string());
  {
    auto w = UploadWriter::Begin(root, "x.bin", 10, true);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_TRUE((*w)->Append("12345").ok());
    EXPECT_EQ(a.TempFiles(a.root), 1);
    Status over = (*w)->Append("678901");
    EXPECT_EQ(over.code(), StatusCode::kTooLarge);
    EXPECT_NE(over.message().find("content.max_upload_bytes"), std::string::npos) << over.message();
    EXPECT_EQ((*w)->Commit(true, nullptr).status().code(), StatusCode::kTooLarge);
  }
  EXPECT_EQ(a.TempFiles(a.root), 0);
  EXPECT_FALSE(fs::exists(a.root / "x.bin"));
}

TEST(AdminFiles, MkdirRenameDelete) {
  Admin a;
  EXPECT_EQ(a.Call("POST", "/api/v1/admin/files/mkdir", R"({"path":"Drivers/Dell/Latitude"})").status, 201);
  EXPECT_TRUE(fs::is_directory(a.root / "Drivers/Dell/Latitude"));
  EXPECT_EQ(a.Call("POST", "/api/v1/admin/files/mkdir", R"({"path":"../out"})").status, 400);
  EXPECT_EQ(a.Call("POST", "/api/v1/admin/files/mkdir", "not json").status, 400);

  WriteFile(a.root / "Drivers/Dell/Latitude/pack.zip", "zip");
  Response moved = a.Call("POST", "/api/v1/admin/files/rename",
                          R"({"from":"/Drivers/Dell/Latitude/pack.zip","to":"Drivers/Dell/pack-7440.zip"})");
  EXPECT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(ReadFile(a.root / "Drivers/Dell/pack-7440.zip"), "zip");
  WriteFile(a.root / "other.zip", "other");
  EXPECT_EQ(a.Call("POST", "/api/v1/admin/files/rename", R"({"from":"other.zip","to":"Drivers/Dell/pack-7440.zip"})").status, 409);
  EXPECT_EQ(a.Call("POST", "/api/v1/admin/files/rename",
                   R"({"from":"other.zip","to":"Drivers/Dell/pack-7440.zip","overwrite":true})").status, 200);
  EXPECT_EQ(ReadFile(a.root / "Drivers/Dell/pack-7440.zip"), "other");
  EXPECT_EQ(a.Call("POST", "/api/v1/admin/files/rename", R"({"from":"Drivers","to":"Drivers/inside"})").status, 400);
  EXPECT_EQ(a.Call("POST", "/api/v1/admin/files/rename", R"({"from":"Drivers","to":"../x"})").status, 400);

  EXPECT_EQ(a.Call("DELETE", "/api/v1/admin/files/Drivers").status, 409);
  EXPECT_TRUE(fs::exists(a.root / "Drivers/Dell/pack-7440.zip"));
  EXPECT_EQ(a.Call("DELETE", "/api/v1/admin/files/Drivers/Dell/pack-7440.zip").status, 204);
  EXPECT_FALSE(fs::exists(a.root / "Drivers/Dell/pack-7440.zip"));
  EXPECT_EQ(a.Call("DELETE", "/api/v1/admin/files/Drivers/Dell/Latitude").status, 204);
  WriteFile(a.root / "Drivers/Dell/a.zip", "a");
  EXPECT_EQ(a.Call("DELETE", "/api/v1/admin/files/Drivers?recursive=1").status, 204);
  EXPECT_FALSE(fs::exists(a.root / "Drivers"));
  EXPECT_EQ(a.Call("DELETE", "/api/v1/admin/files/Drivers").status, 404);
  EXPECT_EQ(a.Call("DELETE", "/api/v1/admin/files/").status, 400);
  EXPECT_TRUE(fs::exists(a.root));
}

TEST(AdminFiles, RecursiveDeleteRemovesLinksNotTheirTargets) {
  Admin a;
  WriteFile(a.tmp.path() / "outside/precious.txt", "keep me");
  fs::create_directories(a.root / "tree");
  fs::create_directory_symlink(a.tmp.path() / "outside", a.root / "tree/link");
  EXPECT_EQ(a.Call("DELETE", "/api/v1/admin/files/tree?recursive=1").status, 204);
  EXPECT_FALSE(fs::exists(a.root / "tree"));
  EXPECT_EQ(ReadFile(a.tmp.path() / "outside/precious.txt"), "keep me");
}

TEST(AdminFiles, ListingAndMetadata) {
  Admin a;
  WriteFile(a.root / "Apps/x.msi", "msi");
  auto root = boost::json::parse(a.Call("GET", "/api/v1/admin/files").body).as_object();
  EXPECT_EQ(root["entries"].as_array().at(0).as_object()["name"].as_string(), "Apps");
  auto meta = boost::json::parse(a.Call("GET", "/api/v1/admin/files/Apps/x.msi").body).as_object();
  EXPECT_EQ(meta["size"].to_number<uint64_t>(), 3u);
  EXPECT_EQ(meta["type"].as_string(), "file");
  // The same mtime format as the entries of a listing.
  auto entry = boost::json::parse(a.Call("GET", "/api/v1/admin/files/Apps").body).as_object()["entries"].as_array().at(0);
  EXPECT_EQ(meta["mtime"], entry.as_object()["mtime"]);
  EXPECT_EQ(meta["mtime"].as_string().size(), std::string_view("2026-11-23T07:28:05Z").size());
}


// --- crash leftovers, refused uploads, file modes (issue 10) -------------------

bool Exists(const fs::path& p) { return fs::symlink_status(p).type() != fs::file_type::not_found; }
uint32_t ModeOf(const fs::path& p) { return static_cast<uint32_t>(fs::status(p).permissions()) & 07777; }

TEST(StaleUploads, TempFilesLeftByACrashAreRemovedAndNamed) {
  TempDir tmp;
  fs::path root = tmp.path() / "file";
  WriteFile(root / ".pv-upload-top", "partial");
  WriteFile(root / "Drivers/Dell/.pv-upload-abc123", "partial");
  WriteFile(root / "Drivers/Dell/pack.zip", "kept");
  WriteFile(root / "Apps/.pv-upload-dir/inside.txt", "a folder with the prefix is not a temp file");
  WriteFile(root / "Apps/.hidden", "other dot files stay");
  // Outside the root, reachable only through a symlink: never followed.
  WriteFile(tmp.path() / "elsewhere/.pv-upload-foreign", "not ours");
  fs::create_directory_symlink(tmp.path() / "elsewhere", root / "link");

  auto removed = RemoveStaleUploads(ContentRoot(root.string()));
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  std::set<std::string> got(removed->begin(), removed->end());
  EXPECT_EQ(got, (std::set<std::string>{".pv-upload-top", "Drivers/Dell/.pv-upload-abc123"}));
  EXPECT_FALSE(Exists(root / ".pv-upload-top"));
  EXPECT_FALSE(Exists(root / "Drivers/Dell/.pv-upload-abc123"));
  EXPECT_EQ(ReadFile(root / "Drivers/Dell/pack.zip"), "kept");
  EXPECT_TRUE(Exists(root / "Apps/.pv-upload-dir/inside.txt"));
  EXPECT_TRUE(Exists(root / "Apps/.hidden"));
  EXPECT_TRUE(Exists(tmp.path() / "elsewhere/.pv-upload-foreign"));

  auto again = RemoveStaleUploads(ContentRoot(root.string()));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(RemoveStaleUploads(ContentRoot((tmp.path() / "missing").string())).status().code(),
            StatusCode::kUnavailable);
}

TEST(StaleUploads, RemovedWhenTheServingRoutesAreRegisteredOnlyIfAsked) {
  TempDir tmp;
  fs::path root = tmp.path() / "file";
  WriteFile(root / "Apps/.pv-upload-left", "partial");
  auto options = std::make_shared<ContentOptions>();
  options->root = root.string();
  {
    Router listing_only;  // `provisiond routes`: a running server may be uploading
    RegisterContentRoutes(listing_only, options);
  }
  EXPECT_TRUE(Exists(root / "Apps/.pv-upload-left"));
  options->remove_stale_uploads = true;  // `provisiond serve`
  Router serving;
  RegisterContentRoutes(serving, options);
  EXPECT_FALSE(Exists(root / "Apps/.pv-upload-left"));
}

TEST(AdminFiles, RefusedOrFailedUploadRemovesTheFoldersItCreated) {
  struct Case {
    std::string name;
    std::function<void(const ContentRoot&)> run;
  };
  const Case cases[] = {
      {"over the limit, then dropped",
       [](const ContentRoot& r) {
         auto w = UploadWriter::Begin(r, "New/Deep/x.bin", 4, true);
         ASSERT_TRUE(w.ok()) << w.status().ToString();
         EXPECT_EQ((*w)->Append("12345").code(), StatusCode::kTooLarge);
       }},
      {"client gone before commit",
       [](const ContentRoot& r) {
         auto w = UploadWriter::Begin(r, "New/Deep/x.bin", 100, true);
         ASSERT_TRUE(w.ok()) << w.status().ToString();
         EXPECT_TRUE((*w)->Append("abc").ok());
       }},
      {"Begin fails after creating a parent",
       [](const ContentRoot& r) {
         // mkdir of the over-long second segment fails (ENAMETOOLONG) after "New" was made.
         auto w = UploadWriter::Begin(r, "New/" + std::string(300, 'x') + "/x.bin", 100, true);
         EXPECT_FALSE(w.ok());
       }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Admin a;
    WriteFile(a.root / "Apps/keep.txt", "existing folder");
    ContentRoot root(a.root.string());
    c.run(root);
    EXPECT_FALSE(Exists(a.root / "New")) << "folders created for the upload were left behind";
    EXPECT_TRUE(Exists(a.root / "Apps/keep.txt"));
  }
}

TEST(AdminFiles, RefusedUploadKeepsFoldersThatExistedOrGotOtherContent) {
  Admin a;
  // Through the route: a Conflict on commit (the target appeared meanwhile).
  ContentRoot root(a.root.string());
  auto w = UploadWriter::Begin(root, "New/Sub/x.bin", 100, true);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append("mine").ok());
  WriteFile(a.root / "New/Sub/x.bin", "theirs");
  EXPECT_EQ((*w)->Commit(false, nullptr).status().code(), StatusCode::kConflict);
  w->reset();
  EXPECT_EQ(ReadFile(a.root / "New/Sub/x.bin"), "theirs");  // the folder holds their file: kept
  EXPECT_EQ(a.TempFiles(a.root / "New/Sub"), 0);
  // A refused upload into an existing folder leaves that folder alone.
  EXPECT_EQ(a.Call("PUT", "/api/v1/admin/files/New/Sub/x.bin?overwrite=0", "again").status, 409);
  EXPECT_TRUE(Exists(a.root / "New/Sub"));
}

TEST(AdminFiles, FailedRenameRemovesTheFoldersItCreatedForTheTarget) {
  Admin a;
  WriteFile(a.root / "Apps/tool.exe", "MZ");
  ContentRoot root(a.root.string());
  // "New" is created for the target, then rename() fails on the over-long name.
  Status st = Rename(root, "Apps/tool.exe", "New/" + std::string(300, 'x'), false);
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(Exists(a.root / "New"));
  EXPECT_EQ(ReadFile(a.root / "Apps/tool.exe"), "MZ");
}

TEST(AdminFiles, UploadedFilesAndFoldersTakeTheContentRootsMode) {
  struct Case {
    uint32_t root_mode, file_mode;
  };
  // 02775: a setgid group folder; its folders stay setgid, files never get it.
  const Case cases[] = {{0755, 0644}, {0750, 0640}, {0700, 0600}, {0775, 0664}, {02775, 0664}};
  mode_t old_umask = ::umask(0077);  // the service's own umask must not decide
  for (const auto& c : cases) {
    SCOPED_TRACE(c.root_mode);
    Admin a;
    fs::permissions(a.root, static_cast<fs::perms>(c.root_mode));
    ASSERT_EQ(a.Call("PUT", "/api/v1/admin/files/Apps/Tool/setup.exe", "MZ").status, 201);
    EXPECT_EQ(ModeOf(a.root / "Apps/Tool/setup.exe"), c.file_mode);
    EXPECT_EQ(ModeOf(a.root / "Apps"), c.root_mode);
    EXPECT_EQ(ModeOf(a.root / "Apps/Tool"), c.root_mode);
    ASSERT_EQ(a.Call("PUT", "/api/v1/admin/files/Apps/Tool/setup.exe", "MZ2").status, 200);  // replaced
    EXPECT_EQ(ModeOf(a.root / "Apps/Tool/setup.exe"), c.file_mode);
    ASSERT_EQ(a.Call("POST", "/api/v1/admin/files/mkdir", R"({"path":"Made/Here"})").status, 201);
    EXPECT_EQ(ModeOf(a.root / "Made/Here"), c.root_mode);
  }
  ::umask(old_umask);
}

}  // namespace
}  // namespace provisiond::api::content

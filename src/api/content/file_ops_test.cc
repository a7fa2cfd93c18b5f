// The admin file API through the router: upload, mkdir, rename, delete.
#include <boost/json.hpp>
#include <filesystem>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace provisiond::api::content

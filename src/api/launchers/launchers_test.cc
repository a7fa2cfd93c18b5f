#include "api/launchers/launchers.h"

#include <zip.h>

#include <gtest/gtest.h>

namespace provisiond::api::launchers {
namespace {

constexpr std::string_view kTemplate =
    "$Hook = '{{Hook}}'\n$WsBase = '{{WsBase}}'\n$BundleKey = '{{BundleKey}}'\n$RootSha256 = '{{RootSha256}}'\n"
    "# {{Version}}\n";

LauncherInput Good() {
  LauncherInput in;
  in.ws_base = "HTTPS://Prov.Example.ORG:12176/provision/";
  in.bundle_key = "pvk_abc";
  in.root_sha256 = {std::string(64, 'A'), "bb:" + std::string(62, 'c')};
  in.version = "1.2.3";
  return in;
}

TEST(Launchers, TokensFilledForEachHook) {
  auto in = CheckLauncherInput(Good());
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->ws_base, "https://prov.example.org:12176/provision");
  auto files = MakeLaunchers(kTemplate, *in);
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0].name, "Customer-PE-Pre.ps1");
  EXPECT_EQ(files[3].name, "Customer.ps1");
  EXPECT_EQ(files[1].contents, "$Hook = 'Customer-PE.ps1'\n$WsBase = 'https://prov.example.org:12176/provision'\n"
                               "$BundleKey = 'pvk_abc'\n$RootSha256 = '" + std::string(64, 'a') + ",bb" +
                               std::string(62, 'c') + "'\n# 1.2.3\n");
}

TEST(Launchers, BadInputNamesTheField) {
  struct Case {
    std::string name;
    void (*edit)(LauncherInput*);
    std::string field;
  };
  const Case cases[] = {
      {"no scheme", [](LauncherInput* i) { i->ws_base = "prov.example:12176"; }, "ws_base"},
      {"ftp", [](LauncherInput* i) { i->ws_base = "ftp://prov.example"; }, "ws_base"},
      {"quote", [](LauncherInput* i) { i->ws_base = "https://prov.example/'; Remove-Item C:\\"; }, "ws_base"},
      {"query", [](LauncherInput* i) { i->ws_base = "https://prov.example/?a=1"; }, "ws_base"},
      {"user info", [](LauncherInput* i) { i->ws_base = "https://u:p@prov.example"; }, "ws_base"},
      {"empty", [](LauncherInput* i) { i->ws_base = " "; }, "ws_base"},
      {"key quote", [](LauncherInput* i) { i->bundle_key = "a'b"; }, "bundle_key"},
      {"short pin", [](LauncherInput* i) { i->root_sha256 = {"abcd"}; }, "root_sha256"},
      {"not hex", [](LauncherInput* i) { i->root_sha256 = {std::string(64, 'g')}; }, "root_sha256"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    LauncherInput in = Good();
    c.edit(&in);
    auto checked = CheckLauncherInput(in);
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.status().field(), c.field) << checked.status().ToString();
  }
}

TEST(Launchers, ZipIsByteStableAndHoldsTheFourFiles) {
  auto in = CheckLauncherInput(Good());
  ASSERT_TRUE(in.ok());
  auto a = LaunchersZip(kTemplate, *in);
  auto b = LaunchersZip(kTemplate, *in);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  LauncherInput other = *in;
  other.ws_base = "https://other.example";
  EXPECT_NE(*LaunchersZip(kTemplate, other), *a);
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(a->data(), a->size(), 0, &err);
  zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &err);
  ASSERT_NE(z, nullptr);
  ASSERT_EQ(zip_get_num_entries(z, 0), 4);
  for (zip_int64_t i = 0; i < 4; ++i) {
    zip_stat_t st;
    ASSERT_EQ(zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st), 0);
    EXPECT_EQ(std::string(st.name), std::string(kHooks[i]));
    EXPECT_EQ(st.mtime, ArchiveMtime());
  }
  zip_close(z);
  zip_error_fini(&err);
}

}  // namespace
}  // namespace provisiond::api::launchers

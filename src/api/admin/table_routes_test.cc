// Admin CRUD of the tables: paging/sort/search on the server, versions and
// 409 with the current row, referrers on delete, field-named 400s, and
// nothing half-saved on a refusal.
#include "api/admin/table_routes.h"

#include <gtest/gtest.h>

#include "api/admin/list_query.h"
#include "api/endpoint/test_env_for_testing.h"

namespace provisiond::api {
namespace {

using testing::Env;
using testing::Parse;
using testing::SampleData;

std::string Str(const boost::json::value& v) { return std::string(v.as_string()); }
int64_t Int(const boost::json::value& v) { return v.as_int64(); }

TEST(AdminTables, ComputersSearchSortAndPage) {
  Env env(SampleData());
  Response all = env.Get("/api/v1/admin/computers?limit=1000");
  ASSERT_EQ(all.status, 200) << all.body;
  auto a = Parse(all).as_object();
  EXPECT_EQ(Int(a.at("total")), 300);
  EXPECT_EQ(a.at("items").as_array().size(), 300u);

  // Sorted by name descending: each item sorts after the next (case-folded).
  auto desc = Parse(env.Get("/api/v1/admin/computers?sort=computer_name&order=desc&limit=20")).as_object();
  const auto& items = desc.at("items").as_array();
  ASSERT_EQ(items.size(), 20u);
  for (size_t i = 1; i < items.size(); ++i)
    EXPECT_GE(admin::CompareFolded(Str(items[i - 1].at("computer_name")), Str(items[i].at("computer_name"))), 0);

  // Search is case-insensitive over every text column; the page is a slice.
  auto lil = Parse(env.Get("/api/v1/admin/computers?q=fr-lil&limit=2&offset=1")).as_object();
  EXPECT_GT(Int(lil.at("total")), 2);
  EXPECT_EQ(lil.at("items").as_array().size(), 2u);
  for (const auto& c : lil.at("items").as_array())
    EXPECT_NE(Str(c.at("computer_name")).find("FR-LIL"), std::string::npos);
  auto dev = Parse(env.Get("/api/v1/admin/computers?type=dev&limit=1000")).as_object();
  for (const auto& c : dev.at("items").as_array()) EXPECT_EQ(Str(c.at("type")), "DEV");
  EXPECT_EQ(Int(dev.at("total")), static_cast<int64_t>(dev.at("items").as_array().size()));

  // A deep page is the same slice of the whole sorted list (ties keep file order).
  auto whole = Parse(env.Get("/api/v1/admin/computers?sort=timezone&order=desc&limit=1000")).as_object();
  auto deep = Parse(env.Get("/api/v1/admin/computers?sort=timezone&order=desc&offset=137&limit=40")).as_object();
  ASSERT_EQ(deep.at("items").as_array().size(), 40u);
  for (size_t i = 0; i < 40; ++i)
    EXPECT_EQ(Str(deep.at("items").as_array()[i].at("serial")), Str(whole.at("items").as_array()[137 + i].at("serial")));

  Response bad = env.Get("/api/v1/admin/computers?sort=password");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Str(Parse(bad).at("field")), "sort");
  EXPECT_EQ(Parse(env.Get("/api/v1/admin/computers?limit=5000")).at("field"), "limit");
}

TEST(AdminTables, ComputerCreateUpdateConflictDelete) {
  Env env(SampleData());
  Response created = env.Post("/api/v1/admin/computers",
                              R"({"serial":"NEW-1","computer_name":"FR-PC-1","type":"dev","country":"fr"})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto c = Parse(created).as_object();
  EXPECT_EQ(Str(c.at("type")), "DEV");  // the catalogue's spelling
  EXPECT_EQ(Int(c.at("version")), 1);
  EXPECT_EQ(env.Post("/api/v1/admin/computers", R"({"serial":"new-1"})").status, 409);

  // A partial update keeps the other fields.
  Response up = env.Call("PUT", "/api/v1/admin/computers/NEW-1", R"({"computer_name":"FR-PC-2","version":1})");
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(Str(Parse(up).at("type")), "DEV");
  EXPECT_EQ(Int(Parse(up).at("version")), 2);

  // A stale version: 409 with the row as stored; nothing changed.
  Response stale = env.Call("PUT", "/api/v1/admin/computers/NEW-1", R"({"computer_name":"FR-PC-3","version":1})");
  ASSERT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(Str(Parse(stale).at("current").at("computer_name")), "FR-PC-2");
  EXPECT_EQ(env.store->Snapshot()->FindComputerBySerial("NEW-1")->computer_name, "FR-PC-2");

  // Bad values name the field and store nothing.
  struct Bad {
    const char* body;
    const char* field;
  } bads[] = {
      {R"({"computer_name":"THIS-NAME-IS-TOO-LONG","version":2})", "computer_name"},
      {R"({"type":"NOPE","version":2})", "type"},
      {R"({"computer_name":5,"version":2})", "computer_name"},
      {R"({"computername":"X","version":2})", "computername"},
      {R"({"computer_name":"X"})", "version"},
      {R"({"serial":"OTHER","version":2})", "serial"},
  };
  for (const auto& b : bads) {
    Response r = env.Call("PUT", "/api/v1/admin/computers/NEW-1", b.body);
    EXPECT_EQ(r.status, 400) << b.body << " -> " << r.body;
    EXPECT_EQ(Str(Parse(r).at("field")), b.field) << r.body;
  }
  EXPECT_EQ(env.store->Snapshot()->FindComputerBySerial("NEW-1")->version, 2u);

  EXPECT_EQ(env.Call("DELETE", "/api/v1/admin/computers/NEW-1").status, 400);  // no version
  EXPECT_EQ(env.Call("DELETE", "/api/v1/admin/computers/NEW-1?version=1").status, 409);
  EXPECT_EQ(env.Call("DELETE", "/api/v1/admin/computers/NEW-1?version=2").status, 204);
  EXPECT_EQ(env.Get("/api/v1/admin/computers/NEW-1").status, 404);
}

TEST(AdminTables, TypesKeepTheirOrderAndRefuseDanglingDeletes) {
  Env env(SampleData());
  Response created = env.Post("/api/v1/admin/types", R"({"name":"TESTLAB","applications":["vlc","7Zip"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto t = Parse(created).as_object();
  ASSERT_EQ(t.at("applications").as_array().size(), 2u);
  EXPECT_EQ(Str(t.at("applications").as_array()[0]), "VLC");
  int64_t v = Int(t.at("version"));

  Response reordered = env.Call("PUT", "/api/v1/admin/types/TESTLAB",
                                R"({"applications":["7Zip","VLC"],"version":)" + std::to_string(v) + "}");
  ASSERT_EQ(reordered.status, 200) << reordered.body;
  EXPECT_EQ(Str(Parse(reordered).at("applications").as_array()[0]), "7Zip");
  EXPECT_NE(Int(Parse(reordered).at("version")), v);
  Response stale = env.Call("PUT", "/api/v1/admin/types/TESTLAB",
                            R"({"applications":["VLC"],"version":)" + std::to_string(v) + "}");
  ASSERT_EQ(stale.status, 409);
  EXPECT_EQ(Parse(stale).at("current").at("applications").as_array().size(), 2u);
  Response missing = env.Call("PUT", "/api/v1/admin/types/TESTLAB",
                              R"({"applications":["Nope"],"version":)" +
                                  std::to_string(Int(Parse(reordered).at("version"))) + "}");
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(env.store->Snapshot()->AppsOfType("TESTLAB").size(), 2u);

  // DEV has computers: the delete names them.
  auto dev = Parse(env.Get("/api/v1/admin/types/DEV")).as_object();
  Response refused = env.Call("DELETE", "/api/v1/admin/types/DEV?version=" + std::to_string(Int(dev.at("version"))));
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(Int(Parse(refused).at("referrer_count")), Int(dev.at("computers")));
  EXPECT_FALSE(Parse(refused).at("referrers").as_array().empty());
  EXPECT_FALSE(env.store->Snapshot()->AppsOfType("DEV").empty());

  // An app a type lists cannot go; once no type lists it, it can.
  auto vlc = Parse(env.Get("/api/v1/admin/apps/VLC")).as_object();
  Response app_refused = env.Call("DELETE", "/api/v1/admin/apps/VLC?version=" + std::to_string(Int(vlc.at("version"))));
  ASSERT_EQ(app_refused.status, 409);
  bool lists_testlab = false;
  auto refused_app = Parse(app_refused);
  for (const auto& r : refused_app.at("referrers").as_array()) lists_testlab = lists_testlab || Str(r) == "TESTLAB";
  EXPECT_TRUE(lists_testlab);
}

TEST(AdminTables, AppsValidateRegexAndShowSourceKindAndUse) {
  Env env(SampleData());
  Response bad = env.Post("/api/v1/admin/apps", R"({"name":"X","allowed_models":["(unclosed"]})");
  ASSERT_EQ(bad.status, 400);
  EXPECT_EQ(Str(Parse(bad).at("field")), "allowed_models");
  EXPECT_EQ(env.store->Snapshot()->FindApp("X"), nullptr);

  Response ok = env.Post("/api/v1/admin/apps",
                         R"({"name":"Tool","url":"\\\\srv\\share\\%Model%\\tool","script":"install.cmd","reboot":true,)"
                         R"("allowed_models":["(?i)latitude"],"success_codes":[0,1641],"allowed_countries":"fr;be"})");
  ASSERT_EQ(ok.status, 201) << ok.body;
  auto a = Parse(ok).as_object();
  EXPECT_EQ(Str(a.at("source_kind")), "unc");
  EXPECT_TRUE(a.at("reboot").as_bool());
  EXPECT_EQ(a.at("success_codes").as_array().size(), 2u);
  EXPECT_EQ(Str(a.at("allowed_countries").as_array()[1]), "BE");
  EXPECT_TRUE(a.at("used_by").as_array().empty());
  auto used = Parse(env.Get("/api/v1/admin/apps/7Zip")).as_object();
  EXPECT_FALSE(used.at("used_by").as_array().empty());
  EXPECT_EQ(env.Call("PUT", "/api/v1/admin/apps/Tool", R"({"name":"Other","version":1})").status, 400);
}

TEST(AdminTables, DriversHaveStableIdsAndMove) {
  Env env(SampleData());
  auto list = Parse(env.Get("/api/v1/admin/drivers?limit=1000")).as_object();
  size_t n = list.at("items").as_array().size();
  ASSERT_GT(n, 3u);
  Response created = env.Post("/api/v1/admin/drivers", R"({"model_regex":"(?i)surface","bundle_id":"9","min_ram_gb":8})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto d = Parse(created).as_object();
  int64_t id = Int(d.at("id"));
  EXPECT_EQ(Int(d.at("position")), static_cast<int64_t>(n + 1));
  EXPECT_EQ(Str(d.at("bundle_id")), "9");

  Response moved = env.Call("PUT", "/api/v1/admin/drivers/" + std::to_string(id) + "/position",
                            R"({"position":1,"version":1})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Int(Parse(moved).at("position")), 1);
  EXPECT_EQ(Int(Parse(moved).at("id")), id);
  // The first rule of before is now second, with the same id.
  auto first_before = list.at("items").as_array()[0].as_object();
  auto again = Parse(env.Get("/api/v1/admin/drivers/" + std::to_string(Int(first_before.at("id"))))).as_object();
  EXPECT_EQ(Int(again.at("position")), 2);

  // null clears an optional field; a delete keeps the other ids.
  Response cleared = env.Call("PUT", "/api/v1/admin/drivers/" + std::to_string(id), R"({"bundle_id":null,"version":2})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(Parse(cleared).at("bundle_id").is_null());
  EXPECT_EQ(Parse(env.Call("PUT", "/api/v1/admin/drivers/" + std::to_string(id) + "/position",
                           R"({"position":999,"version":3})")).at("field"), "position");
  EXPECT_EQ(env.Call("DELETE", "/api/v1/admin/drivers/" + std::to_string(id) + "?version=3").status, 204);
  auto after = Parse(env.Get("/api/v1/admin/drivers/" + std::to_string(Int(first_before.at("id"))))).as_object();
  EXPECT_EQ(Int(after.at("position")), 1);
  EXPECT_EQ(env.Get("/api/v1/admin/drivers/" + std::to_string(id)).status, 404);
}

TEST(AdminTables, Locales) {
  Env env(SampleData());
  Response created = env.Post("/api/v1/admin/locales", R"({"country":"lu","language":"fr-LU","timezone":"W. Europe Standard Time"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Str(Parse(created).at("country")), "LU");
  EXPECT_EQ(env.Post("/api/v1/admin/locales", R"({"country":"LU"})").status, 409);
  Response up = env.Call("PUT", "/api/v1/admin/locales/lu", R"({"keyboard":"fr-LU","version":1})");
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(Str(Parse(up).at("language")), "fr-LU");
  Response del = env.Call("DELETE", "/api/v1/admin/locales/LU?version=2");
  EXPECT_EQ(del.status, 204) << del.body;
}

}  // namespace
}  // namespace provisiond::api

#include "store/csv/audit_log.h"

#include <gtest/gtest.h>

#include "store/testing/temp_dir_for_testing.h"

namespace provisiond::store {
namespace {

Timestamp Day(int d, int hour = 10) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2026-12-%02dT%02d:00:00Z", d, hour);
  return *ParseIso8601(buf);
}

model::AuditEntry Entry(Timestamp at, std::string actor, std::string action, std::string target) {
  model::AuditEntry e;
  e.at = at;
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.target = std::move(target);
  e.outcome = "ok";
  return e;
}

struct Log {
  testing::TempDir dir;
  Timestamp now = Day(3);
  AuditLog log{AuditLogOptions{dir / "audit", 30, false, [this] { return now; }, &platform::PosixFs()}};
};

TEST(AuditLog, AppendsDailyFilesAndListsNewestFirstWithFilters) {
  Log l;
  ASSERT_TRUE(l.log.Append(Entry(Day(1), "ada", "login", "ada")).ok());
  ASSERT_TRUE(l.log.Append(Entry(Day(2), "ada", "put /api/v1/admin/settings/{key}", "key=x")).ok());
  ASSERT_TRUE(l.log.Append(Entry(Day(2, 11), "bob", "login.failed", "bob")).ok());
  ASSERT_TRUE(l.log.Append(Entry(Day(3), "bob", "login", "bob")).ok());
  EXPECT_TRUE(std::filesystem::exists(l.dir / "audit/audit-2026-12-01.csv"));
  EXPECT_TRUE(std::filesystem::exists(l.dir / "audit/audit-2026-12-02.csv"));
  auto all = l.log.List({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->total, 4u);
  EXPECT_EQ(all->items[0].at, Day(3));
  EXPECT_EQ(all->items[3].at, Day(1));
  AuditQuery q;
  q.action = "login";  // prefix: login.failed too
  EXPECT_EQ(l.log.List(q)->total, 3u);
  q = {};
  q.actor = "BOB";
  EXPECT_EQ(l.log.List(q)->total, 2u);
  q = {};
  q.from = Day(2);
  q.to = Day(3);
  EXPECT_EQ(l.log.List(q)->total, 2u);
  q = {};
  q.text = "KEY=X";
  EXPECT_EQ(l.log.List(q)->total, 1u);
  q = {};
  q.offset = 1;
  q.limit = 2;
  auto page = l.log.List(q);
  EXPECT_EQ(page->total, 4u);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].at, Day(2, 11));
}

TEST(AuditLog, HostileTextStaysReadableAndATornLineIsSkipped) {
  Log l;
  model::AuditEntry e = Entry(Day(3), "ada", "put", std::string("a\x01\x7f\xff\"b,\n=cmd", 12));
  ASSERT_TRUE(l.log.Append(e).ok());
  ASSERT_TRUE(l.log.Append(Entry(Day(3, 11), "ada", "login", "=HYPERLINK(\"x\")")).ok());
  // A crash mid-append leaves half a line.
  {
    std::ofstream out(l.dir / "audit/audit-2026-12-03.csv", std::ios::app);
    out << "2026-12-03T12:00:00.000Z,half";
  }
  auto all = l.log.List({});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->total, 2u);
  EXPECT_EQ(all->items[1].target, "a\\u0001\\u007f\\xff\"b,\\u000a=cmd");
  EXPECT_EQ(all->items[0].target, "=HYPERLINK(\"x\")");  // neutralised in the file, restored on read
  std::string text = testing::ReadText(l.dir / "audit/audit-2026-12-03.csv");
  EXPECT_NE(text.find("'=HYPERLINK"), std::string::npos);
  EXPECT_EQ(text.find('\x01'), std::string::npos);
}

TEST(AuditLog, RetentionDeletesOldDays) {
  Log l;
  ASSERT_TRUE(l.log.Append(Entry(Day(1), "a", "x", "")).ok());
  ASSERT_TRUE(l.log.Append(Entry(Day(3), "a", "x", "")).ok());
  l.now = Day(1) + std::chrono::hours(24 * 31);
  ASSERT_TRUE(l.log.ApplyRetention().ok());
  EXPECT_FALSE(std::filesystem::exists(l.dir / "audit/audit-2026-12-01.csv"));
  EXPECT_TRUE(std::filesystem::exists(l.dir / "audit/audit-2026-12-03.csv"));
}

}  // namespace
}  // namespace provisiond::store

// Structural sharing of Tables (model/rows.h) and the indexes kept current
// by the one-row helpers.
#include "model/tables.h"

#include <gtest/gtest.h>

namespace provisiond::model {
namespace {

Computer Row(int i) {
  Computer c;
  c.serial = "S" + std::to_string(i);
  c.computer_name = "pc" + std::to_string(i);
  c.uuid = "u-" + std::to_string(i);
  c.mac = "AA:00:" + std::to_string(i % 100);
  return c;
}

std::vector<Computer> Rows(int n) {
  std::vector<Computer> v;
  for (int i = 0; i < n; ++i) v.push_back(Row(i));
  return v;
}

TEST(RowList, BehavesLikeAVectorAcrossChunkBoundaries) {
  const size_t k = RowList<Computer>::kChunkSize;
  for (size_t n : {size_t{0}, size_t{1}, k - 1, k, k + 1, 3 * k + 5}) {
    SCOPED_TRACE("size " + std::to_string(n));
    std::vector<Computer> want = Rows(static_cast<int>(n));
    RowList<Computer> rows = want;
    ASSERT_EQ(rows.size(), n);
    for (size_t pos : {size_t{0}, n / 2, n == 0 ? 0 : n - 1}) {
      if (n == 0) break;
      RowList<Computer> copy = rows;
      std::vector<Computer> w = want;
      copy.Erase(pos);
      w.erase(w.begin() + static_cast<std::ptrdiff_t>(pos));
      EXPECT_TRUE(copy == RowList<Computer>(w));
      copy.PushBack(Row(9999));
      w.push_back(Row(9999));
      EXPECT_TRUE(copy == RowList<Computer>(w));
      EXPECT_TRUE(rows == RowList<Computer>(want));  // the original never changes
    }
  }
}

TEST(RowList, SetCopiesOneChunkAndSharesTheRest) {
  RowList<Computer> a = Rows(2000);
  RowList<Computer> b = a;
  Computer c = b[1000];
  c.notes = "changed";
  b.Set(1000, c);
  EXPECT_EQ(a[1000].notes, "");
  EXPECT_EQ(b[1000].notes, "changed");
  size_t shared = 0;
  for (size_t i = 0; i < a.chunks().size(); ++i) shared += a.chunks()[i] == b.chunks()[i];
  EXPECT_EQ(shared, a.chunks().size() - 1);
  EXPECT_EQ(&a[999], &b[999]);  // rows are shared, not copied
  EXPECT_NE(a.stamp(), b.stamp());
}

TEST(CowVector, CopySharesUntilChanged) {
  CowVector<std::pair<std::string, std::string>> a = {{"k", "v"}};
  auto b = a;
  EXPECT_EQ(&a.items(), &b.items());
  b[0].second = "w";
  EXPECT_EQ(a[0].second, "v");
  EXPECT_EQ(b[0].second, "w");
  b.push_back({"k2", "v2"});
  EXPECT_EQ(a.size(), 1u);
  EXPECT_NE(a.stamp(), b.stamp());
}

// Every lookup of `t` answers as a freshly built index would.
void ExpectIndexesMatchARebuild(const Tables& t) {
  Tables fresh;
  fresh.computers = std::vector<Computer>(t.computers.begin(), t.computers.end());
  fresh.BuildIndexes();
  for (size_t i = 0; i < t.computers.size(); ++i) {
    const Computer& c = t.computers[i];
    ASSERT_EQ(t.FindComputerBySerial(c.serial), &c);
    ASSERT_EQ(t.PositionOf(&c), std::optional<size_t>(i));
    ASSERT_EQ(t.FindComputersByUuid(c.uuid).size(), fresh.FindComputersByUuid(c.uuid).size());
    ASSERT_EQ(t.FindComputersByMac(c.mac).size(), fresh.FindComputersByMac(c.mac).size());
  }
}

TEST(Tables, OneRowHelpersKeepIndexesCurrentAndTheOldSnapshotIntact) {
  Tables a;
  a.computers = Rows(1500);
  a.BuildIndexes();
  Tables b = a;
  Computer moved = b.computers[700];
  moved.serial = "RENAMED";
  moved.uuid = "u-new";
  moved.mac = "BB:11";
  b.SetComputer(700, moved);
  b.AddComputer(Row(5000));
  b.EraseComputer(3);
  b.EraseComputer(600);
  ExpectIndexesMatchARebuild(b);
  EXPECT_EQ(b.FindComputerBySerial("S700"), nullptr);
  EXPECT_EQ(b.FindComputerBySerial("renamed")->uuid, "u-new");
  ASSERT_EQ(b.FindComputersByMac("bb-11").size(), 1u);
  EXPECT_EQ(b.FindComputerBySerial("S3"), nullptr);
  // The snapshot it came from still answers with its own rows.
  ExpectIndexesMatchARebuild(a);
  EXPECT_EQ(a.FindComputerBySerial("S700")->computer_name, "pc700");
  EXPECT_EQ(a.FindComputerBySerial("RENAMED"), nullptr);
  EXPECT_EQ(a.computers.size(), 1500u);
}

TEST(Tables, DirectChangeThenBuildIndexesRebuilds) {
  Tables t;
  t.computers = Rows(10);
  App vlc;
  vlc.name = "VLC";
  t.apps = {vlc};
  t.BuildIndexes();
  t.computers = Rows(3);
  t.apps[0].name = "Firefox";
  t.BuildIndexes();
  EXPECT_EQ(t.FindComputerBySerial("S5"), nullptr);
  ASSERT_NE(t.FindComputerBySerial("S2"), nullptr);
  EXPECT_EQ(t.FindApp("vlc"), nullptr);
  EXPECT_NE(t.FindApp("firefox"), nullptr);
}

TEST(Tables, DuplicatesComeBackInFileOrder) {
  Tables t;
  Computer a = Row(1), b = Row(2), c = Row(3);
  b.serial = "s1";
  c.uuid = a.uuid;
  t.computers = {a, b, c};
  t.BuildIndexes();
  auto all = t.FindComputersBySerial("S1");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], &t.computers[0]);
  EXPECT_EQ(all[1], &t.computers[1]);
  EXPECT_EQ(t.FindComputerBySerial("S1"), &t.computers[0]);
  auto by_uuid = t.FindComputersByUuid("U-1");
  ASSERT_EQ(by_uuid.size(), 2u);
  EXPECT_EQ(by_uuid[0], &t.computers[0]);
  EXPECT_EQ(by_uuid[1], &t.computers[2]);
}

}  // namespace
}  // namespace provisiond::model

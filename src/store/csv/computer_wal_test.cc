// computers.csv.wal records and replay rules; the chunk-cached encoder.
#include "store/csv/computer_wal.h"

#include <gtest/gtest.h>

#include "store/csv/tables_csv.h"

namespace provisiond::store {
namespace {

model::Computer Row(std::string serial, std::string name, uint64_t version = 1) {
  model::Computer c;
  c.serial = std::move(serial);
  c.computer_name = std::move(name);
  c.version = version;
  return c;
}

PendingChange Put(const model::Computer& row, const model::Computer* base) {
  PendingChange c;
  c.row = row;
  if (base != nullptr) {
    c.base_version = base->version;
    c.base_hash = RowHash(*base);
  }
  return c;
}

TEST(ComputerWal, RecordsRoundTripAnyText) {
  PendingChange a = Put(Row("S\t1", "a\\b\nc\rd,\"e\""), nullptr);
  a.row.extra = {{"site", "Lyon\t2"}, {"asset tag", ""}};
  a.row.notes = "café";
  PendingChange b;
  b.op = PendingChange::Op::kDelete;
  b.base_version = 7;
  b.base_hash = 0xfedcba9876543210ull;
  b.row.serial = "S2";
  b.row.version = 0;
  std::string text = EncodeWalRecord(a) + EncodeWalRecord(b);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);  // one line per record
  WalContent w = DecodeWal(text);
  EXPECT_TRUE(w.skipped.empty());
  ASSERT_EQ(w.changes.size(), 2u);
  EXPECT_EQ(w.changes[0], a);
  EXPECT_EQ(w.changes[1], b);
}

TEST(ComputerWal, CutAtEveryByteKeepsTheWholeRecordsBeforeIt) {
  std::string first = EncodeWalRecord(Put(Row("S1", "one"), nullptr));
  std::string text = first + EncodeWalRecord(Put(Row("S2", "two"), nullptr));
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    WalContent w = DecodeWal(std::string_view(text).substr(0, cut));
    size_t whole = cut == text.size() ? 2 : cut >= first.size() ? 1 : 0;
    ASSERT_EQ(w.changes.size(), whole);
    bool torn = cut != 0 && cut != first.size() && cut != text.size();
    EXPECT_EQ(w.skipped.size(), torn ? 1u : 0u);
  }
}

TEST(ComputerWal, DamagedRecordIsSkippedAndNamed) {
  std::string a = EncodeWalRecord(Put(Row("S1", "one"), nullptr));
  std::string b = EncodeWalRecord(Put(Row("S2", "two"), nullptr));
  std::string damaged = a;
  damaged[damaged.size() - 3] ^= 1;
  WalContent w = DecodeWal(damaged + b + "garbage\n");
  ASSERT_EQ(w.changes.size(), 1u);
  EXPECT_EQ(w.changes[0].row.serial, "S2");
  ASSERT_EQ(w.skipped.size(), 2u);
  EXPECT_NE(w.skipped[0].find("record 1: checksum"), std::string::npos) << w.skipped[0];
  EXPECT_NE(w.skipped[1].find("record 3"), std::string::npos) << w.skipped[1];
}

TEST(ComputerWal, RowHashIsTheSameInMemoryAndReadBack) {
  model::Computer mem = Row("S1", "pc", 4);
  mem.extra = {{"Site", "Lyon"}, {"tag", "A"}};
  model::Computer file = mem;
  file.version = 9;
  file.extra = {{"tag", "A"}, {"other", ""}, {"site", "Lyon"}};  // file order, a column other rows fill
  EXPECT_EQ(RowHash(mem), RowHash(file));
  file.computer_name = "pc2";
  EXPECT_NE(RowHash(mem), RowHash(file));
  model::Computer moved = mem;
  moved.extra = {{"Site", "Lyo"}, {"tag", "nA"}};
  EXPECT_NE(RowHash(mem), RowHash(moved));
}

struct ApplyCase {
  std::string name;
  std::vector<model::Computer> file;  // computers.csv now
  std::vector<PendingChange> log;
  std::vector<std::string> want_names;  // serial=name in file order
  size_t want_pending;
  size_t want_dropped;
};

TEST(ComputerWal, ApplyRules) {
  const model::Computer v1 = Row("S1", "old", 1);
  const model::Computer v2 = Row("S1", "new", 2);
  const model::Computer v3 = Row("S1", "newer", 3);
  const model::Computer edited = Row("S1", "excel", 1);  // edited outside, version kept
  PendingChange del;
  del.op = PendingChange::Op::kDelete;
  del.base_version = 1;
  del.base_hash = RowHash(v1);
  del.row.serial = "S1";
  std::vector<ApplyCase> cases = {
      {"update on its base", {v1}, {Put(v2, &v1)}, {"S1=new"}, 1, 0},
      {"chain of updates", {v1}, {Put(v2, &v1), Put(v3, &v2)}, {"S1=newer"}, 2, 0},
      {"already in the file", {v2}, {Put(v2, &v1)}, {"S1=new"}, 0, 0},
      {"superseded in the file", {v3}, {Put(v2, &v1), Put(v3, &v2)}, {"S1=newer"}, 0, 0},
      {"row edited meanwhile", {edited}, {Put(v2, &v1)}, {"S1=excel"}, 0, 1},
      {"edited row drops the chain", {edited}, {Put(v2, &v1), Put(v3, &v2)}, {"S1=excel"}, 0, 2},
      {"row removed meanwhile", {}, {Put(v2, &v1)}, {}, 0, 1},
      {"create", {}, {Put(Row("S2", "n"), nullptr)}, {"S2=n"}, 1, 0},
      {"create already done", {Row("S2", "n")}, {Put(Row("S2", "n"), nullptr)}, {"S2=n"}, 0, 0},
      {"create clashes with an added row", {Row("S2", "x")}, {Put(Row("S2", "n"), nullptr)}, {"S2=x"}, 0, 1},
      {"delete", {v1, Row("S2", "b")}, {del}, {"S2=b"}, 1, 0},
      {"delete already done", {Row("S2", "b")}, {del}, {"S2=b"}, 0, 0},
      {"delete of an edited row", {edited}, {del}, {"S1=excel"}, 0, 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    model::Tables t;
    t.computers = c.file;
    std::vector<model::LoadWarning> dropped;
    auto pending = ApplyPendingChanges(c.log, &t, &dropped);
    std::vector<std::string> names;
    for (const auto& r : t.computers) names.push_back(r.serial + "=" + r.computer_name);
    EXPECT_EQ(names, c.want_names);
    EXPECT_EQ(pending.size(), c.want_pending);
    EXPECT_EQ(dropped.size(), c.want_dropped);
    for (const auto& w : dropped) EXPECT_NE(w.message.find("not applied"), std::string::npos) << w.message;
    // Indexes kept current: every row is found by its serial.
    for (const auto& r : t.computers) EXPECT_EQ(t.FindComputerBySerial(r.serial), &r);
  }
}

TEST(ComputersEncoder, SameBytesAsEncodeFileAndReencodesOnlyTheChangedChunk) {
  std::vector<model::Computer> rows;
  for (int i = 0; i < 3000; ++i) {
    model::Computer c = Row("S" + std::to_string(i), "pc " + std::to_string(i));
    if (i % 7 == 0) c.notes = "a, \"quoted\" note";
    if (i % 500 == 3) c.extra = {{"site", "Lyon"}};
    rows.push_back(std::move(c));
  }
  model::Tables t;
  t.computers = rows;
  t.BuildIndexes();
  ComputersEncoder enc;
  const std::vector<std::string> keep = {"serial", "computername", "site"};
  EXPECT_EQ(enc.Encode(t, keep), EncodeFile(TableId::kComputers, t, keep));
  const size_t chunks = t.computers.chunks().size();
  EXPECT_EQ(enc.encoded_chunks_for_testing(), chunks);

  model::Tables next = t;
  model::Computer c = next.computers[1700];
  c.computer_name = "changed";
  c.version = 2;  // the version column appears: the header changes, all re-encoded
  next.SetComputer(1700, c);
  EXPECT_EQ(enc.Encode(next, keep), EncodeFile(TableId::kComputers, next, keep));
  EXPECT_EQ(enc.encoded_chunks_for_testing(), chunks);

  model::Tables third = next;
  c.computer_name = "again";
  c.version = 3;
  third.SetComputer(1700, c);
  third.AddComputer(Row("NEW", "added"));
  EXPECT_EQ(enc.Encode(third, keep), EncodeFile(TableId::kComputers, third, keep));
  EXPECT_EQ(enc.encoded_chunks_for_testing(), 2u);  // 1700's chunk and the last one

  model::Tables fourth = third;
  fourth.EraseComputer(10);  // shifts every later row: later chunks re-encoded, output still exact
  EXPECT_EQ(enc.Encode(fourth, keep), EncodeFile(TableId::kComputers, fourth, keep));
  EXPECT_EQ(enc.Encode(third, keep), EncodeFile(TableId::kComputers, third, keep));
}

}  // namespace
}  // namespace provisiond::store

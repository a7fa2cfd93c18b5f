#include "core/identity.h"

#include <gtest/gtest.h>

#include "core/test_tables.h"

namespace provisiond::core {
namespace {

using testing::MakeComputer;

TEST(PlaceholderSerial, DetectsVendorPlaceholdersCaseInsensitively) {
  struct Case { const char* serial; bool placeholder; };
  const Case cases[] = {
      {"To be filled by O.E.M.", true}, {"to be filled by o.e.m.", true},
      {"  Default string ", true},      {"System Serial Number", true},
      {"Not Specified", true},          {"None", true},
      {"0", true},                      {"00000000", true},
      {"xxxxxxx", true},                {"XXXXXXX", true},
      {"123456789", true},              {"", true},
      {"   ", true},                    {"\t", true},
      {"5CG6050PH9", false},            {"VMware-56 4d 2b", false},
      {"01234567X", false},             {"A", false},
      {"00000001", false},              {"None1", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string("serial='") + c.serial + "'");
    auto reason = PlaceholderSerialReason(c.serial);
    EXPECT_EQ(reason.has_value(), c.placeholder) << reason.value_or("");
    EXPECT_EQ(IsPlaceholderSerial(c.serial), c.placeholder);
  }
}

model::Tables IdentityTables() {
  model::Tables t;
  auto a = MakeComputer("SN-A", "PC-A", "ACCUEIL");
  a.uuid = "4C4C4544-0001";
  a.mac = "AA:BB:CC:00:00:01";
  auto dup1 = MakeComputer("DUP", "PC-D1", "ACCUEIL");
  dup1.uuid = "UUID-D1";
  auto dup2 = MakeComputer("dup", "PC-D2", "ACCUEIL");
  dup2.uuid = "UUID-D2";
  dup2.mac = "aa-bb-cc-00-00-02;AA:BB:CC:00:00:03";
  auto oem = MakeComputer("To be filled by O.E.M.", "PC-OEM", "ACCUEIL");
  oem.uuid = "UUID-OEM";
  auto shared1 = MakeComputer("SH1", "PC-S1", "X");
  shared1.uuid = "UUID-SHARED";
  shared1.mac = "AA:BB:CC:00:00:09";
  auto shared2 = MakeComputer("SH2", "PC-S2", "X");
  shared2.uuid = "UUID-SHARED";
  t.computers = {a, dup1, dup2, oem, shared1, shared2};
  t.BuildIndexes();
  return t;
}

TEST(MatchIdentity, SerialThenUuidThenMac) {
  model::Tables t = IdentityTables();
  struct Case {
    const char* name;
    Facts facts;
    const char* want_name;  // nullptr: unknown
    MatchKey want_key;
    const char* reason_part;
  };
  const Case cases[] = {
      {"serial matches one record", {.serial = "sn-a"}, "PC-A", MatchKey::kSerial, "matches one"},
      {"serial trimmed", {.serial = "  SN-A  "}, "PC-A", MatchKey::kSerial, "matches one"},
      {"unknown real serial does not fall back to uuid",
       {.serial = "NEW1", .uuid = "4C4C4544-0001"}, nullptr, MatchKey::kNone, "matches no record"},
      {"placeholder serial falls back to uuid",
       {.serial = "Default string", .uuid = "4c4c4544-0001"}, "PC-A", MatchKey::kUuid, "placeholder"},
      {"placeholder serial is never matched by serial",
       {.serial = "To be filled by O.E.M."}, nullptr, MatchKey::kNone, "placeholder"},
      {"placeholder serial with uuid of placeholder record",
       {.serial = "To be filled by O.E.M.", .uuid = "UUID-OEM"}, "PC-OEM", MatchKey::kUuid, "uuid"},
      {"duplicate serial disambiguated by uuid",
       {.serial = "DUP", .uuid = "UUID-D2"}, "PC-D2", MatchKey::kUuid, "2 records"},
      {"duplicate serial disambiguated by mac in another spelling",
       {.serial = "DUP", .macs = {"00:00:00:00:00:00", "AABBCC000003"}}, "PC-D2", MatchKey::kMac,
       "2 records"},
      {"ambiguous uuid then mac",
       {.serial = "0", .uuid = "UUID-SHARED", .macs = {"aa-bb-cc-00-00-09"}}, "PC-S1",
       MatchKey::kMac, "uuid matches 2 records"},
      {"ambiguous everywhere is unknown",
       {.serial = "DUP", .uuid = "UUID-SHARED"}, nullptr, MatchKey::kNone, "unknown device"},
      {"empty facts", {}, nullptr, MatchKey::kNone, "serial is empty"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Explain explain;
    IdentityMatch m = MatchIdentity(c.facts, t, &explain);
    if (c.want_name) {
      ASSERT_NE(m.computer, nullptr) << m.reason;
      EXPECT_EQ(m.computer->computer_name, c.want_name);
    } else {
      EXPECT_EQ(m.computer, nullptr) << m.computer->computer_name;
    }
    EXPECT_EQ(m.key, c.want_key) << m.reason;
    EXPECT_NE(m.reason.find(c.reason_part), std::string::npos) << m.reason;
    ASSERT_FALSE(explain.empty());
    EXPECT_EQ(explain.front().rule, "identity.serial");
    EXPECT_EQ(explain.back().matched, c.want_name != nullptr);
  }
}

TEST(MatchIdentity, KeyNames) {
  EXPECT_EQ(MatchKeyName(MatchKey::kSerial), "serial");
  EXPECT_EQ(MatchKeyName(MatchKey::kUuid), "uuid");
  EXPECT_EQ(MatchKeyName(MatchKey::kMac), "mac");
  EXPECT_EQ(MatchKeyName(MatchKey::kNone), "none");
}

TEST(FindComputersBySerial, ReturnsEveryDuplicateInFileOrder) {
  model::Tables t = IdentityTables();
  auto dups = t.FindComputersBySerial(" dup ");
  ASSERT_EQ(dups.size(), 2u);
  EXPECT_EQ(dups[0]->computer_name, "PC-D1");
  EXPECT_EQ(dups[1]->computer_name, "PC-D2");
  EXPECT_EQ(t.FindComputersBySerial("SN-A").size(), 1u);
  EXPECT_TRUE(t.FindComputersBySerial("nope").empty());
  EXPECT_EQ(t.FindComputerBySerial("DUP")->computer_name, "PC-D1");
}

}  // namespace
}  // namespace provisiond::core

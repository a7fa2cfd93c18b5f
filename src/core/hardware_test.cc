#include "core/hardware.h"

#include <gtest/gtest.h>

#include "core/test_tables.h"

namespace provisiond::core {
namespace {

using testing::Driver;

constexpr const char* kLtscCaption = "Microsoft Windows 10 Enterprise LTSC";

TEST(CheckHardware, OriginalEliteBookNeeds32GbRam) {
  model::Tables t = testing::OriginalTables();
  struct Case {
    const char* name;
    const char* model;
    const char* os;
    HardwareReport report;
    bool allowed;
    std::optional<uint64_t> row;
    std::vector<std::string> failures;
    std::vector<std::string> not_checked;
  };
  const Case cases[] = {
      {"enough ram", "HP EliteBook 840 G2", kLtscCaption, {32, 256, 4}, true, 9, {}, {}},
      {"too little ram", "HP EliteBook 840 G2", kLtscCaption, {16, 256, 4}, false, 9,
       {"ram_gb 16 < 32 required by drivers.csv row 9"}, {}},
      {"ram not reported", "HP EliteBook 840 G2", "", {std::nullopt, 256, 4}, true, 9, {},
       {"ram_gb not reported (32 required by drivers.csv row 9)"}},
      {"os mismatch: no row", "HP EliteBook 840 G2", "Windows 11", {4, 1, 1}, true, std::nullopt, {}, {}},
      {"row without minimums", "VMware Virtual Platform", kLtscCaption, {1, 1, 1}, true, 2, {}, {}},
      {"unknown model", "Dell", kLtscCaption, {1, 1, 1}, true, std::nullopt, {}, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    HardwareCheck h = CheckHardware(t, c.model, c.os, c.report);
    EXPECT_EQ(h.allowed, c.allowed) << h.reason;
    EXPECT_EQ(h.rule_id, c.row);
    std::vector<std::string> msgs;
    for (const auto& f : h.failures) msgs.push_back(f.message);
    EXPECT_EQ(msgs, c.failures);
    EXPECT_EQ(h.not_checked, c.not_checked);
    EXPECT_FALSE(h.reason.empty());
    if (!c.allowed) {
      EXPECT_EQ(h.reason, c.failures.front());
    }
  }
}

TEST(CheckHardware, EveryFailureNamed) {
  model::Tables t;
  t.drivers = {Driver(1, "Latitude", "", "", "", "4", "", "", 0, false),
               Driver(3, "Latitude", "Windows", "", "", "8", "128.5", "4")};
  Explain explain;
  HardwareCheck h = CheckHardware(t, "Latitude 5520", "Windows 11", {7.5, 64, 2}, &explain);
  EXPECT_FALSE(h.allowed);
  EXPECT_EQ(h.rule_id, 3u);
  ASSERT_EQ(h.failures.size(), 3u);
  EXPECT_EQ(h.failures[0].field, "ram_gb");
  EXPECT_EQ(h.failures[0].message, "ram_gb 7.5 < 8 required by drivers.csv row 3");
  EXPECT_EQ(h.failures[1].message, "disk_gb 64 < 128.5 required by drivers.csv row 3");
  EXPECT_EQ(h.failures[2].message, "cpu_count 2 < 4 required by drivers.csv row 3");
  EXPECT_EQ(h.failures[2].required, 4);
  EXPECT_EQ(h.reason,
            "ram_gb 7.5 < 8 required by drivers.csv row 3; disk_gb 64 < 128.5 required by "
            "drivers.csv row 3; cpu_count 2 < 4 required by drivers.csv row 3");
  EXPECT_EQ(h.min_disk_gb, 128.5);
  ASSERT_EQ(explain.size(), 1u);
  EXPECT_FALSE(explain[0].matched);
  // Equal to the minimum passes.
  EXPECT_TRUE(CheckHardware(t, "Latitude", "", {8, 128.5, 4}).allowed);
}

}  // namespace
}  // namespace provisiond::core

#include "core/legacy_message.h"

#include <gtest/gtest.h>

namespace provisiond::core {
namespace {

using model::DeploymentStatus;
using model::EventLevel;

Timestamp T(int minutes) { return Timestamp{} + std::chrono::minutes(1000000 + minutes); }

TEST(ParseLegacyMessage, SerialTextAndMarkers) {
  struct Case {
    const char* in;
    const char* serial;
    const char* text;
    EventLevel level;
    bool start, end;
    std::optional<int> step;
  };
  const Case cases[] = {
      {"[5CG6050PH9] START PROVISIONING", "5CG6050PH9", "START PROVISIONING", EventLevel::kInfo, true, false, {}},
      {"  [ 5CG ]   STEP 010 disk ready ", "5CG", "STEP 010 disk ready", EventLevel::kInfo, false, false, 10},
      {"[5CG] [ERROR] VLC failed", "5CG", "[ERROR] VLC failed", EventLevel::kError, false, false, {}},
      {"[5CG] [WARN] slow", "5CG", "[WARN] slow", EventLevel::kWarning, false, false, {}},
      {"[5CG] [WARNING] slow", "5CG", "[WARNING] slow", EventLevel::kWarning, false, false, {}},
      {"[5CG] [WARN] then [ERROR]", "5CG", "[WARN] then [ERROR]", EventLevel::kError, false, false, {}},
      {"[5CG] END PROVISIONING", "5CG", "END PROVISIONING", EventLevel::kInfo, false, true, {}},
      {"[5CG] [error] lower case is not a marker", "5CG", "[error] lower case is not a marker", EventLevel::kInfo, false, false, {}},
      {"[5CG]", "5CG", "", EventLevel::kInfo, false, false, {}},
      {"[To be filled by O.E.M.] hi", "To be filled by O.E.M.", "hi", EventLevel::kInfo, false, false, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    auto m = ParseLegacyMessage(c.in);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->serial, c.serial);
    EXPECT_EQ(m->text, c.text);
    EXPECT_EQ(m->level, c.level);
    EXPECT_EQ(m->start, c.start);
    EXPECT_EQ(m->end, c.end);
    EXPECT_EQ(m->step, c.step);
  }
}

TEST(ParseLegacyMessage, BadFormatNamesIt) {
  struct Case { const char* in; const char* part; };
  const Case cases[] = {
      {"no brackets here", "does not start with [SERIAL]"},
      {"", "empty"},
      {"[5CG text", "'[' without ']'"},
      {"[ ] text", "serial between [ and ] is empty"},
      {"[a[b] text", "'['"},
      {"[\x01] x", "control character"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    auto m = ParseLegacyMessage(c.in);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(m.status().message().find(c.part), std::string::npos) << m.status().message();
    EXPECT_NE(m.status().message().find("[SERIAL] text"), std::string::npos) << m.status().message();
  }
  EXPECT_FALSE(ParseLegacyMessage("[" + std::string(65, 'A') + "] x").ok());
}

TEST(StepMarkers, DistinctNumbers) {
  struct Case { const char* in; std::vector<int> want; };
  const Case cases[] = {
      {"STEP 010 a", {10}},
      {"STEP 1 then STEP 2 then STEP 1", {1, 2}},
      {"MYSTEP 5", {}},
      {"STEP5", {}},
      {"STEP 5x", {}},
      {"step 5", {}},
      {"(STEP  007)", {7}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(StepMarkers(c.in), c.want);
  }
}

TEST(ComputeLegacyProgress, OriginalRule) {
  struct Case {
    const char* name;
    std::vector<TimedMessage> messages;
    int now;
    LegacyProgress want;
  };
  const Case cases[] = {
      {"none", {}, 0, {"", 0}},
      {"in progress", {{T(0), "START PROVISIONING"}, {T(5), "STEP 001"}, {T(6), "STEP 002"}}, 20, {"In progress", 20}},
      {"idle after 15 minutes", {{T(0), "START PROVISIONING"}, {T(5), "STEP 001"}}, 20, {"Idle", 10}},
      {"completed", {{T(0), "START PROVISIONING"}, {T(5), "END PROVISIONING"}}, 100, {"Completed", 0}},
      {"end without start is not completed", {{T(0), "END PROVISIONING"}}, 5, {"In progress", 0}},
      {"warning beats completed", {{T(0), "START PROVISIONING"}, {T(1), "[WARN] x"}, {T(2), "END PROVISIONING"}}, 5, {"WARNING", 0}},
      {"error beats warning", {{T(0), "[WARN] x"}, {T(1), "[ERROR] y"}}, 5, {"ERROR", 0}},
      {"earlier attempt ignored", {{T(0), "[ERROR] old"}, {T(1), "START PROVISIONING"}, {T(2), "STEP 001"}}, 5, {"In progress", 10}},
      {"percent capped", {{T(0), "STEP 1 STEP 2 STEP 3 STEP 4 STEP 5 STEP 6"}, {T(1), "STEP 7 STEP 8 STEP 9 STEP 10 STEP 11 STEP 1"}}, 2, {"In progress", 100}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ComputeLegacyProgress(c.messages, T(c.now)), c.want);
  }
}

LegacyMessage Msg(const char* text) {
  auto m = ParseLegacyMessage(text);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

TEST(ApplyLegacyMessage, StartStepsEndAndRestart) {
  auto first = ApplyLegacyMessage(nullptr, {}, Msg("[5CG] START PROVISIONING"), "d1", "e1", T(0));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->start_new);
  model::Deployment d = first->deployment;
  EXPECT_EQ(d.id, "d1");
  EXPECT_EQ(d.serial, "5CG");
  EXPECT_EQ(d.source, "legacy");
  EXPECT_EQ(first->event.deployment_id, "d1");
  EXPECT_EQ(first->event.event_id, "e1");

  std::vector<TimedMessage> seen = {{T(0), "START PROVISIONING"}};
  auto step = ApplyLegacyMessage(&d, seen, Msg("[5CG] STEP 003 drivers"), "unused", "e2", T(1));
  ASSERT_TRUE(step.ok());
  EXPECT_FALSE(step->start_new);
  EXPECT_EQ(step->deployment.step, 3);
  EXPECT_EQ(step->deployment.percent, 10);
  d = step->deployment;
  seen.push_back({T(1), "STEP 003 drivers"});

  auto warn = ApplyLegacyMessage(&d, seen, Msg("[5CG] [WARN] slow"), "unused", "e3", T(2));
  ASSERT_TRUE(warn.ok());
  EXPECT_EQ(warn->deployment.warning_count, 1);
  EXPECT_EQ(warn->event.level, EventLevel::kWarning);
  d = warn->deployment;
  seen.push_back({T(2), "[WARN] slow"});

  auto end = ApplyLegacyMessage(&d, seen, Msg("[5CG] END PROVISIONING"), "unused", "e4", T(3));
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(end->deployment.status, DeploymentStatus::kSuccess);
  EXPECT_EQ(end->deployment.finished, T(3));
  d = end->deployment;

  // After the end, another message is a note; a second END does not fail.
  auto again = ApplyLegacyMessage(&d, seen, Msg("[5CG] END PROVISIONING"), "unused", "e5", T(4));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->deployment.status, DeploymentStatus::kSuccess);

  auto restart = ApplyLegacyMessage(&d, seen, Msg("[5CG] START PROVISION again"), "d2", "e6", T(5));
  ASSERT_TRUE(restart.ok());
  EXPECT_TRUE(restart->start_new);
  EXPECT_EQ(restart->deployment.id, "d2");
  EXPECT_EQ(restart->deployment.previous_id, "d1");
  EXPECT_EQ(restart->deployment.status, DeploymentStatus::kRunning);
  EXPECT_EQ(restart->deployment.warning_count, 0);
}

TEST(ApplyLegacyMessage, ErrorThenEndIsError) {
  auto first = ApplyLegacyMessage(nullptr, {}, Msg("[5CG] [ERROR] disk"), "d1", "e1", T(0));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->start_new);  // no deployment yet: one is started implicitly
  EXPECT_EQ(first->deployment.error_count, 1);
  auto end = ApplyLegacyMessage(&first->deployment, {{T(0), "[ERROR] disk"}},
                                Msg("[5CG] END PROVISIONING"), "x", "e2", T(1));
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(end->deployment.status, DeploymentStatus::kError);
  EXPECT_EQ(end->event.final_status, DeploymentStatus::kError);
}

TEST(ApplyLegacyMessage, StepMarkerBeyondAnApiStepCountIsANoteNotAnError) {
  model::Deployment d;
  d.id = "d1";
  d.serial = "5CG";
  d.source = "api";
  d.status = DeploymentStatus::kRunning;
  d.step = 2;
  d.step_count = 7;
  auto r = ApplyLegacyMessage(&d, {}, Msg("[5CG] STEP 010 apps"), "x", "e1", T(0));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->deployment.step, 2);  // the "x of 7" progress is kept
  EXPECT_FALSE(r->event.step.has_value());
  EXPECT_EQ(r->event.message, "STEP 010 apps");

  auto in_range = ApplyLegacyMessage(&d, {}, Msg("[5CG] STEP 005 apps"), "x", "e2", T(1));
  ASSERT_TRUE(in_range.ok());
  EXPECT_EQ(in_range->deployment.step, 5);

  d.status = DeploymentStatus::kSuccess;  // after the end: a note
  auto after = ApplyLegacyMessage(&d, {}, Msg("[5CG] STEP 010 late"), "x", "e3", T(2));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->deployment.status, DeploymentStatus::kSuccess);
}

}  // namespace
}  // namespace provisiond::core

#include "core/deployment_rules.h"

#include <gtest/gtest.h>

namespace provisiond::core {
namespace {

using namespace std::chrono_literals;
using model::DeploymentEvent;
using model::DeploymentStatus;
using model::EventLevel;

Timestamp T(int minutes) { return Timestamp{} + std::chrono::minutes(1000000 + minutes); }

model::Deployment Started() {
  StartInfo info;
  info.id = "d2";
  info.previous_id = "d1";
  info.computer_name = "PC1";
  info.type = "ACCUEIL";
  info.client_address = "192.168.1.5";
  info.tls = true;
  info.tls_version = "TLSv1.3";
  return StartDeployment({.serial = " 5CG ", .model = "HP EliteBook"}, info, T(0));
}

TEST(StartDeployment, RunningFromFacts) {
  model::Deployment d = Started();
  EXPECT_EQ(d.id, "d2");
  EXPECT_EQ(d.previous_id, "d1");
  EXPECT_EQ(d.serial, "5CG");
  EXPECT_EQ(d.model, "HP EliteBook");
  EXPECT_EQ(d.status, DeploymentStatus::kRunning);
  EXPECT_EQ(d.started, T(0));
  EXPECT_EQ(d.last_heartbeat, T(0));
  EXPECT_EQ(d.source, "api");
  EXPECT_TRUE(d.tls);
  EXPECT_EQ(d.percent, 0);
}

DeploymentEvent Ev(std::string phase, std::optional<int> step, std::optional<int> count,
                   std::optional<int> percent, EventLevel level = EventLevel::kInfo,
                   std::optional<DeploymentStatus> final_status = std::nullopt,
                   std::string message = "") {
  DeploymentEvent e;
  e.deployment_id = "d2";
  e.event_id = "e";
  e.phase = std::move(phase);
  e.step = step;
  e.step_count = count;
  e.percent = percent;
  e.level = level;
  e.final_status = final_status;
  e.message = std::move(message);
  return e;
}

TEST(ApplyEvent, RefusesBadInputNamingTheField) {
  model::Deployment ended = Started();
  ended.status = DeploymentStatus::kSuccess;
  ended.finished = T(5);
  struct Case {
    const char* name;
    model::Deployment d;
    DeploymentEvent e;
    StatusCode code;
    const char* part;
  };
  DeploymentEvent other = Ev("", {}, {}, {});
  other.deployment_id = "zz";
  const Case cases[] = {
      {"percent above 100", Started(), Ev("apps", {}, {}, 140), StatusCode::kInvalidArgument, "percent: 140"},
      {"percent negative", Started(), Ev("apps", {}, {}, -1), StatusCode::kInvalidArgument, "percent: -1"},
      {"step beyond count", Started(), Ev("apps", 5, 4, {}), StatusCode::kInvalidArgument, "step: 5 is beyond step_count 4"},
      {"step negative", Started(), Ev("apps", -1, {}, {}), StatusCode::kInvalidArgument, "step: -1"},
      {"step_count zero", Started(), Ev("apps", {}, 0, {}), StatusCode::kInvalidArgument, "step_count"},
      {"other deployment", Started(), other, StatusCode::kInvalidArgument, "deployment_id"},
      {"final running", Started(), Ev("", {}, {}, {}, EventLevel::kInfo, DeploymentStatus::kRunning),
       StatusCode::kInvalidArgument, "not a final status"},
      {"status after final", ended, Ev("", {}, {}, {}, EventLevel::kError, DeploymentStatus::kError),
       StatusCode::kFailedPrecondition, "already ended with status success"},
      {"message too long", Started(), Ev("", {}, {}, {}, EventLevel::kInfo, {}, std::string(9000, 'x')),
       StatusCode::kInvalidArgument, "message: 9000 bytes"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = ApplyEvent(c.d, c.e, T(1));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code);
    EXPECT_NE(r.status().message().find(c.part), std::string::npos) << r.status().message();
  }
}

TEST(ApplyEvent, StepCheckedAgainstTheDeploymentsCount) {
  auto a = ApplyEvent(Started(), Ev("apps", 1, 3, {}), T(1));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = ApplyEvent(*a, Ev("apps", 4, {}, {}), T(2));
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("step_count 3"), std::string::npos);
  // After the final status a late step is a note, not an error.
  DeploymentEvent done = Ev("done", {}, {}, {});
  done.final_status = DeploymentStatus::kSuccess;
  auto c = ApplyEvent(*a, done, T(3));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto d = ApplyEvent(*c, Ev("apps", 9, {}, {}), T(4));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->step, 1);
  EXPECT_EQ(d->status, DeploymentStatus::kSuccess);
}

TEST(ApplyEvent, SequenceUpdatesStateAndCounters) {
  model::Deployment d = Started();
  struct Step { DeploymentEvent e; int minute; };
  const Step steps[] = {
      {Ev("winpe", 1, 6, 5), 1},
      {Ev("", {}, {}, {}, EventLevel::kWarning, {}, "slow disk"), 2},
      {Ev("os-apply", 2, {}, 30), 10},
      {Ev("apps", 5, {}, 80, EventLevel::kError, {}, "VLC failed"), 20},
      {Ev("done", 6, {}, {}, EventLevel::kInfo, DeploymentStatus::kSuccess, "all good"), 25},
  };
  for (const auto& s : steps) {
    auto r = ApplyEvent(d, s.e, T(s.minute));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->last_heartbeat, T(s.minute));
    EXPECT_EQ(r->version, d.version + 1);
    d = *r;
  }
  EXPECT_EQ(d.phase, "done");
  EXPECT_EQ(d.step, 6);
  EXPECT_EQ(d.step_count, 6);
  EXPECT_EQ(d.percent, 100);
  EXPECT_EQ(d.warning_count, 1);
  EXPECT_EQ(d.error_count, 1);
  EXPECT_EQ(d.status, DeploymentStatus::kSuccess);
  EXPECT_EQ(d.final_message, "all good");
  EXPECT_EQ(d.finished, T(25));
  EXPECT_EQ(Duration(d), std::chrono::milliseconds(25min));

  // A note after the end: kept, outcome unchanged.
  auto note = ApplyEvent(d, Ev("apps", 1, {}, 10, EventLevel::kWarning, {}, "late"), T(30));
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(note->status, DeploymentStatus::kSuccess);
  EXPECT_EQ(note->phase, "done");
  EXPECT_EQ(note->percent, 100);
  EXPECT_EQ(note->warning_count, 2);
}

TEST(ApplyEvent, ErrorFinalKeepsPercent) {
  auto r = ApplyEvent(Started(), Ev("apps", {}, {}, 40), T(1));
  ASSERT_TRUE(r.ok());
  auto e = ApplyEvent(*r, Ev("", {}, {}, {}, EventLevel::kError, DeploymentStatus::kError, "boom"), T(3));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->status, DeploymentStatus::kError);
  EXPECT_EQ(e->percent, 40);
  EXPECT_EQ(e->final_message, "boom");
  EXPECT_FALSE(Duration(*r).has_value());
}

TEST(EffectiveState, StaleAfterTimeout) {
  model::Deployment running = Started();
  model::Deployment ok = running;
  ok.status = DeploymentStatus::kSuccess;
  model::Deployment err = running;
  err.status = DeploymentStatus::kError;
  model::Deployment legacy_err = running;
  legacy_err.source = "legacy";
  legacy_err.error_count = 1;
  model::Deployment api_err = running;
  api_err.error_count = 1;
  struct Case { const char* name; model::Deployment d; int minute; DisplayState want; };
  const Case cases[] = {
      {"fresh", running, 10, DisplayState::kRunning},
      {"exactly at timeout", running, 30, DisplayState::kRunning},
      {"past timeout", running, 31, DisplayState::kStale},
      {"success never stale", ok, 500, DisplayState::kSuccess},
      {"error", err, 1, DisplayState::kError},
      {"legacy [ERROR] shows error", legacy_err, 1, DisplayState::kError},
      {"api error event alone is not final", api_err, 1, DisplayState::kRunning},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(EffectiveState(c.d, T(c.minute)), c.want);
  }
  EXPECT_TRUE(IsStale(running, T(6), 5min));
  EXPECT_FALSE(IsStale(running, T(5), 5min));
  EXPECT_EQ(DisplayStateName(DisplayState::kStale), "stale");
}

TEST(ParseNames, StatusAndLevel) {
  EXPECT_EQ(*ParseDeploymentStatus("Success"), DeploymentStatus::kSuccess);
  EXPECT_EQ(*ParseDeploymentStatus("error"), DeploymentStatus::kError);
  auto bad = ParseDeploymentStatus("done", "final_status");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("final_status: 'done'"), std::string::npos);
  EXPECT_EQ(*ParseEventLevel("WARN"), EventLevel::kWarning);
  EXPECT_EQ(*ParseEventLevel(""), EventLevel::kInfo);
  EXPECT_FALSE(ParseEventLevel("loud").ok());
  EXPECT_EQ(EventLevelName(EventLevel::kWarning), "warning");
  EXPECT_EQ(DeploymentStatusName(DeploymentStatus::kError), "error");
}

}  // namespace
}  // namespace provisiond::core

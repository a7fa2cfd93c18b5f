// What only a shared database adds to the Store contract: two instances on
// one database (store_contract_test.cc runs the contract itself on both
// backends), migrations, and what a database must never hold twice.
#include "store/postgres/pg_store.h"

#include <gtest/gtest.h>

#include <thread>

#include "store/postgres/schema.h"
#include "store/testing/postgres_for_testing.h"
#include "store/testing/temp_dir_for_testing.h"

namespace provisiond::store {
namespace {

using testing::OriginalSampleDir;
using testing::QuietPgOptions;

class TwoInstances : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = testing::SeededPgStore(OriginalSampleDir(), &url_);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    a_ = std::move(a).value();
    auto b = PgStore::Open(QuietPgOptions(url_));
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    b_ = std::move(b).value();
  }
  // Waits up to 1 s for `done` on B, as a client polling instance B would.
  template <typename F>
  bool WithinASecond(F done) {
    for (int i = 0; i < 100; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
  }
  std::string url_;
  std::unique_ptr<PgStore> a_, b_;
};

TEST_F(TwoInstances, AnEditOnOneIsServedByTheOtherWithinASecondAndStaleEditsConflict) {
  auto before = b_->Snapshot();  // held: `c` points into it
  const model::Computer* c = before->FindComputerBySerial("5CG6050PH9");
  ASSERT_NE(c, nullptr);
  model::Computer edit = *c;
  const uint64_t version = c->version;
  edit.computer_name = "EDITED-ON-A";
  ASSERT_TRUE(a_->PutComputer(edit, version).ok());
  EXPECT_TRUE(WithinASecond([&] {
    auto snap = b_->Snapshot();  // held: `seen` points into it
    const model::Computer* seen = snap->FindComputerBySerial("5CG6050PH9");
    return seen != nullptr && seen->computer_name == "EDITED-ON-A";
  }));
  // B still names the version A replaced: the same conflict as a stale CSV write.
  edit.computer_name = "EDITED-ON-B";
  auto stale = b_->PutComputer(edit, version);
  EXPECT_EQ(stale.status().code(), StatusCode::kConflict) << stale.status().ToString();
  EXPECT_EQ(a_->Snapshot()->FindComputerBySerial("5CG6050PH9")->computer_name, "EDITED-ON-A");
}

TEST_F(TwoInstances, ComputerRowsAddedRemovedAndAddedAgainReachTheOtherRowByRowInOrder) {
  model::Computer c;
  c.serial = "NEW-1";
  c.computer_name = "PC-NEW-1";
  auto created = a_->PutComputer(c, std::nullopt);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  c.serial = "NEW-2";
  ASSERT_TRUE(a_->PutComputer(c, std::nullopt).ok());
  ASSERT_TRUE(a_->DeleteComputer("NEW-1", created->version).ok());
  c.serial = "new-1";  // again, another spelling: the same key
  c.computer_name = "PC-NEW-1-AGAIN";
  ASSERT_TRUE(a_->PutComputer(c, std::nullopt).ok());
  ASSERT_TRUE(a_->DeleteComputer("NEW-2", 1).ok());
  ASSERT_TRUE(b_->RefreshNow().ok());
  auto tb = b_->Snapshot();
  auto ta = a_->Snapshot();
  EXPECT_EQ(tb->generation, ta->generation);
  ASSERT_NE(tb->FindComputerBySerial("NEW-1"), nullptr);
  EXPECT_EQ(tb->FindComputerBySerial("NEW-1")->computer_name, "PC-NEW-1-AGAIN");
  EXPECT_EQ(tb->FindComputerBySerial("NEW-2"), nullptr);
  // The same rows in the same order on both, and a fresh load agrees.
  ASSERT_EQ(tb->computers.size(), ta->computers.size());
  for (size_t i = 0; i < ta->computers.size(); ++i) EXPECT_EQ(tb->computers[i], ta->computers[i]) << i;
  auto fresh = PgStore::Open(QuietPgOptions(url_));
  ASSERT_TRUE(fresh.ok());
  auto tf = (*fresh)->Snapshot();
  ASSERT_EQ(tf->computers.size(), ta->computers.size());
  for (size_t i = 0; i < ta->computers.size(); ++i) EXPECT_EQ(tf->computers[i], ta->computers[i]) << i;
}

TEST_F(TwoInstances, AWriteOnOneAppliesToTheOthersLatestRowsEvenBeforeItsNotification) {
  model::App app;
  app.name = "NewOnA";
  app.url = "https://example.invalid/app";
  ASSERT_TRUE(a_->PutApp(app, std::nullopt).ok());
  // B's type edit names the app A just created: B catches up inside its write.
  auto v = b_->SetTypeApps("NEWTYPE", {"NewOnA"}, std::nullopt);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(WithinASecond([&] { return a_->Snapshot()->AppsOfType("NEWTYPE").size() == 1; }));
}

TEST_F(TwoInstances, TheSameEventSentToBothAtOnceIsStoredOnce) {
  model::Deployment d;
  d.id = "dep-1";
  d.serial = "S1";
  d.started = d.last_heartbeat = Now();
  ASSERT_TRUE(a_->CreateDeployment(d).ok());
  std::atomic<int> stored{0}, failed{0};
  auto post = [&](PgStore* s) {
    model::DeploymentEvent e;
    e.deployment_id = "dep-1";
    e.event_id = "same-event";
    e.at = Now();
    e.message = "hello";
    model::Deployment next = *s->GetDeployment("dep-1");
    next.phase = "apps";
    auto r = s->RecordEvent(e, next);
    if (!r.ok()) {
      // The loser of the version race re-reads: then it finds the event stored.
      if (r.status().code() == StatusCode::kConflict) {
        next = *s->GetDeployment("dep-1");
        r = s->RecordEvent(e, next);
      }
    }
    if (!r.ok()) ++failed;
    else if (r->stored) ++stored;
  };
  for (int round = 0; round < 5; ++round) {
    std::thread t1(post, a_.get()), t2(post, b_.get());
    t1.join();
    t2.join();
  }
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(stored.load(), 1);
  auto events = b_->EventsOf("dep-1");
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 1u);
  EXPECT_EQ(b_->GetDeployment("dep-1")->version, 2u);
}

TEST_F(TwoInstances, DeploymentsStoredOnOneReachTheOthersObserverInOrderButNotItsOwn) {
  std::mutex mu;
  std::vector<uint64_t> seen;
  std::atomic<int> own{0};
  b_->SetRemoteDeploymentObserver([&](const model::Deployment& d) {
    std::lock_guard lock(mu);
    if (d.id == "dep-2") seen.push_back(d.version);
  });
  a_->SetRemoteDeploymentObserver([&](const model::Deployment&) { ++own; });
  model::Deployment d;
  d.id = "dep-2";
  d.serial = "S2";
  d.started = d.last_heartbeat = Now();
  auto cur = a_->CreateDeployment(d);
  ASSERT_TRUE(cur.ok());
  for (int i = 0; i < 3; ++i) {
    model::DeploymentEvent e;
    e.deployment_id = "dep-2";
    e.event_id = "e" + std::to_string(i);
    e.at = Now();
    auto r = a_->RecordEvent(e, *cur);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    cur = r->deployment;
  }
  // Polled every 250 ms: states stored in between may be told as the newest one.
  EXPECT_TRUE(WithinASecond([&] {
    std::lock_guard lock(mu);
    return !seen.empty() && seen.back() == 4u;
  }));
  std::lock_guard lock(mu);
  ASSERT_GE(seen.size(), 1u);
  EXPECT_TRUE(std::adjacent_find(seen.begin(), seen.end(), std::greater_equal<uint64_t>()) == seen.end())
      << "each version told once, in order";
  EXPECT_EQ(seen.back(), 4u);
  EXPECT_EQ(own.load(), 0);  // A stored them: its own stream already had them
}

TEST_F(TwoInstances, WorkClaimedOnceAcrossInstances) {
  auto first = a_->ClaimOnce("stale-webhook", "dep-9");
  auto second = b_->ClaimOnce("stale-webhook", "dep-9");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second);
  EXPECT_TRUE(*b_->ClaimOnce("stale-webhook", "dep-10"));
}

TEST_F(TwoInstances, RetentionRunsOnceADayOnOneInstanceAndKeepsRecentDeployments) {
  // Each listener runs a pass within its first turns (200 ms): let them,
  // nothing to delete then; the next is an hour away.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  model::Deployment old, recent;
  old.id = "old-1";
  old.serial = "S-OLD";
  old.started = old.last_heartbeat = Now() - std::chrono::hours(24 * 91);
  recent = old;
  recent.id = "recent-1";
  recent.started = recent.last_heartbeat = Now() - std::chrono::hours(24 * 89);
  ASSERT_TRUE(a_->CreateDeployment(old).ok());
  ASSERT_TRUE(a_->CreateDeployment(recent).ok());
  // The claim is per day: clear today's to see one pass.
  auto c = pg::Connection::Open(url_);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->ExecScript("DELETE FROM job_claims WHERE job = 'retention'").ok());
  auto first = b_->ApplyRetention();
  auto second = a_->ApplyRetention();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, 1u);
  EXPECT_EQ(*second, 0u);  // claimed today by B
  EXPECT_EQ(a_->GetDeployment("old-1").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(a_->GetDeployment("recent-1").ok());
}

TEST_F(TwoInstances, NetworkSightingsFromBothInstancesAddUp) {
  model::NetworkSighting s{"10.9.0.0/24", "subnet", Now(), 3};
  ASSERT_TRUE(a_->RecordNetworkSightings({s}).ok());
  s.hits = 4;
  ASSERT_TRUE(b_->RecordNetworkSightings({s}).ok());
  EXPECT_TRUE(WithinASecond([&] {
    for (auto snap = a_->Snapshot(); const auto& n : snap->networks)
      if (n.network == "10.9.0.0/24") return n.hits == "7";
    return false;
  }));
}

TEST(PgSchema, MigratesAnEmptyDatabaseAndThePreviousVersionAndRefusesANewerOne) {
  auto url = testing::FreshPostgresDatabase();
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  auto c = pg::Connection::Open(*url);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*pg::SchemaVersion(**c), 0);
  EXPECT_EQ(pg::CheckSchemaCurrent(**c).code(), StatusCode::kFailedPrecondition);
  auto v1 = pg::Migrate(**c, 1);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->to, 1);
  EXPECT_EQ(pg::LatestSchemaVersion(), 3);
  auto latest = pg::Migrate(**c);
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->from, 1);
  EXPECT_EQ(latest->to, 3);
  EXPECT_EQ(latest->applied.size(), 2u);
  auto again = pg::Migrate(**c);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->applied.empty());  // idempotent
  EXPECT_TRUE(pg::CheckSchemaCurrent(**c).ok());
  // A newer provisiond migrated this database: this one must not write to it.
  ASSERT_TRUE((*c)->ExecScript("INSERT INTO provisiond_schema (version, summary) VALUES (4, 'from the future')").ok());
  auto refused = pg::Migrate(**c);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("newer than this provisiond"), std::string::npos);
  auto opened = PgStore::Open(QuietPgOptions(*url));
  EXPECT_EQ(opened.status().code(), StatusCode::kFailedPrecondition);
}

TEST(PgConnection, AnUnreachableDatabaseIsUnavailableAndThePasswordIsNeverShown) {
  auto c = pg::Connection::Open("postgresql://someone:s3cret-pw@127.0.0.1:1/db?connect_timeout=2");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(c.status().message().find("s3cret-pw"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("127.0.0.1:1"), std::string::npos) << c.status().message();
  EXPECT_EQ(pg::RedactUrl("postgresql://u:pw@h:5432/d?sslmode=require"), "postgresql://u@h:5432/d");
}

TEST(PgStoreOpen, RowsThatDoNotDecodeStopTheStartNamingTheTable) {
  std::string url;
  auto s = testing::SeededPgStore(OriginalSampleDir(), &url);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  s->reset();
  auto c = pg::Connection::Open(url);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->ExecScript("UPDATE config_rows SET cells = jsonb_set(cells, '{os_filter}', '\"(unclosed\"') "
                               "WHERE table_name = 'apps'")
                  .ok());
  auto opened = PgStore::Open(QuietPgOptions(url));
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("database table apps"), std::string::npos) << opened.status().message();
}

}  // namespace
}  // namespace provisiond::store

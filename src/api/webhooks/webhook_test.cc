// Webhooks without a network: the signature against the Standard Webhooks
// example, target validation, the backoff, and the dispatcher's durable
// queue (retries with one id, a restart resumes, give-up to the dead
// letters and back, de-duplication by key, the event filter).
#include <gtest/gtest.h>

#include <filesystem>

#include "api/webhooks/dispatcher.h"
#include "api/webhooks/webhook.h"
#include "platform/fs.h"

namespace provisiond::api::webhooks {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

TEST(WebhookSignature, MatchesTheStandardWebhooksExample) {
  EXPECT_EQ(Signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                      R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // Another secret, timestamp or body gives another signature.
  EXPECT_NE(Signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331,
                      R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookTarget, BadTargetsAreRefusedNamingTheField) {
  struct Case {
    Target t;
    const char* field;
  } cases[] = {
      {{"a", "ftp://h/x", {}, "s"}, "webhooks.target[0].url"},
      {{"a", "http://hooks.example/x", {}, "s"}, "webhooks.target[0].url"},
      {{"a", "https://hooks.example/x", {"deployment.done"}, "s"}, "webhooks.target[0].events"},
      {{"a", "https://hooks.example/x", {}, ""}, "webhooks.target[0].secret"},
      {{"a", "https://hooks.example/x", {}, "whsec_%%%"}, "webhooks.target[0].secret"},
  };
  for (const auto& c : cases) {
    Status s = ValidateTarget(c.t, "webhooks.target[0]");
    EXPECT_EQ(s.field(), c.field) << s.ToString();
  }
  EXPECT_TRUE(ValidateTarget({"a", "http://127.0.0.1:9/x", {"deployment.failed"}, "s"}, "t").ok());
  EXPECT_TRUE(ValidateTarget({"a", "https://hooks.example/x", {}, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "t").ok());
}

TEST(WebhookRetry, DelayDoublesUpToTheCap) {
  RetryPolicy p;
  p.first_delay = milliseconds(1000);
  p.max_delay = milliseconds(5000);
  EXPECT_EQ(RetryDelay(p, 1), milliseconds(1000));
  EXPECT_EQ(RetryDelay(p, 2), milliseconds(2000));
  EXPECT_EQ(RetryDelay(p, 3), milliseconds(4000));
  EXPECT_EQ(RetryDelay(p, 4), milliseconds(5000));
  EXPECT_EQ(RetryDelay(p, 40), milliseconds(5000));
}

// A receiver that fails its first `failures` requests.
struct Receiver {
  int failures = 0;
  std::vector<OutboundRequest> seen;
  OutboundHttp Http() {
    return [this](const OutboundRequest& r) -> Result<OutboundResponse> {
      seen.push_back(r);
      if (static_cast<int>(seen.size()) <= failures) {
        if (seen.size() % 2 == 0) return Status::Unavailable("connecting to hooks:443 failed: refused");
        OutboundResponse res;
        res.status = 503;
        return res;
      }
      OutboundResponse res;
      res.status = 204;
      return res;
    };
  }
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pv-webhooks-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Dispatcher> Open(std::vector<std::string> events = {}) {
    DispatcherOptions o;
    o.targets = {{"siem", "https://hooks.example/in", std::move(events), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}};
    o.retry.first_delay = milliseconds(1000);
    o.retry.max_delay = milliseconds(8000);
    o.retry.give_up_after = milliseconds(60000);
    o.dir = dir_.string();
    o.fs = &platform::PosixFs();
    o.http = receiver_.Http();
    o.clock = [this] { return now_; };
    auto d = Dispatcher::Open(std::move(o));
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return std::move(d).value();
  }
  size_t Files(const char* sub) const {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_ / sub)) n += e.path().extension() == ".json";
    return n;
  }

  fs::path dir_;
  Receiver receiver_;
  Timestamp now_ = Timestamp(milliseconds(1764000000000));
};

TEST_F(DispatcherTest, RetriesWithBackoffUnderOneIdThenForgetsTheDelivery) {
  receiver_.failures = 3;
  auto d = Open();
  auto ids = d->Emit("deployment.failed", R"({"id":"dep1"})");
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ(Files("pending"), 1u);  // durable before Emit returned
  std::vector<int64_t> sent_at;
  for (int64_t wait : {0, 1000, 2000, 4000}) {
    now_ += milliseconds(wait - 1);
    d->RunDue();
    EXPECT_EQ(receiver_.seen.size(), sent_at.size()) << "not before its delay (" << wait << " ms)";
    now_ += milliseconds(1);
    d->RunDue();
    ASSERT_EQ(receiver_.seen.size(), sent_at.size() + 1);
    sent_at.push_back(now_.time_since_epoch().count());
  }
  for (const auto& r : receiver_.seen) {
    EXPECT_EQ(r.headers.Get("webhook-id").value_or(""), (*ids)[0]);
    std::string ts(r.headers.Get("webhook-timestamp").value_or(""));
    EXPECT_EQ(r.headers.Get("webhook-signature").value_or(""),
              Signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", (*ids)[0], std::stoll(ts), r.body));
    EXPECT_NE(r.body.find(R"("type":"deployment.failed")"), std::string::npos);
    EXPECT_NE(r.body.find(R"("data":{"id":"dep1"})"), std::string::npos);
  }
  EXPECT_EQ(Files("pending"), 0u);
  auto v = d->Snapshot();
  EXPECT_EQ(v.delivered, 1u);
  EXPECT_EQ(v.failed_attempts, 3u);
  EXPECT_TRUE(v.pending.empty());
}

TEST_F(DispatcherTest, ARestartResumesWhatWasPendingWithTheSameId) {
  receiver_.failures = 1;
  std::string id;
  {
    auto d = Open();
    id = (*d->Emit("deployment.finished", "{}"))[0];
    d->RunDue();  // fails once: the retry state is on disk
  }
  auto again = Open();
  auto v = again->Snapshot();
  ASSERT_EQ(v.pending.size(), 1u);
  EXPECT_EQ(v.pending[0].attempts, 1);
  EXPECT_EQ(v.pending[0].last_status, 503);
  now_ += milliseconds(1000);
  again->RunDue();
  ASSERT_EQ(receiver_.seen.size(), 2u);
  EXPECT_EQ(receiver_.seen[1].headers.Get("webhook-id").value_or(""), id);
  EXPECT_EQ(Files("pending"), 0u);
}

TEST_F(DispatcherTest, GivenUpDeliveriesAreDeadLettersThatCanBeSentAgain) {
  receiver_.failures = 1000;
  auto d = Open();
  std::string id = (*d->Emit("data.refused", R"({"errors":1})"))[0];
  for (int i = 0; i < 40 && d->Snapshot().dead.empty(); ++i) {
    d->RunDue();
    now_ += milliseconds(8000);
  }
  auto v = d->Snapshot();
  ASSERT_EQ(v.dead.size(), 1u);
  EXPECT_TRUE(v.pending.empty());
  EXPECT_EQ(v.dead[0].id, id);
  EXPECT_FALSE(v.dead[0].last_error.empty());
  EXPECT_EQ(Files("dead"), 1u);
  EXPECT_EQ(Files("pending"), 0u);

  receiver_.failures = 0;
  receiver_.seen.clear();
  ASSERT_TRUE(d->Retry(id).ok());
  d->RunDue();
  ASSERT_EQ(receiver_.seen.size(), 1u);
  EXPECT_EQ(receiver_.seen[0].headers.Get("webhook-id").value_or(""), id);
  EXPECT_EQ(Files("dead"), 0u);
  EXPECT_EQ(d->Retry(id).code(), StatusCode::kNotFound);
}

TEST_F(DispatcherTest, AKeyedEventIsQueuedOnceAndTheFilterApplies) {
  receiver_.failures = 1000;
  auto d = Open({"deployment.stale", "deployment.failed"});
  auto a = d->Emit("deployment.stale", "{}", "stale:dep1");
  auto b = d->Emit("deployment.stale", "{}", "stale:dep1");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 1u);
  EXPECT_TRUE(b->empty());
  EXPECT_TRUE(d->Emit("deployment.finished", "{}")->empty());  // not asked for
  EXPECT_EQ(d->Emit("webhook.test", "{}")->size(), 1u);        // a test goes to every target
  EXPECT_EQ(Files("pending"), 2u);
}

TEST_F(DispatcherTest, AnUnreadableFileIsNamedAndLeftInPlace) {
  { auto d = Open(); }
  std::FILE* f = std::fopen((dir_ / "pending" / "msg_bad.json").c_str(), "w");
  std::fputs("{not json", f);
  std::fclose(f);
  auto d = Open();
  auto v = d->Snapshot();
  EXPECT_TRUE(v.pending.empty());
  EXPECT_TRUE(fs::exists(dir_ / "pending" / "msg_bad.json"));
}

}  // namespace
}  // namespace provisiond::api::webhooks

#include "api/webhooks/bridge.h"

namespace provisiond::api::webhooks {
namespace {

TEST_F(DispatcherTest, HubEventsBecomeTheWebhooksTheyMean) {
  receiver_.failures = 1000;
  std::shared_ptr<Dispatcher> d = Open();
  auto observe = HubObserver(d);
  observe("deployment", R"({"kind":"progress","deployment":{"id":"a","status":"running"}})");
  observe("deployment", R"({"kind":"finished","deployment":{"id":"a","status":"success"}})");
  observe("deployment", R"({"kind":"finished","deployment":{"id":"b","status":"error"}})");
  observe("deployment", R"({"kind":"finished","deployment":{"id":"b","status":"error"}})");  // seen twice: one delivery
  observe("data", R"({"kind":"reloaded","generation":3})");
  observe("data", R"({"kind":"refused","generation":4,"error":"x"})");
  observe("pending", R"({"kind":"waiting"})");
  observe("deployment", "not json");
  std::multiset<std::string> types;
  for (const auto& p : d->Snapshot().pending) types.insert(p.type);
  EXPECT_EQ(types, (std::multiset<std::string>{"deployment.finished", "deployment.failed", "data.refused"}));
  for (const auto& p : d->Snapshot().pending)
    if (p.type == "deployment.failed") {
      EXPECT_NE(p.body.find(R"("data":{"id":"b","status":"error"})"), std::string::npos);
    }
}

TEST_F(DispatcherTest, ACertificateIsAnnouncedOncePerThreshold) {
  receiver_.failures = 1000;
  auto d = Open();
  EXPECT_EQ(ExpiryThreshold(45), 0);
  EXPECT_EQ(ExpiryThreshold(30), 30);
  EXPECT_EQ(ExpiryThreshold(13), 14);
  EXPECT_EQ(ExpiryThreshold(-2), 7);
  std::set<std::string> notified;
  TlsCertificateInfo c;
  c.subject = "CN=prov";
  c.sha256 = "AB:CD";
  c.days_to_expiry = 29;
  EXPECT_EQ(EmitCertificateExpiry(d.get(), {c}, &notified), 1);
  EXPECT_EQ(EmitCertificateExpiry(d.get(), {c}, &notified), 0);
  c.days_to_expiry = 14;
  EXPECT_EQ(EmitCertificateExpiry(d.get(), {c}, &notified), 1);
  c.days_to_expiry = 60;  // renewed: nothing
  c.sha256 = "EF:01";
  EXPECT_EQ(EmitCertificateExpiry(d.get(), {c}, &notified), 0);
  EXPECT_EQ(d->Snapshot().pending.size(), 2u);
  // Without webhooks it is still announced (the log), once per threshold.
  std::set<std::string> logged;
  c.days_to_expiry = 6;
  EXPECT_EQ(EmitCertificateExpiry(nullptr, {c}, &logged), 1);
  EXPECT_EQ(EmitCertificateExpiry(nullptr, {c}, &logged), 0);
  EXPECT_EQ(d->Snapshot().pending.size(), 2u);
}

}  // namespace
}  // namespace provisiond::api::webhooks

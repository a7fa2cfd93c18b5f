// EventHub: ids in order to every stream, Last-Event-ID replay (and a reset
// when the buffer no longer holds the gap), caps per user and in total,
// released when a stream ends or is never opened.
#include "api/events/event_hub.h"

#include <gtest/gtest.h>

namespace provisiond::api {
namespace {

struct RecordingSink : StreamSink {
  bool Write(std::string text) override {
    std::lock_guard lock(mu);
    if (closed) return false;
    got += text;
    return true;
  }
  void Close() override { closed = true; }
  std::string Text() {
    std::lock_guard lock(mu);
    return got;
  }
  std::mutex mu;
  std::string got;
  bool closed = false;
};

TEST(SseFrame, SplitsDataLines) {
  EXPECT_EQ(SseFrame(7, "deployment", "{\"a\":1}"), "id: 7\nevent: deployment\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(SseFrame(1, "x", "a\nb"), "id: 1\nevent: x\ndata: a\ndata: b\n\n");
}

TEST(EventHub, LiveEventsAndResumeFromLastEventId) {
  auto hub = std::make_shared<EventHub>(EventHubOptions{.buffer = 3});
  hub->Publish("deployment", "{\"n\":1}");
  hub->Publish("deployment", "{\"n\":2}");
  auto s = hub->Subscribe("alice", 1);
  ASSERT_TRUE(s.ok());
  auto sink = std::make_shared<RecordingSink>();
  (*s)->Open(sink);
  hub->Publish("pending", "{\"n\":3}");
  std::string text = sink->Text();
  EXPECT_EQ(text.find("\"n\":1"), std::string::npos) << "id 1 was seen already";
  EXPECT_LT(text.find("id: 2\n"), text.find("id: 3\nevent: pending"));
  EXPECT_EQ(hub->OpenStreams(), 1u);
  (*s)->Closed();
  EXPECT_EQ(hub->OpenStreams(), 0u);

  // Ids 4..6 published; the buffer keeps 3 (4, 5, 6): resuming after 1 misses 2 and 3.
  for (int i = 4; i <= 6; ++i) hub->Publish("deployment", "{}");
  auto late = hub->Subscribe("alice", 1);
  ASSERT_TRUE(late.ok());
  auto sink2 = std::make_shared<RecordingSink>();
  (*late)->Open(sink2);
  std::string t2 = sink2->Text();
  EXPECT_NE(t2.find("event: reset"), std::string::npos) << t2;
  EXPECT_NE(t2.find("id: 4\n"), std::string::npos);
  EXPECT_NE(t2.find("id: 6\n"), std::string::npos);
}

TEST(EventHub, CapsPerUserAndInTotalAreReleased) {
  auto hub = std::make_shared<EventHub>(EventHubOptions{.buffer = 10, .max_streams = 3, .max_per_user = 2});
  auto a1 = hub->Subscribe("alice", std::nullopt);
  auto a2 = hub->Subscribe("alice", std::nullopt);
  ASSERT_TRUE(a1.ok() && a2.ok());
  auto a3 = hub->Subscribe("alice", std::nullopt);
  EXPECT_EQ(a3.status().code(), StatusCode::kTooLarge);
  auto b1 = hub->Subscribe("bob", std::nullopt);
  ASSERT_TRUE(b1.ok());
  EXPECT_EQ(hub->Subscribe("carol", std::nullopt).status().code(), StatusCode::kTooLarge);
  // A stream never opened (the client left before the answer) frees its place.
  a1 = Status::Internal("dropped");
  EXPECT_TRUE(hub->Subscribe("alice", std::nullopt).ok());
}

}  // namespace
}  // namespace provisiond::api

#include "api/content/background_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

namespace provisiond::api::content {
namespace {

// A task that blocks its thread until Release(); Started() waits until it runs.
class Gate {
 public:
  std::function<void()> Task() {
    return [this] {
      started_.set_value();
      released_.wait();
    };
  }
  void Started() { started_future_.wait(); }
  void Release() { release_.set_value(); }

 private:
  std::promise<void> started_;
  std::future<void> started_future_ = started_.get_future();
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

TEST(BackgroundQueue, RunsTasksInOrder) {
  BackgroundQueue q({1, 16, "test"});
  std::vector<int> order;  // one thread: no lock needed
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q.Submit([&order, i] { order.push_back(i); }));
  q.DrainForTesting();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(BackgroundQueue, ThrowingTaskIsCaughtAndTheThreadGoesOn) {
  BackgroundQueue q({1, 16, "test"});
  std::atomic<int> ran{0};
  ASSERT_TRUE(q.Submit([] { throw std::runtime_error("disk on fire"); }));
  ASSERT_TRUE(q.Submit([] { throw 42; }));  // not a std::exception
  ASSERT_TRUE(q.Submit([&] { ++ran; }));
  q.DrainForTesting();
  EXPECT_EQ(ran, 1);
  ASSERT_TRUE(q.Submit([&] { ++ran; }));  // still serving
  q.DrainForTesting();
  EXPECT_EQ(ran, 2);
}

TEST(BackgroundQueue, FullQueueRefusesWithoutBlocking) {
  BackgroundQueue q({1, 2, "test"});
  Gate gate;
  ASSERT_TRUE(q.Submit(gate.Task()));
  gate.Started();  // the thread holds the first task: the queue itself is empty
  std::atomic<int> ran{0};
  EXPECT_TRUE(q.Submit([&] { ++ran; }));
  EXPECT_TRUE(q.Submit([&] { ++ran; }));
  EXPECT_FALSE(q.Submit([&] { ++ran; }));  // full: refused at once, the thread still blocked
  EXPECT_EQ(q.queued(), 2u);
  gate.Release();
  q.DrainForTesting();
  EXPECT_EQ(ran, 2);
  EXPECT_TRUE(q.Submit([&] { ++ran; }));  // room again
  q.DrainForTesting();
  EXPECT_EQ(ran, 3);
}

TEST(BackgroundQueue, StopDropsQueuedTasksAndRefusesNewOnes) {
  BackgroundQueue q({1, 8, "test"});
  Gate gate;
  std::atomic<int> ran{0};
  ASSERT_TRUE(q.Submit(gate.Task()));
  gate.Started();
  ASSERT_TRUE(q.Submit([&] { ++ran; }));
  std::thread stopper([&] { q.Stop(); });  // waits for the running task
  while (q.queued() != 0) std::this_thread::yield();  // only Stop empties it: the thread is held
  gate.Release();
  stopper.join();
  EXPECT_EQ(ran, 0);  // dropped, never run
  EXPECT_FALSE(q.Submit([&] { ++ran; }));
}

}  // namespace
}  // namespace provisiond::api::content

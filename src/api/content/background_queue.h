// A bounded queue of tasks run by a few threads of its own, for work too slow
// for a request's thread (hashing whole files): a request queues the work and
// answers at once, so the shared worker pool stays free for the writes that
// must not wait (deployment events, settings).
// Contract: Submit never blocks and refuses a task when the queue is full, so
// a burst of requests bounds both memory and backlog. Tasks run in order. A
// task that throws is logged and the thread goes on with the next one.
// Threads start on the first Submit (a process that only lists its routes
// starts none). Stop (and the destructor) drops queued tasks, lets running
// ones finish and joins. Safe from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace provisiond::api::content {

class BackgroundQueue {
 public:
  struct Options {
    size_t threads = 1;        // tasks run at once; each holds a core while hashing
    size_t capacity = 4096;    // queued tasks beyond the running ones; more are refused
    std::string name = "background";  // in log lines
  };

  explicit BackgroundQueue(Options options);
  ~BackgroundQueue();
  BackgroundQueue(const BackgroundQueue&) = delete;
  BackgroundQueue& operator=(const BackgroundQueue&) = delete;

  // Queues `task`. False, task dropped, if the queue is full or stopped.
  bool Submit(std::function<void()> task);
  // Drops queued tasks, waits for running ones, joins. Idempotent.
  void Stop();
  // Waits until nothing is queued or running (tests).
  void DrainForTesting();
  // Tasks queued, not yet started.
  size_t queued() const;

 private:
  void Run(std::stop_token stop);

  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable_any work_cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> tasks_;
  size_t running_ = 0;
  bool stopped_ = false;
  std::vector<std::jthread> threads_;  // last: joined before the rest is destroyed
};

}  // namespace provisiond::api::content

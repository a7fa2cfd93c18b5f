#include "api/content/background_queue.h"

#include <algorithm>
#include <exception>

#include "base/log.h"

namespace provisiond::api::content {

BackgroundQueue::BackgroundQueue(Options options) : options_(std::move(options)) {}

BackgroundQueue::~BackgroundQueue() { Stop(); }

bool BackgroundQueue::Submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (stopped_ || tasks_.size() >= options_.capacity) return false;
    tasks_.push_back(std::move(task));
    while (threads_.size() < std::max<size_t>(1, options_.threads))
      threads_.emplace_back([this](std::stop_token stop) { Run(stop); });
  }
  work_cv_.notify_one();
  return true;
}

void BackgroundQueue::Stop() {
  std::vector<std::jthread> threads;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    tasks_.clear();
    threads.swap(threads_);
  }
  for (auto& t : threads) t.request_stop();  // wakes the waits below
  threads.clear();                           // joins
  idle_cv_.notify_all();
}

void BackgroundQueue::DrainForTesting() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return (tasks_.empty() && running_ == 0) || stopped_; });
}

size_t BackgroundQueue::queued() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

void BackgroundQueue::Run(std::stop_token stop) {
  std::unique_lock lock(mu_);
  for (;;) {
    if (!work_cv_.wait(lock, stop, [&] { return !tasks_.empty(); })) return;  // stop requested
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    ++running_;
    lock.unlock();
    // A task's exception must not end the process (std::terminate on a
    // thread): it is one file's hash that failed, the next may work.
    try {
      task();
    } catch (const std::exception& e) {
      LogError("background task failed", {{"queue", options_.name}, {"error", e.what()}});
    } catch (...) {
      LogError("background task failed", {{"queue", options_.name}, {"error", "unknown exception"}});
    }
    task = nullptr;  // its captures are released outside the lock too
    lock.lock();
    --running_;
    if (tasks_.empty() && running_ == 0) idle_cv_.notify_all();
  }
}

}  // namespace provisiond::api::content

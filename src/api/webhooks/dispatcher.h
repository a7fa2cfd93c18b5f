// Sends webhook deliveries: Emit() makes one durable delivery per target
// that wants the event and wakes the sender thread; the thread posts each
// due delivery (signed, one at a time), removes it on a 2xx, else retries it
// with backoff until give_up_after, then moves it to the dead letters. A
// restart resumes the pending ones with their ids. Safe from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/outbound_http.h"
#include "api/webhooks/delivery_store.h"
#include "api/webhooks/webhook.h"
#include "base/time.h"
#include "platform/fs.h"

namespace provisiond::api::webhooks {

struct DispatcherOptions {
  std::vector<Target> targets;  // validated (ValidateTarget) by the caller
  RetryPolicy retry;
  std::string dir;              // <data-dir>/webhooks
  platform::Fs* fs = nullptr;   // required
  OutboundHttp http;            // required
  std::function<Timestamp()> clock = Now;
  std::function<std::string()> new_id;  // "msg_" + random hex when null
  std::string user_agent = "provisiond";
};

class Dispatcher {
 public:
  // Loads what a previous run left pending. Does not start sending.
  static Result<std::unique_ptr<Dispatcher>> Open(DispatcherOptions options);
  ~Dispatcher();  // stops the thread; an attempt in flight finishes first (bounded by its timeout)
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void Start();  // the sender thread
  // Queues `type` with `data` (JSON text) for each target that wants it;
  // durable when it returns. `key` (optional) makes the id a function of
  // key and target, so an event emitted again while queued is not doubled
  // and a receiver sees the same webhook-id. Returns the ids queued.
  Result<std::vector<std::string>> Emit(std::string_view type, std::string_view data_json, std::string_view key = {});
  // Sends every delivery due now, on the calling thread (tests; the thread runs the same).
  void RunDue();

  struct View {
    std::vector<Delivery> pending, dead;
    std::vector<std::string> unreadable;  // files that did not parse
    uint64_t delivered = 0, failed_attempts = 0;
  };
  View Snapshot() const;
  Status Retry(const std::string& dead_id);    // back to pending, now
  Status Discard(const std::string& dead_id);
  const std::vector<Target>& targets() const { return options_.targets; }

 private:
  explicit Dispatcher(DispatcherOptions options);
  void Loop();
  // One attempt; returns the delivery's next state (delivered: nullopt).
  void Attempt(Delivery d);
  const Target* TargetNamed(const std::string& name) const;

  DispatcherOptions options_;
  DeliveryStore store_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Delivery> pending_;  // in memory: the files' content
  bool stop_ = false;
  uint64_t delivered_ = 0, failed_attempts_ = 0;
  std::thread thread_;
};

}  // namespace provisiond::api::webhooks

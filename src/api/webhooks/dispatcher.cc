#include "api/webhooks/dispatcher.h"

#include <algorithm>

#include "base/log.h"
#include "pki/secret.h"
#include "pki/sha256.h"

namespace provisiond::api::webhooks {
namespace {

int64_t Ms(Timestamp t) { return t.time_since_epoch().count(); }

std::string Envelope(std::string_view type, Timestamp at, std::string_view data_json) {
  return "{\"type\":\"" + std::string(type) + "\",\"timestamp\":\"" + FormatIso8601(at) + "\",\"data\":" +
         std::string(data_json) + "}";
}

}  // namespace

Dispatcher::Dispatcher(DispatcherOptions options)
    : options_(std::move(options)), store_(*options_.fs, options_.dir) {}

Result<std::unique_ptr<Dispatcher>> Dispatcher::Open(DispatcherOptions options) {
  if (options.fs == nullptr || !options.http) return Status::InvalidArgument("webhooks: fs and http are required");
  std::unique_ptr<Dispatcher> d(new Dispatcher(std::move(options)));
  PV_RETURN_IF_ERROR(d->store_.Init());
  std::vector<std::string> bad;
  PV_ASSIGN_OR_RETURN(d->pending_, d->store_.Pending(&bad));
  for (const auto& b : bad) LogWarning("webhook delivery file unreadable, left in place", {{"file", b}});
  if (!d->pending_.empty())
    LogInfo("webhook deliveries resumed", {{"pending", std::to_string(d->pending_.size())}});
  return d;
}

Dispatcher::~Dispatcher() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Dispatcher::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

const Target* Dispatcher::TargetNamed(const std::string& name) const {
  for (const auto& t : options_.targets)
    if (t.name == name) return &t;
  return nullptr;
}

Result<std::vector<std::string>> Dispatcher::Emit(std::string_view type, std::string_view data_json, std::string_view key) {
  Timestamp now = options_.clock();
  std::vector<std::string> ids;
  std::lock_guard lock(mu_);
  for (const auto& t : options_.targets) {
    if (!t.Wants(type)) continue;
    Delivery d;
    if (!key.empty()) {
      d.id = "msg_" + pki::Sha256::HexOf(std::string(key) + "\n" + t.name).substr(0, 32);
      bool queued = std::any_of(pending_.begin(), pending_.end(), [&](const Delivery& p) { return p.id == d.id; });
      if (queued) continue;
    } else if (options_.new_id) {
      d.id = options_.new_id();
    } else {
      PV_ASSIGN_OR_RETURN(std::string hex, pki::RandomHex(16));
      d.id = "msg_" + hex;
    }
    d.target = t.name;
    d.type = std::string(type);
    d.body = Envelope(type, now, data_json);
    d.created_ms = d.next_ms = Ms(now);
    PV_RETURN_IF_ERROR(store_.Put(d));
    ids.push_back(d.id);
    pending_.push_back(std::move(d));
  }
  wake_.notify_all();
  return ids;
}

void Dispatcher::Attempt(Delivery d) {
  const Target* t = TargetNamed(d.target);
  Timestamp now = options_.clock();
  OutboundRequest req;
  req.method = "POST";
  req.timeout = options_.retry.timeout;
  req.body = d.body;
  int64_t ts = Ms(now) / 1000;
  if (t != nullptr) {
    req.url = t->url;
    req.headers.Add("Content-Type", "application/json");
    req.headers.Add("webhook-id", d.id);
    req.headers.Add("webhook-timestamp", std::to_string(ts));
    req.headers.Add("webhook-signature", Signature(t->secret, d.id, ts, d.body));
  }
  Status failure;
  int status = 0;
  if (t == nullptr) {
    failure = Status::FailedPrecondition("target '" + d.target + "' is no longer configured");
  } else {
    auto res = options_.http(req);
    if (!res.ok()) failure = res.status();
    else if ((status = res->status) < 200 || status > 299)
      failure = Status::Unavailable("answered HTTP " + std::to_string(status));
  }
  std::lock_guard lock(mu_);
  auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Delivery& p) { return p.id == d.id; });
  if (failure.ok()) {
    ++delivered_;
    if (Status s = store_.Remove(d.id); !s.ok()) LogError("webhook delivered but its file stays", {{"error", s.ToString()}});
    if (it != pending_.end()) pending_.erase(it);
    return;
  }
  ++failed_attempts_;
  d.attempts += 1;
  d.last_status = status;
  d.last_error = failure.message();
  Timestamp after = options_.clock();
  bool give_up = t == nullptr || Ms(after) - d.created_ms >= options_.retry.give_up_after.count();
  if (give_up) {
    LogWarning("webhook delivery given up", {{"id", d.id}, {"target", d.target}, {"attempts", std::to_string(d.attempts)},
                                             {"error", d.last_error}});
    if (Status s = store_.Bury(d); !s.ok()) LogError("webhook dead letter not written", {{"error", s.ToString()}});
    if (it != pending_.end()) pending_.erase(it);
    return;
  }
  d.next_ms = Ms(after) + RetryDelay(options_.retry, d.attempts).count();
  LogInfo("webhook delivery failed, will retry", {{"id", d.id}, {"target", d.target}, {"error", d.last_error},
                                                   {"attempt", std::to_string(d.attempts)}});
  if (Status s = store_.Put(d); !s.ok()) LogError("webhook retry state not written", {{"error", s.ToString()}});
  if (it != pending_.end()) *it = std::move(d);
}

void Dispatcher::RunDue() {
  for (;;) {
    std::optional<Delivery> due;
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      int64_t now = Ms(options_.clock());
      auto it = std::min_element(pending_.begin(), pending_.end(),
                                 [](const Delivery& a, const Delivery& b) { return a.next_ms < b.next_ms; });
      if (it == pending_.end() || it->next_ms > now) return;
      due = *it;
      it->next_ms = INT64_MAX;  // taken: not picked again while in flight
    }
    Attempt(std::move(*due));
  }
}

void Dispatcher::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    int64_t next = INT64_MAX;
    for (const auto& d : pending_) next = std::min(next, d.next_ms);
    int64_t now = Ms(options_.clock());
    if (next <= now) {
      lock.unlock();
      RunDue();
      lock.lock();
      continue;
    }
    if (next == INT64_MAX) wake_.wait(lock);
    else wake_.wait_for(lock, std::chrono::milliseconds(std::min<int64_t>(next - now, 60000)));
  }
}

Dispatcher::View Dispatcher::Snapshot() const {
  View v;
  std::lock_guard lock(mu_);
  v.pending = pending_;
  auto dead = store_.Dead(&v.unreadable);
  if (dead.ok()) v.dead = std::move(*dead);
  v.delivered = delivered_;
  v.failed_attempts = failed_attempts_;
  return v;
}

Status Dispatcher::Retry(const std::string& dead_id) {
  {
    std::lock_guard lock(mu_);
    PV_RETURN_IF_ERROR(store_.Revive(dead_id, Ms(options_.clock())));
    std::vector<std::string> bad;
    auto pending = store_.Pending(&bad);
    if (!pending.ok()) return pending.status();
    for (auto& d : *pending)
      if (d.id == dead_id) pending_.push_back(std::move(d));
  }
  wake_.notify_all();
  return Status::Ok();
}

Status Dispatcher::Discard(const std::string& dead_id) {
  std::lock_guard lock(mu_);
  return store_.Discard(dead_id);
}

}  // namespace provisiond::api::webhooks

#include "api/events/event_hub.h"

#include <algorithm>
#include <atomic>

namespace provisiond::api {

std::string SseFrame(uint64_t id, std::string_view type, std::string_view data) {
  std::string out = "id: " + std::to_string(id) + "\nevent: " + std::string(type) + "\n";
  size_t start = 0;
  while (true) {
    size_t nl = data.find('\n', start);
    out += "data: ";
    out += data.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    out += "\n";
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  out += "\n";
  return out;
}

class EventHub::Stream : public StreamBody, public std::enable_shared_from_this<Stream> {
 public:
  Stream(std::weak_ptr<EventHub> hub, std::string user, std::optional<uint64_t> last_id)
      : hub_(std::move(hub)), user_(std::move(user)), last_id_(last_id) {}
  void Open(std::shared_ptr<StreamSink> sink) override {
    auto hub = hub_.lock();
    if (!hub) return sink->Close();
    {
      std::lock_guard lock(mu_);
      sink_ = std::move(sink);
    }
    // Tell the browser how soon to come back after a drop.
    Write("retry: 3000\n\n");
    hub->Attach(shared_from_this(), last_id_);
  }
  void Closed() override {
    {
      std::lock_guard lock(mu_);
      sink_.reset();
    }
    Release();
  }
  // A stream whose response was never sent (client gone first) is released
  // here, so its reservation does not count against the caps forever.
  ~Stream() override { Release(); }
  void Release() {
    if (released_.exchange(true)) return;
    if (auto hub = hub_.lock()) hub->Detach(this);
  }
  void Write(std::string text) {
    std::shared_ptr<StreamSink> sink;
    {
      std::lock_guard lock(mu_);
      sink = sink_;
    }
    if (sink) sink->Write(std::move(text));
  }
  const std::string& user() const { return user_; }

 private:
  std::weak_ptr<EventHub> hub_;
  std::string user_;
  std::optional<uint64_t> last_id_;
  std::mutex mu_;
  std::shared_ptr<StreamSink> sink_;
  std::atomic<bool> released_{false};
};

void EventHub::AddObserver(Observer observer) { observers_.push_back(std::move(observer)); }

void EventHub::Publish(std::string type, std::string data) {
  for (const auto& o : observers_) o(type, data);
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  std::string frame = SseFrame(id, type, data);
  // Under the lock, so every stream gets events in id order. A write only
  // queues the frame for the session's thread.
  for (const auto& s : streams_) s->Write(frame);
  buffer_.push_back({id, std::move(frame)});
  while (buffer_.size() > options_.buffer) buffer_.pop_front();
}

Result<std::shared_ptr<StreamBody>> EventHub::Subscribe(const std::string& user, std::optional<uint64_t> last_id) {
  {
    std::lock_guard lock(mu_);
    if (reserved_ >= options_.max_streams)
      return Status::TooLarge("too many open event streams (" + std::to_string(options_.max_streams) +
                              "); close a browser tab or raise the cap");
    if (per_user_[user] >= options_.max_per_user)
      return Status::TooLarge("'" + user + "' has " + std::to_string(options_.max_per_user) +
                              " event streams open already; close a browser tab");
    ++per_user_[user];  // reserved now, so concurrent subscribes respect the caps
    ++reserved_;
  }
  auto s = std::make_shared<Stream>(weak_from_this(), user, last_id);
  s->heartbeat_interval = options_.heartbeat;
  return std::shared_ptr<StreamBody>(s);
}

void EventHub::Attach(const std::shared_ptr<Stream>& s, std::optional<uint64_t> last_id) {
  std::vector<std::string> replay;
  {
    std::lock_guard lock(mu_);
    if (last_id) {
      bool gap = !buffer_.empty() ? buffer_.front().id > *last_id + 1 : *last_id + 1 < next_id_;
      if (gap) replay.push_back(SseFrame(next_id_ - 1, "reset", R"({"reason":"missed events; re-read"})"));
      for (const auto& e : buffer_)
        if (e.id > *last_id) replay.push_back(e.text);
    }
    streams_.push_back(s);
    // Replayed under the lock: an event published meanwhile comes after them.
    for (auto& text : replay) s->Write(std::move(text));
  }
}

void EventHub::Detach(const Stream* s) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(streams_.begin(), streams_.end(), [s](const auto& p) { return p.get() == s; });
  if (it != streams_.end()) streams_.erase(it);
  auto u = per_user_.find(s->user());
  if (u != per_user_.end() && u->second > 0 && --u->second == 0) per_user_.erase(u);
  if (reserved_ > 0) --reserved_;
}

size_t EventHub::OpenStreams() const {
  std::lock_guard lock(mu_);
  return streams_.size();
}

uint64_t EventHub::LastId() const {
  std::lock_guard lock(mu_);
  return next_id_ - 1;
}

}  // namespace provisiond::api

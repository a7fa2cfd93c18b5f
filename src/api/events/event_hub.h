// EventHub: the admin UI's live events (GET /api/v1/admin/events, Server-
// Sent Events). Publishers (deployments, pending devices, data reloads) call
// Publish from any thread; each event gets the next id and goes into a
// bounded buffer, so a client reconnecting with Last-Event-ID gets what it
// missed (or, if that fell out of the buffer, a "reset" event telling it to
// re-read). Streams are capped per user and in total.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "base/status.h"

namespace provisiond::api {

struct EventHubOptions {
  size_t buffer = 1000;          // events kept for Last-Event-ID resume
  size_t max_streams = 64;       // open streams in all
  size_t max_per_user = 8;       // open streams of one principal
  std::chrono::milliseconds heartbeat{15000};
};

class EventHub : public std::enable_shared_from_this<EventHub> {
 public:
  explicit EventHub(EventHubOptions options = {}) : options_(options) {}

  // `type`: deployment, pending, data... `data`: one JSON document (no newline).
  void Publish(std::string type, std::string data);

  // A stream for `user` that first replays the buffered events after
  // `last_id` (all buffered events when nullopt and `replay` is set).
  // TooLarge (429) when the caps are reached.
  Result<std::shared_ptr<StreamBody>> Subscribe(const std::string& user, std::optional<uint64_t> last_id);

  // Called with every published event, outside the hub's lock, on the
  // publisher's thread (webhooks listen here). Add before serving.
  using Observer = std::function<void(const std::string& type, const std::string& data)>;
  void AddObserver(Observer observer);

  size_t OpenStreams() const;
  uint64_t LastId() const;

 private:
  class Stream;
  struct Event {
    uint64_t id;
    std::string text;  // the SSE frame
  };
  void Attach(const std::shared_ptr<Stream>& s, std::optional<uint64_t> last_id);
  void Detach(const Stream* s);

  EventHubOptions options_;
  mutable std::mutex mu_;
  std::vector<Observer> observers_;  // fixed once serving: read without the lock
  uint64_t next_id_ = 1;
  std::deque<Event> buffer_;
  std::vector<std::shared_ptr<Stream>> streams_;  // open ones
  std::map<std::string, size_t> per_user_;  // streams reserved per user
  size_t reserved_ = 0;                     // in all (opened or not yet)
};

// One SSE frame: "id: N\nevent: T\ndata: D\n\n" (data lines split on '\n').
std::string SseFrame(uint64_t id, std::string_view type, std::string_view data);

}  // namespace provisiond::api

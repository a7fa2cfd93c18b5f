// The webhook deliveries on disk: one small JSON file per delivery under
// <dir>/pending/ until it is delivered, moved to <dir>/dead/ when it is
// given up. Each change is a durable replace (platform::ReplaceFile), so a
// crash or restart loses no delivery and sends none that was acknowledged
// as delivered. Not thread-safe: the Dispatcher serialises access.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "platform/fs.h"

namespace provisiond::api::webhooks {

struct Delivery {
  std::string id;      // the webhook-id: the same on every attempt ("msg_" + hex)
  std::string target;  // Target::name
  std::string type;    // event type
  std::string body;    // the JSON sent, signed as is
  int64_t created_ms = 0;  // first queued (Unix ms): give_up_after counts from here
  int64_t next_ms = 0;     // next attempt not before
  int attempts = 0;
  int last_status = 0;     // HTTP status of the last attempt; 0: no answer
  std::string last_error;  // why the last attempt failed
  friend bool operator==(const Delivery&, const Delivery&) = default;
};

class DeliveryStore {
 public:
  DeliveryStore(platform::Fs& fs, std::string dir) : fs_(fs), dir_(std::move(dir)) {}
  Status Init();  // creates the folders
  Status Put(const Delivery& d);      // pending/<id>.json, created or replaced
  Status Remove(const std::string& id);  // delivered
  Status Bury(const Delivery& d);     // pending -> dead
  Status Revive(const std::string& id, int64_t now_ms);  // dead -> pending, attempts reset
  Status Discard(const std::string& id);  // dead -> gone
  // A file that does not parse is skipped and named in *bad (it stays, for a person to look at).
  Result<std::vector<Delivery>> Pending(std::vector<std::string>* bad) const;
  Result<std::vector<Delivery>> Dead(std::vector<std::string>* bad) const;

 private:
  Result<std::vector<Delivery>> Load(const std::string& sub, std::vector<std::string>* bad) const;
  std::string PathOf(const std::string& sub, const std::string& id) const;
  platform::Fs& fs_;
  std::string dir_;
};

// JSON of a delivery (the file's content) and back; InvalidArgument on a bad file.
std::string DeliveryToJson(const Delivery& d);
Result<Delivery> DeliveryFromJson(std::string_view text);

}  // namespace provisiond::api::webhooks

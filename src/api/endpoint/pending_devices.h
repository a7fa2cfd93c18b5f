// PendingDevices: unknown devices that asked for a plan or started a
// deployment and wait for a person to confirm them (name, type, locale),
// from the endpoint's dialog or from the admin UI. Held in memory: a
// waiting device polls its plan, so after a restart it is listed again
// within one poll. Bounded (the oldest entry goes first). Also remembers
// the models and OS names devices reported, for the regex check.
// Thread rule: safe from any thread (one mutex, short critical sections).
#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace provisiond::api::endpoint {

struct PendingDevice {
  std::string serial;
  std::string manufacturer;
  std::string model;
  std::string os;
  std::string source;         // "plan" or "deployment"
  std::string deployment_id;  // the latest deployment started while pending
  std::string suggested_name;
  std::string client_address;
  Timestamp first_seen{};
  Timestamp last_seen{};
};

class PendingDevices {
 public:
  explicit PendingDevices(size_t capacity = 10000) : capacity_(capacity) {}

  // Adds or refreshes the device (by serial, case-insensitive); true when it
  // is new (worth telling the UI).
  bool Note(PendingDevice d);
  // Forgets the device (confirmed or dismissed); false if it was not listed.
  bool Remove(std::string_view serial);
  // Newest last_seen first.
  std::vector<PendingDevice> List() const;
  std::optional<PendingDevice> Find(std::string_view serial) const;
  // No device pending (no lock: the plan route asks on every call).
  bool Empty() const { return count_.load(std::memory_order_relaxed) == 0; }

  // Models and OS names seen (trimmed, distinct, at most 5000 each).
  void NoteSeen(std::string_view model, std::string_view os);
  std::vector<std::string> Models() const;
  std::vector<std::string> OsNames() const;

 private:
  size_t capacity_;
  mutable std::mutex mu_;
  std::map<std::string, PendingDevice> by_serial_;  // serial key -> device
  std::atomic<size_t> count_{0};                     // by_serial_.size()
  std::set<std::string> models_, os_names_;
};

}  // namespace provisiond::api::endpoint

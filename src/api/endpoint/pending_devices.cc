#include "api/endpoint/pending_devices.h"

#include <algorithm>

#include "base/strings.h"
#include "model/tables.h"

namespace provisiond::api::endpoint {
namespace {
constexpr size_t kMaxSeen = 5000;
}

bool PendingDevices::Note(PendingDevice d) {
  std::string key = model::Tables::SerialKey(d.serial);
  if (key.empty()) return false;
  std::lock_guard lock(mu_);
  auto it = by_serial_.find(key);
  if (it != by_serial_.end()) {
    const PendingDevice& was = it->second;
    d.first_seen = was.first_seen;
    // A later call may report less (a deployment start without the OS).
    for (auto [now, before] : {std::pair{&d.manufacturer, &was.manufacturer}, std::pair{&d.model, &was.model},
                               std::pair{&d.os, &was.os}, std::pair{&d.deployment_id, &was.deployment_id},
                               std::pair{&d.suggested_name, &was.suggested_name}})
      if (now->empty()) *now = *before;
    if (d.source == "plan" && !was.deployment_id.empty()) d.source = was.source;
    it->second = std::move(d);
    return false;
  }
  if (by_serial_.size() >= capacity_) {
    auto oldest = std::min_element(by_serial_.begin(), by_serial_.end(), [](const auto& a, const auto& b) {
      return a.second.last_seen < b.second.last_seen;
    });
    by_serial_.erase(oldest);
  }
  by_serial_.emplace(std::move(key), std::move(d));
  count_.store(by_serial_.size(), std::memory_order_relaxed);
  return true;
}

bool PendingDevices::Remove(std::string_view serial) {
  std::lock_guard lock(mu_);
  bool removed = by_serial_.erase(model::Tables::SerialKey(serial)) > 0;
  count_.store(by_serial_.size(), std::memory_order_relaxed);
  return removed;
}

std::vector<PendingDevice> PendingDevices::List() const {
  std::vector<PendingDevice> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [k, d] : by_serial_) out.push_back(d);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.last_seen > b.last_seen; });
  return out;
}

std::optional<PendingDevice> PendingDevices::Find(std::string_view serial) const {
  std::lock_guard lock(mu_);
  auto it = by_serial_.find(model::Tables::SerialKey(serial));
  if (it == by_serial_.end()) return std::nullopt;
  return it->second;
}

void PendingDevices::NoteSeen(std::string_view model, std::string_view os) {
  model = Trim(model);
  os = Trim(os);
  std::lock_guard lock(mu_);
  if (!model.empty() && models_.size() < kMaxSeen) models_.emplace(model);
  if (!os.empty() && os_names_.size() < kMaxSeen) os_names_.emplace(os);
}

std::vector<std::string> PendingDevices::Models() const {
  std::lock_guard lock(mu_);
  return {models_.begin(), models_.end()};
}

std::vector<std::string> PendingDevices::OsNames() const {
  std::lock_guard lock(mu_);
  return {os_names_.begin(), os_names_.end()};
}

}  // namespace provisiond::api::endpoint

#include "model/tables.h"

#include "base/strings.h"

namespace provisiond::model {

std::string Tables::SerialKey(std::string_view serial) { return ToUpper(Trim(serial)); }

std::string Tables::MacKey(std::string_view mac) {
  std::string out;
  for (char c : mac) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
      out += (c >= 'a' ? static_cast<char>(c - 32) : c);
  }
  return out;
}

void Tables::BuildIndexes() {
  by_serial_.clear();
  serial_dupes_.clear();
  by_uuid_.clear();
  by_mac_.clear();
  app_by_name_.clear();
  by_serial_.reserve(computers.size());
  for (size_t i = 0; i < computers.size(); ++i) {
    const Computer& c = computers[i];
    std::string key = SerialKey(c.serial);
    if (!by_serial_.emplace(key, i).second) {
      ++serial_dupes_.try_emplace(std::move(key), 1).first->second;  // 2 for the first repeat
    }
    if (!Trim(c.uuid).empty()) by_uuid_.emplace(ToUpper(Trim(c.uuid)), i);
    for (const auto& m : SplitList(c.mac, ';')) {
      std::string k = MacKey(m);
      if (!k.empty()) by_mac_.emplace(std::move(k), i);
    }
  }
  for (size_t i = 0; i < apps.size(); ++i) app_by_name_.emplace(ToUpper(apps[i].name), i);
}

const Computer* Tables::FindComputerBySerial(std::string_view serial) const {
  auto it = by_serial_.find(SerialKey(serial));
  return it == by_serial_.end() ? nullptr : &computers[it->second];
}

std::vector<const Computer*> Tables::FindComputersBySerial(std::string_view serial) const {
  std::string key = SerialKey(serial);
  auto it = by_serial_.find(key);
  if (it == by_serial_.end()) return {};
  if (!serial_dupes_.contains(key)) return {&computers[it->second]};
  // Duplicates are an anomaly the admin must fix: a scan is fine here and
  // keeps the common path to one hash lookup without a per-serial vector.
  std::vector<const Computer*> out;
  for (size_t i = it->second; i < computers.size(); ++i)
    if (SerialKey(computers[i].serial) == key) out.push_back(&computers[i]);
  return out;
}

std::vector<const Computer*> Tables::FindComputersByUuid(std::string_view uuid) const {
  std::vector<const Computer*> out;
  auto [a, b] = by_uuid_.equal_range(ToUpper(Trim(uuid)));
  for (auto it = a; it != b; ++it) out.push_back(&computers[it->second]);
  return out;
}

std::vector<const Computer*> Tables::FindComputersByMac(std::string_view mac) const {
  std::vector<const Computer*> out;
  auto [a, b] = by_mac_.equal_range(MacKey(mac));
  for (auto it = a; it != b; ++it) out.push_back(&computers[it->second]);
  return out;
}

const App* Tables::FindApp(std::string_view name) const {
  auto it = app_by_name_.find(ToUpper(Trim(name)));
  return it == app_by_name_.end() ? nullptr : &apps[it->second];
}

const Locale* Tables::FindLocale(std::string_view country) const {
  for (const auto& l : locales)
    if (IEquals(l.country, Trim(country))) return &l;
  return nullptr;
}

std::optional<std::string> Tables::Config(std::string_view key) const {
  for (const auto& [k, v] : config)
    if (k == key) return v;
  return std::nullopt;
}

std::vector<std::string> Tables::TypeNames() const {
  std::vector<std::string> out;
  for (const auto& ta : type_apps) {
    bool seen = false;
    for (const auto& t : out) seen = seen || IEquals(t, ta.type);
    if (!seen) out.push_back(ta.type);
  }
  return out;
}

std::vector<std::string> Tables::AppsOfType(std::string_view type) const {
  std::vector<std::string> out;
  for (const auto& ta : type_apps)
    if (IEquals(Trim(ta.type), Trim(type))) out.push_back(ta.application);
  return out;
}

}  // namespace provisiond::model

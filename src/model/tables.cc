#include "model/tables.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <iterator>

#include "base/strings.h"

namespace provisiond::model {

uint64_t NextTableStamp() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

std::string Tables::SerialKey(std::string_view serial) { return ToUpper(Trim(serial)); }

std::string Tables::MacKey(std::string_view mac) {
  std::string out;
  for (char c : mac) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
      out += (c >= 'a' ? static_cast<char>(c - 32) : c);
  }
  return out;
}

namespace {

// One lookup (serial, uuid or mac) as 256 hash shards, each shared between
// snapshots until a change touches it: a one-row change copies the few
// shards its keys fall in (about size/256 entries each), not the index.
// Entries point at rows (shared, so stable across snapshots) and carry the
// row's position when it was indexed: exact, or too high by the number of
// rows erased before it since (PositionOf() searches down from it).
struct Entry {
  const Computer* row;
  size_t pos;
};
using Shard = std::unordered_multimap<std::string, Entry>;
constexpr size_t kShards = 256;

class KeyIndex {
 public:
  KeyIndex() {
    static const auto empty = std::make_shared<Shard>();
    shards_.fill(empty);
  }
  void Add(std::string key, Entry e) {
    Shard& s = Mutable(ShardOf(key));
    s.emplace(std::move(key), e);
  }
  // Removes one entry of `key` for `row` (a row listing a MAC twice has two).
  void Remove(const std::string& key, const Computer* row) {
    Shard& s = Mutable(ShardOf(key));
    auto [a, b] = s.equal_range(key);
    for (auto it = a; it != b; ++it) {
      if (it->second.row == row) {
        s.erase(it);
        return;
      }
    }
  }
  std::pair<Shard::const_iterator, Shard::const_iterator> Range(const std::string& key) const {
    const Shard& s = *shards_[ShardOf(key)];
    return s.equal_range(key);
  }
  // The rows indexed under `key`, in no particular order.
  std::vector<const Computer*> Rows(const std::string& key) const {
    std::vector<const Computer*> out;
    auto [a, b] = Range(key);
    for (auto it = a; it != b; ++it) out.push_back(it->second.row);
    return out;
  }

 private:
  static size_t ShardOf(const std::string& key) { return std::hash<std::string>{}(key) % kShards; }
  // Copy-on-write: a shard another index shares is copied before a change.
  Shard& Mutable(size_t i) {
    if (shards_[i].use_count() > 1) shards_[i] = std::make_shared<Shard>(*shards_[i]);
    return *shards_[i];
  }
  std::array<std::shared_ptr<Shard>, kShards> shards_;
};

enum class Key { kSerial, kUuid, kMac };

template <class F>
void ForEachKey(const Computer& c, F f) {
  f(Key::kSerial, Tables::SerialKey(c.serial));
  if (!Trim(c.uuid).empty()) f(Key::kUuid, ToUpper(Trim(c.uuid)));
  for (const auto& m : SplitList(c.mac, ';')) {
    std::string k = Tables::MacKey(m);
    if (!k.empty()) f(Key::kMac, std::move(k));
  }
}

}  // namespace

struct Tables::ComputerIndex {
  uint64_t stamp = 0;  // computers.stamp() it describes
  KeyIndex serial, uuid, mac;
  KeyIndex& Of(Key k) { return k == Key::kSerial ? serial : k == Key::kUuid ? uuid : mac; }
  void Add(const Computer& c, size_t pos) {
    ForEachKey(c, [&](Key k, std::string key) { Of(k).Add(std::move(key), Entry{&c, pos}); });
  }
  void Remove(const Computer& c) {
    ForEachKey(c, [&](Key k, const std::string& key) { Of(k).Remove(key, &c); });
  }
};

bool Tables::ComputerIndexCurrent() const {
  return computer_index_ != nullptr && computer_index_->stamp == computers.stamp();
}

void Tables::BuildIndexes() {
  if (!ComputerIndexCurrent()) {
    auto index = std::make_shared<ComputerIndex>();
    index->stamp = computers.stamp();
    for (size_t i = 0; i < computers.size(); ++i) index->Add(computers[i], i);
    computer_index_ = std::move(index);
  }
  if (app_by_name_ == nullptr || app_index_stamp_ != apps.stamp()) {
    auto index = std::make_shared<std::unordered_map<std::string, size_t>>();
    for (size_t i = 0; i < apps.size(); ++i) index->emplace(ToUpper(apps[i].name), i);
    app_by_name_ = std::move(index);
    app_index_stamp_ = apps.stamp();
  }
}

void Tables::SetComputer(size_t pos, Computer c) {
  if (!ComputerIndexCurrent()) {
    computers.Set(pos, std::move(c));
    return;
  }
  auto index = std::make_shared<ComputerIndex>(*computer_index_);
  index->Remove(computers[pos]);  // before Set: the old row may be freed by it
  computers.Set(pos, std::move(c));
  index->Add(computers[pos], pos);
  index->stamp = computers.stamp();
  computer_index_ = std::move(index);
}

void Tables::AddComputer(Computer c) {
  bool current = ComputerIndexCurrent();
  computers.PushBack(std::move(c));
  if (!current) return;
  auto index = std::make_shared<ComputerIndex>(*computer_index_);
  index->Add(computers.back(), computers.size() - 1);
  index->stamp = computers.stamp();
  computer_index_ = std::move(index);
}

void Tables::EraseComputer(size_t pos) {
  if (!ComputerIndexCurrent()) {
    computers.Erase(pos);
    return;
  }
  auto index = std::make_shared<ComputerIndex>(*computer_index_);
  index->Remove(computers[pos]);
  computers.Erase(pos);
  index->stamp = computers.stamp();
  computer_index_ = std::move(index);
}

std::optional<size_t> Tables::PositionOf(const Computer* row) const {
  if (row == nullptr || computers.empty()) return std::nullopt;
  if (ComputerIndexCurrent()) {
    auto [a, b] = computer_index_->serial.Range(SerialKey(row->serial));
    for (auto it = a; it != b; ++it) {
      if (it->second.row != row) continue;
      // The hint is exact or too high by the rows erased before it since.
      for (size_t p = std::min(it->second.pos, computers.size() - 1);; --p) {
        if (computers.Share(p).get() == row) return p;
        if (p == 0) break;
      }
    }
  }
  for (size_t p = 0; p < computers.size(); ++p)
    if (computers.Share(p).get() == row) return p;
  return std::nullopt;
}

std::vector<const Computer*> Tables::InFileOrder(std::vector<const Computer*> rows) const {
  if (rows.size() < 2) return rows;
  // Several records for one key are rare (shared MACs, a repeated serial
  // the admin must fix): sorting them by position is cheap enough.
  std::vector<std::pair<size_t, const Computer*>> by_pos;
  for (const Computer* c : rows) by_pos.emplace_back(PositionOf(c).value_or(0), c);
  std::sort(by_pos.begin(), by_pos.end());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = by_pos[i].second;
  return rows;
}

const Computer* Tables::FindComputerBySerial(std::string_view serial) const {
  if (computer_index_ == nullptr) return nullptr;
  // The usual case, one record: no vector, no sort (every plan asks this).
  auto [a, b] = computer_index_->serial.Range(SerialKey(serial));
  if (a == b) return nullptr;
  if (std::next(a) == b) return a->second.row;
  return FindComputersBySerial(serial).front();
}

std::vector<const Computer*> Tables::FindComputersBySerial(std::string_view serial) const {
  if (computer_index_ == nullptr) return {};
  return InFileOrder(computer_index_->serial.Rows(SerialKey(serial)));
}

std::vector<const Computer*> Tables::FindComputersByUuid(std::string_view uuid) const {
  if (computer_index_ == nullptr) return {};
  return InFileOrder(computer_index_->uuid.Rows(ToUpper(Trim(uuid))));
}

std::vector<const Computer*> Tables::FindComputersByMac(std::string_view mac) const {
  if (computer_index_ == nullptr) return {};
  return InFileOrder(computer_index_->mac.Rows(MacKey(mac)));
}

const App* Tables::FindApp(std::string_view name) const {
  if (app_by_name_ == nullptr) return nullptr;
  auto it = app_by_name_->find(ToUpper(Trim(name)));
  return it == app_by_name_->end() ? nullptr : &apps[it->second];
}

const Locale* Tables::FindLocale(std::string_view country) const {
  for (const auto& l : locales)
    if (IEquals(l.country, Trim(country))) return &l;
  return nullptr;
}

const User* Tables::FindUser(std::string_view username) const {
  for (const auto& u : users)
    if (IEquals(u.username, Trim(username))) return &u;
  return nullptr;
}

const Credential* Tables::FindCredential(std::string_view id) const {
  for (const auto& c : credentials)
    if (c.id == id) return &c;
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

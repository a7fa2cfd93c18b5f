#include "api/access/network_gate.h"

#include <atomic>

#include "api/problem.h"
#include "base/log.h"
#include "base/strings.h"

namespace provisiond::api::access {
namespace {

// Distinct pending sightings kept between flushes: a scan from many IPv6
// addresses must not grow memory without bound (the excess is counted).
constexpr size_t kMaxPending = 10'000;

uint64_t NextInstanceId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1);
}

}  // namespace

NetworkGate::NetworkGate(std::shared_ptr<store::Store> store, std::function<Timestamp()> clock)
    : store_(std::move(store)), clock_(std::move(clock)), instance_(NextInstanceId()) {}

const NetworkGate::Index* NetworkGate::CurrentIndex() const {
  const uint64_t generation = store_->Generation();
  // Per thread, so the hot path takes no lock (see AccessControl::Index).
  thread_local uint64_t owner = 0;
  thread_local std::shared_ptr<const Index> mine;
  if (owner == instance_ && mine && mine->generation >= generation) return mine.get();
  std::lock_guard lock(index_mu_);
  auto snap = store_->Snapshot();
  if (index_ && index_->generation == snap->generation) {
    owner = instance_;
    mine = index_;
    return mine.get();
  }
  // Rebuilt when the tables change (any table: the generation is shared);
  // networks.csv is small, this is a sort of a few ranges.
  auto next = std::make_shared<Index>();
  next->generation = snap->generation;
  next->enabled = !snap->networks.empty();
  for (const auto& n : snap->networks) {
    auto cidr = Cidr::Parse(n.network);
    if (!cidr.ok()) continue;  // a hand-edited bad row allows nothing
    next->any.Add(*cidr);
    if (IEquals(Trim(n.status), "Allow")) next->allow.Add(*cidr);
  }
  next->allow.Build();
  next->any.Build();
  index_ = next;
  owner = instance_;
  mine = next;
  return mine.get();
}

bool NetworkGate::enabled() const { return CurrentIndex()->enabled; }

std::optional<model::NetworkSighting> NetworkGate::SightingFor(std::string_view address, Timestamp now) {
  AddressRanges::Address a;
  if (!ParseIpAddress(address, &a)) return std::nullopt;
  bool v4 = true;
  for (int i = 0; i < 10; ++i) v4 = v4 && a[i] == 0;
  v4 = v4 && a[10] == 0xff && a[11] == 0xff;
  model::NetworkSighting s;
  s.at = now;
  if (!v4) {
    s.network = std::string(address) + "/128";
    s.kind = "host";
    return s;
  }
  std::string dotted = std::to_string(a[12]) + "." + std::to_string(a[13]) + "." + std::to_string(a[14]) + "." +
                       std::to_string(a[15]);
  if (a[12] == 10) {
    s.network = "10.0.0.0/8";
  } else if (a[12] == 172 && (a[13] & 0xf0) == 16) {
    s.network = "172.16.0.0/12";
  } else if (a[12] == 192 && a[13] == 168) {
    s.network = "192.168.0.0/16";
  } else {
    s.network = dotted + "/32";
    s.kind = "host";
    return s;
  }
  s.kind = "subnet";
  return s;
}

bool NetworkGate::Admit(std::string_view address) {
  auto index = CurrentIndex();
  if (!index->enabled) return true;
  AddressRanges::Address a;
  const bool parsed = ParseIpAddress(address, &a);
  if (parsed && index->allow.Contains(a)) return true;
  if (parsed && index->any.Contains(a)) return false;  // already recorded
  auto s = SightingFor(address, clock_());
  if (!s) return false;
  std::lock_guard lock(pending_mu_);
  auto it = pending_.find(s->network);
  if (it != pending_.end()) {
    it->second.hits += 1;
    it->second.at = s->at;
  } else if (pending_.size() < kMaxPending) {
    pending_.emplace(s->network, *s);
  } else {
    ++dropped_;
  }
  return false;
}

Status NetworkGate::Flush() {
  std::vector<model::NetworkSighting> batch;
  uint64_t dropped = 0;
  {
    std::lock_guard lock(pending_mu_);
    for (auto& [k, v] : pending_) batch.push_back(v);
    pending_.clear();
    dropped = dropped_;
    dropped_ = 0;
  }
  if (dropped > 0)
    LogWarning("networks: too many new source networks between two writes; some were not recorded",
               {{"not_recorded", std::to_string(dropped)}});
  if (batch.empty()) return Status::Ok();
  Status s = store_->RecordNetworkSightings(batch);
  if (!s.ok()) {
    std::lock_guard lock(pending_mu_);
    for (auto& b : batch) pending_.try_emplace(b.network, b);
  }
  return s;
}

size_t NetworkGate::PendingForTesting() const {
  std::lock_guard lock(pending_mu_);
  return pending_.size();
}

AccessCheck NetworkGate::Check() {
  return [this](Request& request, const Route&) -> std::optional<Response> {
    const std::string& address = request.origin.client_address;
    if (Admit(address)) {
      request.principal.address = address;
      return std::nullopt;
    }
    return Problem(403, "source address " + address +
                            " is not in an Allow network of networks.csv; an admin can allow it (its network "
                            "is recorded as Blocked for approval)");
  };
}

}  // namespace provisiond::api::access

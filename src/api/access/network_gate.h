// The original's networks.csv gate for the machine routes and /file/: a
// client address (as seen through trusted proxies) passes when it lies in at
// least one Allow network. A Blocked row is a record for an admin to
// approve, not a deny rule: with "0.0.0.0/0 Allow" beside "10.0.0.0/8
// Blocked", 10.x passes. An address outside every Allow network that no
// row covers yet is recorded (private IPv4: its RFC 1918 block; other IPv4:
// /32; IPv6: /128) as Blocked, in memory, and written in batches by Flush().
// No networks rows at all (no networks.csv): the gate is off.
// Safe from any thread; Admit() never blocks (it reads the snapshot).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/router.h"
#include "base/cidr.h"
#include "model/audit.h"
#include "store/store.h"

namespace provisiond::api::access {

class NetworkGate {
 public:
  // clock: for first/last seen; store must outlive the gate.
  NetworkGate(std::shared_ptr<store::Store> store, std::function<Timestamp()> clock);

  // True when the gate is off or `address` is in an Allow network; else
  // false, and the address is recorded when no row covers it.
  bool Admit(std::string_view address);
  // False when networks.csv has no rows (the gate lets everything through).
  bool enabled() const;
  // Writes the pending sightings in one store write; on error they stay
  // pending for the next call.
  Status Flush();
  size_t PendingForTesting() const;

  // The access check of a route group: 403 problem outside the Allow networks.
  AccessCheck Check();

  // The recording rule for one address, or nullopt if it is not an address.
  static std::optional<model::NetworkSighting> SightingFor(std::string_view address, Timestamp now);

 private:
  struct Index {
    uint64_t generation = 0;
    bool enabled = false;
    AddressRanges allow;  // Allow rows
    AddressRanges any;    // every row, Blocked ones too
  };
  const Index* CurrentIndex() const;  // this thread's cache (valid until its next call)

  std::shared_ptr<store::Store> store_;
  std::function<Timestamp()> clock_;
  const uint64_t instance_;  // unique per object: keys the per-thread index cache
  mutable std::mutex index_mu_;
  mutable std::shared_ptr<const Index> index_;  // guarded by index_mu_
  mutable std::mutex pending_mu_;
  std::map<std::string, model::NetworkSighting> pending_;  // by network; guarded by pending_mu_
  uint64_t dropped_ = 0;                                   // over the cap; guarded by pending_mu_
};

}  // namespace provisiond::api::access

// The audit trail's value types: who changed what, and every sign-in and
// credential event. Secrets never appear in an entry (callers pass ids).
#pragma once

#include <cstdint>
#include <string>

#include "base/time.h"

namespace provisiond::model {

struct AuditEntry {
  Timestamp at{};
  std::string actor;       // user name, "token:<id>", "setup", "cli:<os user>"; "" anonymous
  std::string role;        // the actor's role then
  std::string address;     // client address (through trusted proxies)
  std::string action;      // "login", "login.failed", "setting.put", "token.create", ...
  std::string route;       // "PUT /api/v1/admin/settings/{key}"; "" outside HTTP
  std::string target;      // what was acted on: a key, a serial, a user, a path
  std::string before;      // the value before (JSON or text); "" none
  std::string after;       // the value after
  std::string outcome;     // "ok", or the refusal ("403", "bad password"...)
  std::string request_id;
  friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

// A client address seen outside every Allow network (the original's
// networks.csv recording rule names the network to record).
struct NetworkSighting {
  std::string network;  // CIDR to record: an RFC 1918 block, a /32 or a /128
  std::string kind;     // subnet | host
  Timestamp at{};
  uint64_t hits = 1;
  friend bool operator==(const NetworkSighting&, const NetworkSighting&) = default;
};

}  // namespace provisiond::model

// Identity: which computer record a device is. Serial first; when the serial
// is a vendor placeholder or matches several records, the SMBIOS UUID, then
// the MAC addresses. Pure; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/explain.h"
#include "core/facts.h"
#include "model/tables.h"

namespace provisiond::core {

// Why `serial` is not a usable identity (e.g. "\"To be filled by O.E.M.\" is a
// vendor placeholder"), or nullopt when it is a real serial. Detects, case-
// insensitively after trimming: empty/whitespace, known placeholder strings
// (To be filled by O.E.M., Default string, System Serial Number, Not
// Specified, None, N/A, 0, 123456789, ...), and one character repeated
// ("00000000", "xxxxxxx", "-----").
std::optional<std::string> PlaceholderSerialReason(std::string_view serial);
inline bool IsPlaceholderSerial(std::string_view serial) {
  return PlaceholderSerialReason(serial).has_value();
}

enum class MatchKey { kSerial, kUuid, kMac, kNone };
// "serial", "uuid", "mac", "none".
std::string_view MatchKeyName(MatchKey key);

struct IdentityMatch {
  const model::Computer* computer = nullptr;  // points into the Tables; null = unknown
  MatchKey key = MatchKey::kNone;
  std::string reason;  // e.g. "serial is a placeholder; uuid 4C4C... matches one record"
};

// Serial (unless placeholder) -> exactly one record wins; several records or
// a placeholder fall through to UUID (exactly one record), then each MAC in
// the order reported (exactly one record). Ambiguity at every key = unknown.
// REQUIRES: tables.BuildIndexes() called. The result points into `tables`,
// which must outlive it.
IdentityMatch MatchIdentity(const Facts& facts, const model::Tables& tables,
                            Explain* explain = nullptr);

}  // namespace provisiond::core

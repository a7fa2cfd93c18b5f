#include "core/identity.h"

#include <array>

#include "base/strings.h"

namespace provisiond::core {
namespace {

// Strings firmware writes when the OEM left the serial blank. Compared
// upper-cased after trimming.
constexpr std::array<std::string_view, 16> kPlaceholders = {
    "TO BE FILLED BY O.E.M.", "TO BE FILLED BY OEM", "DEFAULT STRING", "SYSTEM SERIAL NUMBER",
    "NOT SPECIFIED", "NOT APPLICABLE", "NONE", "N/A", "NA", "NULL", "0", "123456789",
    "1234567890", "0123456789", "SERIAL NUMBER", "INVALID"};

std::string Join(const std::vector<const model::Computer*>& records) {
  std::string out;
  for (const auto* c : records) {
    if (!out.empty()) out += ", ";
    out += c->computer_name.empty() ? c->serial : c->computer_name;
  }
  return out;
}

// One fallback key (uuid or mac) looked up as `value`: true, *out decided,
// when exactly one record holds it; else false with the miss text in *miss.
// Both outcomes are noted in explain.
bool DecidesByKey(MatchKey key, const std::string& value,
                  const std::vector<const model::Computer*>& records, const std::string& why,
                  IdentityMatch* out, std::string* miss, Explain* explain) {
  const std::string name(MatchKeyName(key));
  if (records.size() == 1) {
    out->computer = records[0];
    out->key = key;
    out->reason = why + "; " + name + " " + value + " matches one record";
    Note(explain, "identity." + name, value, true, name + " matches one record");
    return true;
  }
  *miss = records.empty() ? name + " matches no record"
                          : name + " matches " + std::to_string(records.size()) + " records (" +
                                Join(records) + ")";
  Note(explain, "identity." + name, value, false, *miss);
  return false;
}

}  // namespace

std::optional<std::string> PlaceholderSerialReason(std::string_view serial) {
  std::string_view t = Trim(serial);
  if (t.empty()) return serial.empty() ? "serial is empty" : "serial is only whitespace";
  std::string up = ToUpper(t);
  for (auto p : kPlaceholders) {
    if (up == p) return "serial \"" + std::string(t) + "\" is a vendor placeholder";
  }
  if (t.size() > 1 && t.find_first_not_of(t[0]) == std::string_view::npos) {
    return "serial \"" + std::string(t) + "\" repeats one character";
  }
  return std::nullopt;
}

std::string_view MatchKeyName(MatchKey key) {
  switch (key) {
    case MatchKey::kSerial: return "serial";
    case MatchKey::kUuid: return "uuid";
    case MatchKey::kMac: return "mac";
    case MatchKey::kNone: return "none";
  }
  return "none";
}

IdentityMatch MatchIdentity(const Facts& facts, const model::Tables& tables, Explain* explain) {
  IdentityMatch out;
  std::string why;  // accumulated: why earlier keys did not decide
  if (auto placeholder = PlaceholderSerialReason(facts.serial)) {
    why = *placeholder;
    Note(explain, "identity.serial", std::string(Trim(facts.serial)), false, *placeholder);
  } else {
    auto records = tables.FindComputersBySerial(facts.serial);
    std::string serial(Trim(facts.serial));
    if (records.size() == 1) {
      out.computer = records[0];
      out.key = MatchKey::kSerial;
      out.reason = "serial " + serial + " matches one record";
      if (explain) Note(explain, "identity.serial", serial, true, out.reason);
      return out;
    }
    why = records.empty() ? "serial " + serial + " matches no record"
                          : "serial " + serial + " matches " + std::to_string(records.size()) +
                                " records (" + Join(records) + ")";
    Note(explain, "identity.serial", serial, false, why);
    // A real serial no record holds is an unknown device: UUID/MAC only
    // disambiguate placeholders and duplicates, they never re-home a device
    // that reports a genuine new serial.
    if (records.empty()) {
      out.reason = why;
      return out;
    }
  }

  std::string miss;
  std::string uuid(Trim(facts.uuid));
  if (!uuid.empty()) {
    if (DecidesByKey(MatchKey::kUuid, uuid, tables.FindComputersByUuid(uuid), why, &out, &miss,
                     explain)) {
      return out;
    }
    why += "; " + miss;
  } else {
    Note(explain, "identity.uuid", "", false, "no uuid reported");
  }

  for (const auto& mac : facts.macs) {
    if (model::Tables::MacKey(mac).empty()) continue;
    if (DecidesByKey(MatchKey::kMac, mac, tables.FindComputersByMac(mac), why, &out, &miss,
                     explain)) {
      return out;
    }
  }
  if (facts.macs.empty()) Note(explain, "identity.mac", "", false, "no mac reported");
  out.reason = why + "; no uuid or mac identifies one record: unknown device";
  return out;
}

}  // namespace provisiond::core

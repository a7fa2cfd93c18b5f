// Facts: what an endpoint reports about itself. Plain value; the api layer
// fills it from JSON or query parameters, core reads it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace provisiond::core {

// Every field has an initializer so tests can use designated initializers.
struct Facts {
  std::string serial{};             // Win32_BIOS.SerialNumber, as reported
  std::string make{};               // Win32_ComputerSystem.Manufacturer
  std::string model{};              // Win32_ComputerSystem.Model
  std::string uuid{};               // SMBIOS UUID (Win32_ComputerSystemProduct.UUID)
  std::vector<std::string> macs{};  // any spelling: AA:BB:.., aa-bb-.., aabb..
  std::string os_name{};            // caption, e.g. "Microsoft Windows 11 Enterprise"
  std::string os_version{};         // e.g. "10.0.22631"
  std::string os_build{};           // e.g. "22631"
  std::string firmware{};           // "UEFI" or "BIOS"
  std::string client_version{};     // version of the endpoint script
  std::optional<double> ram_gb{};
  std::optional<double> disk_gb{};
  std::optional<int> cpu_count{};
  std::optional<std::string> country{};  // hint (e.g. from the site), used for unknown devices
  friend bool operator==(const Facts&, const Facts&) = default;
};

// Longest accepted text fact; longer is an error, not a truncation.
inline constexpr size_t kMaxFactBytes = 256;
inline constexpr size_t kMaxMacs = 64;

// Returns InvalidArgument naming the field (e.g. "facts.serial: ...") when a
// fact is longer than kMaxFactBytes, not UTF-8, holds a control character,
// or a number is negative / absurd; Ok otherwise. Empty facts are valid.
Status ValidateFacts(const Facts& facts);

}  // namespace provisiond::core

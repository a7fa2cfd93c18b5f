// Hardware check: the minimum RAM / disk / CPU count of the matching driver
// row against what the endpoint reports. Also the original's /checkhardware.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/explain.h"
#include "core/plan_index.h"
#include "model/tables.h"

namespace provisiond::core {

struct HardwareReport {
  std::optional<double> ram_gb;
  std::optional<double> disk_gb;
  std::optional<int> cpu_count;
};

struct HardwareFailure {
  std::string field;   // "ram_gb", "disk_gb", "cpu_count"
  double reported = 0;
  double required = 0;
  std::string message; // "ram_gb 4 < 8 required by drivers.csv row 3"
  friend bool operator==(const HardwareFailure&, const HardwareFailure&) = default;
};

struct HardwareCheck {
  bool allowed = true;
  std::string reason;              // one line: why allowed / the failures joined by "; "
  std::optional<uint64_t> rule_id; // the driver row checked against, if any matched
  std::optional<double> min_ram_gb;
  std::optional<double> min_disk_gb;
  std::optional<int> min_cpu_count;
  std::vector<HardwareFailure> failures;
  std::vector<std::string> not_checked;  // a minimum exists but the value was not reported:
                                         // "ram_gb not reported (8 required)"
  friend bool operator==(const HardwareCheck&, const HardwareCheck&) = default;
};

// The first enabled driver row (priority then id) whose model_regex matches
// `model` and, when `os_name` is non-empty, whose os_regex matches it. Each
// set minimum is compared with the reported value (reported < minimum
// fails). No matching row, or a row without minimums: allowed. A value not
// reported never fails; it is listed in not_checked.
HardwareCheck CheckHardware(const model::Tables& tables, std::string_view model,
                            std::string_view os_name, const HardwareReport& report,
                            Explain* explain = nullptr);
// The same with the rules already ordered by `index`.
HardwareCheck CheckHardware(const PlanIndex& index, std::string_view model, std::string_view os_name,
                            const HardwareReport& report, Explain* explain = nullptr);

}  // namespace provisiond::core

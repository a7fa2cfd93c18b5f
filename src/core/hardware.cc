#include "core/hardware.h"

#include <algorithm>
#include <sstream>

#include "base/strings.h"

namespace provisiond::core {
namespace {

// 8 -> "8", 7.5 -> "7.5": messages read like the CSV the admin wrote.
std::string Num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// REQUIRES: `drivers` in DriversByPriority order.
HardwareCheck Check(const std::vector<const model::DriverRule*>& drivers, std::string_view model,
                    std::string_view os_name, const HardwareReport& report, Explain* explain) {
  HardwareCheck out;
  const model::DriverRule* rule = nullptr;
  for (const auto* r : drivers) {
    if (!r->enabled || !r->model_regex.Matches(model)) continue;
    if (!Trim(os_name).empty() && !r->os_regex.Matches(os_name)) continue;
    rule = r;
    break;
  }
  if (!rule) {
    out.reason = "no drivers.csv row matches model '" + std::string(model) + "'" +
                 (Trim(os_name).empty() ? "" : " and os '" + std::string(os_name) + "'") +
                 ": no minimum to check";
    Note(explain, "hardware", "", true, out.reason);
    return out;
  }
  std::string row = "drivers.csv row " + std::to_string(rule->id);
  out.rule_id = rule->id;
  out.min_ram_gb = rule->min_ram_gb;
  out.min_disk_gb = rule->min_disk_gb;
  out.min_cpu_count = rule->min_cpu_count;

  auto check = [&](const char* field, std::optional<double> required,
                   std::optional<double> reported) {
    if (!required) return;
    if (!reported) {
      out.not_checked.push_back(std::string(field) + " not reported (" + Num(*required) +
                                " required by " + row + ")");
      return;
    }
    if (*reported < *required) {
      out.failures.push_back({field, *reported, *required,
                              std::string(field) + " " + Num(*reported) + " < " + Num(*required) +
                                  " required by " + row});
    }
  };
  check("ram_gb", rule->min_ram_gb, report.ram_gb);
  check("disk_gb", rule->min_disk_gb, report.disk_gb);
  check("cpu_count",
        rule->min_cpu_count ? std::optional<double>(*rule->min_cpu_count) : std::nullopt,
        report.cpu_count ? std::optional<double>(*report.cpu_count) : std::nullopt);

  out.allowed = out.failures.empty();
  if (!out.allowed) {
    std::vector<std::string> msgs;
    for (const auto& f : out.failures) msgs.push_back(f.message);
    out.reason = Join(msgs, "; ");
  } else if (!rule->min_ram_gb && !rule->min_disk_gb && !rule->min_cpu_count) {
    out.reason = row + " matches and sets no minimum";
  } else {
    out.reason = "meets the minimums of " + row;
    if (!out.not_checked.empty()) out.reason += " (" + Join(out.not_checked, "; ") + ")";
  }
  Note(explain, "hardware", row, out.allowed, out.reason);
  return out;
}

}  // namespace

// Sorts the driver rules only: a whole PlanIndex would also index every type's apps.
HardwareCheck CheckHardware(const model::Tables& tables, std::string_view model,
                            std::string_view os_name, const HardwareReport& report,
                            Explain* explain) {
  return Check(DriversByPriority(tables), model, os_name, report, explain);
}

HardwareCheck CheckHardware(const PlanIndex& index, std::string_view model, std::string_view os_name,
                            const HardwareReport& report, Explain* explain) {
  return Check(index.OrderedDrivers(), model, os_name, report, explain);
}

}  // namespace provisiond::core

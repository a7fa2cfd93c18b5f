#include "core/plan_index.h"

#include <algorithm>

#include "base/strings.h"

namespace provisiond::core {

std::vector<const model::DriverRule*> DriversByPriority(const model::Tables& tables) {
  std::vector<const model::DriverRule*> rules;
  rules.reserve(tables.drivers.size());
  for (const auto& r : tables.drivers) rules.push_back(&r);
  // Ties keep the file order (the rules' positions), not the ids.
  std::stable_sort(rules.begin(), rules.end(), [](const auto* a, const auto* b) { return a->priority < b->priority; });
  return rules;
}

PlanIndex::PlanIndex(const model::Tables& tables)
    : tables_(&tables), drivers_(DriversByPriority(tables)) {
  for (const auto& ta : tables.type_apps) {
    std::string_view type = Trim(ta.type);
    auto it = std::find_if(types_.begin(), types_.end(), [&](const auto& t) { return IEquals(t.first, type); });
    if (it == types_.end()) it = types_.insert(types_.end(), {std::string(type), {}});
    it->second.push_back({ta.application, tables.FindApp(ta.application)});
  }
}

const std::vector<PlanIndex::TypeApp>& PlanIndex::AppsOfType(std::string_view type) const {
  static const std::vector<TypeApp> kNone;
  type = Trim(type);
  for (const auto& [name, apps] : types_) {
    if (IEquals(name, type)) return apps;
  }
  return kNone;
}

}  // namespace provisiond::core

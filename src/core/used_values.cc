#include "core/used_values.h"

#include <algorithm>
#include <map>

#include "base/strings.h"

namespace provisiond::core {
namespace {

std::vector<UsedValue> Collect(const model::Tables& tables,
                               std::string model::Computer::*field, bool lower) {
  std::map<std::string, int> counts;  // ordered: byte order of values
  for (const auto& c : tables.computers) {
    std::string_view v = Trim(c.*field);
    if (v.empty()) continue;
    ++counts[lower ? ToLower(v) : std::string(v)];
  }
  std::vector<UsedValue> out;
  out.reserve(counts.size());
  for (auto& [v, n] : counts) out.push_back({v, n});
  return out;
}

}  // namespace

UsedValues ListUsed(const model::Tables& tables, const UsedOptions& options) {
  UsedValues out;
  out.types = Collect(tables, &model::Computer::type, options.lower);
  out.keyboards = Collect(tables, &model::Computer::keyboard, options.lower);
  out.countries = Collect(tables, &model::Computer::country, options.lower);
  out.languages = Collect(tables, &model::Computer::language, options.lower);
  out.timezones = Collect(tables, &model::Computer::timezone, options.lower);
  return out;
}

std::vector<TypeEntry> TypeCatalog(const model::Tables& tables) {
  std::vector<TypeEntry> out;
  for (auto& name : tables.TypeNames()) {
    TypeEntry e;
    e.apps = tables.AppsOfType(name);
    e.name = std::move(name);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace provisiond::core

// PlanIndex: what Resolve looks up on every request, derived once from a
// Tables snapshot instead of per call: each type's applications in install
// order, already found in apps.csv, and the driver rules in (priority, id)
// order. Pure.
//
// Immutable after construction; safe to share and read from any thread.
// Holds pointers into `tables`: REQUIRES the tables outlive the index (the api
// layer keeps one per published snapshot, next to it).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/tables.h"

namespace provisiond::core {

// Every driver rule of `tables`, disabled ones included, by priority (lower
// first) then id: the order driver matching and the hardware check use.
std::vector<const model::DriverRule*> DriversByPriority(const model::Tables& tables);

class PlanIndex {
 public:
  struct TypeApp {
    std::string_view name;    // as written in postype.csv
    const model::App* app;    // tables.FindApp(name); null: apps.csv lacks it (dangling)
  };

  // REQUIRES: tables.BuildIndexes() called.
  explicit PlanIndex(const model::Tables& tables);

  // The tables this index was built from (Resolve checks it is given the same).
  const model::Tables& tables() const { return *tables_; }

  // Apps of `type` (trimmed, ASCII case-insensitive) in postype.csv order,
  // as Tables::AppsOfType + FindApp; empty for an unknown type.
  const std::vector<TypeApp>& AppsOfType(std::string_view type) const;

  // DriversByPriority(tables), computed once.
  const std::vector<const model::DriverRule*>& OrderedDrivers() const { return drivers_; }

 private:
  const model::Tables* tables_;
  // Trimmed type (first-seen spelling) -> its apps; a handful of types, so a
  // linear case-insensitive scan beats hashing an upper-cased copy.
  std::vector<std::pair<std::string, std::vector<TypeApp>>> types_;
  std::vector<const model::DriverRule*> drivers_;
};

}  // namespace provisiond::core

// The original's /list_used (values in use across computers) and /gettypes
// (the type catalog). Pure.
#pragma once

#include <string>
#include <vector>

#include "model/tables.h"

namespace provisiond::core {

struct UsedValue {
  std::string value;
  int count = 0;  // computers using it
  friend bool operator==(const UsedValue&, const UsedValue&) = default;
};

struct UsedValues {
  std::vector<UsedValue> types, keyboards, countries, languages, timezones;
  friend bool operator==(const UsedValues&, const UsedValues&) = default;
};

struct UsedOptions {
  bool lower = false;  // lower-case values before grouping ("FR" and "fr" count together)
};

// Non-blank (trimmed) values of computers.csv columns, grouped exactly (or
// lower-cased with `lower`), sorted by value (byte order), with counts. The
// api renders plain lists or, with `counts`, the counts.
UsedValues ListUsed(const model::Tables& tables, const UsedOptions& options = {});

struct TypeEntry {
  std::string name;               // as first written in postype.csv
  std::vector<std::string> apps;  // install order
  friend bool operator==(const TypeEntry&, const TypeEntry&) = default;
};

// Types in first-seen postype.csv order (upper-cased comparison) with their apps.
std::vector<TypeEntry> TypeCatalog(const model::Tables& tables);

}  // namespace provisiond::core

// Applications of a device: the type's ordered list filtered by enabled,
// model, country and OS, each resolved to a source and an install command.
// Also the original service's /getapps answer. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/explain.h"
#include "core/plan_index.h"
#include "core/variables.h"
#include "model/tables.h"

namespace provisiond::core {

struct PlannedApp {
  std::string name;
  int order = 0;                       // 1-based position among the planned apps
  SourceKind source_kind = SourceKind::kLocal;
  std::string url;                     // as written in apps.csv
  std::string path;                    // after %VAR% expansion and service URL resolution
  std::vector<std::string> unknown_variables;  // %NAME% left in `path`
  std::string script;                  // install script inside the source
  std::string install_args;
  std::string install_command;         // script + " " + install_args (trimmed)
  std::vector<int> success_codes;
  model::Reboot reboot = model::Reboot::kNo;
  friend bool operator==(const PlannedApp&, const PlannedApp&) = default;
};

struct AppContext {
  std::string type;       // compared upper-cased
  std::string country;    // compared upper-cased; empty passes only lists without an allow list
  std::string model;      // matched against allowed_models
  std::string os_name;    // matched against os_filter; empty = OS unknown, filter not applied
  Variables variables;    // for %VAR% expansion
  std::string base_url;   // for [baseurl] and leading '/'
};

// The type's apps in postype.csv order, minus: names apps.csv lacks
// (dangling), disabled apps, allowed_models with no pattern matching the
// model, a non-empty allowed_countries not holding the country, a
// blocked_countries holding it, an os_filter not matching os_name. One
// explain entry per app of the type ("app", name, kept?, why).
std::vector<PlannedApp> PlanApps(const model::Tables& tables, const AppContext& ctx,
                                 Explain* explain = nullptr);
// The same from an index of the tables (what Resolve uses: no per-call scan
// of postype.csv or lookup of each app by name).
std::vector<PlannedApp> PlanApps(const PlanIndex& index, const AppContext& ctx,
                                 Explain* explain = nullptr);
// The same written into *out (replacing its contents; its elements' strings
// and vectors are reused, so a plan refilled per request does not allocate
// them again).
void PlanAppsInto(const PlanIndex& index, const AppContext& ctx, Explain* explain,
                  std::vector<PlannedApp>* out);

// One row of the original's GET /getapps answer (kind is always "app").
struct LegacyApp {
  std::string name;
  std::string url;     // [baseurl] and leading '/' resolved; %VAR% left for the endpoint
  std::string script;
  int order = 0;       // 1-based among returned rows
  bool reboot = false;
  std::string kind = "app";
  friend bool operator==(const LegacyApp&, const LegacyApp&) = default;
};

// The original's /getapps: same filters as PlanApps except os_filter (the
// route has no OS parameter) and no %VAR% expansion (the endpoint expands).
// An app with allowed_models is left out when `model` is empty (a model-
// specific package is not installed on an unknown model), here and in PlanApps.
std::vector<LegacyApp> LegacyGetApps(const model::Tables& tables, std::string_view type,
                                     std::string_view country, std::string_view model,
                                     std::string_view base_url);

}  // namespace provisiond::core

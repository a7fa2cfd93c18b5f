// Resolve: a device's facts + the tables -> its provisioning plan, with the
// trail of every rule considered. And the Tanium Provision variables of a plan.
// Pure: the caller gives the random source and base URL; safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/apps.h"
#include "core/drivers.h"
#include "core/explain.h"
#include "core/facts.h"
#include "core/hardware.h"
#include "core/identity.h"
#include "core/locale.h"
#include "core/naming.h"
#include "core/plan_index.h"
#include "core/used_values.h"
#include "core/variables.h"
#include "model/tables.h"

namespace provisiond::core {

struct ResolveOptions {
  std::string base_url;   // e.g. "https://prov.example:12176"; for [baseurl] and '/' urls
  RandomSource random;    // for {rand:N} in the naming template; null: {rand} is an error
  bool explain = true;    // false: Plan::explain stays empty (faster)
  // Built from the same tables, shared across calls (the api layer keeps one
  // per snapshot). Null, or built from other tables: Resolve builds one for
  // the call (same plan, slower).
  const PlanIndex* index = nullptr;
};

enum class NameSource { kRecord, kTemplate, kNone };
// "record", "template", "none".
std::string_view NameSourceName(NameSource source);

// What a person must choose for an unknown device.
struct Choices {
  std::vector<TypeEntry> types;         // the type catalog (postype.csv, first-seen order)
  std::string suggested_name;          // from the naming template; may be empty
  std::vector<std::string> countries;  // locales.csv countries, file order
  friend bool operator==(const Choices&, const Choices&) = default;
};

struct Plan {
  // Identity.
  std::optional<model::Computer> computer;  // the matched record (copy)
  MatchKey matched_key = MatchKey::kNone;
  std::string identity_reason;
  // Name: the record's, else the template's suggestion.
  std::string computer_name;
  NameSource name_source = NameSource::kNone;
  // The stored (or suggested) name breaks a NetBIOS rule; computer_name is
  // then its sanitised form, the same every route answers.
  std::optional<NameViolation> name_violation;
  // Type, country, language, keyboard, time zone with their sources.
  LocaleSettings locale;
  std::vector<PlannedApp> apps;
  std::vector<PlannedDriver> drivers;
  BundleChoice bundle;
  std::vector<std::string> tags;  // the type (Tanium tag), empty when no type
  HardwareCheck hardware;
  bool needs_confirmation = false;  // unknown device: a person confirms name and type
  Choices choices;                  // filled when needs_confirmation
  // What the endpoint does when an app fails: "continue" or "stop"
  // (config app_failure_policy; an invalid value reads as the default).
  std::string on_app_failure = "continue";
  Variables variables;              // %VAR% values used for paths
  Explain explain;
  friend bool operator==(const Plan&, const Plan&) = default;
};

// %VAR% values for a device: DeployRoot (config deploy_root), SERIAL, MAKE,
// MODEL, UUID, COMPUTERNAME, TYPE, COUNTRY, LANGUAGE, KEYBOARD, TIMEZONE,
// OSNAME, FIRMWARE. Blank values are left out (their %VAR% stays unknown).
Variables DeviceVariables(const Facts& facts, const model::Tables& tables,
                          std::string_view computer_name, const LocaleSettings& locale);

// Returns InvalidArgument (from ValidateFacts) naming the bad fact; otherwise
// the plan. A naming template that cannot be expanded does not fail the plan:
// the name stays empty and explain says why.
// REQUIRES: tables.BuildIndexes() called.
Result<Plan> Resolve(const Facts& facts, const model::Tables& tables,
                     const ResolveOptions& options);
// The same written into *plan, for a caller that refills one Plan per request
// (e.g. one per server thread): every field is replaced, none is left from
// the previous plan; the app list's strings are reused, not allocated again.
// On error *plan is reset to an empty Plan.
Status ResolveInto(const Facts& facts, const model::Tables& tables, const ResolveOptions& options,
                   Plan* plan);

// Tanium Provision variables.
inline constexpr const char* kVarBundleId = "BundleID";
inline constexpr const char* kVarBundleTimeout = "BundleTimeout";
inline constexpr const char* kVarComputerName = "ComputerName";
inline constexpr const char* kVarType = "Type";
inline constexpr const char* kVarCountry = "Country";
inline constexpr const char* kVarLanguage = "Language";
inline constexpr const char* kVarKeyboard = "Keyboard";
inline constexpr const char* kVarTimeZone = "TimeZone";
inline constexpr const char* kVarTags = "Tags";
// Every variable, by its default name.
inline constexpr const char* kTaniumVariables[] = {kVarBundleId, kVarBundleTimeout, kVarComputerName,
                                                   kVarType,     kVarCountry,       kVarLanguage,
                                                   kVarKeyboard, kVarTimeZone,      kVarTags};
// config.csv key prefix renaming a variable: "var_name.BundleID" = "MyBundle".
inline constexpr const char* kVarNamePrefix = "var_name.";

// Default name -> name the admin set up in Tanium (only renamed ones needed).
using VariableNames = std::map<std::string, std::string>;
// Reads every config key "var_name.<Default>" with a non-blank value; the
// default name in any case ("var_name.bundleid"), kept in its own spelling
// (kTaniumVariables). Keys naming no variable are ignored.
VariableNames VariableNamesFromConfig(const model::Tables& tables);

struct TaniumValue {
  std::string text;
  bool integer = false;  // render as a JSON number (BundleTimeout; BundleID when all digits)
  friend bool operator==(const TaniumValue&, const TaniumValue&) = default;
};

// Flat map (output name -> value) of BundleID, BundleTimeout, ComputerName,
// Type, Country, Language, Keyboard, TimeZone, Tags (comma list). Variables
// without a value are left out; BundleTimeout is present only with a BundleID.
std::map<std::string, TaniumValue> TaniumVariables(const Plan& plan, const VariableNames& names);

}  // namespace provisiond::core

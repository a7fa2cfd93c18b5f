// Locale settings of a device (type, country, language, keyboard, time zone)
// and where each value came from: the computer record, the country's
// defaults (locales.csv), or the global defaults (config.csv). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/explain.h"
#include "model/tables.h"

namespace provisiond::core {

// config.csv keys of the global defaults.
inline constexpr const char* kDefaultCountryKey = "default_country";
inline constexpr const char* kDefaultLanguageKey = "default_language";
inline constexpr const char* kDefaultKeyboardKey = "default_keyboard";
inline constexpr const char* kDefaultTimezoneKey = "default_timezone";
inline constexpr const char* kDefaultTypeKey = "default_type";

enum class ValueSource {
  kRecord,   // the computer record (computers.csv)
  kFacts,    // the endpoint's hint (Facts::country), only for country
  kCountry,  // the country's row in locales.csv
  kGlobal,   // config.csv default_*
  kNone,     // nowhere: value is empty
};
// "record", "facts", "country", "global", "none".
std::string_view ValueSourceName(ValueSource source);

struct SourcedValue {
  std::string value;
  ValueSource source = ValueSource::kNone;
  friend bool operator==(const SourcedValue&, const SourcedValue&) = default;
};

struct LocaleSettings {
  SourcedValue type;
  SourcedValue country;   // upper-cased ISO code when taken from a hint or default
  SourcedValue language;
  SourcedValue keyboard;
  SourcedValue timezone;
  friend bool operator==(const LocaleSettings&, const LocaleSettings&) = default;
};

// Precedence, per value (blank counts as absent):
//   type:     record, else config default_type
//   country:  record, else `country_hint`, else config default_country
//   language, keyboard, timezone: record, else locales.csv row of the
//             resolved country, else config default_*
// `record` may be null (unknown device). One explain entry per value.
LocaleSettings ResolveLocale(const model::Computer* record,
                             const std::optional<std::string>& country_hint,
                             const model::Tables& tables, Explain* explain = nullptr);

}  // namespace provisiond::core

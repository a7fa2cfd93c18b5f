#include "core/locale.h"

#include "base/strings.h"

namespace provisiond::core {
namespace {

std::optional<std::string> NonBlank(std::string_view v) {
  std::string_view t = Trim(v);
  if (t.empty()) return std::nullopt;
  return std::string(t);
}

std::optional<std::string> Global(const model::Tables& tables, const char* key) {
  auto v = tables.Config(key);
  return v ? NonBlank(*v) : std::nullopt;
}

void Record(Explain* explain, std::string_view what, const SourcedValue& v, std::string_view why) {
  if (!explain) return;  // no text built for a plan asked without explain
  Note(explain, "locale." + std::string(what), v.value, v.source != ValueSource::kNone,
       std::string(why));
}

// record > country row (via `country_field`) > global > none.
SourcedValue Pick(std::string_view what, const model::Computer* record,
                  std::string model::Computer::*record_field, const model::Locale* locale,
                  std::string model::Locale::*locale_field, const model::Tables& tables,
                  const char* global_key, std::string_view country, Explain* explain) {
  if (record) {
    if (auto v = NonBlank(record->*record_field)) {
      SourcedValue out{*v, ValueSource::kRecord};
      Record(explain, what, out, "from the computer record");
      return out;
    }
  }
  if (locale) {
    if (auto v = NonBlank(locale->*locale_field)) {
      SourcedValue out{*v, ValueSource::kCountry};
      Record(explain, what, out, "from locales.csv defaults of country " + std::string(country));
      return out;
    }
  }
  if (auto v = Global(tables, global_key)) {
    SourcedValue out{*v, ValueSource::kGlobal};
    Record(explain, what, out, "from config " + std::string(global_key));
    return out;
  }
  SourcedValue none;
  std::string why = std::string(record ? "record has none" : "no record");
  why += country.empty() ? ", no country"
                         : (locale ? ", locales.csv row of " + std::string(country) + " has none"
                                   : ", country " + std::string(country) + " not in locales.csv");
  why += ", config " + std::string(global_key) + " not set";
  Record(explain, what, none, why);
  return none;
}

}  // namespace

std::string_view ValueSourceName(ValueSource source) {
  switch (source) {
    case ValueSource::kRecord: return "record";
    case ValueSource::kFacts: return "facts";
    case ValueSource::kCountry: return "country";
    case ValueSource::kGlobal: return "global";
    case ValueSource::kNone: return "none";
  }
  return "none";
}

LocaleSettings ResolveLocale(const model::Computer* record,
                             const std::optional<std::string>& country_hint,
                             const model::Tables& tables, Explain* explain) {
  LocaleSettings out;
  // Type has no per-country default.
  out.type = Pick("type", record, &model::Computer::type, nullptr, nullptr, tables,
                  kDefaultTypeKey, "", explain);

  if (record && NonBlank(record->country)) {
    out.country = {*NonBlank(record->country), ValueSource::kRecord};
    Record(explain, "country", out.country, "from the computer record");
  } else if (auto hint = country_hint ? NonBlank(*country_hint) : std::nullopt) {
    out.country = {ToUpper(*hint), ValueSource::kFacts};
    Record(explain, "country", out.country, "from the endpoint's country hint");
  } else if (auto g = Global(tables, kDefaultCountryKey)) {
    out.country = {ToUpper(*g), ValueSource::kGlobal};
    Record(explain, "country", out.country, "from config default_country");
  } else {
    Record(explain, "country", out.country,
           std::string(record ? "record has none" : "no record") +
               ", no hint, config default_country not set");
  }

  const model::Locale* locale =
      out.country.value.empty() ? nullptr : tables.FindLocale(out.country.value);
  const std::string& c = out.country.value;
  out.language = Pick("language", record, &model::Computer::language, locale,
                      &model::Locale::language, tables, kDefaultLanguageKey, c, explain);
  out.keyboard = Pick("keyboard", record, &model::Computer::keyboard, locale,
                      &model::Locale::keyboard, tables, kDefaultKeyboardKey, c, explain);
  out.timezone = Pick("timezone", record, &model::Computer::timezone, locale,
                      &model::Locale::timezone, tables, kDefaultTimezoneKey, c, explain);
  return out;
}

}  // namespace provisiond::core

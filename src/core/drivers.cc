#include "core/drivers.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "base/strings.h"

namespace provisiond::core {
namespace {

std::string RowName(const model::DriverRule& r) { return "drivers.csv row " + std::to_string(r.id); }

std::optional<std::string> NonBlank(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  std::string_view t = Trim(*v);
  if (t.empty()) return std::nullopt;
  return std::string(t);
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A positive int, blanks around it allowed; else nullopt.
std::optional<int> PositiveInt(std::string_view text) {
  std::string_view t = Trim(text);
  int n = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (t.empty() || ec != std::errc() || p != t.data() + t.size() || n <= 0) return std::nullopt;
  return n;
}

}  // namespace

std::vector<PlannedDriver> MatchDrivers(const model::Tables& tables, std::string_view model,
                                        std::string_view os_name, const Variables& vars,
                                        std::string_view base_url, Explain* explain) {
  return MatchDrivers(PlanIndex(tables), model, os_name, vars, base_url, explain);
}

// Explain texts are built only when asked for: most plans are asked without.
std::vector<PlannedDriver> MatchDrivers(const PlanIndex& index, std::string_view model,
                                        std::string_view os_name, const Variables& vars,
                                        std::string_view base_url, Explain* explain) {
  std::vector<PlannedDriver> out;
  for (const model::DriverRule* r : index.OrderedDrivers()) {
    if (!r->enabled) {
      if (explain) Note(explain, "driver", RowName(*r), false, "disabled");
      continue;
    }
    if (!r->model_regex.Matches(model)) {
      if (explain) {
        Note(explain, "driver", RowName(*r), false,
             "model '" + std::string(model) + "' does not match " + r->model_regex.source());
      }
      continue;
    }
    if (!r->os_regex.Matches(os_name)) {
      if (explain) {
        Note(explain, "driver", RowName(*r), false,
             "os '" + std::string(os_name) + "' does not match " + r->os_regex.source());
      }
      continue;
    }
    PlannedDriver& d = out.emplace_back();
    d.rule_id = r->id;
    d.priority = r->priority;
    d.url = r->url;
    Expansion e = ResolveLocation(r->url, base_url, vars);
    d.path = std::move(e.text);
    d.unknown_variables = std::move(e.unknown);
    SourceKind written = ClassifySource(r->url);
    d.source_kind = written == SourceKind::kServiceRelative ? written : ClassifySource(d.path);
    d.bundle_id = NonBlank(r->bundle_id);
    if (explain) {
      Note(explain, "driver", RowName(*r), true,
           "model and os match (priority " + std::to_string(r->priority) + ")" +
               (r->url.empty() ? "; no url: bundle/hardware data only" : ""));
    }
  }
  return out;
}

std::optional<LegacyDriver> LegacyGetDrivers(const model::Tables& tables, std::string_view model,
                                             std::string_view os_name) {
  for (const model::DriverRule* r : DriversByPriority(tables)) {
    if (!r->enabled || !r->model_regex.Matches(model) || !r->os_regex.Matches(os_name)) continue;
    return LegacyDriver{r->url, NonBlank(r->bundle_id), r->id};
  }
  return std::nullopt;
}

std::string_view BundleSourceName(BundleSource source) {
  switch (source) {
    case BundleSource::kDriverRule: return "driver_rule";
    case BundleSource::kDefault: return "default";
    case BundleSource::kNone: return "none";
  }
  return "none";
}

BundleChoice ResolveBundle(const model::Tables& tables, std::string_view model, Explain* explain) {
  BundleChoice out;
  // One config lookup serves the value and the explain note.
  auto timeout = tables.Config(model::kDefaultBundleTimeout);
  std::optional<int> seconds = timeout ? PositiveInt(*timeout) : std::nullopt;
  out.timeout_seconds = seconds.value_or(kDefaultBundleTimeoutSeconds);
  if (explain && timeout && !seconds && !Trim(*timeout).empty()) {
    Note(explain, "bundle.timeout", *timeout, false,
         "config default_bundle_timeout '" + *timeout + "' is not a positive integer; using " +
             std::to_string(kDefaultBundleTimeoutSeconds));
  }
  if (!Trim(model).empty()) {
    // File order, as the original: priority orders driver packages, not this.
    for (const auto& r : tables.drivers) {
      if (!r.model_regex.Matches(model)) continue;
      auto id = NonBlank(r.bundle_id);
      if (!id) {
        if (explain) Note(explain, "bundle", RowName(r), false, "model matches but bundle_id is empty");
        continue;
      }
      out.bundle_id = id;
      out.source = BundleSource::kDriverRule;
      out.rule_id = r.id;
      out.reason = "model '" + std::string(model) + "' matches " + RowName(r) + " (" +
                   r.model_regex.source() + ")";
      if (explain) Note(explain, "bundle", RowName(r), true, out.reason);
      return out;
    }
  }
  if (auto d = NonBlank(tables.Config(model::kDefaultBundleId))) {
    out.bundle_id = d;
    out.source = BundleSource::kDefault;
    out.reason = Trim(model).empty() ? "no model given: config default_bundle_id"
                                     : "no drivers.csv row with a bundle_id matches the model: "
                                       "config default_bundle_id";
    Note(explain, "bundle", "config default_bundle_id", true, out.reason);
    return out;
  }
  out.reason = "no drivers.csv row with a bundle_id matches and default_bundle_id is not set";
  Note(explain, "bundle", "config default_bundle_id", false, out.reason);
  return out;
}

JsonScalar IntOrString(std::string_view text) {
  if (AllDigits(text)) {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && p == text.data() + text.size()) return n;
  }
  return std::string(text);
}

std::optional<TaniumGlobal> LegacyTaniumGlobal(const model::Tables& tables,
                                               std::string_view model) {
  BundleChoice b = ResolveBundle(tables, model);
  if (!b.bundle_id) return std::nullopt;
  return TaniumGlobal{IntOrString(*b.bundle_id), b.timeout_seconds};
}

}  // namespace provisiond::core

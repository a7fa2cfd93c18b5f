#include "core/apps.h"

#include <algorithm>

#include "base/strings.h"

namespace provisiond::core {
namespace {

bool Contains(const std::vector<std::string>& list, std::string_view upper) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& v) { return IEquals(v, upper); });
}

// True when `app` is left out for (country, model, os); then `*why` (when
// not null) says why. `country` trimmed and upper-cased by the caller (once
// per request, not per app). `os` nullopt: the OS filter is not applied.
// The reasons are only built when asked for: a plan without explain builds
// no text for the apps it leaves out.
bool Excluded(const model::App& app, std::string_view country, std::string_view model,
              std::optional<std::string_view> os, std::string* why) {
  if (!app.enabled) {
    if (why) *why = "disabled in apps.csv";
    return true;
  }
  if (!app.allowed_models.empty()) {
    if (Trim(model).empty()) {
      if (why) *why = "allowed_models is set and the model is unknown";
      return true;
    }
    bool any = std::any_of(app.allowed_models.begin(), app.allowed_models.end(),
                           [&](const Pattern& p) { return p.Matches(model); });
    if (!any) {
      if (why) {
        std::vector<std::string> srcs;
        for (const auto& p : app.allowed_models) srcs.push_back(p.source());
        *why = "model '" + std::string(model) + "' matches none of allowed_models (" + Join(srcs, ";") + ")";
      }
      return true;
    }
  }
  if (!app.allowed_countries.empty() && !Contains(app.allowed_countries, country)) {
    if (why) {
      *why = "country '" + std::string(country) + "' not in allowed_countries (" +
             Join(app.allowed_countries, ";") + ")";
    }
    return true;
  }
  if (!country.empty() && Contains(app.blocked_countries, country)) {
    if (why) *why = "country '" + std::string(country) + "' is in blocked_countries";
    return true;
  }
  if (os && !os->empty() && !app.os_filter.empty() && !app.os_filter.Matches(*os)) {
    if (why) *why = "os '" + std::string(*os) + "' does not match os_filter " + app.os_filter.source();
    return true;
  }
  return false;
}

// script + ' ' + install_args, trimmed, into *cmd (its capacity reused).
void InstallCommandInto(const model::App& app, std::string* cmd) {
  cmd->assign(Trim(app.script));
  std::string_view args = Trim(app.install_args);
  if (!args.empty()) {
    if (!cmd->empty()) *cmd += ' ';
    cmd->append(args);
  }
}

}  // namespace

std::vector<PlannedApp> PlanApps(const model::Tables& tables, const AppContext& ctx,
                                 Explain* explain) {
  return PlanApps(PlanIndex(tables), ctx, explain);
}

std::vector<PlannedApp> PlanApps(const PlanIndex& index, const AppContext& ctx, Explain* explain) {
  std::vector<PlannedApp> out;
  PlanAppsInto(index, ctx, explain, &out);
  return out;
}

void PlanAppsInto(const PlanIndex& index, const AppContext& ctx, Explain* explain,
                  std::vector<PlannedApp>* apps) {
  // Elements past `kept` are left from an earlier fill; every field of a
  // reused one is assigned below, and the tail is erased at the end.
  std::vector<PlannedApp>& out = *apps;
  size_t kept = 0;
  if (Trim(ctx.type).empty()) {
    Note(explain, "app", "", false, "no type: no applications");
    out.clear();
    return;
  }
  const auto& listed = index.AppsOfType(ctx.type);
  const std::string country = ToUpper(Trim(ctx.country));
  std::string why;
  std::string* want_why = explain ? &why : nullptr;
  for (const auto& [name, app] : listed) {
    if (!app) {
      if (explain) {
        Note(explain, "app", std::string(name), false,
             "type " + ctx.type + " lists '" + std::string(name) +
                 "' but apps.csv has no such app (dangling; skipped)");
      }
      continue;
    }
    if (Excluded(*app, country, ctx.model, std::string_view(ctx.os_name), want_why)) {
      if (explain) Note(explain, "app", app->name, false, std::move(why));
      continue;
    }
    if (kept == out.size()) out.emplace_back();
    PlannedApp& p = out[kept++];
    p.name.assign(app->name);
    p.order = static_cast<int>(kept);
    p.url.assign(app->url);
    ResolveLocationInto(app->url, ctx.base_url, ctx.variables, &p.path, &p.unknown_variables);
    // Classify the written form: "[baseurl]/x" stays service-relative even
    // though its resolved path is an https URL.
    SourceKind written = ClassifySource(app->url);
    p.source_kind = written == SourceKind::kServiceRelative ? written : ClassifySource(p.path);
    p.script.assign(app->script);
    p.install_args.assign(app->install_args);
    InstallCommandInto(*app, &p.install_command);
    p.success_codes.assign(app->success_codes.begin(), app->success_codes.end());
    p.reboot = app->reboot;
    if (explain) {
      why = "kept at position " + std::to_string(p.order);
      if (!p.unknown_variables.empty()) {
        why += "; unknown variables left in path: %" + Join(p.unknown_variables, "%, %") + "%";
      }
      Note(explain, "app", app->name, true, std::move(why));
    }
  }
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(kept), out.end());
}

std::vector<LegacyApp> LegacyGetApps(const model::Tables& tables, std::string_view type,
                                     std::string_view country, std::string_view model,
                                     std::string_view base_url) {
  std::vector<LegacyApp> out;
  if (Trim(type).empty()) return out;
  const std::string upper_country = ToUpper(Trim(country));
  for (const std::string& name : tables.AppsOfType(type)) {
    const model::App* app = tables.FindApp(name);
    if (!app || Excluded(*app, upper_country, model, std::nullopt, nullptr)) continue;
    LegacyApp a;
    a.name = app->name;
    a.url = ResolveServiceUrl(app->url, base_url);
    a.script = app->script;
    a.order = static_cast<int>(out.size()) + 1;
    a.reboot = app->reboot == model::Reboot::kYes;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace provisiond::core

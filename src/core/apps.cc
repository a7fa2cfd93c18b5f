#include "core/apps.h"

#include <algorithm>

#include "base/strings.h"

namespace provisiond::core {
namespace {

bool Contains(const std::vector<std::string>& list, std::string_view upper) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& v) { return IEquals(v, upper); });
}

// Why `app` is left out for (country, model, os), or nullopt when kept.
// `os_name` nullopt: the OS filter is not applied.
std::optional<std::string> Exclusion(const model::App& app, std::string_view country,
                                     std::string_view model, std::optional<std::string_view> os) {
  if (!app.enabled) return "disabled in apps.csv";
  if (!app.allowed_models.empty()) {
    if (Trim(model).empty()) return "allowed_models is set and the model is unknown";
    bool any = std::any_of(app.allowed_models.begin(), app.allowed_models.end(),
                           [&](const Pattern& p) { return p.Matches(model); });
    if (!any) {
      std::vector<std::string> srcs;
      for (const auto& p : app.allowed_models) srcs.push_back(p.source());
      return "model '" + std::string(model) + "' matches none of allowed_models (" +
             Join(srcs, ";") + ")";
    }
  }
  std::string c = ToUpper(Trim(country));
  if (!app.allowed_countries.empty() && !Contains(app.allowed_countries, c)) {
    return "country '" + c + "' not in allowed_countries (" + Join(app.allowed_countries, ";") + ")";
  }
  if (!c.empty() && Contains(app.blocked_countries, c)) {
    return "country '" + c + "' is in blocked_countries";
  }
  if (os && !os->empty() && !app.os_filter.empty() && !app.os_filter.Matches(*os)) {
    return "os '" + std::string(*os) + "' does not match os_filter " + app.os_filter.source();
  }
  return std::nullopt;
}

std::string InstallCommand(const model::App& app) {
  std::string cmd(Trim(app.script));
  std::string_view args = Trim(app.install_args);
  if (!args.empty()) {
    if (!cmd.empty()) cmd += ' ';
    cmd += args;
  }
  return cmd;
}

}  // namespace

std::vector<PlannedApp> PlanApps(const model::Tables& tables, const AppContext& ctx,
                                 Explain* explain) {
  std::vector<PlannedApp> out;
  if (Trim(ctx.type).empty()) {
    Note(explain, "app", "", false, "no type: no applications");
    return out;
  }
  for (const std::string& name : tables.AppsOfType(ctx.type)) {
    const model::App* app = tables.FindApp(name);
    if (!app) {
      Note(explain, "app", name, false,
           "type " + ctx.type + " lists '" + name + "' but apps.csv has no such app (dangling; skipped)");
      continue;
    }
    if (auto why = Exclusion(*app, ctx.country, ctx.model, std::string_view(ctx.os_name))) {
      Note(explain, "app", app->name, false, *why);
      continue;
    }
    PlannedApp p;
    p.name = app->name;
    p.order = static_cast<int>(out.size()) + 1;
    p.url = app->url;
    Expansion e = ExpandVariables(ResolveServiceUrl(app->url, ctx.base_url), ctx.variables);
    p.path = std::move(e.text);
    p.unknown_variables = std::move(e.unknown);
    // Classify the written form: "[baseurl]/x" stays service-relative even
    // though its resolved path is an https URL.
    SourceKind written = ClassifySource(app->url);
    p.source_kind = written == SourceKind::kServiceRelative ? written : ClassifySource(p.path);
    p.script = app->script;
    p.install_args = app->install_args;
    p.install_command = InstallCommand(*app);
    p.success_codes = app->success_codes;
    p.reboot = app->reboot;
    std::string why = "kept at position " + std::to_string(p.order);
    if (!p.unknown_variables.empty()) {
      why += "; unknown variables left in path: %" + Join(p.unknown_variables, "%, %") + "%";
    }
    Note(explain, "app", app->name, true, why);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<LegacyApp> LegacyGetApps(const model::Tables& tables, std::string_view type,
                                     std::string_view country, std::string_view model,
                                     std::string_view base_url) {
  std::vector<LegacyApp> out;
  if (Trim(type).empty()) return out;
  for (const std::string& name : tables.AppsOfType(type)) {
    const model::App* app = tables.FindApp(name);
    if (!app || Exclusion(*app, country, model, std::nullopt)) continue;
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

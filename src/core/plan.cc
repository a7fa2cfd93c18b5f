#include "core/plan.h"

#include "model/setting_rules.h"

#include "base/strings.h"

namespace provisiond::core {
namespace {

void Put(Variables& vars, const char* name, std::string_view value) {
  std::string_view v = Trim(value);
  if (!v.empty()) vars[name] = std::string(v);
}

// Name: the record's when set, else the template's suggestion.
void ResolveName(const Facts& facts, const model::Tables& tables, const ResolveOptions& options,
                 Plan& plan, Explain* explain) {
  if (plan.computer && !Trim(plan.computer->computer_name).empty()) {
    // The one answer every route gives for a stored name (model/computer_name.h).
    AnsweredName answered = AnswerComputerName(plan.computer->computer_name);
    plan.computer_name = std::move(answered.name);
    plan.name_source = NameSource::kRecord;
    plan.name_violation = std::move(answered.violation);
    if (explain) {
      Note(explain, "name", plan.computer_name, true,
           plan.name_violation ? "from the computer record, but " + plan.name_violation->message
                               : "from the computer record");
    }
    return;
  }
  auto tmpl = tables.Config(kNamingTemplateKey);
  if (!tmpl || Trim(*tmpl).empty()) {
    Note(explain, "name", "", false,
         std::string(plan.computer ? "record has no name" : "unknown device") +
             " and config naming_template is not set");
    return;
  }
  NamingInputs in{facts.serial, facts.model, plan.locale.type.value, plan.locale.country.value};
  auto s = SuggestName(*tmpl, in, options.random);
  if (!s.ok()) {
    Note(explain, "name", *tmpl, false, s.status().message());
    return;
  }
  plan.computer_name = s->name;
  plan.name_source = NameSource::kTemplate;
  plan.name_violation = s->violation;
  Note(explain, "name", s->name, !s->violation,
       s->violation ? "suggested by naming_template '" + *tmpl + "', but " + s->violation->message
                    : "suggested by naming_template '" + *tmpl + "'");
}

}  // namespace

std::string_view NameSourceName(NameSource source) {
  switch (source) {
    case NameSource::kRecord: return "record";
    case NameSource::kTemplate: return "template";
    case NameSource::kNone: return "none";
  }
  return "none";
}

Variables DeviceVariables(const Facts& facts, const model::Tables& tables,
                          std::string_view computer_name, const LocaleSettings& locale) {
  Variables vars;
  if (auto root = tables.Config(kDeployRootKey)) Put(vars, "DeployRoot", *root);
  Put(vars, "SERIAL", facts.serial);
  Put(vars, "MAKE", facts.make);
  Put(vars, "MODEL", facts.model);
  Put(vars, "UUID", facts.uuid);
  Put(vars, "COMPUTERNAME", computer_name);
  Put(vars, "TYPE", locale.type.value);
  Put(vars, "COUNTRY", locale.country.value);
  Put(vars, "LANGUAGE", locale.language.value);
  Put(vars, "KEYBOARD", locale.keyboard.value);
  Put(vars, "TIMEZONE", locale.timezone.value);
  Put(vars, "OSNAME", facts.os_name);
  Put(vars, "FIRMWARE", facts.firmware);
  return vars;
}

Result<Plan> Resolve(const Facts& facts, const model::Tables& tables,
                     const ResolveOptions& options) {
  Plan plan;
  PV_RETURN_IF_ERROR(ResolveInto(facts, tables, options, &plan));
  return plan;
}

namespace {
std::string AppFailurePolicy(const model::Tables& tables) {
  const model::SettingSpec* spec = model::FindSetting("app_failure_policy");
  auto value = spec ? model::ValidConfigValue(*spec, tables.config.items()) : std::nullopt;
  return value ? ToLower(*value) : std::string(spec ? spec->default_value : "continue");
}
}  // namespace

Status ResolveInto(const Facts& facts, const model::Tables& tables, const ResolveOptions& options,
                   Plan* out) {
  // Only the app list is carried over (for its capacity); every other field
  // starts from a fresh Plan, so nothing of the previous plan can leak.
  std::vector<PlannedApp> apps = std::move(out->apps);
  *out = Plan{};
  PV_RETURN_IF_ERROR(ValidateFacts(facts));
  Plan& plan = *out;
  Explain* explain = options.explain ? &plan.explain : nullptr;

  IdentityMatch id = MatchIdentity(facts, tables, explain);
  if (id.computer) plan.computer = *id.computer;
  plan.matched_key = id.key;
  plan.identity_reason = id.reason;

  plan.locale = ResolveLocale(id.computer, facts.country, tables, explain);
  ResolveName(facts, tables, options, plan, explain);
  plan.variables = DeviceVariables(facts, tables, plan.computer_name, plan.locale);

  std::optional<PlanIndex> own_index;
  const PlanIndex* index = options.index;
  if (!index || &index->tables() != &tables) index = &own_index.emplace(tables);
  // The variables are moved into the context and back, not copied.
  AppContext ctx{plan.locale.type.value, plan.locale.country.value, facts.model, facts.os_name,
                 std::move(plan.variables), options.base_url};
  PlanAppsInto(*index, ctx, explain, &apps);
  plan.apps = std::move(apps);
  plan.drivers =
      MatchDrivers(*index, facts.model, facts.os_name, ctx.variables, options.base_url, explain);
  plan.variables = std::move(ctx.variables);
  plan.bundle = ResolveBundle(tables, facts.model, explain);
  if (!plan.locale.type.value.empty()) plan.tags.push_back(plan.locale.type.value);
  plan.hardware = CheckHardware(*index, facts.model, facts.os_name,
                                {facts.ram_gb, facts.disk_gb, facts.cpu_count}, explain);

  plan.on_app_failure = AppFailurePolicy(tables);
  plan.needs_confirmation = !plan.computer.has_value();
  if (plan.needs_confirmation) {
    plan.choices.types = TypeCatalog(tables);
    plan.choices.suggested_name = plan.computer_name;
    for (const auto& l : tables.locales) {
      if (!Trim(l.country).empty()) plan.choices.countries.push_back(std::string(Trim(l.country)));
    }
    Note(explain, "confirmation", std::string(Trim(facts.serial)), true,
         "unknown device: a person confirms the name and the type");
  }
  return Status::Ok();
}

VariableNames VariableNamesFromConfig(const model::Tables& tables) {
  VariableNames names;
  std::string_view prefix = kVarNamePrefix;
  for (const auto& [key, value] : tables.config) {
    if (!StartsWithI(key, prefix)) continue;
    std::string_view def = Trim(std::string_view(key).substr(prefix.size()));
    std::string_view to = Trim(value);
    for (const char* known : kTaniumVariables)
      if (IEquals(def, known) && !to.empty()) names[known] = std::string(to);
  }
  return names;
}

std::map<std::string, TaniumValue> TaniumVariables(const Plan& plan, const VariableNames& names) {
  std::map<std::string, TaniumValue> out;
  auto put = [&](const char* def, std::string value, bool integer) {
    if (Trim(value).empty()) return;
    auto it = names.find(def);
    out[it == names.end() ? std::string(def) : it->second] = {std::move(value), integer};
  };
  if (plan.bundle.bundle_id) {
    const std::string& id = *plan.bundle.bundle_id;
    put(kVarBundleId, id, std::holds_alternative<int64_t>(IntOrString(id)));
    put(kVarBundleTimeout, std::to_string(plan.bundle.timeout_seconds), true);
  }
  put(kVarComputerName, SanitizeComputerName(plan.computer_name), false);
  put(kVarType, plan.locale.type.value, false);
  put(kVarCountry, plan.locale.country.value, false);
  put(kVarLanguage, plan.locale.language.value, false);
  put(kVarKeyboard, plan.locale.keyboard.value, false);
  put(kVarTimeZone, plan.locale.timezone.value, false);
  put(kVarTags, Join(plan.tags, ","), false);
  return out;
}

}  // namespace provisiond::core

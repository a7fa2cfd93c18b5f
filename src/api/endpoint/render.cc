#include "api/endpoint/render.h"

#include "core/deployment_rules.h"

namespace provisiond::api::endpoint {
namespace {

void WriteSourced(JsonWriter& w, std::string_view key, const core::SourcedValue& v) {
  w.Key(key).BeginObject();
  w.Key("value").StringOrNull(v.value);
  w.Key("source").String(core::ValueSourceName(v.source));
  w.EndObject();
}

void WriteHardware(JsonWriter& w, const core::HardwareCheck& h) {
  w.BeginObject();
  w.Key("allowed").Bool(h.allowed);
  w.Key("reason").String(h.reason);
  w.Key("rule_id").Optional(h.rule_id);
  w.Key("min_ram_gb").Optional(h.min_ram_gb);
  w.Key("min_disk_gb").Optional(h.min_disk_gb);
  w.Key("min_cpu_count").Optional(h.min_cpu_count);
  w.Key("failures").BeginArray();
  for (const auto& f : h.failures) {
    w.BeginObject();
    w.Key("field").String(f.field);
    w.Key("reported").Double(f.reported);
    w.Key("required").Double(f.required);
    w.Key("message").String(f.message);
    w.EndObject();
  }
  w.EndArray();
  w.Key("not_checked").Strings(h.not_checked);
  w.EndObject();
}

}  // namespace

void WritePlannedApp(JsonWriter& w, const core::PlannedApp& a) {
  w.BeginObject();
  w.Key("name").String(a.name);
  w.Key("order").Int(a.order);
  w.Key("source_kind").String(core::SourceKindName(a.source_kind));
  w.Key("url").String(a.url);
  w.Key("path").String(a.path);
  w.Key("unknown_variables").Strings(a.unknown_variables);
  w.Key("script").String(a.script);
  w.Key("install_args").String(a.install_args);
  w.Key("install_command").String(a.install_command);
  w.Key("success_codes").BeginArray();
  for (int c : a.success_codes) w.Int(c);
  w.EndArray();
  w.Key("reboot").Bool(a.reboot == model::Reboot::kYes);
  w.EndObject();
}

void WritePlannedDriver(JsonWriter& w, const core::PlannedDriver& d) {
  w.BeginObject();
  w.Key("rule_id").Int(static_cast<int64_t>(d.rule_id));
  w.Key("priority").Int(d.priority);
  w.Key("source_kind").String(core::SourceKindName(d.source_kind));
  w.Key("url").String(d.url);
  w.Key("path").String(d.path);
  w.Key("unknown_variables").Strings(d.unknown_variables);
  w.Key("bundle_id");
  if (d.bundle_id) w.String(*d.bundle_id);
  else w.Null();
  w.EndObject();
}

void WriteExplain(JsonWriter& w, const core::Explain& explain) {
  w.BeginArray();
  for (const auto& e : explain) {
    w.BeginObject();
    w.Key("rule").String(e.rule);
    w.Key("subject").String(e.subject);
    w.Key("matched").Bool(e.matched);
    w.Key("reason").String(e.reason);
    w.EndObject();
  }
  w.EndArray();
}

void WriteTaniumVariables(JsonWriter& w, const std::map<std::string, core::TaniumValue>& vars) {
  w.BeginObject();
  for (const auto& [name, v] : vars) {
    w.Key(name);
    if (v.integer) w.Raw(v.text);
    else w.String(v.text);
  }
  w.EndObject();
}

void WriteComputer(JsonWriter& w, const model::Computer& c) {
  w.BeginObject();
  w.Key("serial").String(c.serial);
  w.Key("computer_name").String(c.computer_name);
  w.Key("type").String(c.type);
  w.Key("country").String(c.country);
  w.Key("language").String(c.language);
  w.Key("keyboard").String(c.keyboard);
  w.Key("timezone").String(c.timezone);
  w.Key("uuid").String(c.uuid);
  w.Key("mac").String(c.mac);
  w.Key("notes").String(c.notes);
  w.Key("created_by").String(c.created_by);
  w.Key("version").Int(static_cast<int64_t>(c.version));
  w.EndObject();
}

void WritePlan(JsonWriter& w, const core::Plan& p, bool with_explain, const core::VariableNames& names) {
  w.BeginObject();
  w.Key("computer");
  if (p.computer) WriteComputer(w, *p.computer);
  else w.Null();
  w.Key("identity").BeginObject();
  w.Key("matched_key").String(core::MatchKeyName(p.matched_key));
  w.Key("reason").String(p.identity_reason);
  w.EndObject();
  w.Key("computer_name").StringOrNull(p.computer_name);
  w.Key("name_source").String(core::NameSourceName(p.name_source));
  w.Key("name_violation");
  if (p.name_violation) w.String(p.name_violation->message);
  else w.Null();
  WriteSourced(w, "type", p.locale.type);
  WriteSourced(w, "country", p.locale.country);
  WriteSourced(w, "language", p.locale.language);
  WriteSourced(w, "keyboard", p.locale.keyboard);
  WriteSourced(w, "timezone", p.locale.timezone);
  w.Key("apps").BeginArray();
  for (const auto& a : p.apps) WritePlannedApp(w, a);
  w.EndArray();
  w.Key("drivers").BeginArray();
  for (const auto& d : p.drivers) WritePlannedDriver(w, d);
  w.EndArray();
  w.Key("bundle").BeginObject();
  w.Key("id");
  if (p.bundle.bundle_id) w.String(*p.bundle.bundle_id);
  else w.Null();
  w.Key("source").String(core::BundleSourceName(p.bundle.source));
  w.Key("rule_id");
  if (p.bundle.source == core::BundleSource::kDriverRule) w.Int(static_cast<int64_t>(p.bundle.rule_id));
  else w.Null();
  w.Key("timeout").Int(p.bundle.timeout_seconds);
  w.Key("reason").String(p.bundle.reason);
  w.EndObject();
  w.Key("tags").Strings(p.tags);
  w.Key("hardware");
  WriteHardware(w, p.hardware);
  w.Key("on_app_failure").String(p.on_app_failure);
  w.Key("needs_confirmation").Bool(p.needs_confirmation);
  w.Key("choices");
  if (p.needs_confirmation) {
    w.BeginObject();
    w.Key("types").BeginArray();
    for (const auto& t : p.choices.types) {
      w.BeginObject();
      w.Key("name").String(t.name);
      w.Key("apps").Strings(t.apps);
      w.EndObject();
    }
    w.EndArray();
    w.Key("suggested_name").StringOrNull(p.choices.suggested_name);
    w.Key("countries").Strings(p.choices.countries);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("variables").BeginObject();
  for (const auto& [k, v] : p.variables) w.Key(k).String(v);
  w.EndObject();
  w.Key("tanium");
  WriteTaniumVariables(w, core::TaniumVariables(p, names));
  if (with_explain) {
    w.Key("explain");
    WriteExplain(w, p.explain);
  }
  w.EndObject();
}

void WritePendingDevice(JsonWriter& w, const PendingDevice& d) {
  w.BeginObject();
  w.Key("serial").String(d.serial);
  w.Key("manufacturer").String(d.manufacturer);
  w.Key("model").String(d.model);
  w.Key("os").String(d.os);
  w.Key("source").String(d.source);
  w.Key("deployment_id").StringOrNull(d.deployment_id);
  w.Key("suggested_name").String(d.suggested_name);
  w.Key("client_address").String(d.client_address);
  w.Key("first_seen").String(FormatIso8601(d.first_seen));
  w.Key("last_seen").String(FormatIso8601(d.last_seen));
  w.EndObject();
}

void WriteDeployment(JsonWriter& w, const model::Deployment& d, Timestamp now,
                     std::chrono::milliseconds stale_timeout) {
  auto opt_int = [&](const std::optional<int>& v) { v ? w.Int(*v) : w.Null(); };
  w.BeginObject();
  w.Key("id").String(d.id);
  w.Key("serial").String(d.serial);
  w.Key("computer_name").String(d.computer_name);
  w.Key("model").String(d.model);
  w.Key("type").String(d.type);
  w.Key("source").String(d.source);
  w.Key("client_address").String(d.client_address);
  w.Key("tls").Bool(d.tls);
  w.Key("tls_version").StringOrNull(d.tls_version);
  w.Key("started").String(FormatIso8601(d.started));
  w.Key("last_heartbeat").String(FormatIso8601(d.last_heartbeat));
  w.Key("finished");
  if (d.finished) w.String(FormatIso8601(*d.finished));
  else w.Null();
  w.Key("duration_ms");
  if (auto dur = core::Duration(d)) w.Int(dur->count());
  else w.Null();
  w.Key("phase").String(d.phase);
  w.Key("step");
  opt_int(d.step);
  w.Key("step_count");
  opt_int(d.step_count);
  w.Key("percent").Int(d.percent);
  w.Key("status").String(core::DeploymentStatusName(d.status));
  auto state = core::EffectiveState(d, now, stale_timeout);
  w.Key("state").String(core::DisplayStateName(state));
  w.Key("stale").Bool(state == core::DisplayState::kStale);
  w.Key("final_message").String(d.final_message);
  w.Key("warning_count").Int(d.warning_count);
  w.Key("error_count").Int(d.error_count);
  w.Key("previous_id").StringOrNull(d.previous_id);
  w.Key("version").Int(static_cast<int64_t>(d.version));
  w.EndObject();
}

void WriteEvent(JsonWriter& w, const model::DeploymentEvent& e) {
  auto opt_int = [&](const std::optional<int>& v) { v ? w.Int(*v) : w.Null(); };
  w.BeginObject();
  w.Key("event_id").String(e.event_id);
  w.Key("at").String(FormatIso8601(e.at));
  w.Key("phase").StringOrNull(e.phase);
  w.Key("step");
  opt_int(e.step);
  w.Key("step_count");
  opt_int(e.step_count);
  w.Key("percent");
  opt_int(e.percent);
  w.Key("level").String(core::EventLevelName(e.level));
  w.Key("message").String(e.message);
  w.Key("status");
  if (e.final_status) w.String(core::DeploymentStatusName(*e.final_status));
  else w.Null();
  w.EndObject();
}

void WriteHealth(JsonWriter& w, const store::StoreHealth& h) {
  w.BeginObject();
  w.Key("backend").String(h.backend);
  w.Key("location").String(h.location);
  w.Key("loaded_at").String(FormatIso8601(h.loaded_at));
  w.Key("generation").Int(static_cast<int64_t>(h.generation));
  w.Key("ok").Bool(h.errors.empty());
  w.Key("errors").BeginArray();
  for (const auto& e : h.errors) {
    w.BeginObject();
    w.Key("file").String(e.source);
    w.Key("line").Int(e.line);
    w.Key("column").Int(e.column);
    w.Key("reason").String(e.reason);
    w.Key("at").String(FormatIso8601(e.at));
    w.EndObject();
  }
  w.EndArray();
  w.Key("warnings").BeginArray();
  for (const auto& x : h.warnings) {
    w.BeginObject();
    w.Key("file").String(x.file);
    w.Key("line").Int(x.line);
    w.Key("message").String(x.message);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void WriteSettingItems(JsonWriter& w, const std::vector<Setting>& settings) {
  w.BeginArray();
  for (const auto& x : settings) {
    w.BeginObject().Key("key").String(x.key).Key("value").String(x.value).Key("source").String(x.source);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace provisiond::api::endpoint

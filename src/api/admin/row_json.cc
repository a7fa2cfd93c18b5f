#include "api/admin/row_json.h"

#include <boost/json.hpp>

#include "api/endpoint/json_in.h"
#include "api/endpoint/render.h"
#include "base/strings.h"
#include "core/variables.h"
#include "store/store.h"
#include "store/write_rules.h"

namespace provisiond::api::admin {
namespace json = boost::json;
using endpoint::ReadInt;
using endpoint::ReadNumber;
using endpoint::ReadString;

namespace {

constexpr size_t kMaxText = 1024;
constexpr size_t kMaxUrl = 4096;
constexpr size_t kMaxList = 256;

// Reads the named string fields into their members when present.
struct TextField {
  std::string_view name;
  std::string* out;
  size_t max = kMaxText;
  model::TextRule rule = model::TextRule::kLine;
};
Status ReadTexts(const json::object& o, std::initializer_list<TextField> fields) {
  for (const auto& f : fields) {
    std::optional<std::string> v;
    PV_RETURN_IF_ERROR(ReadString(o, f.name, &v, f.max, {}, f.rule));
    if (v) *f.out = std::move(*v);
  }
  return Status::Ok();
}

Status ReadBool(const json::object& o, std::string_view name, bool* out) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return Status::Ok();
  if (!v->is_bool()) return Status::BadField(name, "must be true or false");
  *out = v->as_bool();
  return Status::Ok();
}

// An array of strings (a "a;b" string is taken too: what the CSV cell holds).
Status ReadStringList(const json::object& o, std::string_view name, std::optional<std::vector<std::string>>* out) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return Status::Ok();
  std::vector<std::string> items;
  if (v->is_string()) {
    items = SplitList(std::string_view(v->as_string()), ';');
  } else if (v->is_array()) {
    if (v->as_array().size() > kMaxList) return Status::BadField(name, "more than 256 items");
    for (const auto& item : v->as_array()) {
      if (!item.is_string()) return Status::BadField(name, "must be an array of strings");
      std::string_view s = Trim(std::string_view(item.as_string()));
      if (s.size() > kMaxText) return Status::BadField(name, "an item is longer than 1024 bytes");
      if (!s.empty()) items.emplace_back(s);
    }
  } else {
    return Status::BadField(name, "must be an array of strings");
  }
  *out = std::move(items);
  return Status::Ok();
}

Status ReadRegex(const json::object& o, std::string_view name, Pattern* out) {
  std::optional<std::string> v;
  PV_RETURN_IF_ERROR(ReadString(o, name, &v, kMaxText));
  if (!v) return Status::Ok();
  PV_ASSIGN_OR_RETURN(*out, store::CompileRegex(name, Trim(*v)));
  return Status::Ok();
}

}  // namespace

void WriteComputerRow(JsonWriter& w, const model::Computer& c) { endpoint::WriteComputer(w, c); }

void WriteAppRow(JsonWriter& w, const model::App& a, const model::Tables& t) {
  w.BeginObject();
  w.Key("name").String(a.name);
  w.Key("url").String(a.url);
  w.Key("script").String(a.script);
  w.Key("reboot").Bool(a.reboot == model::Reboot::kYes);
  w.Key("allowed_countries").Strings(a.allowed_countries);
  w.Key("blocked_countries").Strings(a.blocked_countries);
  w.Key("allowed_models").BeginArray();
  for (const auto& p : a.allowed_models) w.String(p.source());
  w.EndArray();
  w.Key("install_args").String(a.install_args);
  w.Key("success_codes").BeginArray();
  for (int code : a.success_codes) w.Int(code);
  w.EndArray();
  w.Key("enabled").Bool(a.enabled);
  w.Key("os_filter").String(a.os_filter.source());
  w.Key("source_kind").String(Trim(a.url).empty() ? "none" : core::SourceKindName(core::ClassifySource(a.url)));
  w.Key("used_by").Strings(TypesUsingApp(t, a.name));
  w.Key("version").Int(static_cast<int64_t>(a.version));
  w.EndObject();
}

void WriteTypeRow(JsonWriter& w, std::string_view name, const model::Tables& t) {
  size_t computers = 0;
  ComputersOfType(t, name, 0, &computers);
  w.BeginObject();
  w.Key("name").String(name);
  w.Key("applications").Strings(t.AppsOfType(name));
  w.Key("computers").Int(static_cast<int64_t>(computers));
  w.Key("version").Int(static_cast<int64_t>(store::TypeVersion(t, name)));
  w.EndObject();
}

void WriteDriverRow(JsonWriter& w, const model::DriverRule& d, size_t position) {
  w.BeginObject();
  w.Key("id").Int(static_cast<int64_t>(d.id));
  w.Key("position").Int(static_cast<int64_t>(position));
  w.Key("model_regex").String(d.model_regex.source());
  w.Key("os_regex").String(d.os_regex.source());
  w.Key("url").String(d.url);
  w.Key("source_kind").String(Trim(d.url).empty() ? "none" : core::SourceKindName(core::ClassifySource(d.url)));
  w.Key("bundle_id");
  d.bundle_id ? w.String(*d.bundle_id) : w.Null();
  w.Key("min_ram_gb").Optional(d.min_ram_gb);
  w.Key("min_disk_gb").Optional(d.min_disk_gb);
  w.Key("min_cpu_count").Optional(d.min_cpu_count);
  w.Key("priority").Int(d.priority);
  w.Key("enabled").Bool(d.enabled);
  w.Key("version").Int(static_cast<int64_t>(d.version));
  w.EndObject();
}

void WriteLocaleRow(JsonWriter& w, const model::Locale& l) {
  w.BeginObject();
  w.Key("country").String(l.country);
  w.Key("language").String(l.language);
  w.Key("keyboard").String(l.keyboard);
  w.Key("timezone").String(l.timezone);
  w.Key("version").Int(static_cast<int64_t>(l.version));
  w.EndObject();
}

Result<model::Computer> ComputerFromJson(const json::object& o, model::Computer c) {
  PV_RETURN_IF_ERROR(endpoint::RejectUnknown(o, {"serial", "computer_name", "type", "country", "language",
                                                 "keyboard", "timezone", "uuid", "mac", "notes", "created_by",
                                                 "version"}));
  PV_RETURN_IF_ERROR(ReadTexts(o, {{"serial", &c.serial, 256},
                                   {"computer_name", &c.computer_name, 256},
                                   {"type", &c.type, 256},
                                   {"country", &c.country, 64},
                                   {"language", &c.language, 64},
                                   {"keyboard", &c.keyboard, 256},
                                   {"timezone", &c.timezone, 256},
                                   {"uuid", &c.uuid, 64},
                                   {"mac", &c.mac, 1024},
                                   {"notes", &c.notes, 4096, model::TextRule::kMultiline},
                                   {"created_by", &c.created_by, 64}}));
  return c;
}

Result<model::App> AppFromJson(const json::object& o, model::App a) {
  PV_RETURN_IF_ERROR(endpoint::RejectUnknown(
      o, {"name", "url", "script", "reboot", "allowed_countries", "blocked_countries", "allowed_models",
          "install_args", "success_codes", "enabled", "os_filter", "version", "source_kind", "used_by"}));
  PV_RETURN_IF_ERROR(ReadTexts(o, {{"name", &a.name, 256},
                                   {"url", &a.url, kMaxUrl},
                                   {"script", &a.script, kMaxText},
                                   {"install_args", &a.install_args, kMaxText}}));
  bool reboot = a.reboot == model::Reboot::kYes;
  PV_RETURN_IF_ERROR(ReadBool(o, "reboot", &reboot));
  a.reboot = reboot ? model::Reboot::kYes : model::Reboot::kNo;
  PV_RETURN_IF_ERROR(ReadBool(o, "enabled", &a.enabled));
  std::optional<std::vector<std::string>> list;
  PV_RETURN_IF_ERROR(ReadStringList(o, "allowed_countries", &list));
  if (list) a.allowed_countries = std::move(*list);
  list.reset();
  PV_RETURN_IF_ERROR(ReadStringList(o, "blocked_countries", &list));
  if (list) a.blocked_countries = std::move(*list);
  list.reset();
  PV_RETURN_IF_ERROR(ReadStringList(o, "allowed_models", &list));
  if (list) {
    a.allowed_models.clear();
    for (const auto& src : *list) {
      PV_ASSIGN_OR_RETURN(Pattern p, store::CompileRegex("allowed_models", src));
      a.allowed_models.push_back(std::move(p));
    }
  }
  PV_RETURN_IF_ERROR(ReadRegex(o, "os_filter", &a.os_filter));
  if (const json::value* v = o.if_contains("success_codes"); v != nullptr && !v->is_null()) {
    if (!v->is_array() || v->as_array().size() > kMaxList)
      return Status::BadField("success_codes", "must be an array of integers, e.g. [0, 3010]");
    a.success_codes.clear();
    for (const auto& item : v->as_array()) {
      if (!item.is_int64() || item.as_int64() < INT32_MIN || item.as_int64() > INT32_MAX)
        return Status::BadField("success_codes", "must be an array of integers, e.g. [0, 3010]");
      a.success_codes.push_back(static_cast<int>(item.as_int64()));
    }
  }
  return a;
}

Result<model::DriverRule> DriverFromJson(const json::object& o, model::DriverRule d) {
  PV_RETURN_IF_ERROR(endpoint::RejectUnknown(
      o, {"id", "position", "model_regex", "os_regex", "url", "bundle_id", "min_ram_gb", "min_disk_gb",
          "min_cpu_count", "priority", "enabled", "version", "source_kind"}));
  PV_RETURN_IF_ERROR(ReadRegex(o, "model_regex", &d.model_regex));
  PV_RETURN_IF_ERROR(ReadRegex(o, "os_regex", &d.os_regex));
  PV_RETURN_IF_ERROR(ReadTexts(o, {{"url", &d.url, kMaxUrl}}));
  // null clears an optional field; absent keeps it.
  auto cleared = [&](std::string_view name) {
    const json::value* v = o.if_contains(name);
    return v != nullptr && v->is_null();
  };
  std::optional<std::string> bundle;
  PV_RETURN_IF_ERROR(ReadString(o, "bundle_id", &bundle, 256));
  if (bundle) d.bundle_id = Trim(*bundle).empty() ? std::nullopt : std::optional<std::string>(std::string(Trim(*bundle)));
  else if (cleared("bundle_id")) d.bundle_id.reset();
  for (auto [name, field] : {std::pair{"min_ram_gb", &d.min_ram_gb}, std::pair{"min_disk_gb", &d.min_disk_gb}}) {
    std::optional<double> v;
    PV_RETURN_IF_ERROR(ReadNumber(o, name, &v, 0, 1e6));
    if (v) *field = v;
    else if (cleared(name)) field->reset();
  }
  std::optional<int64_t> cpu, priority;
  PV_RETURN_IF_ERROR(ReadInt(o, "min_cpu_count", &cpu, 0, 4096));
  if (cpu) d.min_cpu_count = static_cast<int>(*cpu);
  else if (cleared("min_cpu_count")) d.min_cpu_count.reset();
  PV_RETURN_IF_ERROR(ReadInt(o, "priority", &priority, -1000000, 1000000));
  if (priority) d.priority = static_cast<int>(*priority);
  PV_RETURN_IF_ERROR(ReadBool(o, "enabled", &d.enabled));
  return d;
}

Result<model::Locale> LocaleFromJson(const json::object& o, model::Locale l) {
  PV_RETURN_IF_ERROR(endpoint::RejectUnknown(o, {"country", "language", "keyboard", "timezone", "version"}));
  PV_RETURN_IF_ERROR(ReadTexts(o, {{"country", &l.country, 64},
                                   {"language", &l.language, 64},
                                   {"keyboard", &l.keyboard, 256},
                                   {"timezone", &l.timezone, 256}}));
  return l;
}

Result<std::vector<std::string>> TypeAppsFromJson(const json::object& o) {
  std::optional<std::vector<std::string>> apps;
  PV_RETURN_IF_ERROR(ReadStringList(o, "applications", &apps));
  if (!apps) return Status::BadField("applications", "missing; send the app names in install order");
  return std::move(*apps);
}

Result<uint64_t> ReadVersion(const json::object& o) {
  std::optional<int64_t> v;
  PV_RETURN_IF_ERROR(ReadInt(o, "version", &v, 1, INT64_MAX));
  if (!v) return Status::BadField("version", "missing; send the version you read (it guards against lost updates)");
  return static_cast<uint64_t>(*v);
}

std::vector<std::string> TypesUsingApp(const model::Tables& t, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& ta : t.type_apps) {
    if (!IEquals(Trim(ta.application), Trim(name))) continue;
    bool seen = false;
    for (const auto& s : out) seen = seen || IEquals(s, Trim(ta.type));
    if (!seen) out.emplace_back(Trim(ta.type));
  }
  return out;
}

std::vector<std::string> ComputersOfType(const model::Tables& t, std::string_view type, size_t limit,
                                         size_t* total) {
  std::vector<std::string> out;
  *total = 0;
  for (const auto& c : t.computers) {
    if (!IEquals(Trim(c.type), Trim(type))) continue;
    if (++*total <= limit) out.push_back(c.serial);
  }
  return out;
}

}  // namespace provisiond::api::admin

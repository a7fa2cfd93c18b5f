#include "api/endpoint/json_in.h"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "base/strings.h"
#include "model/text_rules.h"

namespace provisiond::api::endpoint {
namespace json = boost::json;

namespace {

std::string Name(std::string_view prefix, std::string_view name) {
  std::string n(prefix);
  n += name;
  return n;
}

std::string_view KindOf(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "?";
}

Result<double> ParseDoubleText(std::string_view field, std::string_view text) {
  text = Trim(text);
  double v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v)) {
    return Status::BadField(field, "must be a number, got '" + std::string(text) + "'");
  }
  return v;
}

}  // namespace

Status RenameField(Status s, std::string_view from, std::string_view to) {
  if (s.field() != from) return s;
  return s.WithField(to);
}

Status ParseObject(std::string_view body, json::object* out) {
  if (Trim(body).empty()) return Status::BadField("body", "empty; send a JSON object");
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 16;
  // Same resource as *out: the move below is then a pointer swap, not a copy.
  json::value v = json::parse(body, ec, out->storage(), opts);
  if (ec) return Status::BadField("body", "malformed JSON: " + ec.message());
  if (!v.is_object()) return Status::BadField("body", "must be a JSON object, got " + std::string(KindOf(v)));
  *out = std::move(v.as_object());
  return Status::Ok();
}

Status ReadString(const json::object& o, std::string_view name, std::optional<std::string>* out,
                  size_t max_bytes, std::string_view prefix, model::TextRule rule) {
  out->reset();
  auto it = o.find(name);
  if (it == o.end() || it->value().is_null()) return Status::Ok();
  if (!it->value().is_string()) {
    return Status::BadField(Name(prefix, name), "must be a string, got " + std::string(KindOf(it->value())));
  }
  const json::string& s = it->value().get_string();
  if (s.size() > max_bytes) {
    return Status::BadField(Name(prefix, name), "is " + std::to_string(s.size()) + " bytes; at most " +
                                            std::to_string(max_bytes) + " allowed");
  }
  // What the store could not write to a file it loads again (control
  // characters, invalid UTF-8 from \u escapes) is refused here, field named.
  if (auto why = model::TextProblem(std::string_view(s.data(), s.size()), rule))
    return Status::BadField(Name(prefix, name), *why);
  *out = std::string(s.data(), s.size());
  return Status::Ok();
}

Status ReadInt(const json::object& o, std::string_view name, std::optional<int64_t>* out, int64_t min,
               int64_t max, std::string_view prefix) {
  out->reset();
  auto it = o.find(name);
  if (it == o.end() || it->value().is_null()) return Status::Ok();
  const json::value& v = it->value();
  std::string range = std::to_string(min) + ".." + std::to_string(max);
  int64_t n = 0;
  if (v.is_int64()) {
    n = v.get_int64();
  } else if (v.is_uint64()) {
    return Status::BadField(Name(prefix, name), "must be an integer " + range + ", got " + std::to_string(v.get_uint64()));
  } else if (v.is_double() && std::trunc(v.get_double()) == v.get_double() && std::fabs(v.get_double()) < 1e15) {
    n = static_cast<int64_t>(v.get_double());
  } else {
    std::string got = v.is_double() ? json::serialize(v) : std::string(KindOf(v));
    return Status::BadField(Name(prefix, name), "must be an integer " + range + ", got " + got);
  }
  if (n < min || n > max) {
    return Status::BadField(Name(prefix, name), "must be an integer " + range + ", got " + std::to_string(n));
  }
  *out = n;
  return Status::Ok();
}

Status ReadNumber(const json::object& o, std::string_view name, std::optional<double>* out, double min,
                  double max, std::string_view prefix) {
  out->reset();
  auto it = o.find(name);
  if (it == o.end() || it->value().is_null()) return Status::Ok();
  const json::value& v = it->value();
  double d = 0;
  if (v.is_number()) {
    d = v.to_number<double>();
  } else if (v.is_string()) {  // PowerShell scripts often send "8" for 8
    auto r = ParseDoubleText(Name(prefix, name), v.get_string());
    if (!r.ok()) return r.status();
    d = *r;
  } else {
    return Status::BadField(Name(prefix, name), "must be a number, got " + std::string(KindOf(v)));
  }
  if (!(d >= min && d <= max)) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    return Status::BadField(Name(prefix, name), "must be between " + std::to_string(static_cast<int64_t>(min)) +
                                            " and " + std::to_string(static_cast<int64_t>(max)) +
                                            ", got " + std::string(buf, r.ptr));
  }
  *out = d;
  return Status::Ok();
}

Status RejectUnknown(const json::object& o, std::initializer_list<std::string_view> known,
                     std::string_view prefix) {
  for (const auto& kv : o) {
    bool ok = false;
    for (auto k : known) ok = ok || k == kv.key();
    if (ok) continue;
    std::string list;
    for (auto k : known) {
      if (!list.empty()) list += ", ";
      list += k;
    }
    return Status::BadField(Name(prefix, kv.key()), "unknown field; known fields: " + list);
  }
  return Status::Ok();
}

namespace {

constexpr std::string_view kFactsPrefix = "facts.";
constexpr double kMaxGb = 1e6;

std::vector<std::string> SplitMacs(std::string_view s) {
  std::vector<std::string> out;
  for (auto& part : SplitList(s, ';'))
    for (auto& p : SplitList(part, ',')) out.push_back(p);
  return out;
}

}  // namespace

Result<core::Facts> FactsFromJson(const json::object& o, std::initializer_list<std::string_view> also_known) {
  static constexpr std::string_view kKnown[] = {
      "serial", "make", "model", "uuid", "macs", "os_name", "os_version", "os_build", "firmware",
      "client_version", "ram_gb", "disk_gb", "cpu_count", "country"};
  for (const auto& kv : o) {
    bool ok = false;
    for (auto k : kKnown) ok = ok || k == kv.key();
    for (auto k : also_known) ok = ok || k == kv.key();
    if (!ok) {
      std::string list;
      for (auto k : kKnown) list += (list.empty() ? "" : ", ") + std::string(k);
      return Status::BadField(Name(kFactsPrefix, kv.key()), "unknown field; known facts: " + list);
    }
  }
  core::Facts f;
  // Over-long values are reported by ValidateFacts with the limit; read a
  // little more than it allows so its message is the one the client sees.
  constexpr size_t kReadMax = core::kMaxFactBytes * 4 + 16;
  struct Text {
    std::string_view name;
    std::string* out;
  } texts[] = {{"serial", &f.serial},         {"make", &f.make},         {"model", &f.model},
               {"uuid", &f.uuid},             {"os_name", &f.os_name},   {"os_version", &f.os_version},
               {"os_build", &f.os_build},     {"firmware", &f.firmware}, {"client_version", &f.client_version}};
  for (auto& t : texts) {
    std::optional<std::string> v;
    PV_RETURN_IF_ERROR(ReadString(o, t.name, &v, kReadMax, kFactsPrefix));
    if (v) *t.out = std::move(*v);
  }
  std::optional<std::string> country;
  PV_RETURN_IF_ERROR(ReadString(o, "country", &country, kReadMax, kFactsPrefix));
  if (country && !Trim(*country).empty()) f.country = std::move(country);
  if (auto it = o.find("macs"); it != o.end() && !it->value().is_null()) {
    const json::value& v = it->value();
    if (v.is_string()) {
      f.macs = SplitMacs(v.get_string());
    } else if (v.is_array()) {
      size_t i = 0;
      for (const auto& m : v.get_array()) {
        if (!m.is_string()) {
          return Status::BadField("facts.macs[" + std::to_string(i) + "]", "must be a string, got " + std::string(KindOf(m)));
        }
        if (i >= core::kMaxMacs) break;  // ValidateFacts reports the count below
        f.macs.emplace_back(m.get_string().data(), m.get_string().size());
        ++i;
      }
      if (v.get_array().size() > core::kMaxMacs) {
        return Status::BadField("facts.macs", "holds " + std::to_string(v.get_array().size()) + " addresses; at most " +
                                          std::to_string(core::kMaxMacs) + " allowed");
      }
    } else {
      return Status::BadField("facts.macs", "must be an array of strings, got " + std::string(KindOf(v)));
    }
  }
  PV_RETURN_IF_ERROR(ReadNumber(o, "ram_gb", &f.ram_gb, 0, kMaxGb, kFactsPrefix));
  PV_RETURN_IF_ERROR(ReadNumber(o, "disk_gb", &f.disk_gb, 0, kMaxGb * 1000, kFactsPrefix));
  std::optional<int64_t> cpus;
  PV_RETURN_IF_ERROR(ReadInt(o, "cpu_count", &cpus, 0, 100000, kFactsPrefix));
  if (cpus) f.cpu_count = static_cast<int>(*cpus);
  PV_RETURN_IF_ERROR(core::ValidateFacts(f));
  return f;
}

Result<core::Facts> FactsFromQuery(const Request& req) {
  core::Facts f;
  auto get = [&](std::string_view name) { return std::string(req.Query(name).value_or("")); };
  f.serial = get("serial");
  f.make = get("make");
  f.model = get("model");
  f.uuid = get("uuid");
  f.os_name = req.Query("os_name") ? get("os_name") : get("os");
  f.firmware = get("firmware");
  if (auto m = req.Query("mac")) f.macs = SplitMacs(*m);
  if (auto c = req.Query("country"); c && !Trim(*c).empty()) f.country = std::string(Trim(*c));
  for (auto [name, out] : {std::pair{"ram_gb", &f.ram_gb}, std::pair{"disk_gb", &f.disk_gb}}) {
    if (auto v = req.Query(name); v && !Trim(*v).empty()) {
      PV_ASSIGN_OR_RETURN(double d, ParseDoubleText(name, *v));
      if (d < 0) return Status::BadField(name, "must not be negative");
      *out = d;
    }
  }
  if (auto v = req.Query("cpu_count"); v && !Trim(*v).empty()) {
    std::string_view t = Trim(*v);
    int n = 0;
    auto r = std::from_chars(t.data(), t.data() + t.size(), n);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size() || n < 0) {
      return Status::BadField("cpu_count", "must be a non-negative integer, got '" + std::string(t) + "'");
    }
    f.cpu_count = n;
  }
  PV_RETURN_IF_ERROR(core::ValidateFacts(f));
  return f;
}

bool IsTruthy(std::string_view v) {
  v = Trim(v);
  return v == "1" || IEquals(v, "true") || IEquals(v, "yes") || IEquals(v, "on");
}

}  // namespace provisiond::api::endpoint

#include "api/problem.h"

namespace provisiond::api::endpoint {

Response JsonResponse(int status, std::string body) {
  Response r = Response::Json(status, std::move(body));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

}  // namespace provisiond::api::endpoint

#include "api/endpoint/tanium_query.h"

#include <boost/json.hpp>

#include "base/strings.h"

namespace provisiond::api::endpoint {
namespace json = boost::json;
namespace {

bool IsSerialName(std::string_view n) { return IEquals(n, "serial") || IEquals(n, "serialNumber"); }
bool IsModelName(std::string_view n) { return IEquals(n, "model") || IEquals(n, "computerModel"); }

// Fills the still-empty fields from (name, value) pairs, first non-blank wins.
template <typename Pairs, typename ValueOf>
void Fill(const Pairs& pairs, ValueOf value_of, TaniumQuery* out) {
  for (const auto& p : pairs) {
    std::string_view name = p.first;
    std::string* field = IsSerialName(name) ? &out->serial : IsModelName(name) ? &out->model : nullptr;
    if (field == nullptr || !field->empty()) continue;
    std::string v = value_of(p.second);
    *field = std::string(Trim(v));
  }
}

bool IsForm(const Request& req) {
  auto ct = req.headers.Get("Content-Type");
  return ct && StartsWithI(Trim(*ct), "application/x-www-form-urlencoded");
}

std::string JsonText(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return {};  // other types carry no serial or model
}

}  // namespace

TaniumQuery ReadTaniumQuery(const Request& req) {
  TaniumQuery out;
  Fill(req.query, [](const std::string& v) { return v; }, &out);
  if ((!out.serial.empty() && !out.model.empty()) || Trim(req.body).empty()) return out;
  if (IsForm(req)) {
    Fill(ParseQuery(req.body), [](const std::string& v) { return v; }, &out);
    return out;
  }
  boost::system::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec || !v.is_object()) return out;
  std::vector<std::pair<std::string_view, const json::value*>> members;
  for (const auto& kv : v.get_object()) members.emplace_back(kv.key(), &kv.value());
  Fill(members, [](const json::value* x) { return JsonText(*x); }, &out);
  return out;
}

}  // namespace provisiond::api::endpoint

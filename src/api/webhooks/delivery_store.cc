#include "api/webhooks/delivery_store.h"

#include <boost/json.hpp>

namespace provisiond::api::webhooks {
namespace {

Status FromFs(const platform::FsError& e) { return Status::IoError(e.path, e.ToString()); }

bool SafeId(const std::string& id) {
  if (id.empty() || id.size() > 100) return false;
  for (char c : id)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

std::string DeliveryToJson(const Delivery& d) {
  boost::json::object o;
  o["id"] = d.id;
  o["target"] = d.target;
  o["type"] = d.type;
  o["body"] = d.body;
  o["created_ms"] = d.created_ms;
  o["next_ms"] = d.next_ms;
  o["attempts"] = d.attempts;
  o["last_status"] = d.last_status;
  o["last_error"] = d.last_error;
  return boost::json::serialize(o) + "\n";
}

Result<Delivery> DeliveryFromJson(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return Status::InvalidArgument("not a JSON object");
  const auto& o = v.as_object();
  Delivery d;
  try {
    d.id = std::string(o.at("id").as_string());
    d.target = std::string(o.at("target").as_string());
    d.type = std::string(o.at("type").as_string());
    d.body = std::string(o.at("body").as_string());
    d.created_ms = o.at("created_ms").to_number<int64_t>();
    d.next_ms = o.at("next_ms").to_number<int64_t>();
    d.attempts = o.at("attempts").to_number<int>();
    d.last_status = o.at("last_status").to_number<int>();
    d.last_error = std::string(o.at("last_error").as_string());
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("missing or wrong field: ") + e.what());
  }
  if (!SafeId(d.id)) return Status::InvalidArgument("bad id '" + d.id + "'");
  return d;
}

std::string DeliveryStore::PathOf(const std::string& sub, const std::string& id) const {
  return dir_ + "/" + sub + "/" + id + ".json";
}

Status DeliveryStore::Init() {
  for (const char* sub : {"pending", "dead"})
    if (auto e = fs_.MakeDirs(dir_ + "/" + sub); !e.ok()) return FromFs(e);
  return Status::Ok();
}

Status DeliveryStore::Put(const Delivery& d) {
  if (!SafeId(d.id)) return Status::InvalidArgument("bad delivery id '" + d.id + "'");
  if (auto e = platform::ReplaceFile(fs_, PathOf("pending", d.id), DeliveryToJson(d), true); !e.ok()) return FromFs(e);
  return Status::Ok();
}

Status DeliveryStore::Remove(const std::string& id) {
  if (!SafeId(id)) return Status::NotFound("no delivery '" + id + "'");
  if (auto e = fs_.Remove(PathOf("pending", id)); !e.ok()) return FromFs(e);
  return Status::Ok();
}

Status DeliveryStore::Bury(const Delivery& d) {
  // Dead first, then gone from pending: a crash between leaves it in both,
  // and Pending() of the next start skips what dead/ holds.
  if (auto e = platform::ReplaceFile(fs_, PathOf("dead", d.id), DeliveryToJson(d), true); !e.ok()) return FromFs(e);
  return Remove(d.id);
}

Status DeliveryStore::Revive(const std::string& id, int64_t now_ms) {
  if (!SafeId(id)) return Status::NotFound("no dead delivery '" + id + "'");
  std::string text;
  if (auto e = fs_.ReadFile(PathOf("dead", id), &text); !e.ok()) {
    if (e.err == ENOENT) return Status::NotFound("no dead delivery '" + id + "'");
    return FromFs(e);
  }
  PV_ASSIGN_OR_RETURN(Delivery d, DeliveryFromJson(text));
  d.attempts = 0;
  d.created_ms = now_ms;  // a fresh give-up window
  d.next_ms = now_ms;
  PV_RETURN_IF_ERROR(Put(d));
  return Discard(id);
}

Status DeliveryStore::Discard(const std::string& id) {
  if (!SafeId(id)) return Status::NotFound("no dead delivery '" + id + "'");
  platform::FsStat st;
  if (auto e = fs_.Stat(PathOf("dead", id), &st); !e.ok()) return FromFs(e);
  if (!st.exists) return Status::NotFound("no dead delivery '" + id + "'");
  if (auto e = fs_.Remove(PathOf("dead", id)); !e.ok()) return FromFs(e);
  return Status::Ok();
}

Result<std::vector<Delivery>> DeliveryStore::Load(const std::string& sub, std::vector<std::string>* bad) const {
  std::vector<std::string> names;
  if (auto e = fs_.ListDir(dir_ + "/" + sub, &names); !e.ok()) return FromFs(e);
  std::vector<Delivery> out;
  for (const auto& n : names) {
    if (!n.ends_with(".json")) continue;  // temp files of an interrupted replace
    std::string text;
    if (auto e = fs_.ReadFile(dir_ + "/" + sub + "/" + n, &text); !e.ok()) return FromFs(e);
    auto d = DeliveryFromJson(text);
    if (!d.ok()) {
      if (bad) bad->push_back(sub + "/" + n + ": " + d.status().message());
      continue;
    }
    out.push_back(std::move(*d));
  }
  return out;
}

Result<std::vector<Delivery>> DeliveryStore::Pending(std::vector<std::string>* bad) const {
  PV_ASSIGN_OR_RETURN(auto pending, Load("pending", bad));
  std::vector<std::string> names;
  (void)fs_.ListDir(dir_ + "/dead", &names);
  std::erase_if(pending, [&](const Delivery& d) {
    return std::find(names.begin(), names.end(), d.id + ".json") != names.end();
  });
  return pending;
}

Result<std::vector<Delivery>> DeliveryStore::Dead(std::vector<std::string>* bad) const { return Load("dead", bad); }

}  // namespace provisiond::api::webhooks

#include "store/editing_store.h"

namespace provisiond::store {

namespace {

// A MakeEdit that runs an edit returning a value and keeps the value in *out.
template <typename T, typename Edit>
MakeEdit Keeping(T* out, Edit edit_fn) {
  return [out, edit_fn = std::move(edit_fn)](const model::Tables& cur) -> Result<TableEdit> {
    PV_ASSIGN_OR_RETURN(Edited<T> e, edit_fn(cur));
    *out = std::move(e.value);
    return std::move(e.edit);
  };
}

}  // namespace

Result<model::Computer> EditingStore::PutComputer(model::Computer c, std::optional<uint64_t> expected_version) {
  model::Computer stored;
  PV_RETURN_IF_ERROR(Write(TableId::kComputers, Keeping(&stored, [&](const model::Tables& cur) {
                             return edit::PutComputer(cur, c, expected_version);
                           })));
  return stored;
}

Status EditingStore::DeleteComputer(std::string_view serial, uint64_t expected_version) {
  return Write(TableId::kComputers,
               [&](const model::Tables& cur) { return edit::DeleteComputer(cur, serial, expected_version); });
}

Result<model::App> EditingStore::PutApp(model::App app, std::optional<uint64_t> expected_version) {
  model::App stored;
  PV_RETURN_IF_ERROR(Write(TableId::kApps, Keeping(&stored, [&](const model::Tables& cur) {
                             return edit::PutApp(cur, app, expected_version);
                           })));
  return stored;
}

Status EditingStore::DeleteApp(std::string_view name, uint64_t expected_version) {
  return Write(TableId::kApps, [&](const model::Tables& cur) { return edit::DeleteApp(cur, name, expected_version); });
}

Result<uint64_t> EditingStore::SetTypeApps(std::string_view type, std::vector<std::string> apps,
                                           std::optional<uint64_t> expected_version) {
  uint64_t version = 0;
  PV_RETURN_IF_ERROR(Write(TableId::kTypeApps, Keeping(&version, [&](const model::Tables& cur) {
                             return edit::SetTypeApps(cur, type, apps, expected_version);
                           })));
  return version;
}

Status EditingStore::DeleteType(std::string_view type, uint64_t expected_version) {
  return Write(TableId::kTypeApps,
               [&](const model::Tables& cur) { return edit::DeleteType(cur, type, expected_version); });
}

Result<model::DriverRule> EditingStore::PutDriverRule(model::DriverRule rule,
                                                      std::optional<uint64_t> expected_version) {
  model::DriverRule stored;
  PV_RETURN_IF_ERROR(Write(TableId::kDrivers, Keeping(&stored, [&](const model::Tables& cur) {
                             return edit::PutDriverRule(cur, rule, expected_version);
                           })));
  return stored;
}

Result<model::DriverRule> EditingStore::MoveDriverRule(uint64_t id, size_t position, uint64_t expected_version) {
  model::DriverRule stored;
  PV_RETURN_IF_ERROR(Write(TableId::kDrivers, Keeping(&stored, [&](const model::Tables& cur) {
                             return edit::MoveDriverRule(cur, id, position, expected_version);
                           })));
  return stored;
}

Status EditingStore::DeleteDriverRule(uint64_t id, uint64_t expected_version) {
  return Write(TableId::kDrivers,
               [&](const model::Tables& cur) { return edit::DeleteDriverRule(cur, id, expected_version); });
}

Status EditingStore::SetConfig(std::string_view key, std::string_view value) {
  return Write(TableId::kConfig, [&](const model::Tables& cur) { return edit::SetConfig(cur, key, value); });
}

Status EditingStore::DeleteConfig(std::string_view key) {
  return Write(TableId::kConfig, [&](const model::Tables& cur) { return edit::DeleteConfig(cur, key); });
}

Result<model::Locale> EditingStore::PutLocale(model::Locale locale, std::optional<uint64_t> expected_version) {
  model::Locale stored;
  PV_RETURN_IF_ERROR(Write(TableId::kLocales, Keeping(&stored, [&](const model::Tables& cur) {
                             return edit::PutLocale(cur, locale, expected_version);
                           })));
  return stored;
}

Status EditingStore::DeleteLocale(std::string_view country, uint64_t expected_version) {
  return Write(TableId::kLocales,
               [&](const model::Tables& cur) { return edit::DeleteLocale(cur, country, expected_version); });
}

Result<model::User> EditingStore::PutUser(model::User u, std::optional<uint64_t> expected_version) {
  model::User stored;
  PV_RETURN_IF_ERROR(Write(TableId::kUsers, Keeping(&stored, [&](const model::Tables& cur) {
                             return edit::PutUser(cur, u, expected_version);
                           })));
  return stored;
}

Status EditingStore::DeleteUser(std::string_view username, uint64_t expected_version) {
  return Write(TableId::kUsers,
               [&](const model::Tables& cur) { return edit::DeleteUser(cur, username, expected_version); });
}

Status EditingStore::AddCredential(model::Credential c) {
  return Write(TableId::kCredentials, [&](const model::Tables& cur) { return edit::AddCredential(cur, c); });
}

Result<size_t> EditingStore::RemoveCredentials(const std::function<bool(const model::Credential&)>& remove) {
  size_t removed = 0;
  PV_RETURN_IF_ERROR(Write(TableId::kCredentials, Keeping(&removed, [&](const model::Tables& cur) {
                             return edit::RemoveCredentials(cur, remove);
                           })));
  return removed;
}

Status EditingStore::TouchCredentials(const std::vector<std::pair<std::string, std::string>>& last_used) {
  if (last_used.empty()) return Status::Ok();
  return Write(TableId::kCredentials,
               [&](const model::Tables& cur) { return edit::TouchCredentials(cur, last_used); });
}

Status EditingStore::RecordNetworkSightings(const std::vector<model::NetworkSighting>& sightings) {
  if (sightings.empty()) return Status::Ok();
  return Write(TableId::kNetworks,
               [&](const model::Tables& cur) { return edit::RecordNetworkSightings(cur, sightings); });
}

Result<model::Network> EditingStore::PutNetwork(model::Network n) {
  model::Network stored;
  const Timestamp now = Clock();
  PV_RETURN_IF_ERROR(Write(TableId::kNetworks, Keeping(&stored, [&](const model::Tables& cur) {
                             return edit::PutNetwork(cur, n, now);
                           })));
  return stored;
}

Status EditingStore::DeleteNetwork(std::string_view network) {
  return Write(TableId::kNetworks, [&](const model::Tables& cur) { return edit::DeleteNetwork(cur, network); });
}

}  // namespace provisiond::store

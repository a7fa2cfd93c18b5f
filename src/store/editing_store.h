// EditingStore: the configuration writes of Store, once for every backend.
// Each write member computes the shared edit (table_edits.h) on the tables
// the backend says are current and hands it back to the backend's Write,
// which makes it durable and publishes it. A backend implements Write (and
// the rest of Store), never the edits.
#pragma once

#include <functional>

#include "store/store.h"
#include "store/table_edits.h"

namespace provisiond::store {

// Computes one write's edit on the current tables.
using MakeEdit = std::function<Result<TableEdit>(const model::Tables&)>;

class EditingStore : public Store {
 public:
  Result<model::Computer> PutComputer(model::Computer c, std::optional<uint64_t> expected_version) final;
  Status DeleteComputer(std::string_view serial, uint64_t expected_version) final;
  Result<model::App> PutApp(model::App app, std::optional<uint64_t> expected_version) final;
  Status DeleteApp(std::string_view name, uint64_t expected_version) final;
  Result<uint64_t> SetTypeApps(std::string_view type, std::vector<std::string> apps,
                               std::optional<uint64_t> expected_version) final;
  Status DeleteType(std::string_view type, uint64_t expected_version) final;
  Result<model::DriverRule> PutDriverRule(model::DriverRule rule, std::optional<uint64_t> expected_version) final;
  Result<model::DriverRule> MoveDriverRule(uint64_t id, size_t position, uint64_t expected_version) final;
  Status DeleteDriverRule(uint64_t id, uint64_t expected_version) final;
  Status SetConfig(std::string_view key, std::string_view value) final;
  Status DeleteConfig(std::string_view key) final;
  Result<model::Locale> PutLocale(model::Locale locale, std::optional<uint64_t> expected_version) final;
  Status DeleteLocale(std::string_view country, uint64_t expected_version) final;
  Result<model::User> PutUser(model::User u, std::optional<uint64_t> expected_version) final;
  Status DeleteUser(std::string_view username, uint64_t expected_version) final;
  Status AddCredential(model::Credential c) final;
  Result<size_t> RemoveCredentials(const std::function<bool(const model::Credential&)>& remove) final;
  Status TouchCredentials(const std::vector<std::pair<std::string, std::string>>& last_used) final;
  Status RecordNetworkSightings(const std::vector<model::NetworkSighting>& sightings) final;
  Result<model::Network> PutNetwork(model::Network n) final;
  Status DeleteNetwork(std::string_view network) final;

 protected:
  // One write of `table`: under the backend's write exclusion, calls `make`
  // once with the current tables (as every instance last wrote them), and
  // stores the edit it returns durably and publishes it (nothing when its
  // `next` is null). `make`'s error is returned as it is, nothing stored.
  virtual Status Write(TableId table, const MakeEdit& make) = 0;
  // The time a new networks row is first seen at.
  virtual Timestamp Clock() const { return Now(); }
};

}  // namespace provisiond::store

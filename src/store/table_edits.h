// One write to the configuration tables applied to a snapshot, the same for
// every backend: the write rules (write_rules.h), the version check, where
// a row goes and what version it gets. Pure: each function returns the
// tables the write leads to; the backend makes them durable in its own way
// (a file, a database transaction) and publishes them. A backend never
// edits rows itself, so two backends cannot store the same write
// differently.
//
// Every function's errors are those of the matching Store member
// (store/store.h); on error nothing was computed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "model/audit.h"
#include "model/tables.h"
#include "store/table_id.h"

namespace provisiond::store {

struct TableEdit {
  TableId table = TableId::kConfig;
  // The tables after the write (a copy of the snapshot sharing unchanged
  // rows), generation and indexes not yet set. Null: nothing to write (a
  // delete of a missing config key, no credential matched...).
  std::shared_ptr<model::Tables> next;
  // Computer writes: the row stored (a put) or removed (a delete), and the
  // row it replaced, for backends that store rows one at a time.
  bool removed = false;
  std::optional<model::Computer> computer;
  std::optional<model::Computer> old_computer;
};

// A write's edit and the value the Store member returns.
template <typename T>
struct Edited {
  TableEdit edit;
  T value;
};

namespace edit {

using model::Tables;

Result<Edited<model::Computer>> PutComputer(const Tables& cur, model::Computer c,
                                            std::optional<uint64_t> expected_version);
Result<TableEdit> DeleteComputer(const Tables& cur, std::string_view serial, uint64_t expected_version);

Result<Edited<model::App>> PutApp(const Tables& cur, model::App app, std::optional<uint64_t> expected_version);
Result<TableEdit> DeleteApp(const Tables& cur, std::string_view name, uint64_t expected_version);

// value: the type's new TypeVersion().
Result<Edited<uint64_t>> SetTypeApps(const Tables& cur, std::string_view type, std::vector<std::string> apps,
                                     std::optional<uint64_t> expected_version);
Result<TableEdit> DeleteType(const Tables& cur, std::string_view type, uint64_t expected_version);

Result<Edited<model::DriverRule>> PutDriverRule(const Tables& cur, model::DriverRule rule,
                                                std::optional<uint64_t> expected_version);
Result<Edited<model::DriverRule>> MoveDriverRule(const Tables& cur, uint64_t id, size_t position,
                                                 uint64_t expected_version);
Result<TableEdit> DeleteDriverRule(const Tables& cur, uint64_t id, uint64_t expected_version);

Result<TableEdit> SetConfig(const Tables& cur, std::string_view key, std::string_view value);
Result<TableEdit> DeleteConfig(const Tables& cur, std::string_view key);

Result<Edited<model::Locale>> PutLocale(const Tables& cur, model::Locale locale,
                                        std::optional<uint64_t> expected_version);
Result<TableEdit> DeleteLocale(const Tables& cur, std::string_view country, uint64_t expected_version);

Result<Edited<model::User>> PutUser(const Tables& cur, model::User user, std::optional<uint64_t> expected_version);
Result<TableEdit> DeleteUser(const Tables& cur, std::string_view username, uint64_t expected_version);

Result<TableEdit> AddCredential(const Tables& cur, model::Credential c);
// value: how many were removed.
Result<Edited<size_t>> RemoveCredentials(const Tables& cur,
                                         const std::function<bool(const model::Credential&)>& remove);
Result<TableEdit> TouchCredentials(const Tables& cur,
                                   const std::vector<std::pair<std::string, std::string>>& last_used);

Result<TableEdit> RecordNetworkSightings(const Tables& cur, const std::vector<model::NetworkSighting>& sightings);
// `now` dates a new row's first and last sighting.
Result<Edited<model::Network>> PutNetwork(const Tables& cur, model::Network n, Timestamp now);
Result<TableEdit> DeleteNetwork(const Tables& cur, std::string_view network);

}  // namespace edit
}  // namespace provisiond::store

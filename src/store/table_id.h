// The configuration tables, named the same in every backend: a CSV data
// directory holds one file per table (store/csv/tables_csv.h's FileNameOf),
// the database one table each.
#pragma once

namespace provisiond::store {

enum class TableId { kComputers, kTypeApps, kApps, kDrivers, kConfig, kLocales, kNetworks, kUsers, kCredentials };
// Decode order: apps before postype so reference warnings can be computed.
inline constexpr TableId kAllTables[] = {TableId::kComputers, TableId::kApps,     TableId::kTypeApps,
                                         TableId::kDrivers,   TableId::kConfig,   TableId::kLocales,
                                         TableId::kNetworks,  TableId::kUsers,    TableId::kCredentials};

}  // namespace provisiond::store

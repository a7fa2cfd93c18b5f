// The PostgreSQL schema, as versioned migrations built into the binary.
// Migrate() applies the missing ones in one transaction under an advisory
// lock (two instances starting at once migrate once); it is idempotent and
// refuses a database whose schema is newer than this binary knows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/postgres/pg_connection.h"

namespace provisiond::store::pg {

struct Migration {
  int version;
  const char* summary;
  const char* sql;
};

// Every migration, in version order; the last one's version is the schema
// this binary reads and writes.
const std::vector<Migration>& Migrations();
int LatestSchemaVersion();

// The database's schema version: 0 when provisiond never migrated it.
Result<int> SchemaVersion(Connection& c);

struct MigrateReport {
  int from = 0;
  int to = 0;
  std::vector<std::string> applied;  // "2: <summary>"
};

// Applies every migration above the stored version up to `to` (default:
// LatestSchemaVersion()). kFailedPrecondition when the database is at a
// version above what this binary knows (upgrade provisiond) or above `to`.
Result<MigrateReport> Migrate(Connection& c, std::optional<int> to = std::nullopt);

// Ok when the database is at LatestSchemaVersion(); else kFailedPrecondition
// saying what to run (`provisiond db migrate`, or upgrade the binary).
Status CheckSchemaCurrent(Connection& c);

}  // namespace provisiond::store::pg

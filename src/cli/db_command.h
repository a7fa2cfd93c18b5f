// `provisiond db migrate|status|import|export`: the PostgreSQL store's
// schema and the CSV interchange (doc/postgres.md). Imports plan against
// the database's tables as CSV files, so the dry-run diff and the checks
// are those of `provisiond import`; both directions are all-or-nothing.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "store/csv/transfer.h"
#include "store/postgres/pg_store.h"

namespace provisiond::cli {

// The import of `texts` (by table) into the database: the plan, and with
// `apply` the imported tables replaced in one transaction.
Result<store::ImportPlan> ImportTextsIntoDatabase(store::PgStore& db, const std::map<store::TableId, std::string>& texts,
                                                  store::ImportMode mode, bool apply,
                                                  std::vector<store::SourceError>* errors = nullptr);

// argv-style arguments after "db"; returns the exit code (0 ok, 1 failed, 2 usage).
int RunDb(std::vector<std::string> args);
std::string DbHelp();

}  // namespace provisiond::cli

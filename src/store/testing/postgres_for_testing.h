// Test helpers for the PostgreSQL store: a fresh database on the throwaway
// server the test command starts (tools/with_postgres.sh exports its URL as
// PROVISIOND_TEST_POSTGRES_URL), and a store seeded from a CSV directory.
#pragma once

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <unistd.h>

#include "store/csv/tables_csv.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_store.h"

namespace provisiond::store::testing {

// The maintenance database's URL, or "" when the variable is unset.
inline std::string TestPostgresUrl() {
  const char* url = std::getenv("PROVISIOND_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

// `url` with its database name replaced by `db`.
inline std::string WithDatabase(const std::string& url, const std::string& db) {
  size_t query = url.find('?');
  size_t slash = url.rfind('/', query == std::string::npos ? url.size() : query);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return url.substr(0, slash + 1) + db + rest;
}

// Creates an empty database and returns its URL.
inline Result<std::string> FreshPostgresDatabase() {
  static std::atomic<int> counter{0};
  const std::string admin = TestPostgresUrl();
  if (admin.empty())
    return Status::FailedPrecondition("PROVISIOND_TEST_POSTGRES_URL is not set: run the tests through "
                                      "tools/with_postgres.sh (tools/test.sh does), which starts a throwaway PostgreSQL");
  PV_ASSIGN_OR_RETURN(auto c, pg::Connection::Open(admin));
  std::string db = "pvd_t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  // Two calls: one string of statements would run as one transaction, which CREATE DATABASE refuses.
  PV_RETURN_IF_ERROR(c->ExecScript("DROP DATABASE IF EXISTS " + db));
  PV_RETURN_IF_ERROR(c->ExecScript("CREATE DATABASE " + db));
  return WithDatabase(admin, db);
}

inline PgStoreOptions QuietPgOptions(const std::string& url) {
  PgStoreOptions o;
  o.url = url;
  o.pool_size = 4;
  o.check_interval = std::chrono::milliseconds(200);
  o.log = [](LogLevel, const std::string&) {};
  return o;
}

// A PgStore on a fresh database holding the tables of CSV directory `seed`.
inline Result<std::unique_ptr<PgStore>> SeededPgStore(const std::string& seed, std::string* url_out = nullptr) {
  PV_ASSIGN_OR_RETURN(std::string url, FreshPostgresDatabase());
  PV_ASSIGN_OR_RETURN(auto s, PgStore::Open(QuietPgOptions(url)));
  LoadedDir loaded = LoadDataDir(platform::PosixFs(), seed);
  if (!loaded.errors.empty()) return Status::InvalidArgument(FormatSourceError(loaded.errors.front()));
  std::vector<TableId> all(std::begin(kAllTables), std::end(kAllTables));
  PV_RETURN_IF_ERROR(s->ReplaceTables(loaded.tables, all));
  if (url_out != nullptr) *url_out = url;
  return s;
}

}  // namespace provisiond::store::testing

#include "cli/open_store.h"

#include "store/csv/csv_store.h"
#include "store/postgres/pg_store.h"

namespace provisiond::cli {

Result<std::shared_ptr<store::Store>> OpenStore(const Config& config, StoreUse use) {
  if (config.backend == "postgres") {
    store::PgStoreOptions o;
    o.url = config.postgres_url;
    o.pool_size = static_cast<size_t>(config.postgres_pool);
    o.retention_days = config.journal_retention_days;
    PV_ASSIGN_OR_RETURN(auto s, store::PgStore::Open(o));
    return std::shared_ptr<store::Store>(std::move(s));
  }
  store::CsvStoreOptions so;
  so.data_dir = config.data_dir;
  so.journal_retention_days = config.journal_retention_days;
  if (use == StoreUse::kServe) {
    so.reload_interval = std::chrono::milliseconds(config.reload_interval_ms);
    so.computers_flush_delay = std::chrono::milliseconds(config.computers_flush_delay_ms);
  } else {
    so.reload_interval = std::chrono::milliseconds(0);
    so.computers_flush_delay = std::chrono::milliseconds(0);
  }
  PV_ASSIGN_OR_RETURN(auto s, store::CsvStore::Open(so));
  return std::shared_ptr<store::Store>(std::move(s));
}

}  // namespace provisiond::cli

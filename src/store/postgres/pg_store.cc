#include "store/postgres/pg_store.h"

#include <poll.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <random>

#include "base/strings.h"
#include "platform/fs.h"
#include "platform/process.h"
#include "store/csv/csv_codec.h"
#include "store/csv/tables_csv.h"
#include "store/postgres/schema.h"
#include "store/write_rules.h"

namespace provisiond::store {

namespace json = boost::json;
using model::Deployment;
using model::DeploymentEvent;
using pg::Param;

namespace {

// All configuration writes of every instance take this lock for the length
// of their transaction, so each applies its edit to the latest tables.
constexpr int64_t kWriteLock = 0x7076777269;  // "pvwri"
constexpr char kConfigChannel[] = "provisiond_config";

// The table's name in the database: its CSV file's name without ".csv".
std::string DbName(TableId id) {
  std::string f(FileNameOf(id));
  return f.substr(0, f.size() - 4);
}

std::string Ms(Timestamp t) { return std::to_string(t.time_since_epoch().count()); }
Timestamp FromMs(int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }
Param OptInt(const std::optional<int>& v) { return v ? Param(std::to_string(*v)) : std::nullopt; }
std::optional<int> IntOrNull(const pg::Rows& r, size_t row, int col) {
  if (r.IsNull(row, col)) return std::nullopt;
  return static_cast<int>(r.Int(row, col));
}

std::vector<std::string> ParseColumns(std::string_view text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& c : v.as_array())
    if (c.is_string()) out.emplace_back(c.as_string());
  return out;
}

std::string ColumnsJson(const std::vector<std::string>& columns) {
  json::array a;
  for (const auto& c : columns) a.emplace_back(c);
  return json::serialize(a);
}

// `more` appended to `columns` where missing, in order.
std::vector<std::string> UnionColumns(std::vector<std::string> columns, const std::vector<std::string>& more) {
  for (const auto& c : more)
    if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
  return columns;
}

json::object CellsOf(const std::vector<std::string>& header, const std::vector<std::string>& row) {
  json::object o;
  for (size_t i = 0; i < header.size() && i < row.size(); ++i)
    if (!row[i].empty()) o[header[i]] = row[i];
  return o;
}

// The inverse of CellsOf: the row's cells in `header` order ("" where absent).
std::vector<std::string> RowOf(const json::object& cells, const std::vector<std::string>& header) {
  std::vector<std::string> row;
  row.reserve(header.size());
  for (const auto& h : header) {
    auto it = cells.find(h);
    row.push_back(it != cells.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string());
  }
  return row;
}

// Copies table `id` of `from` into `to` (a refused reload keeps serving the old rows).
void CopyTable(TableId id, const model::Tables& from, model::Tables* to) {
  switch (id) {
    case TableId::kComputers: to->computers = from.computers; break;
    case TableId::kTypeApps: to->type_apps = from.type_apps; break;
    case TableId::kApps: to->apps = from.apps; break;
    case TableId::kDrivers: to->drivers = from.drivers; break;
    case TableId::kConfig:
      to->config = from.config;
      to->config_lines = from.config_lines;
      break;
    case TableId::kLocales: to->locales = from.locales; break;
    case TableId::kNetworks: to->networks = from.networks; break;
    case TableId::kUsers: to->users = from.users; break;
    case TableId::kCredentials: to->credentials = from.credentials; break;
  }
}

// Reads table `id` from the database into *out (other tables untouched).
// The rows are decoded exactly as the CSV file they would make, so both
// backends accept and refuse the same data. *columns gets the stored order.
Result<std::optional<SourceError>> LoadTable(pg::Connection& c, TableId id, model::Tables* out,
                                             std::vector<std::string>* columns) {
  const std::string name = DbName(id);
  PV_ASSIGN_OR_RETURN(pg::Rows meta, c.Exec("SELECT columns::text FROM config_tables WHERE name = $1", {name}));
  PV_ASSIGN_OR_RETURN(pg::Rows rows,
                      c.Exec("SELECT cells::text FROM config_rows WHERE table_name = $1 ORDER BY pos", {name}));
  CsvTable table;
  if (!meta.empty()) table.header = ParseColumns(meta.Get(0, 0));
  std::vector<json::object> cells;
  cells.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    boost::system::error_code ec;
    json::value v = json::parse(rows.Get(i, 0), ec);
    if (ec || !v.is_object()) {
      SourceError e;
      e.source = "database table " + name;
      e.line = static_cast<int>(i) + 2;
      e.reason = "row " + std::to_string(i + 1) + " is not a JSON object of cells";
      return std::optional<SourceError>(e);
    }
    cells.push_back(std::move(v.as_object()));
    for (const auto& kv : cells.back())  // a column a row holds but the table does not list
      if (std::find(table.header.begin(), table.header.end(), kv.key()) == table.header.end())
        table.header.emplace_back(kv.key());
  }
  if (table.header.empty() && cells.empty()) {
    // Never written: the table as an empty file would read.
    table.header = RequiredColumnsOf(id);
  }
  for (const auto& o : cells) table.rows.push_back(RowOf(o, table.header));
  *columns = table.header;
  if (auto err = DecodeFile(id, WriteCsv(table, LiveFileWriteOptions()), out)) {
    err->source = "database table " + name + " (" + err->source + ")";
    return std::optional<SourceError>(*err);
  }
  return std::optional<SourceError>();
}

// The rows of `id` in `t` as the JSON array config_rows is filled from:
// [{"k": row key or null, "c": {column: value}}...]. *columns gets the
// table's column order (the stored order, then any new column).
std::string TableRowsJson(TableId id, const model::Tables& t, const std::vector<std::string>& stored,
                          std::vector<std::string>* columns) {
  CsvTable table = EncodeTable(id, t, stored);
  json::array rows;
  for (size_t i = 0; i < table.rows.size(); ++i) {
    json::object row;
    if (id == TableId::kComputers) {
      row["k"] = model::Tables::SerialKey(t.computers[i].serial);
    } else {
      row["k"] = nullptr;
    }
    row["c"] = CellsOf(table.header, table.rows[i]);
    rows.push_back(std::move(row));
  }
  *columns = UnionColumns(stored, table.header);
  return json::serialize(rows);
}

Status RewriteTable(pg::Connection& c, TableId id, const model::Tables& t, const std::vector<std::string>& stored,
                    uint64_t gen, std::vector<std::string>* columns) {
  const std::string name = DbName(id);
  PV_RETURN_IF_ERROR(c.Exec("DELETE FROM config_rows WHERE table_name = $1", {name}).status());
  PV_RETURN_IF_ERROR(c.Exec("DELETE FROM config_removed WHERE table_name = $1", {name}).status());
  std::string rows = TableRowsJson(id, t, stored, columns);
  return c
      .Exec("INSERT INTO config_rows (table_name, pos, row_key, cells, gen) SELECT $1, r.ord, r.e->>'k', r.e->'c', "
            "$3::bigint FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS r(e, ord)",
            {name, rows, std::to_string(gen)})
      .status();
}

// One computer row stored or removed in place (a table of 100k rows is not
// rewritten for one edit).
Status WriteComputer(pg::Connection& c, const TableEdit& e, const std::vector<std::string>& stored, uint64_t gen,
                     std::vector<std::string>* columns) {
  const std::string key = model::Tables::SerialKey(e.computer->serial);
  const std::string g = std::to_string(gen);
  if (e.removed) {
    *columns = stored;
    PV_RETURN_IF_ERROR(c.Exec("DELETE FROM config_rows WHERE table_name = 'computers' AND row_key = $1", {key}).status());
    // Remembered, so other instances remove it without reloading the table.
    return c
        .Exec("INSERT INTO config_removed (table_name, row_key, gen) VALUES ('computers', $1, $2::bigint) "
              "ON CONFLICT (table_name, row_key) DO UPDATE SET gen = excluded.gen",
              {key, g})
        .status();
  }
  model::Tables one;
  one.AddComputer(*e.computer);
  CsvTable table = EncodeTable(TableId::kComputers, one, stored);
  *columns = UnionColumns(stored, table.header);
  std::string cells = json::serialize(CellsOf(table.header, table.rows.front()));
  PV_ASSIGN_OR_RETURN(pg::Rows updated,
                      c.Exec("UPDATE config_rows SET cells = $2::jsonb, gen = $3::bigint "
                             "WHERE table_name = 'computers' AND row_key = $1",
                             {key, cells, g}));
  if (updated.Affected() > 0) return Status::Ok();
  // A new row goes last, as in the CSV file (and as AddComputer puts it).
  return c
      .Exec("INSERT INTO config_rows (table_name, pos, row_key, cells, gen) SELECT 'computers', "
            "coalesce(max(pos), 0) + 1, $1, $2::jsonb, $3::bigint FROM config_rows WHERE table_name = 'computers'",
            {key, cells, g})
      .status();
}

// The generation the write in progress stores its rows at.
Result<uint64_t> NextGeneration(pg::Connection& c) {
  PV_ASSIGN_OR_RETURN(pg::Rows g, c.Exec("UPDATE provisiond_meta SET generation = generation + 1 RETURNING generation"));
  return static_cast<uint64_t>(g.Int(0, 0));
}

// Records `tables` as changed at `gen` with their columns (`rewritten`: as
// a whole, so other instances reload them whole), and tells the other
// instances.
Status PublishChange(pg::Connection& c, uint64_t gen,
                     const std::vector<std::pair<TableId, std::vector<std::string>>>& tables, bool rewritten) {
  const std::string g = std::to_string(gen);
  for (const auto& [id, columns] : tables)
    PV_RETURN_IF_ERROR(c.Exec("UPDATE config_tables SET generation = $1::bigint, columns = $2::jsonb, "
                              "rewritten = CASE WHEN $4 THEN $1::bigint ELSE rewritten END WHERE name = $3",
                              {g, ColumnsJson(columns), DbName(id), std::string(rewritten ? "true" : "false")})
                           .status());
  return c.Exec("SELECT pg_notify($1, $2)", {std::string(kConfigChannel), g}).status();
}

// ---- deployments ------------------------------------------------------------

constexpr char kDeploymentColumns[] =
    "id, serial, computer_name, model, type, client_address, tls, tls_version, source, "
    "(extract(epoch from started) * 1000)::bigint, (extract(epoch from last_heartbeat) * 1000)::bigint, "
    "(extract(epoch from finished) * 1000)::bigint, phase, step, step_count, percent, status, final_message, "
    "warning_count, error_count, previous_id, version";

Deployment DeploymentAt(const pg::Rows& r, size_t i) {
  Deployment d;
  d.id = r.Get(i, 0);
  d.serial = r.Get(i, 1);
  d.computer_name = r.Get(i, 2);
  d.model = r.Get(i, 3);
  d.type = r.Get(i, 4);
  d.client_address = r.Get(i, 5);
  d.tls = r.Get(i, 6) == "t";
  d.tls_version = r.Get(i, 7);
  d.source = r.Get(i, 8);
  d.started = FromMs(r.Int(i, 9));
  d.last_heartbeat = FromMs(r.Int(i, 10));
  if (!r.IsNull(i, 11)) d.finished = FromMs(r.Int(i, 11));
  d.phase = r.Get(i, 12);
  d.step = IntOrNull(r, i, 13);
  d.step_count = IntOrNull(r, i, 14);
  d.percent = static_cast<int>(r.Int(i, 15));
  d.status = model::ParseStatusName(r.Get(i, 16)).value_or(model::DeploymentStatus::kRunning);
  d.final_message = r.Get(i, 17);
  d.warning_count = static_cast<int>(r.Int(i, 18));
  d.error_count = static_cast<int>(r.Int(i, 19));
  d.previous_id = r.Get(i, 20);
  d.version = static_cast<uint64_t>(r.Int(i, 21));
  return d;
}

// $1..$23 in the order of the deployments table (serial_key after serial),
// $24 the instance storing it.
std::vector<Param> DeploymentParams(const Deployment& d, const std::string& instance) {
  auto ts = [](Timestamp t) { return Param(Ms(t)); };
  return {d.id,
          d.serial,
          model::Tables::SerialKey(d.serial),
          d.computer_name,
          d.model,
          d.type,
          d.client_address,
          std::string(d.tls ? "true" : "false"),
          d.tls_version,
          d.source,
          ts(d.started),
          ts(d.last_heartbeat),
          d.finished ? ts(*d.finished) : std::nullopt,
          d.phase,
          OptInt(d.step),
          OptInt(d.step_count),
          std::to_string(d.percent),
          std::string(model::StatusName(d.status)),
          d.final_message,
          std::to_string(d.warning_count),
          std::to_string(d.error_count),
          d.previous_id,
          std::to_string(d.version),
          instance};
}

constexpr char kDeploymentValues[] =
    "$1, $2, $3, $4, $5, $6, $7, $8::boolean, $9, $10, to_timestamp($11::bigint / 1000.0), "
    "to_timestamp($12::bigint / 1000.0), to_timestamp($13::bigint / 1000.0), $14, $15::integer, $16::integer, "
    "$17::integer, $18, $19, $20::integer, $21::integer, $22, $23::bigint, $24";

constexpr char kDeploymentUpdate[] =
    "UPDATE deployments SET serial = $2, serial_key = $3, computer_name = $4, model = $5, type = $6, "
    "client_address = $7, tls = $8::boolean, tls_version = $9, source = $10, "
    "started = to_timestamp($11::bigint / 1000.0), last_heartbeat = to_timestamp($12::bigint / 1000.0), "
    "finished = to_timestamp($13::bigint / 1000.0), phase = $14, step = $15::integer, step_count = $16::integer, "
    "percent = $17::integer, status = $18, final_message = $19, warning_count = $20::integer, "
    "error_count = $21::integer, previous_id = $22, version = version + 1, changed_at = clock_timestamp(), "
    "changed_by = $24 WHERE id = $1 AND version = $23::bigint RETURNING version";

constexpr char kEventColumns[] =
    "deployment_id, event_id, (extract(epoch from at) * 1000)::bigint, phase, step, step_count, percent, level, "
    "message, final_status";

DeploymentEvent EventAt(const pg::Rows& r, size_t i) {
  DeploymentEvent e;
  e.deployment_id = r.Get(i, 0);
  e.event_id = r.Get(i, 1);
  e.at = FromMs(r.Int(i, 2));
  e.phase = r.Get(i, 3);
  e.step = IntOrNull(r, i, 4);
  e.step_count = IntOrNull(r, i, 5);
  e.percent = IntOrNull(r, i, 6);
  e.level = model::ParseLevelName(r.Get(i, 7));
  e.message = r.Get(i, 8);
  if (!r.IsNull(i, 9)) e.final_status = model::ParseStatusName(r.Get(i, 9));
  return e;
}

// Stores `e` unless (deployment, event id) is there: true if stored.
// kNotFound when the deployment does not exist.
Result<bool> InsertEvent(pg::Connection& c, const DeploymentEvent& e) {
  auto r = c.Exec(
      "INSERT INTO deployment_events (deployment_id, event_id, at, phase, step, step_count, percent, level, message, "
      "final_status) SELECT $1, $2, to_timestamp($3::bigint / 1000.0), $4, $5::integer, $6::integer, $7::integer, $8, "
      "$9, $10 WHERE EXISTS (SELECT 1 FROM deployments WHERE id = $1) "
      "ON CONFLICT (deployment_id, event_id) DO NOTHING RETURNING seq",
      {e.deployment_id, e.event_id, Ms(e.at), e.phase, OptInt(e.step), OptInt(e.step_count), OptInt(e.percent),
       std::string(model::LevelName(e.level)), e.message,
       e.final_status ? Param(std::string(model::StatusName(*e.final_status))) : std::nullopt});
  if (!r.ok()) {
    // The deployment was deleted between the check and the insert.
    if (r.status().message().find("foreign key") != std::string::npos)
      return Status::NotFound("no deployment '" + e.deployment_id + "'");
    return r.status();
  }
  if (!r->empty()) return true;
  PV_ASSIGN_OR_RETURN(pg::Rows exists, c.Exec("SELECT 1 FROM deployments WHERE id = $1", {e.deployment_id}));
  if (exists.empty()) return Status::NotFound("no deployment '" + e.deployment_id + "'");
  return false;
}

Result<Deployment> SelectDeployment(pg::Connection& c, std::string_view id) {
  PV_ASSIGN_OR_RETURN(pg::Rows r, c.Exec(std::string("SELECT ") + kDeploymentColumns + " FROM deployments WHERE id = $1",
                                         {std::string(id)}));
  if (r.empty()) return Status::NotFound("no deployment '" + std::string(id) + "'");
  return DeploymentAt(r, 0);
}

// A version check that failed: kNotFound or the same kConflict as the CSV journal.
Status StaleDeployment(pg::Connection& c, const std::string& id, uint64_t expected, std::string_view again) {
  PV_ASSIGN_OR_RETURN(pg::Rows r, c.Exec("SELECT version FROM deployments WHERE id = $1", {id}));
  if (r.empty()) return Status::NotFound("no deployment '" + id + "'");
  return Status::Conflict("deployment '" + id + "' is at version " + std::string(r.Get(0, 0)) + ", not " +
                          std::to_string(expected) + "; re-read it and " + std::string(again));
}

std::string RandomInstanceId() {
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> dist;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(dist(rd)));
  return buf;
}

}  // namespace

// ---- open, snapshot, refresh ---------------------------------------------------

PgStore::PgStore(const PgStoreOptions& options)
    : options_(options), location_(pg::RedactUrl(options.url)), pool_(options.url, options.pool_size),
      instance_id_(RandomInstanceId()) {
  if (!options_.log) options_.log = [](LogLevel l, const std::string& m) { Log(l, m); };
  if (!options_.clock) options_.clock = [] { return Now(); };
}

Result<std::unique_ptr<PgStore>> PgStore::Open(const PgStoreOptions& options) {
  std::unique_ptr<PgStore> s(new PgStore(options));
  {
    PV_ASSIGN_OR_RETURN(auto lease, s->pool_.Acquire());
    if (options.migrate) {
      PV_ASSIGN_OR_RETURN(pg::MigrateReport report, pg::Migrate(*lease));
      for (const auto& m : report.applied) s->options_.log(LogLevel::kInfo, "database migrated to " + m);
    } else {
      PV_RETURN_IF_ERROR(pg::CheckSchemaCurrent(*lease));
    }
    std::lock_guard lock(s->mu_);
    s->snapshot_.store(std::make_shared<const model::Tables>());
    PV_RETURN_IF_ERROR(s->RefreshLocked(*lease, /*all=*/true));
    if (!s->errors_.empty())
      return Status::InvalidArgument(FormatSourceError(s->errors_.front()) +
                                     "; fix the rows in the database (or import a valid data directory)");
  }
  s->listener_ = std::thread([p = s.get()] { p->ListenLoop(); });
  // Serve only once changes made elsewhere will be heard (a few ms; the
  // periodic check covers a listener that cannot connect).
  std::unique_lock lock(s->stop_mu_);
  s->stop_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return s->listening_; });
  return s;
}

PgStore::~PgStore() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (listener_.joinable()) listener_.join();
}

std::shared_ptr<const model::Tables> PgStore::Snapshot() const { return snapshot_.load(std::memory_order_acquire); }

void PgStore::Publish(std::shared_ptr<model::Tables> next) {
  next->BuildIndexes();
  const uint64_t generation = next->generation;
  snapshot_.store(std::shared_ptr<const model::Tables>(std::move(next)), std::memory_order_release);
  generation_.store(generation, std::memory_order_release);
  std::lock_guard lock(state_mu_);
  loaded_at_ = options_.clock();
}

StoreHealth PgStore::Health() const {
  StoreHealth h;
  h.backend = "postgresql";
  h.location = location_;
  auto snap = Snapshot();
  h.generation = snap->generation;
  h.warnings = snap->warnings.items();
  {
    std::lock_guard lock(mu_);
    h.reloads = reloads_;
    h.refusals = refusals_;
    h.errors = errors_;
  }
  std::lock_guard lock(state_mu_);
  h.loaded_at = loaded_at_;
  h.unavailable = unavailable_;
  return h;
}

Status PgStore::RefreshLocked(pg::Connection& c, bool all) {
  PV_ASSIGN_OR_RETURN(pg::Rows meta, c.Exec("SELECT generation FROM provisiond_meta"));
  const uint64_t generation = meta.empty() ? 0 : static_cast<uint64_t>(meta.Int(0, 0));
  if (!all && generation == Generation()) return Status::Ok();
  PV_ASSIGN_OR_RETURN(pg::Rows tables, c.Exec("SELECT name, generation, rewritten, columns::text FROM config_tables"));
  struct Stored {
    int64_t generation = 0, rewritten = 0;
    std::vector<std::string> columns;
  };
  std::map<std::string, Stored> stored;
  for (size_t i = 0; i < tables.size(); ++i)
    stored[std::string(tables.Get(i, 0))] = {tables.Int(i, 1), tables.Int(i, 2), ParseColumns(tables.Get(i, 3))};
  auto cur = Snapshot();
  auto next = std::make_shared<model::Tables>(*cur);
  std::vector<SourceError> errors;
  bool changed = false, whole = false;
  for (TableId id : kAllTables) {  // apps before postype: the decode order
    const Stored& st = stored[DbName(id)];
    auto known = table_generations_.find(id);
    const bool loaded = !all && known != table_generations_.end();
    if (loaded && known->second == st.generation) continue;
    std::optional<SourceError> err;
    if (loaded && id == TableId::kComputers && st.rewritten <= known->second) {
      // Rows written one at a time since: read only those.
      PV_ASSIGN_OR_RETURN(err, LoadComputerChanges(c, known->second, st.columns, next.get()));
      if (!err) columns_[id] = st.columns;
    } else {
      std::vector<std::string> columns;
      PV_ASSIGN_OR_RETURN(err, LoadTable(c, id, next.get(), &columns));
      if (!err) columns_[id] = std::move(columns);
      whole = true;
    }
    if (err) {
      CopyTable(id, *cur, next.get());
      err->at = options_.clock();
      errors.push_back(*err);
      continue;
    }
    table_generations_[id] = st.generation;
    changed = true;
  }
  for (const auto& e : errors) {
    bool known = std::any_of(errors_.begin(), errors_.end(),
                             [&](const SourceError& o) { return o.source == e.source && o.reason == e.reason; });
    if (!known) {
      ++refusals_;
      options_.log(LogLevel::kError, "database rows refused; the previous rows keep serving: " + FormatSourceError(e));
    }
  }
  errors_ = std::move(errors);
  if (!changed && generation == Generation()) return Status::Ok();
  next->generation = generation;
  // A whole table read again: its rows' findings again. Computer rows
  // changed one at a time passed the write rules (LoadComputerChanges drops
  // their old findings).
  if (whole) ComputeWarnings(next.get());
  if (!all) ++reloads_;
  Publish(std::move(next));
  cur.reset();
  if (whole) platform::ReturnFreeMemory();  // the load's JSON and CSV text (several times the rows)
  return Status::Ok();
}

Result<std::optional<SourceError>> PgStore::LoadComputerChanges(pg::Connection& c, int64_t since,
                                                                const std::vector<std::string>& columns,
                                                                model::Tables* t) {
  const std::string g = std::to_string(since);
  PV_ASSIGN_OR_RETURN(pg::Rows rows, c.Exec("SELECT gen, row_key, cells::text FROM config_rows WHERE table_name = "
                                            "'computers' AND gen > $1::bigint ORDER BY gen",
                                            {g}));
  PV_ASSIGN_OR_RETURN(pg::Rows removed, c.Exec("SELECT gen, row_key FROM config_removed WHERE table_name = "
                                               "'computers' AND gen > $1::bigint ORDER BY gen",
                                               {g}));
  // Both lists in generation order: a key removed and created again ends present.
  struct Change {
    int64_t gen;
    std::string key;
    std::optional<std::string> cells;  // nullopt: removed
  };
  std::vector<Change> changes;
  for (size_t i = 0; i < rows.size(); ++i)
    changes.push_back({rows.Int(i, 0), std::string(rows.Get(i, 1)), std::string(rows.Get(i, 2))});
  for (size_t i = 0; i < removed.size(); ++i)
    changes.push_back({removed.Int(i, 0), std::string(removed.Get(i, 1)), std::nullopt});
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.gen < b.gen; });
  for (const Change& ch : changes) {
    const model::Computer* old = t->FindComputerBySerial(ch.key);
    std::erase_if(t->warnings.Mutable(), [&](const model::LoadWarning& w) {
      return w.key == ch.key && w.file == FileNameOf(TableId::kComputers);
    });
    if (!ch.cells) {
      if (old != nullptr) t->EraseComputer(*t->PositionOf(old));
      continue;
    }
    // The row decoded as a one-row computers.csv: the rules of a CSV load.
    boost::system::error_code ec;
    json::value v = json::parse(*ch.cells, ec);
    const bool object = !ec && v.is_object();
    CsvTable one;
    one.header = columns;
    one.rows.push_back(object ? RowOf(v.as_object(), columns) : std::vector<std::string>(columns.size()));
    model::Tables decoded;
    if (auto err = DecodeFile(TableId::kComputers, WriteCsv(one, LiveFileWriteOptions()), &decoded);
        err || !object || decoded.computers.size() != 1) {
      SourceError e = err ? *err : SourceError{};
      e.source = "database table computers (row " + ch.key + ")";
      if (e.reason.empty()) e.reason = "the row's cells are not a JSON object";
      return std::optional<SourceError>(e);
    }
    if (old != nullptr) {
      t->SetComputer(*t->PositionOf(old), decoded.computers[0]);
    } else {
      t->AddComputer(decoded.computers[0]);
    }
  }
  return std::optional<SourceError>();
}

bool PgStore::CatchUp() {
  const uint64_t before = Generation();
  return RefreshNow().ok() && Generation() != before;
}

Status PgStore::RefreshNow() {
  auto lease = pool_.Acquire();
  if (!lease.ok()) return Failed(lease.status());
  std::lock_guard lock(mu_);
  return Failed(RefreshLocked(**lease, false));
}

// ---- configuration writes --------------------------------------------------------

Status PgStore::Write(TableId table, const MakeEdit& make) {
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  pg::Connection& c = *lease;
  std::lock_guard lock(mu_);
  std::shared_ptr<model::Tables> next;
  std::vector<std::string> columns;
  uint64_t generation = 0;
  Status s = pg::InTransaction(c, [&]() -> Status {
    PV_RETURN_IF_ERROR(c.Exec("SELECT pg_advisory_xact_lock($1)", {std::to_string(kWriteLock)}).status());
    // Another instance may have written since our snapshot: the edit must
    // see its rows (a version it bumped, a type it created).
    PV_RETURN_IF_ERROR(RefreshLocked(c, false));
    if (errors_.end() != std::find_if(errors_.begin(), errors_.end(), [&](const SourceError& e) {
          return e.source.starts_with("database table " + DbName(table) + " ");
        }))
      return Status::FailedPrecondition(FormatSourceError(errors_.front()) +
                                        "; the table holds rows that do not decode: fix them, then retry");
    PV_ASSIGN_OR_RETURN(TableEdit e, make(*Snapshot()));
    if (e.next == nullptr) return Status::Ok();
    const std::vector<std::string>& stored = columns_[table];
    PV_ASSIGN_OR_RETURN(generation, NextGeneration(c));
    const bool one_row = table == TableId::kComputers;
    if (one_row) {
      PV_RETURN_IF_ERROR(WriteComputer(c, e, stored, generation, &columns));
    } else {
      PV_RETURN_IF_ERROR(RewriteTable(c, table, *e.next, stored, generation, &columns));
    }
    PV_RETURN_IF_ERROR(PublishChange(c, generation, {{table, columns}}, !one_row));
    next = std::move(e.next);
    return Status::Ok();
  });
  if (!s.ok()) return Failed(s);
  NoteAvailable();
  if (next == nullptr) return Status::Ok();
  next->generation = generation;
  columns_[table] = std::move(columns);
  table_generations_[table] = static_cast<int64_t>(generation);
  // Apps, types and drivers change what the rules find; computer writes
  // keep their warnings current row by row (table_edits.cc).
  if (table == TableId::kApps || table == TableId::kTypeApps || table == TableId::kDrivers) ComputeWarnings(next.get());
  Publish(std::move(next));
  return Status::Ok();
}

Status PgStore::ReplaceTables(const model::Tables& t, const std::vector<TableId>& which) {
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  pg::Connection& c = *lease;
  std::lock_guard lock(mu_);
  Status s = pg::InTransaction(c, [&]() -> Status {
    PV_RETURN_IF_ERROR(c.Exec("SELECT pg_advisory_xact_lock($1)", {std::to_string(kWriteLock)}).status());
    PV_ASSIGN_OR_RETURN(uint64_t gen, NextGeneration(c));
    std::vector<std::pair<TableId, std::vector<std::string>>> written;
    for (TableId id : which) {
      std::vector<std::string> columns;
      // An import brings its own columns: the stored order does not carry over.
      PV_RETURN_IF_ERROR(RewriteTable(c, id, t, {}, gen, &columns));
      written.emplace_back(id, std::move(columns));
    }
    return PublishChange(c, gen, written, /*rewritten=*/true);
  });
  if (!s.ok()) return Failed(s);
  return Failed(RefreshLocked(c, false));
}

Status PgStore::WriteCsvFiles(const std::string& dir) const {
  auto snap = Snapshot();
  std::lock_guard lock(mu_);
  for (TableId id : kAllTables) {
    auto cols = columns_.find(id);
    std::vector<std::string> keep = cols != columns_.end() ? cols->second : std::vector<std::string>{};
    std::string path = dir + "/" + std::string(FileNameOf(id));
    if (auto e = platform::ReplaceFile(platform::PosixFs(), path, EncodeFile(id, *snap, keep), true); !e.ok())
      return Status::IoError(path, e.ToString());
  }
  return Status::Ok();
}

// ---- availability --------------------------------------------------------------

void PgStore::NoteUnavailable(const Status& s) const {
  std::lock_guard lock(state_mu_);
  if (!unavailable_.empty()) return;
  unavailable_ = s.message() + " (since " + FormatIso8601(options_.clock()) + ")";
  options_.log(LogLevel::kError, "database unavailable; reads serve the last snapshot, writes answer 503 until it is "
                                 "back: " + s.message());
}

void PgStore::NoteAvailable() const {
  std::lock_guard lock(state_mu_);
  if (unavailable_.empty()) return;
  unavailable_.clear();
  options_.log(LogLevel::kInfo, "database reachable again: " + location_);
}

Status PgStore::Failed(Status s) const {
  if (s.code() == StatusCode::kUnavailable) NoteUnavailable(s);
  return s;
}

void PgStore::SetRemoteDeploymentObserver(std::function<void(const model::Deployment&)> observer) {
  std::lock_guard lock(state_mu_);
  observer_ = std::move(observer);
}

Result<bool> PgStore::ClaimOnce(std::string_view job, std::string_view key) {
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  PV_ASSIGN_OR_RETURN(pg::Rows r, Failed(lease->Exec("INSERT INTO job_claims (job, key) VALUES ($1, $2) "
                                                     "ON CONFLICT DO NOTHING RETURNING 1",
                                                     {std::string(job), std::string(key)})));
  return !r.empty();
}

Result<size_t> PgStore::ApplyRetention() {
  const Timestamp now = options_.clock();
  PV_ASSIGN_OR_RETURN(bool mine, ClaimOnce("retention", FormatDay(now)));
  if (!mine) return size_t{0};
  const Timestamp cutoff = now - std::chrono::hours(24) * options_.retention_days;
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  PV_ASSIGN_OR_RETURN(pg::Rows r, Failed(lease->Exec("DELETE FROM deployments WHERE started < to_timestamp($1::bigint / 1000.0)",
                                                     {Ms(cutoff)})));
  (void)lease->Exec("DELETE FROM job_claims WHERE claimed_at < now() - interval '30 days'");
  return static_cast<size_t>(r.Affected());
}

void PgStore::PollRemoteDeployments(RemoteCursor* cursor) {
  std::function<void(const model::Deployment&)> observer;
  {
    std::lock_guard lock(state_mu_);
    observer = observer_;
  }
  if (!observer && cursor->newest_ms != 0) return;
  auto lease = pool_.Acquire(std::chrono::milliseconds(100));
  if (!lease.ok()) return;
  if (cursor->newest_ms == 0) {
    // From the start on (the database's clock, which stamps the changes):
    // an instance starting does not replay the history to its live stream.
    auto now = (*lease)->Exec("SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint");
    if (now.ok() && !now->empty()) cursor->newest_ms = now->Int(0, 0);
    return;
  }
  if (!observer) return;
  // Commits land out of their clock order by up to a transaction's length:
  // read again a window before the newest change seen, skip what was told.
  const int64_t since = cursor->newest_ms - 2000;
  auto r = (*lease)->Exec(std::string("SELECT ") + kDeploymentColumns +
                              ", (extract(epoch from changed_at) * 1000)::bigint FROM deployments "
                              "WHERE changed_at > to_timestamp($1::bigint / 1000.0) AND changed_by <> $2 "
                              "ORDER BY changed_at LIMIT 5000",
                          {std::to_string(since), instance_id_});
  if (!r.ok()) return;
  for (size_t i = 0; i < r->size(); ++i) {
    const int64_t at = r->Int(i, 22);
    cursor->newest_ms = std::max(cursor->newest_ms, at);
    Deployment d = DeploymentAt(*r, i);
    auto& told = cursor->told[d.id];
    if (told.first >= d.version) continue;
    told = {d.version, at};
    observer(d);
  }
  std::erase_if(cursor->told, [&](const auto& kv) { return kv.second.second < cursor->newest_ms - 10000; });
}

// The listener: one connection LISTENing for configuration changes. Config changes
// reload the snapshot; deployment changes of other instances go to the
// observer in the order they were committed. Reconnects with backoff.
void PgStore::ListenLoop() {
  std::unique_ptr<pg::Connection> conn;
  auto backoff = std::chrono::milliseconds(250);
  auto last_check = std::chrono::steady_clock::now();
  auto last_retention = std::chrono::steady_clock::time_point{};
  auto last_poll = std::chrono::steady_clock::time_point{};
  RemoteCursor remote;
  auto wait = [&](std::chrono::milliseconds d) {
    std::unique_lock lock(stop_mu_);
    return stop_cv_.wait_for(lock, d, [&] { return stopping_; });
  };
  for (;;) {
    {
      std::lock_guard lock(stop_mu_);
      if (stopping_) return;
    }
    if (conn == nullptr) {
      auto opened = pg::Connection::Open(options_.url);
      Status s = opened.ok() ? opened.value()->ExecScript(std::string("LISTEN ") + kConfigChannel) : opened.status();
      if (!s.ok()) {
        NoteUnavailable(s.code() == StatusCode::kUnavailable ? s : Status::Unavailable(s.message()));
        if (wait(backoff)) return;
        backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
        continue;
      }
      conn = std::move(opened).value();
      backoff = std::chrono::milliseconds(250);
      // After an outage the idle connections are dead but do not know it yet.
      pool_.DropIdle();
      if (RefreshNow().ok()) NoteAvailable();  // catch up on what changed while away
      if (remote.newest_ms == 0) PollRemoteDeployments(&remote);  // where the live stream starts
      {
        std::lock_guard lock(stop_mu_);
        listening_ = true;
      }
      stop_cv_.notify_all();
    }
    pollfd p{conn->Socket(), POLLIN, 0};
    const int slice = 200;  // ms: how quickly a stop is noticed
    int ready = ::poll(&p, 1, slice);
    std::vector<std::pair<std::string, std::string>> notes;
    if (ready != 0) {
      auto taken = conn->TakeNotifications();
      if (!taken.ok()) {
        NoteUnavailable(taken.status());
        conn.reset();
        continue;
      }
      notes = std::move(taken).value();
    }
    bool config = false;
    for (const auto& note : notes) config = config || note.first == kConfigChannel;
    const auto now = std::chrono::steady_clock::now();
    if (config || now - last_check >= options_.check_interval) {
      last_check = now;
      if (RefreshNow().ok()) NoteAvailable();
    }
    if (now - last_poll >= kDeploymentPoll) {
      last_poll = now;
      PollRemoteDeployments(&remote);
    }
    if (now - last_retention >= std::chrono::hours(1)) {
      last_retention = now;
      if (auto n = ApplyRetention(); n.ok() && *n > 0)
        options_.log(LogLevel::kInfo, "retention: " + std::to_string(*n) + " deployment(s) older than " +
                                          std::to_string(options_.retention_days) + " days deleted");
    }
  }
}

// ---- audit -------------------------------------------------------------------------

Status PgStore::AppendAudit(model::AuditEntry e) {
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  return Failed(lease
                    ->Exec("INSERT INTO audit_log (at, actor, role, address, action, route, target, before, after, "
                           "outcome, request_id) VALUES (to_timestamp($1::bigint / 1000.0), $2, $3, $4, $5, $6, $7, $8, "
                           "$9, $10, $11)",
                           {Ms(e.at), e.actor, e.role, e.address, e.action, e.route, e.target, e.before, e.after,
                            e.outcome, e.request_id})
                    .status());
}

namespace {

// WHERE clauses and their parameters, numbered as they are added.
struct Filter {
  std::string where;
  std::vector<Param> params;
  std::string Next(std::string value) {
    params.emplace_back(std::move(value));
    return "$" + std::to_string(params.size());
  }
  void Add(const std::string& clause) { where += (where.empty() ? " WHERE " : " AND ") + clause; }
};

std::string Paging(Filter* f, size_t offset, size_t limit) {
  std::string out = " OFFSET " + f->Next(std::to_string(offset)) + "::bigint";
  if (limit > 0) out += " LIMIT " + f->Next(std::to_string(limit)) + "::bigint";
  return out;
}

}  // namespace

Result<AuditPage> PgStore::ListAudit(const AuditQuery& q) const {
  Filter f;
  if (!Trim(q.actor).empty()) f.Add("lower(actor) = lower(" + f.Next(std::string(Trim(q.actor))) + ")");
  if (!q.action.empty()) f.Add("left(action, length(" + f.Next(q.action) + ")) = $" + std::to_string(f.params.size()));
  if (!Trim(q.text).empty()) {
    std::string p = f.Next(ToLower(Trim(q.text)));
    f.Add("(strpos(lower(target), " + p + ") > 0 OR strpos(lower(route), " + p + ") > 0)");
  }
  if (q.from) f.Add("at >= to_timestamp(" + f.Next(Ms(*q.from)) + "::bigint / 1000.0)");
  if (q.to) f.Add("at < to_timestamp(" + f.Next(Ms(*q.to)) + "::bigint / 1000.0)");
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  PV_ASSIGN_OR_RETURN(pg::Rows count, lease->Exec("SELECT count(*) FROM audit_log" + f.where, f.params));
  const std::string where = f.where;
  std::string paging = Paging(&f, q.offset, q.limit);
  PV_ASSIGN_OR_RETURN(pg::Rows r, lease->Exec("SELECT (extract(epoch from at) * 1000)::bigint, actor, role, address, "
                                              "action, route, target, before, after, outcome, request_id FROM audit_log" +
                                                  where + " ORDER BY seq DESC" + paging,
                                              f.params));
  AuditPage page;
  page.total = static_cast<size_t>(count.Int(0, 0));
  for (size_t i = 0; i < r.size(); ++i) {
    model::AuditEntry e;
    e.at = FromMs(r.Int(i, 0));
    e.actor = r.Get(i, 1);
    e.role = r.Get(i, 2);
    e.address = r.Get(i, 3);
    e.action = r.Get(i, 4);
    e.route = r.Get(i, 5);
    e.target = r.Get(i, 6);
    e.before = r.Get(i, 7);
    e.after = r.Get(i, 8);
    e.outcome = r.Get(i, 9);
    e.request_id = r.Get(i, 10);
    page.items.push_back(std::move(e));
  }
  return page;
}

// ---- deployments -------------------------------------------------------------------

Result<Deployment> PgStore::CreateDeployment(Deployment d) {
  PV_RETURN_IF_ERROR(CheckDeployment(d));
  if (Trim(d.id).empty()) return Status::InvalidArgument("deployment id is empty; give each deployment an id");
  d.version = 1;
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  Status s = pg::InTransaction(*lease, [&]() -> Status {
    auto r = lease->Exec(std::string("INSERT INTO deployments (id, serial, serial_key, computer_name, model, type, "
                                     "client_address, tls, tls_version, source, started, last_heartbeat, finished, "
                                     "phase, step, step_count, percent, status, final_message, warning_count, "
                                     "error_count, previous_id, version, changed_by) VALUES (") +
                             kDeploymentValues + ")",
                         DeploymentParams(d, instance_id_));
    if (!r.ok() && r.status().code() == StatusCode::kConflict)
      return Status::Conflict("deployment '" + d.id + "' exists; use a new id");
    return r.status();
  });
  if (!s.ok()) return Failed(s);
  return d;
}

Result<Deployment> PgStore::UpdateDeployment(Deployment d) {
  PV_RETURN_IF_ERROR(CheckDeployment(d));
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  Status s = pg::InTransaction(*lease, [&]() -> Status {
    PV_ASSIGN_OR_RETURN(pg::Rows r, lease->Exec(kDeploymentUpdate, DeploymentParams(d, instance_id_)));
    if (r.empty()) return StaleDeployment(*lease, d.id, d.version, "apply the change again");
    return Status::Ok();
  });
  if (!s.ok()) return Failed(s);
  d.version += 1;
  return d;
}

Result<bool> PgStore::AppendEvent(DeploymentEvent e) {
  PV_RETURN_IF_ERROR(CheckEvent(e));
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  return Failed(InsertEvent(*lease, e));
}

Result<RecordedEvent> PgStore::RecordEvent(DeploymentEvent e, Deployment next) {
  PV_RETURN_IF_ERROR(CheckEvent(e));
  PV_RETURN_IF_ERROR(CheckDeployment(next));
  if (next.id != e.deployment_id)
    return Status::InvalidArgument("deployment id '" + next.id + "' differs from the event's '" + e.deployment_id +
                                   "'; record an event with the state of its own deployment");
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  RecordedEvent out;
  Status s = pg::InTransaction(*lease, [&]() -> Status {
    // The unique (deployment, event id) decides a race between two
    // instances: the second insert waits for the first to commit, then
    // stores nothing.
    PV_ASSIGN_OR_RETURN(bool stored, InsertEvent(*lease, e));
    if (!stored) {
      out.stored = false;
      PV_ASSIGN_OR_RETURN(out.deployment, SelectDeployment(*lease, e.deployment_id));
      return Status::Ok();
    }
    PV_ASSIGN_OR_RETURN(pg::Rows r, lease->Exec(kDeploymentUpdate, DeploymentParams(next, instance_id_)));
    if (r.empty()) return StaleDeployment(*lease, next.id, next.version, "apply the event again");
    out.stored = true;
    next.version += 1;
    out.deployment = next;
    return Status::Ok();
  });
  if (!s.ok()) return Failed(s);
  return out;
}

Status PgStore::DeleteDeployment(std::string_view id_in, uint64_t expected_version) {
  const std::string id(id_in);
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  return Failed(pg::InTransaction(*lease, [&]() -> Status {
    PV_ASSIGN_OR_RETURN(pg::Rows r, lease->Exec("DELETE FROM deployments WHERE id = $1 AND version = $2::bigint "
                                                "RETURNING 1",
                                                {id, std::to_string(expected_version)}));
    if (r.empty()) return StaleDeployment(*lease, id, expected_version, "delete it again");
    return Status::Ok();
  }));
}

Result<Deployment> PgStore::GetDeployment(std::string_view id) const {
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  return Failed(SelectDeployment(*lease, id));
}

Result<std::vector<DeploymentEvent>> PgStore::EventsOf(std::string_view id) const {
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  PV_ASSIGN_OR_RETURN(pg::Rows exists, lease->Exec("SELECT 1 FROM deployments WHERE id = $1", {std::string(id)}));
  if (exists.empty()) return Status::NotFound("no deployment '" + std::string(id) + "'");
  PV_ASSIGN_OR_RETURN(pg::Rows r, lease->Exec(std::string("SELECT ") + kEventColumns +
                                                  " FROM deployment_events WHERE deployment_id = $1 ORDER BY seq",
                                              {std::string(id)}));
  std::vector<DeploymentEvent> out;
  out.reserve(r.size());
  for (size_t i = 0; i < r.size(); ++i) out.push_back(EventAt(r, i));
  return out;
}

Result<DeploymentPage> PgStore::ListDeployments(const DeploymentQuery& q) const {
  Filter f;
  if (q.status) f.Add("status = " + f.Next(std::string(model::StatusName(*q.status))));
  if (!Trim(q.type).empty()) f.Add("lower(trim(type)) = lower(" + f.Next(std::string(Trim(q.type))) + ")");
  if (!Trim(q.model).empty()) f.Add("strpos(lower(model), " + f.Next(ToLower(Trim(q.model))) + ") > 0");
  if (q.from) f.Add("started >= to_timestamp(" + f.Next(Ms(*q.from)) + "::bigint / 1000.0)");
  if (q.to) f.Add("started < to_timestamp(" + f.Next(Ms(*q.to)) + "::bigint / 1000.0)");
  if (!Trim(q.text).empty()) {
    std::string p = f.Next(ToLower(Trim(q.text)));
    f.Add("(strpos(lower(serial), " + p + ") > 0 OR strpos(lower(computer_name), " + p + ") > 0)");
  }
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  PV_ASSIGN_OR_RETURN(pg::Rows count, lease->Exec("SELECT count(*) FROM deployments" + f.where, f.params));
  const std::string where = f.where;
  std::string paging = Paging(&f, q.offset, q.limit);
  PV_ASSIGN_OR_RETURN(pg::Rows r, lease->Exec(std::string("SELECT ") + kDeploymentColumns + " FROM deployments" +
                                                  where + " ORDER BY started DESC, id" + paging,
                                              f.params));
  DeploymentPage page;
  page.total = static_cast<size_t>(count.Int(0, 0));
  for (size_t i = 0; i < r.size(); ++i) page.items.push_back(DeploymentAt(r, i));
  return page;
}

Result<std::optional<Deployment>> PgStore::LatestDeploymentForSerial(std::string_view serial) const {
  const std::string key = model::Tables::SerialKey(serial);
  if (key.empty()) return std::optional<Deployment>();
  PV_ASSIGN_OR_RETURN(auto lease, Failed(pool_.Acquire()));
  PV_ASSIGN_OR_RETURN(pg::Rows r, lease->Exec(std::string("SELECT ") + kDeploymentColumns +
                                                  " FROM deployments WHERE serial_key = $1 "
                                                  "ORDER BY started DESC, id DESC LIMIT 1",
                                              {key}));
  if (r.empty()) return std::optional<Deployment>();
  return std::optional<Deployment>(DeploymentAt(r, 0));
}

}  // namespace provisiond::store

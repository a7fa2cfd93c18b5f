#include "store/postgres/schema.h"

namespace provisiond::store::pg {

namespace {

// Version 1: the tables of a CSV data directory and the deployments.
// Configuration rows keep their CSV columns as JSON cells (config_rows), so
// a column added to a CSV file by hand survives an import and an export,
// and `provisiond db export` writes the files byte for byte as the CSV
// backend would; config_tables keeps each table's column order.
constexpr const char* kV1 = R"sql(
CREATE TABLE provisiond_meta (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  generation bigint NOT NULL DEFAULT 0
);
INSERT INTO provisiond_meta DEFAULT VALUES;

CREATE TABLE config_tables (
  name text PRIMARY KEY,
  columns jsonb NOT NULL DEFAULT '[]',
  generation bigint NOT NULL DEFAULT 0
);
INSERT INTO config_tables (name) VALUES
  ('computers'), ('postype'), ('apps'), ('drivers'), ('config'), ('locales'), ('networks'), ('users'),
  ('credentials');

CREATE TABLE config_rows (
  table_name text NOT NULL REFERENCES config_tables (name),
  pos bigint NOT NULL,
  row_key text,
  cells jsonb NOT NULL,
  PRIMARY KEY (table_name, pos)
);
CREATE UNIQUE INDEX config_rows_key ON config_rows (table_name, row_key) WHERE row_key IS NOT NULL;

CREATE TABLE deployments (
  id text PRIMARY KEY,
  serial text NOT NULL,
  serial_key text NOT NULL,
  computer_name text NOT NULL DEFAULT '',
  model text NOT NULL DEFAULT '',
  type text NOT NULL DEFAULT '',
  client_address text NOT NULL DEFAULT '',
  tls boolean NOT NULL DEFAULT false,
  tls_version text NOT NULL DEFAULT '',
  source text NOT NULL DEFAULT '',
  started timestamptz NOT NULL,
  last_heartbeat timestamptz NOT NULL,
  finished timestamptz,
  phase text NOT NULL DEFAULT '',
  step integer,
  step_count integer,
  percent integer NOT NULL DEFAULT 0,
  status text NOT NULL,
  final_message text NOT NULL DEFAULT '',
  warning_count integer NOT NULL DEFAULT 0,
  error_count integer NOT NULL DEFAULT 0,
  previous_id text NOT NULL DEFAULT '',
  version bigint NOT NULL
);
CREATE INDEX deployments_started ON deployments (started DESC, id);
CREATE INDEX deployments_serial ON deployments (serial_key, started DESC);

CREATE TABLE deployment_events (
  seq bigserial PRIMARY KEY,
  deployment_id text NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  event_id text NOT NULL,
  at timestamptz NOT NULL,
  phase text NOT NULL DEFAULT '',
  step integer,
  step_count integer,
  percent integer,
  level text NOT NULL,
  message text NOT NULL DEFAULT '',
  final_status text,
  UNIQUE (deployment_id, event_id)
);

CREATE TABLE audit_log (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL DEFAULT '',
  role text NOT NULL DEFAULT '',
  address text NOT NULL DEFAULT '',
  action text NOT NULL DEFAULT '',
  route text NOT NULL DEFAULT '',
  target text NOT NULL DEFAULT '',
  before text NOT NULL DEFAULT '',
  after text NOT NULL DEFAULT '',
  outcome text NOT NULL DEFAULT '',
  request_id text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
)sql";

// Version 2: work that must happen once across instances (a stale
// deployment's webhook, a retention pass) is claimed by inserting its key.
constexpr const char* kV2 = R"sql(
CREATE TABLE job_claims (
  job text NOT NULL,
  key text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job, key)
);
)sql";

// Version 3: computer rows carry the generation that wrote them, and
// removed keys are remembered, so another instance reloads only the rows
// that changed (one edit among 100k computers is one row to read, not the
// table); a whole-table rewrite (an import) is marked on config_tables.
// Deployments say when and by which instance they last changed: the other
// instances poll that for their live streams (a NOTIFY per event would
// serialise every commit on PostgreSQL's notification lock).
constexpr const char* kV3 = R"sql(
ALTER TABLE config_rows ADD COLUMN gen bigint NOT NULL DEFAULT 0;
CREATE INDEX config_rows_gen ON config_rows (table_name, gen);
CREATE TABLE config_removed (
  table_name text NOT NULL REFERENCES config_tables (name),
  row_key text NOT NULL,
  gen bigint NOT NULL,
  PRIMARY KEY (table_name, row_key)
);
CREATE INDEX config_removed_gen ON config_removed (table_name, gen);
ALTER TABLE config_tables ADD COLUMN rewritten bigint NOT NULL DEFAULT 0;
UPDATE config_tables SET rewritten = generation;
ALTER TABLE deployments ADD COLUMN changed_at timestamptz NOT NULL DEFAULT clock_timestamp();
ALTER TABLE deployments ADD COLUMN changed_by text NOT NULL DEFAULT '';
CREATE INDEX deployments_changed ON deployments (changed_at);
)sql";

constexpr int64_t kMigrateLock = 0x70766D6967;  // "pvmig": one migrator at a time

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> all = {
      {1, "configuration tables, deployments, events, audit log", kV1},
      {2, "job claims (work done once across instances)", kV2},
      {3, "row generations (instances reload only the computers that changed), deployment change times", kV3},
  };
  return all;
}

int LatestSchemaVersion() { return Migrations().back().version; }

Result<int> SchemaVersion(Connection& c) {
  PV_ASSIGN_OR_RETURN(pg::Rows t, c.Exec("SELECT to_regclass('provisiond_schema') IS NOT NULL"));
  if (t.Get(0, 0) != "t") return 0;
  PV_ASSIGN_OR_RETURN(pg::Rows v, c.Exec("SELECT coalesce(max(version), 0) FROM provisiond_schema"));
  return static_cast<int>(v.Int(0, 0));
}

namespace {

Status NewerThanBinary(int stored) {
  return Status::FailedPrecondition("the database schema is at version " + std::to_string(stored) +
                                    ", newer than this provisiond knows (" + std::to_string(LatestSchemaVersion()) +
                                    "): upgrade provisiond on this machine, or point it at another database");
}

}  // namespace

Result<MigrateReport> Migrate(Connection& c, std::optional<int> to) {
  const int target = to.value_or(LatestSchemaVersion());
  if (target < 0 || target > LatestSchemaVersion())
    return Status::InvalidArgument("--to " + std::to_string(target) + ": this provisiond knows versions 1 to " +
                                   std::to_string(LatestSchemaVersion()));
  MigrateReport report;
  Status s = InTransaction(c, [&]() -> Status {
    PV_RETURN_IF_ERROR(c.Exec("SELECT pg_advisory_xact_lock($1)", {std::to_string(kMigrateLock)}).status());
    PV_RETURN_IF_ERROR(c.ExecScript("CREATE TABLE IF NOT EXISTS provisiond_schema ("
                                    "version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), "
                                    "summary text NOT NULL DEFAULT '')"));
    PV_ASSIGN_OR_RETURN(int stored, SchemaVersion(c));
    report.from = report.to = stored;
    if (stored > LatestSchemaVersion()) return NewerThanBinary(stored);
    if (stored > target)
      return Status::FailedPrecondition("the database schema is at version " + std::to_string(stored) +
                                        ", above --to " + std::to_string(target) + "; migrations never go back");
    for (const Migration& m : Migrations()) {
      if (m.version <= stored || m.version > target) continue;
      PV_RETURN_IF_ERROR(c.ExecScript(m.sql));
      PV_RETURN_IF_ERROR(c.Exec("INSERT INTO provisiond_schema (version, summary) VALUES ($1, $2)",
                                {std::to_string(m.version), std::string(m.summary)})
                             .status());
      report.applied.push_back(std::to_string(m.version) + ": " + m.summary);
      report.to = m.version;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return report;
}

Status CheckSchemaCurrent(Connection& c) {
  PV_ASSIGN_OR_RETURN(int stored, SchemaVersion(c));
  if (stored == LatestSchemaVersion()) return Status::Ok();
  if (stored > LatestSchemaVersion()) return NewerThanBinary(stored);
  return Status::FailedPrecondition("the database schema is at version " + std::to_string(stored) + ", this provisiond needs " +
                                    std::to_string(LatestSchemaVersion()) + ": run `provisiond db migrate`");
}

}  // namespace provisiond::store::pg

#include "cli/db_command.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/options.h"
#include "platform/fs.h"
#include "store/csv/tables_csv.h"
#include "store/postgres/schema.h"

namespace provisiond::cli {
namespace {

namespace fs = std::filesystem;

// A private scratch directory removed on scope exit.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "provisiond-db-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The database's tables as a CSV data directory in `scratch`.
Status DumpTables(store::PgStore& db, const ScratchDir& scratch) {
  if (scratch.path().empty()) return Status::IoError(fs::temp_directory_path().string(), "cannot create a scratch directory");
  PV_RETURN_IF_ERROR(db.RefreshNow());
  return db.WriteCsvFiles(scratch.path());
}

// Writes the plan's files over the dump and replaces those tables in the database.
Status ApplyPlan(store::PgStore& db, const ScratchDir& scratch, const store::ImportPlan& plan) {
  PV_RETURN_IF_ERROR(store::ApplyImport(platform::PosixFs(), scratch.path(), plan, /*fsync=*/false));
  store::LoadedDir loaded = store::LoadDataDir(platform::PosixFs(), scratch.path());
  if (!loaded.errors.empty()) return Status::InvalidArgument(store::FormatSourceError(loaded.errors.front()));
  std::vector<store::TableId> tables;
  for (const auto& [id, text] : plan.files) tables.push_back(id);
  return db.ReplaceTables(loaded.tables, tables);
}

struct DbArgs {
  std::string verb;
  std::string from, to;
  std::optional<int> to_version;
  bool dry_run = false;
  store::ImportOptions import;
  std::string error;
};

DbArgs ParseDbArgs(const std::vector<std::string>& args) {
  DbArgs a;
  a.import.as_is = true;  // a data directory moves as its CSV store serves it
  for (size_t i = 0; i < args.size() && a.error.empty(); ++i) {
    const std::string& s = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) {
        a.error = s + " needs a value";
        return;
      }
      *out = args[++i];
    };
    if (a.verb.empty() && !s.starts_with("--")) {
      a.verb = s;
    } else if (s == "--from") {
      value(&a.from);
    } else if (s == "--to") {
      std::string v;
      value(&v);
      if (a.verb == "migrate") {
        int n = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || p != v.data() + v.size()) a.error = "--to: '" + v + "' is not a schema version";
        a.to_version = n;
      } else {
        a.to = v;
      }
    } else if (s == "--dry-run") {
      a.dry_run = true;
    } else if (s == "--mode") {
      std::string v;
      value(&v);
      auto m = store::ParseImportMode(v);
      if (m.ok()) a.import.mode = *m;
      else a.error = "--mode: " + m.status().message();
    } else {
      a.error = "unknown argument '" + s + "'";
    }
  }
  return a;
}

int Fail(std::string_view what, const Status& s) {
  std::cerr << "provisiond db " << what << ": " << s.message() << "\n";
  return 1;
}

Result<std::unique_ptr<store::PgStore>> OpenDatabase(const Config& config) {
  store::PgStoreOptions o;
  o.url = config.postgres_url;
  o.pool_size = 2;
  o.log = [](LogLevel level, const std::string& m) {
    if (level >= LogLevel::kWarning) std::cerr << m << "\n";
  };
  return store::PgStore::Open(o);
}

int RunMigrateOrStatus(const Config& config, const DbArgs& a) {
  auto c = store::pg::Connection::Open(config.postgres_url);
  if (!c.ok()) return Fail(a.verb, c.status());
  if (a.verb == "status") {
    auto v = store::pg::SchemaVersion(**c);
    if (!v.ok()) return Fail(a.verb, v.status());
    std::cout << "database: " << store::pg::RedactUrl(config.postgres_url) << "\nschema version: " << *v
              << " (this provisiond: " << store::pg::LatestSchemaVersion() << ")\n";
    if (*v == 0) std::cout << "not migrated: run `provisiond db migrate`\n";
    else if (*v < store::pg::LatestSchemaVersion()) std::cout << "behind: run `provisiond db migrate`\n";
    else if (*v > store::pg::LatestSchemaVersion()) std::cout << "newer than this provisiond: upgrade it\n";
    else std::cout << "up to date\n";
    return 0;
  }
  auto r = store::pg::Migrate(**c, a.to_version);
  if (!r.ok()) return Fail(a.verb, r.status());
  for (const auto& m : r->applied) std::cout << "applied " << m << "\n";
  std::cout << "schema version " << r->to << (r->applied.empty() ? " (already there; nothing to do)" : "") << "\n";
  return 0;
}

int RunImportCommand(const Config& config, const DbArgs& a) {
  if (a.from.empty()) return Fail("import", Status::InvalidArgument("give --from DIR|FILE.zip|FILE.csv"));
  auto db = OpenDatabase(config);
  if (!db.ok()) return Fail("import", db.status());
  ScratchDir scratch;
  if (Status s = DumpTables(**db, scratch); !s.ok()) return Fail("import", s);
  auto plan = store::PlanImport(platform::PosixFs(), scratch.path(), a.from, a.import);
  if (!plan.ok()) return Fail("import", plan.status());
  std::cout << store::FormatPlan(*plan);
  if (a.dry_run) {
    std::cout << "dry run: nothing changed; run again without --dry-run to import\n";
    return 0;
  }
  if (Status s = ApplyPlan(**db, scratch, *plan); !s.ok()) return Fail("import", s);
  std::cout << "imported into " << store::pg::RedactUrl(config.postgres_url) << " ("
            << store::ImportModeName(plan->mode) << ")\n";
  return 0;
}

int RunExportCommand(const Config& config, const DbArgs& a) {
  if (a.to.empty()) return Fail("export", Status::InvalidArgument("give --to DIR or --to FILE.zip"));
  auto db = OpenDatabase(config);
  if (!db.ok()) return Fail("export", db.status());
  ScratchDir scratch;
  if (Status s = DumpTables(**db, scratch); !s.ok()) return Fail("export", s);
  // The dump is a data directory: export it as `provisiond export` would.
  if (Status s = store::ExportData(platform::PosixFs(), scratch.path(), a.to, {}); !s.ok()) return Fail("export", s);
  std::cout << "exported " << store::pg::RedactUrl(config.postgres_url) << " to " << a.to << "\n";
  return 0;
}

}  // namespace

Result<store::ImportPlan> ImportTextsIntoDatabase(store::PgStore& db, const std::map<store::TableId, std::string>& texts,
                                                  store::ImportMode mode, bool apply,
                                                  std::vector<store::SourceError>* errors) {
  ScratchDir scratch;
  PV_RETURN_IF_ERROR(DumpTables(db, scratch));
  PV_ASSIGN_OR_RETURN(store::ImportPlan plan,
                      store::PlanImportTexts(platform::PosixFs(), scratch.path(), texts, mode, errors));
  if (apply) PV_RETURN_IF_ERROR(ApplyPlan(db, scratch, plan));
  return plan;
}

std::string DbHelp() {
  return "usage: provisiond db migrate [--to N] | status | import --from SOURCE [--mode merge|replace] [--dry-run]\n"
         "                     | export --to DIR|FILE.zip   [--config FILE]\n"
         "\n"
         "The PostgreSQL store ([data] backend = \"postgres\", postgres_url or PROVISIOND_POSTGRES_URL).\n"
         "  migrate   create or upgrade the schema (idempotent, one transaction; `serve` does it too);\n"
         "            --to N stops at version N. Refused when the database is newer than this binary.\n"
         "  status    the schema version of the database and of this binary\n"
         "  import    a CSV data directory (the original's data_csv/ included), a .zip or one CSV file:\n"
         "            prints the same diff as `provisiond import`; --dry-run changes nothing; else all\n"
         "            tables are written in one transaction. --mode replace removes rows not imported.\n"
         "  export    every table as the CSV files of a data directory (Excel, the original, backups)\n"
         "\n"
         "examples:\n"
         "  provisiond db migrate --config /etc/provisiond/provisiond.toml\n"
         "  provisiond db import --from /var/lib/provisiond/data_csv --dry-run\n"
         "  provisiond db export --to tables-$(date +%F).zip\n"
         "\n"
         "exit status: 0 done, 1 refused or failed (nothing changed), 2 bad usage\n";
}

int RunDb(std::vector<std::string> args) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::cout << DbHelp();
      return 0;
    }
  Config config;
  if (Status s = LoadEffectiveConfig(&args, false, &config); !s.ok()) {
    std::cerr << "provisiond db: " << s.message() << "\n";
    return 2;
  }
  DbArgs a = ParseDbArgs(args);
  if (!a.error.empty() || a.verb.empty()) {
    std::cerr << "provisiond db: " << (a.error.empty() ? "give migrate, status, import or export" : a.error) << "\n\n"
              << DbHelp();
    return 2;
  }
  if (config.postgres_url.empty()) {
    std::cerr << "provisiond db: no database: set [data] postgres_url in the config file (--config FILE) or "
                 "PROVISIOND_POSTGRES_URL\n";
    return 2;
  }
  if (a.verb == "migrate" || a.verb == "status") return RunMigrateOrStatus(config, a);
  if (a.verb == "import") return RunImportCommand(config, a);
  if (a.verb == "export") return RunExportCommand(config, a);
  std::cerr << "provisiond db: unknown verb '" << a.verb << "'\n\n" << DbHelp();
  return 2;
}

}  // namespace provisiond::cli

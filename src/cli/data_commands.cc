#include "cli/data_commands.h"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/app.h"
#include "model/setting_rules.h"
#include "platform/fs.h"
#include "store/csv/tables_csv.h"
#include "store/csv/transfer.h"

namespace provisiond::cli {
namespace {

struct Args {
  std::string data_dir = "data";
  std::vector<std::string> positional;
  std::vector<std::string> flags;
  std::string error;
  bool Has(std::string_view f) const {
    for (const auto& x : flags)
      if (x == f) return true;
    return false;
  }
};

// Parses argv[1..]: `--data-dir DIR` (or --data-dir=DIR), other --flags
// from `known`, positionals. Unknown flags are a usage error.
Args Parse(int argc, char** argv, const std::vector<std::string_view>& known) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string_view s = argv[i];
    if (s == "--data-dir") {
      if (i + 1 >= argc) {
        a.error = "--data-dir needs a directory";
        return a;
      }
      a.data_dir = argv[++i];
    } else if (s.starts_with("--data-dir=")) {
      a.data_dir = std::string(s.substr(11));
    } else if (s.starts_with("--")) {
      bool ok = false;
      for (auto k : known) ok = ok || k == s;
      if (!ok) {
        a.error = "unknown option " + std::string(s);
        return a;
      }
      a.flags.emplace_back(s);
    } else {
      a.positional.emplace_back(s);
    }
  }
  return a;
}

int Usage(const char* usage, const std::string& error) {
  if (!error.empty()) std::fprintf(stderr, "error: %s\n", error.c_str());
  std::fprintf(stderr, "usage: %s\n", usage);
  return 2;
}

}  // namespace

int RunExport(int argc, char** argv) {
  const char* usage = "provisiond export [--data-dir DIR] [--bom] [--semicolon] DEST_DIR|FILE.zip";
  Args a = Parse(argc, argv, {"--bom", "--semicolon", "--help"});
  if (!a.error.empty() || a.Has("--help") || a.positional.size() != 1) return Usage(usage, a.error);
  if (Status s = CheckDataDir(a.data_dir); !s.ok()) {
    std::fprintf(stderr, "export failed: %s\n", s.message().c_str());
    return 1;
  }
  store::ExportOptions o;
  o.bom = a.Has("--bom");
  o.delimiter = a.Has("--semicolon") ? ';' : ',';
  Status s = store::ExportData(platform::PosixFs(), a.data_dir, a.positional[0], o);
  if (!s.ok()) {
    std::fprintf(stderr, "export failed: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("exported %s to %s\n", a.data_dir.c_str(), a.positional[0].c_str());
  return 0;
}

constexpr const char* kImportHelp =
    "usage: provisiond import [--data-dir DIR] [--mode merge|replace] [--table NAME] [--dry-run | --apply] SOURCE\n"
    "\n"
    "Imports configuration tables into the data directory. Without --apply it only shows\n"
    "what would change (a dry run). SOURCE is one of:\n"
    "  FILE.csv   one table; which one is found from its header (or give --table); a merge\n"
    "             file may hold only the key column(s) and the columns it changes\n"
    "  DIR        every table file in it, found by name (computers.csv, postype.csv, apps.csv,\n"
    "             drivers.csv, config.csv, locales.csv, networks.csv, users.csv)\n"
    "  FILE.zip   the same inside an archive (e.g. made by `provisiond export`)\n"
    "Files may use ',' or ';', a UTF-8 BOM and CRLF line ends (Excel); the formula prefixes that\n"
    "export adds are removed. Every file is validated first: one invalid file refuses the import.\n"
    "\n"
    "options:\n"
    "  --data-dir DIR   the data directory to import into (default: ./data, or the config file's)\n"
    "  --mode merge     the default: a row whose key is in the import is updated (only the columns\n"
    "                   the file has; the others keep their values), a new key is added, and rows\n"
    "                   the import does not name are kept. Keys: computers serial, postype\n"
    "                   (postype, application), apps name, drivers (model_regex, os_regex, url),\n"
    "                   config key, locales country, networks network, users username.\n"
    "  --mode replace   each imported table replaces the whole current table: rows not in the\n"
    "                   import are REMOVED (the dry run lists them under \"REMOVED: N rows\")\n"
    "  --table NAME     the table a single CSV file holds, when its header does not tell:\n"
    "                   computers, postype, apps, drivers, config, locales, networks, users\n"
    "  --dry-run        show the changes (+ added, ~ changed, REMOVED block), change nothing (the default)\n"
    "  --apply          write the changes, all files or none; a running service loads them\n"
    "                   within its reload interval\n"
    "  --help           this text\n"
    "\n"
    "examples:\n"
    "  provisiond import --data-dir var/data_csv new-computers.csv             # dry run of a merge\n"
    "  provisiond import --data-dir var/data_csv new-computers.csv --apply     # add/update those computers\n"
    "  provisiond import --data-dir var/data_csv --table apps apps-fr.csv --apply\n"
    "  provisiond import --data-dir var/data_csv --mode replace backup.zip     # what a restore would remove\n"
    "  provisiond import --data-dir var/data_csv --mode replace backup.zip --apply\n"
    "\n"
    "exit status: 0 done (or dry run shown), 1 refused or failed (nothing changed), 2 bad usage\n";

// --mode and --table take a value: taken out of argv before Parse (which
// knows only flags and --data-dir).
struct ImportArgs {
  store::ImportOptions options;
  std::vector<std::string> rest;  // argv without them, argv[0] first
  std::string error;
};

ImportArgs TakeImportOptions(int argc, char** argv) {
  ImportArgs out;
  out.rest.emplace_back(argc > 0 ? argv[0] : "import");
  for (int i = 1; i < argc && out.error.empty(); ++i) {
    std::string_view s = argv[i];
    std::string_view name = s.substr(0, s.find('='));
    if (name != "--mode" && name != "--table") {
      out.rest.emplace_back(s);
      continue;
    }
    std::string value;
    if (name.size() < s.size()) {
      value = std::string(s.substr(name.size() + 1));
    } else if (i + 1 < argc && !std::string_view(argv[i + 1]).starts_with("--")) {
      value = argv[++i];
    } else {
      out.error = std::string(name) + (name == "--mode" ? " needs merge or replace" : " needs a table name");
      break;
    }
    if (name == "--mode") {
      auto mode = store::ParseImportMode(value);
      if (mode.ok()) out.options.mode = *mode;
      else out.error = "--mode: " + mode.status().message();
    } else {
      auto table = store::ParseTableName(value);
      if (table.ok()) out.options.table = *table;
      else out.error = "--table: " + table.status().message();
    }
  }
  return out;
}

int RunImport(int argc, char** argv) {
  const char* usage =
      "provisiond import [--data-dir DIR] [--mode merge|replace] [--table NAME] [--dry-run | --apply] "
      "FILE.csv|DIR|FILE.zip (details: provisiond import --help)";
  ImportArgs ia = TakeImportOptions(argc, argv);
  std::vector<char*> rest;
  for (auto& r : ia.rest) rest.push_back(r.data());
  Args a = Parse(static_cast<int>(rest.size()), rest.data(), {"--dry-run", "--apply", "--help"});
  if (a.Has("--help")) {
    std::fputs(kImportHelp, stdout);
    return 0;
  }
  if (!ia.error.empty()) return Usage(usage, ia.error);
  if (!a.error.empty() || a.positional.size() != 1)
    return Usage(usage, a.error.empty() ? "give one SOURCE (a .csv file, a directory or a .zip)" : a.error);
  if (a.Has("--dry-run") && a.Has("--apply")) return Usage(usage, "--dry-run and --apply exclude each other");
  auto plan = store::PlanImport(platform::PosixFs(), a.data_dir, a.positional[0], ia.options);
  if (!plan.ok()) {
    std::fprintf(stderr, "import refused: %s\n", plan.status().ToString().c_str());
    return 1;
  }
  std::fputs(store::FormatPlan(*plan).c_str(), stdout);
  if (!a.Has("--apply")) {
    std::printf("dry run: nothing changed; run again with --apply to import\n");
    return 0;
  }
  Status s = store::ApplyImport(platform::PosixFs(), a.data_dir, *plan);
  if (!s.ok()) {
    std::fprintf(stderr, "import failed: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("imported into %s (%s)\n", a.data_dir.c_str(), std::string(store::ImportModeName(plan->mode)).c_str());
  return 0;
}

int RunCheck(int argc, char** argv) {
  const char* usage = "provisiond check [--data-dir DIR]";
  Args a = Parse(argc, argv, {"--help"});
  if (!a.error.empty() || a.Has("--help") || !a.positional.empty()) return Usage(usage, a.error);
  // A missing directory would load as empty tables and read "ok".
  if (Status s = CheckDataDir(a.data_dir); !s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.message().c_str());
    return 1;
  }
  store::LoadedDir loaded = store::LoadDataDir(platform::PosixFs(), a.data_dir);
  for (const auto& w : loaded.tables.warnings)
    std::printf("warning: %s: line %d: %s\n", w.file.c_str(), w.line, w.message.c_str());
  // config.csv against the settings schema: what serve tolerates (the
  // default is used) and reports in the status route.
  auto settings = model::CheckConfig(loaded.tables.config.items(), loaded.tables.config_lines.items());
  for (const auto& p : settings) std::printf("warning: config.csv: line %d: %s\n", p.line, p.message.c_str());
  for (const auto& e : loaded.errors) std::fprintf(stderr, "error: %s\n", store::FormatSourceError(e).c_str());
  if (!loaded.errors.empty()) return 1;
  // Warnings are rows the write rules refuse (store/write_rules.h) that a
  // hand-edited file may hold: the data serves, but it is not "ok". So are
  // the notes on what Excel leaves (blank rows), though nothing needs fixing.
  const size_t warnings = loaded.tables.warnings.size() + settings.size();
  size_t notes = 0;
  for (const auto& [id, meta] : loaded.files) notes += meta.notes.size();
  const char* verdict = warnings == 0       ? "ok"
                        : warnings == notes ? "loads, with warnings: notes above on what Excel left, skipped"
                                            : "loads, with warnings: rows above that the API would refuse, fix them";
  std::printf("%s: %s (%zu computers, %zu apps, %zu driver rules, %zu types, %zu warnings)\n", a.data_dir.c_str(),
              verdict,
              loaded.tables.computers.size(), loaded.tables.apps.size(), loaded.tables.drivers.size(),
              loaded.tables.TypeNames().size(), warnings);
  return 0;
}

}  // namespace provisiond::cli

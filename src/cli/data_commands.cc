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

int RunImport(int argc, char** argv) {
  const char* usage = "provisiond import [--data-dir DIR] [--dry-run | --apply] SOURCE_DIR|FILE.zip";
  Args a = Parse(argc, argv, {"--dry-run", "--apply", "--help"});
  if (!a.error.empty() || a.Has("--help") || a.positional.size() != 1) return Usage(usage, a.error);
  if (a.Has("--dry-run") && a.Has("--apply")) return Usage(usage, "--dry-run and --apply exclude each other");
  auto plan = store::PlanImport(platform::PosixFs(), a.data_dir, a.positional[0]);
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
  std::printf("imported into %s\n", a.data_dir.c_str());
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
  auto settings = model::CheckConfig(loaded.tables.config.items());
  for (const auto& p : settings) std::printf("warning: config.csv: line %d: %s\n", p.line, p.message.c_str());
  for (const auto& e : loaded.errors) std::fprintf(stderr, "error: %s\n", store::FormatSourceError(e).c_str());
  if (!loaded.errors.empty()) return 1;
  std::printf("%s: ok (%zu computers, %zu apps, %zu driver rules, %zu types, %zu warnings)\n", a.data_dir.c_str(),
              loaded.tables.computers.size(), loaded.tables.apps.size(), loaded.tables.drivers.size(),
              loaded.tables.TypeNames().size(), loaded.tables.warnings.size() + settings.size());
  return 0;
}

}  // namespace provisiond::cli

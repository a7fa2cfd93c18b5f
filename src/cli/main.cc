#include "cli/main.h"

#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/access_commands.h"
#include "cli/app.h"
#include "cli/backup.h"
#include "cli/config.h"
#include "cli/data_commands.h"
#include "cli/db_command.h"
#include "cli/iis_config.h"
#include "cli/keys_command.h"
#include "cli/launchers_command.h"
#include "cli/options.h"

namespace provisiond::cli {
namespace {

constexpr const char* kUsage =
    "usage: provisiond <command> [options]\n\n"
    "Provisioning web service for Windows deployments with Tanium Provision.\n\n"
    "commands:\n"
    "  init      create a data directory: `provisiond init DIR [--sample]`\n"
    "  serve     run the service (default port 12176); see `provisiond serve --help`\n"
    "  routes    list every route: method, path, access group, permission, summary\n"
    "  config    print the effective configuration (file + environment + flags)\n"
    "  iis-config --backend URL [--prefix /provision]   the IIS web.config (URL Rewrite + ARR)\n"
    "  check     validate the data directory and print warnings\n"
    "  db        the PostgreSQL store: migrate, status, import --from DIR, export --to DIR|ZIP\n"
    "  export    export the tables to a directory or .zip\n"
    "  import    import tables (dry run prints the diff; --apply to write)\n"
    "  launchers --out DIR|FILE.zip [--ws-base URL]     the bundle's four hook launchers, generated\n"
    "  backup    consistent copy of the data directory into a zip, server running or not:\n"
    "            `provisiond backup --out FILE.zip [--with-keys]` (doc/backup.md)\n"
    "  restore   check a backup, then swap it in all or nothing (server stopped):\n"
    "            `provisiond restore --from FILE.zip [--dry-run] [--with-keys]`\n"
    "  keys      root key, CSR, certificate issue and rotation; `provisiond keys --help`\n"
    "  users     who may sign in: list, add, passwd, role, disable, enable, delete\n"
    "  tokens    API tokens for automation: list, create --role R, revoke ID\n"
    "  endpoint-keys  keys the bundle's launchers send: list, create, revoke ID\n"
    "  version   print the version\n\n"
    "`provisiond <command> --help` explains every option of a command, with examples.\n\n"
    "options every command takes:\n";

int RunConfig(std::vector<std::string> args) {
  Config config;
  if (Status s = LoadEffectiveConfig(&args, true, &config); !s.ok()) {
    std::cerr << "provisiond config: " << s.message() << "\n";
    return 2;
  }
  std::cout << DescribeConfig(config);
  return 0;
}

// Runs a command that takes (argc, argv) after resolving --config and
// --data-dir the way serve does (file < environment < flag), so every
// command sees the same data directory.
int RunWithDataDir(const std::string& name, std::vector<std::string> args, int (*run)(int, char**),
                   bool keys) {
  Config config;
  if (Status s = LoadEffectiveConfig(&args, false, &config); !s.ok()) {
    std::cerr << "provisiond " << name << ": " << s.message() << "\n";
    return 2;
  }
  if (config.backend == "postgres" && name != "keys") {
    // These read and write the CSV files, which a postgres site does not serve.
    std::cerr << "provisiond " << name << ": this configuration keeps the tables in PostgreSQL (data.backend = "
              << "\"postgres\"): use `provisiond db export --to DIR|FILE.zip` / `provisiond db import --from SOURCE`, "
              << "and pg_dump for backups (doc/postgres.md)\n";
    return 2;
  }
  std::vector<std::string> full = {name};
  full.insert(full.end(), args.begin(), args.end());
  full.push_back("--data-dir");
  full.push_back(config.data_dir);
  if (keys && !config.keys_dir.empty()) {
    full.push_back("--keys-dir");
    full.push_back(config.keys_dir);
  }
  std::vector<char*> argv;
  for (auto& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  return run(static_cast<int>(full.size()), argv.data());
}

}  // namespace

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage << CommonFlagsHelp();
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "serve") return RunServe(std::move(rest));
  if (command == "init") return RunInit(std::move(rest));
  bool asks_help = !rest.empty() && (rest[0] == "--help" || rest[0] == "-h");
  bool any_help = false;
  for (const auto& a : rest) any_help = any_help || a == "--help" || a == "-h";
  using HelpText = std::string (*)();
  const std::pair<const char*, HelpText> helps[] = {
      {"routes", RoutesHelp}, {"config", ConfigHelp}, {"check", CheckHelp}, {"export", ExportHelp}};
  for (const auto& [name, text] : helps) {
    if (command == name && any_help) {
      std::cout << text();
      return 0;
    }
  }
  if (command == "routes") return RunRoutes(std::move(rest));
  if (command == "db") return RunDb(std::move(rest));
  if (command == "users") return RunUsers(std::move(rest));
  if (command == "tokens") return RunTokens(std::move(rest));
  if (command == "endpoint-keys") return RunEndpointKeys(std::move(rest));
  if (command == "config") return RunConfig(std::move(rest));
  if (command == "launchers") return RunLaunchers(std::move(rest));
  if (command == "iis-config") return RunIisConfig(argc - 1, argv + 1);
  // `keys` alone prints its usage too.
  if (command == "keys") return rest.empty() || asks_help ? RunKeys(argc - 1, argv + 1) : RunWithDataDir("keys", rest, RunKeys, true);
  if (command == "export") return RunWithDataDir("export", rest, RunExport, false);
  if (command == "import") return RunWithDataDir("import", rest, RunImport, false);
  if (command == "check") return RunWithDataDir("check", rest, RunCheck, false);
  if (command == "backup") return RunWithDataDir("backup", rest, RunBackup, true);
  if (command == "restore") return RunWithDataDir("restore", rest, RunRestore, true);
  if (command == "version" || command == "--version") {
    std::cout << "provisiond " << PROVISIOND_VERSION << "\n";
    return 0;
  }
  std::cerr << "provisiond: unknown command '" << command << "'\n\n" << kUsage << CommonFlagsHelp();
  return 2;
}

}  // namespace provisiond::cli

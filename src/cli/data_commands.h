// `provisiond export | import | check`: the data directory from the command
// line. argv[0] is the subcommand name. Each returns the exit code: 0 ok,
// 1 failure (message on stderr), 2 bad usage (usage on stderr).
//   export [--data-dir DIR] [--bom] [--semicolon] DEST_DIR|FILE.zip
//   import [--data-dir DIR] [--mode merge|replace] [--table NAME] [--dry-run | --apply]
//          FILE.csv|SOURCE_DIR|FILE.zip   (import --help: every option, examples)
//   check  [--data-dir DIR]
// --data-dir defaults to ./data. import prints the diff; only --apply writes.
#pragma once

namespace provisiond::cli {

int RunExport(int argc, char** argv);
int RunImport(int argc, char** argv);
int RunCheck(int argc, char** argv);

}  // namespace provisiond::cli

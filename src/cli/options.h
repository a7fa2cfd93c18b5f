// Command-line options shared by every command: --config, --data-dir, and
// for serve the listener, log and TLS flags. Parsing is separate from the
// commands so `--help` texts and precedence live in one place.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "cli/config.h"

namespace provisiond::cli {

// Loads the config in precedence order: defaults < --config FILE (or
// ./provisiond.toml if present) < environment < flags in `args`. Consumes
// the flags it knows from `args`; the rest are left for the command.
// `serve_flags`: also accept serve's listener/log/TLS flags.
Status LoadEffectiveConfig(std::vector<std::string>* args, bool serve_flags, Config* config);

// The serve/keys options the user gave (--config, --data-dir, --keys-dir,
// as written) as " --config F --data-dir D", for the follow-up commands an
// error message prints: copying them then works.
std::string GivenDirOptions(const std::vector<std::string>& args);

// `text` with `options` appended to each `provisiond <command> [verb] ...`
// it names (up to the end of the line or a closing backquote).
std::string WithOptions(std::string text, std::string_view options);

// `v` as a shell word: in single quotes when it holds a space, quote or $.
std::string Quoted(const std::string& v);

// The text `provisiond serve --help` prints.
std::string ServeHelp();
// `provisiond <command> --help`: every option with an example.
std::string InitHelp();
std::string RoutesHelp();
std::string ConfigHelp();
std::string CheckHelp();
std::string ExportHelp();
std::string CommonFlagsHelp();

}  // namespace provisiond::cli

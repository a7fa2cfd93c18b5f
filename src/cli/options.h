// Command-line options shared by every command: --config, --data-dir, and
// for serve the listener, log and TLS flags. Parsing is separate from the
// commands so `--help` texts and precedence live in one place.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "cli/config.h"

namespace provisiond::cli {

// Loads the config in precedence order: defaults < --config FILE (or
// ./provisiond.toml if present) < environment < flags in `args`. Consumes
// the flags it knows from `args`; the rest are left for the command.
// `serve_flags`: also accept serve's listener/log/TLS flags.
Status LoadEffectiveConfig(std::vector<std::string>* args, bool serve_flags, Config* config);

// The text `provisiond serve --help` prints.
std::string ServeHelp();
std::string CommonFlagsHelp();

}  // namespace provisiond::cli

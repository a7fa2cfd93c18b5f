// The provisiond command line: serve | routes | keys | import | export | check.
#pragma once

namespace provisiond::cli {
// Returns the process exit code: 0 ok, 1 failure, 2 bad usage or config.
int Main(int argc, char** argv);
}  // namespace provisiond::cli

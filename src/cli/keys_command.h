// `provisiond keys <verb> ...`: root key, service key + CSR, issuing,
// rotation, show and verify over the keys directory (pki/keys_dir.h).
#pragma once

namespace provisiond::cli {

// argv[0] == "keys", argv[1] the verb. Prints results to stdout and errors
// to stderr. Returns 0 ok, 1 failure (message says why and how to fix),
// 2 bad usage (usage printed).
int RunKeys(int argc, char** argv);

}  // namespace provisiond::cli

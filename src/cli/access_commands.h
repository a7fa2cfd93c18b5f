// `provisiond users | tokens | endpoint-keys`: who may sign in and which
// secrets automation and endpoints use, on the data directory (a running
// server picks the change up within its reload interval). Exit codes: 0 ok,
// 1 failure (message on stderr), 2 bad usage. Passwords are read from the
// terminal without echo, or one line from stdin.
//   users list | add NAME [--role R] | passwd NAME | role NAME ROLE |
//         disable NAME | enable NAME | delete NAME
//   tokens list | create --role R [--expires 90d] [--note TEXT] | revoke ID
//   endpoint-keys list | create [--name N] [--variables] [--expires 365d] | revoke ID
#pragma once

#include <string>
#include <vector>

namespace provisiond::cli {

int RunUsers(std::vector<std::string> args);
int RunTokens(std::vector<std::string> args);
int RunEndpointKeys(std::vector<std::string> args);

std::string UsersHelp();
std::string TokensHelp();
std::string EndpointKeysHelp();

}  // namespace provisiond::cli

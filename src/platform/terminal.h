// Reading a secret (a password) from the terminal without echo, or a line
// from standard input when it is not a terminal (scripts, tests).
#pragma once

#include <optional>
#include <string>

namespace provisiond::platform {

// Prints `prompt` to stderr when stdin is a terminal and reads one line
// with echo off; otherwise reads one line from stdin. The line ending is
// removed. nullopt at end of input.
std::optional<std::string> ReadSecretLine(const std::string& prompt);

bool StdinIsTerminal();

// The login name of the user running the command ("" if unknown).
std::string CurrentUserName();

}  // namespace provisiond::platform

#include "platform/terminal.h"

#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace provisiond::platform {

std::optional<std::string> ReadSecretLine(const std::string& prompt) {
  const bool tty = isatty(STDIN_FILENO) == 1;
  termios old{};
  if (tty) {
    std::fprintf(stderr, "%s", prompt.c_str());
    std::fflush(stderr);
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

bool StdinIsTerminal() { return isatty(STDIN_FILENO) == 1; }

std::string CurrentUserName() {
  if (const passwd* pw = getpwuid(geteuid())) return pw->pw_name;
  return "";
}

}  // namespace provisiond::platform

#include <csignal>

#include "platform/process.h"

namespace provisiond::platform {

void IgnoreBrokenPipe() { std::signal(SIGPIPE, SIG_IGN); }

}  // namespace provisiond::platform

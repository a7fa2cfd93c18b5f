#include "platform/process.h"

#include <malloc.h>

#include <csignal>

namespace provisiond::platform {

void IgnoreBrokenPipe() { std::signal(SIGPIPE, SIG_IGN); }

void ReturnFreeMemory() { malloc_trim(0); }

}  // namespace provisiond::platform

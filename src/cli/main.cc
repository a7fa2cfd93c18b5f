#include "cli/main.h"

#include <cstdio>

namespace provisiond::cli {
int Main(int, char**) {
  std::puts("provisiond: not yet");
  return 0;
}
}  // namespace provisiond::cli

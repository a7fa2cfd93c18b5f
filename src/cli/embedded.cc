#include "cli/embedded.h"

namespace provisiond::cli {

std::string_view LauncherTemplate() {
  for (const auto& f : LauncherTemplates())
    if (f.name == "launcher.ps1") return f.contents;
  return {};
}

}  // namespace provisiond::cli

// Files built into the binary (see cmake/embed_files.cmake).
#pragma once

#include <string_view>
#include <vector>

namespace provisiond::cli {

struct EmbeddedFile {
  std::string_view name;
  std::string_view contents;
};

// data/sample/*.csv: the data directory a first start creates.
const std::vector<EmbeddedFile>& SampleDataFiles();

// scripts/provision/*: the default customer scripts served under /file/Provision/.
const std::vector<EmbeddedFile>& ProvisionScripts();

// scripts/launchers/launcher.ps1: the template of the bundle's launchers.
const std::vector<EmbeddedFile>& LauncherTemplates();
// Its launcher.ps1 ("" if the build left it out).
std::string_view LauncherTemplate();

}  // namespace provisiond::cli

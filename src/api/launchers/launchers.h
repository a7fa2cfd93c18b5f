// The four hook launchers Tanium Provision runs from the bundle's Other
// Files, generated from one template (scripts/launchers/launcher.ps1) with
// the service's address, the endpoint bundle key and the pinned root
// fingerprints filled in, so nobody edits them by hand. Pure: the same
// input gives the same bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/zip_archive.h"
#include "base/status.h"

namespace provisiond::api::launchers {

// Tanium's customer-script hooks, in the order they run.
inline constexpr std::string_view kHooks[] = {"Customer-PE-Pre.ps1", "Customer-PE.ps1", "Customer-Pre.ps1",
                                              "Customer.ps1"};

// Entries' mtime in the archive: the time_t whose local time is 2020-01-01
// 00:00:00. A zip stores local date and time fields, so this keeps them the
// same bytes on every machine, whatever its time zone.
std::time_t ArchiveMtime();

struct LauncherInput {
  std::string ws_base;                    // "https://prov.example:12176[/prefix]"
  std::string bundle_key;                 // "" when machine routes are unkeyed
  std::vector<std::string> root_sha256;   // pinned roots (hex, any case, ':' allowed); empty: no pinning
  std::string version;                    // provisiond's version, written in the header
};

// `ws_base` checked and normalised (scheme and host lower-cased, no
// trailing '/'); InvalidArgument naming the field and how to fix it.
Result<LauncherInput> CheckLauncherInput(LauncherInput in);

// The four launchers ({name, text}) from `tmpl`: tokens {{Hook}},
// {{WsBase}}, {{BundleKey}}, {{RootSha256}} (comma list, lower-case hex),
// {{Version}}, each value escaped for a single-quoted PowerShell string.
// The input must have passed CheckLauncherInput.
std::vector<ZipEntry> MakeLaunchers(std::string_view tmpl, const LauncherInput& in);

// The launchers as one .zip (the four files at its root), byte-stable.
Result<std::string> LaunchersZip(std::string_view tmpl, const LauncherInput& in);

}  // namespace provisiond::api::launchers

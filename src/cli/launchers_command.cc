#include "cli/launchers_command.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/launchers/launchers.h"
#include "api/launchers/routes.h"
#include "base/strings.h"
#include "cli/config.h"
#include "cli/embedded.h"
#include "cli/options.h"
#include "platform/private_file.h"

namespace provisiond::cli {
namespace {
namespace fs = std::filesystem;

constexpr const char* kUsage =
    "usage: provisiond launchers --out DIR|FILE.zip [--ws-base URL] [--bundle-key KEY | --bundle-key-file FILE]\n"
    "                            [--root-sha256 HEX]... [--no-pin]\n"
    "  writes Customer-PE-Pre.ps1, Customer-PE.ps1, Customer-Pre.ps1 and Customer.ps1: the launchers\n"
    "  to add to the Tanium Provision bundle's Other Files (the same input gives the same bytes)\n"
    "  --ws-base URL        where endpoints reach provisiond (default: this host, the serve port and TLS mode),\n"
    "                       e.g. https://prov.example.org:12176 or https://iis.example.org/provision\n"
    "  --bundle-key KEY     the endpoint key (`provisiond endpoint-keys create`); --bundle-key-file reads it\n"
    "  --root-sha256 HEX    pin this root (repeatable; default: every root of the keys directory)\n"
    "  --no-pin             no pinning: endpoints trust their own certificate store\n"
    "  e.g. provisiond launchers --ws-base https://prov.example.org:12176 --out launchers.zip\n";

int Fail(const std::string& message) {
  std::cerr << "provisiond launchers: " << message << "\n";
  return 2;
}

std::string DefaultWsBase(const Config& c) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "localhost");
  return std::string(c.tls_mode == 0 ? "http" : "https") + "://" + ToLower(host) + ":" + std::to_string(c.port);
}

Status WriteOut(const std::string& out, const api::launchers::LauncherInput& in) {
  const std::string tmpl(LauncherTemplate());
  if (IEquals(fs::path(out).extension().string(), ".zip")) {
    PV_ASSIGN_OR_RETURN(std::string zip, api::launchers::LaunchersZip(tmpl, in));
    // 0600: the archive may hold the bundle key.
    if (auto e = platform::WriteFileAtomic(out, zip, 0600); e.err != 0)
      return Status::IoError(e.path, std::string(e.step) + ": " + std::strerror(e.err));
    return Status::Ok();
  }
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) return Status::IoError(out, "cannot create the folder: " + ec.message());
  for (const auto& f : api::launchers::MakeLaunchers(tmpl, in)) {
    std::string path = (fs::path(out) / f.name).string();
    if (auto e = platform::WriteFileAtomic(path, f.contents, 0600); e.err != 0)
      return Status::IoError(e.path, std::string(e.step) + ": " + std::strerror(e.err));
  }
  return Status::Ok();
}

}  // namespace

int RunLaunchers(std::vector<std::string> args) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    }
  Config config;
  if (Status s = LoadEffectiveConfig(&args, false, &config); !s.ok()) return Fail(s.message());
  api::launchers::LauncherInput in;
  in.version = PROVISIOND_VERSION;
  std::string out, key_file;
  bool no_pin = false, pins_given = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* to) {
      if (i + 1 >= args.size()) return false;
      *to = args[++i];
      return true;
    };
    std::string pin;
    if (a == "--out" && value(&out)) {
    } else if (a == "--ws-base" && value(&in.ws_base)) {
    } else if (a == "--bundle-key" && value(&in.bundle_key)) {
    } else if (a == "--bundle-key-file" && value(&key_file)) {
    } else if (a == "--root-sha256" && value(&pin)) {
      in.root_sha256.push_back(pin);
      pins_given = true;
    } else if (a == "--no-pin") {
      no_pin = true;
    } else {
      std::cerr << "provisiond launchers: unknown or incomplete option '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (out.empty()) return Fail(std::string("--out DIR or --out FILE.zip is required\n") + kUsage);
  if (!key_file.empty()) {
    std::ifstream f(key_file);
    if (!f) return Fail("--bundle-key-file " + key_file + ": cannot read it");
    std::getline(f, in.bundle_key);
    in.bundle_key = std::string(Trim(in.bundle_key));
  }
  if (in.ws_base.empty()) in.ws_base = DefaultWsBase(config);
  std::string keys_dir = config.keys_dir.empty() ? (fs::path(config.data_dir) / "keys").string() : config.keys_dir;
  if (no_pin) in.root_sha256.clear();
  else if (!pins_given) in.root_sha256 = api::launchers::PinnedRoots(keys_dir);
  auto checked = api::launchers::CheckLauncherInput(std::move(in));
  if (!checked.ok()) return Fail(checked.status().message());
  if (Status s = WriteOut(out, *checked); !s.ok()) return Fail(s.message());
  std::cout << "wrote the launchers for " << checked->ws_base << " to " << out << " ("
            << (checked->root_sha256.empty() ? std::string("no root pinned")
                                             : std::to_string(checked->root_sha256.size()) + " root(s) pinned")
            << (checked->bundle_key.empty() ? ", no bundle key" : ", with the bundle key") << ")\n";
  if (checked->root_sha256.empty() && !no_pin && StartsWithI(checked->ws_base, "https://"))
    std::cout << "note: no root in " << keys_dir << " (`provisiond keys root-init`): endpoints will need the "
              << "service certificate to chain to their own trust store\n";
  return 0;
}

}  // namespace provisiond::cli

// Test helpers for core/*_test.cc: tables built in code (a faithful copy of
// the original service's sample data_csv), and a minimal reader of
// tests/data/original for the files it holds. Test-only; header-only so it
// stays out of pv_core.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/pattern.h"
#include "base/strings.h"
#include "model/tables.h"

namespace provisiond::core::testing {

inline Pattern Re(std::string_view source) {
  auto p = Pattern::Compile(source);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : Pattern();
}

inline std::optional<double> OptNum(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  return std::stod(std::string(s));
}

inline model::DriverRule Driver(uint64_t id, std::string_view model_re, std::string_view os_re,
                                std::string url, std::string bundle = "",
                                std::string_view ram = "", std::string_view disk = "",
                                std::string_view cpu = "", int priority = 0, bool enabled = true) {
  model::DriverRule r;
  r.id = id;
  r.model_regex = Re(model_re);
  r.os_regex = Re(os_re);
  r.url = std::move(url);
  if (!Trim(bundle).empty()) r.bundle_id = std::string(Trim(bundle));
  r.min_ram_gb = OptNum(ram);
  r.min_disk_gb = OptNum(disk);
  if (auto c = OptNum(cpu)) r.min_cpu_count = static_cast<int>(*c);
  r.priority = priority;
  r.enabled = enabled;
  return r;
}

inline model::App MakeApp(std::string name, std::string url, std::string script,
                          bool reboot = false, std::string_view allowed_countries = "",
                          std::string_view blocked_countries = "",
                          std::string_view allowed_models = "") {
  model::App a;
  a.name = std::move(name);
  a.url = std::move(url);
  a.script = std::move(script);
  a.reboot = reboot ? model::Reboot::kYes : model::Reboot::kNo;
  for (auto& c : SplitList(allowed_countries, ';')) a.allowed_countries.push_back(ToUpper(c));
  for (auto& c : SplitList(blocked_countries, ';')) a.blocked_countries.push_back(ToUpper(c));
  for (auto& m : SplitList(allowed_models, ';')) a.allowed_models.push_back(Re(m));
  return a;
}

inline model::Computer MakeComputer(std::string serial, std::string name, std::string type,
                                    std::string keyboard = "", std::string country = "",
                                    std::string language = "", std::string timezone = "") {
  model::Computer c;
  c.serial = std::move(serial);
  c.computer_name = std::move(name);
  c.type = std::move(type);
  c.keyboard = std::move(keyboard);
  c.country = std::move(country);
  c.language = std::move(language);
  c.timezone = std::move(timezone);
  return c;
}

constexpr const char* kLtsc = R"(\bWindows\s+10\s+Enterprise\s+LTSC\b)";

// The original's sample data_csv, row for row.
inline model::Tables OriginalTables() {
  model::Tables t;
  t.computers = {MakeComputer("5CG6050PH9", "manu15", "ACCUEIL", "fr-FR", "FR", "fr-FR",
                              "Romance Standard Time")};
  t.type_apps = {{"Accueil", "GoogleChromeEnterprise", {}},
                 {"Accueil", "PostypeGUIstart", {}},
                 {"Accueil", "NotepadPlusPlus", {}},
                 {"Accueil", "VLC", {}}};
  t.apps = {
      MakeApp("PostypeGUIstart", "https://provision.infra-lab.fr/file/apps/PostypeGUIstart",
              "tanium.cmd"),
      MakeApp("NotepadPlusPlus", "https://provision.infra-lab.fr/file/apps/NotepadPlusPlus",
              "install.cmd"),
      MakeApp("VLC", "https://provision.infra-lab.fr/file/apps/VLC", "install.cmd"),
  };
  const std::string wn = R"(%DeployRoot%\Applications\DRIVERS\CASHTILLS\WINCOR NIXDORF\)";
  t.drivers = {
      Driver(1, R"(\bBEETLE\s*/\s*MIII\b)", kLtsc, wn + R"(M2\Win10Client~X64~WINCOR NIXDORF~M2_2025_06_V1.exe)"),
      Driver(2, "(?i)virtual", kLtsc, wn + R"(M2\Win10Client~X64~WINCOR NIXDORF~M2_2025_06_V1.exe)", "6"),
      Driver(3, R"((?i)\bBEETLE\s+A1x70\b)", kLtsc, wn + R"(A1\Win10Client~X64~WINCOR NIXDORF~A1X70_2025_06_V1.exe)"),
      Driver(4, R"((?i)\biPOS\s+plus\s+Advanced\b)", kLtsc, wn + R"(IPOS+\Win10Client~X64~WINCOR NIXDORF~IPOS+_2025_07_V1.exe)"),
      Driver(5, R"((?i)\bBEETLE\s+A2210\b)", kLtsc, wn + R"(A2210\Win10Client~X64~WINCOR NIXDORF~A2210.exe)"),
      Driver(6, R"((?i)\bHP\s+Engage\s+One\s+Pro\s+AIO\s+System\b)", kLtsc,
             R"(%DeployRoot%\Applications\DRIVERS\CASHTILLS\HP\HPEOPAS\Win10Client~X64~HP~HPEOPAS_2023_V1.exe)"),
      Driver(7, R"((?i)\bXT[-\s]?6015\b)", kLtsc,
             R"(%DeployRoot%\Applications\DRIVERS\CASHTILLS\POSIFLEX\XT6015\WIN10Client~X64~POSIFLEX~XT6015.exe)"),
      Driver(8, R"((?i)\bHP\s+Engage\s+One\s+Pro\s+19\.5\s+G2\s+AiO\s+System\b)", kLtsc,
             R"(%DeployRoot%\Applications\DRIVERS\CASHTILLS\HP\HPEOPAS19G2\Win10Client~X64~HP~HPEOPAS19G2_2025_V1.exe)"),
      Driver(9, R"((?i)\bHP\s+EliteBook\s+840\s+G2\b)", kLtsc, "", "33", "32"),
  };
  t.config = {{"default_bundle_id", ""}, {"default_bundle_timeout", "120"}};
  t.BuildIndexes();
  return t;
}

// Splits one line of the original's files: plain commas, no quoting (the
// sample holds none). Enough to cross-check OriginalTables() against the
// copy in tests/data/original; the real reader lives in store/csv.
inline std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (char c : line) {
    if (c == ',') {
      out.push_back(cell);
      cell.clear();
    } else if (c != '\r') {
      cell += c;
    }
  }
  out.push_back(cell);
  return out;
}

// drivers.csv of $PROVISIOND_ORIGINAL_DATA when set, else tests/data/original;
// nullopt when the file is absent.
inline std::optional<std::vector<model::DriverRule>> ReadOriginalDrivers() {
  const char* env = std::getenv("PROVISIOND_ORIGINAL_DATA");
  std::string dir = env && *env ? env : std::string(PROVISIOND_SOURCE_DIR) + "/tests/data/original";
  std::ifstream in(dir + "/drivers.csv");
  if (!in) return std::nullopt;
  std::vector<model::DriverRule> rules;
  std::string line;
  std::getline(in, line);  // header
  uint64_t id = 0;
  while (std::getline(in, line)) {
    if (Trim(line).empty()) continue;
    auto f = SplitCsvLine(line);
    f.resize(7);
    rules.push_back(Driver(++id, f[0], f[1], f[2], f[3], f[4], f[5], f[6]));
  }
  return rules;
}

}  // namespace provisiond::core::testing

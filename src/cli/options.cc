#include "cli/options.h"

#include <charconv>
#include <filesystem>

namespace provisiond::cli {
namespace {

// Takes "--name VALUE" or "--name=VALUE" at args[i]; true if it matched.
bool TakeValue(std::vector<std::string>& args, size_t& i, std::string_view name, std::string* out,
               Status* error) {
  const std::string& a = args[i];
  if (a == name) {
    if (i + 1 >= args.size()) {
      *error = Status::InvalidArgument(std::string(name) + " needs a value");
      return true;
    }
    *out = args[i + 1];
    args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
    return true;
  }
  if (a.size() > name.size() && a.compare(0, name.size(), name) == 0 && a[name.size()] == '=') {
    *out = a.substr(name.size() + 1);
    args.erase(args.begin() + static_cast<long>(i));
    return true;
  }
  return false;
}

Status ParseNumber(std::string_view flag, const std::string& v, uint64_t max, uint64_t* out) {
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || n > max) {
    return Status::InvalidArgument(std::string(flag) + " '" + v + "' must be an integer from 0 to " +
                                   std::to_string(max));
  }
  *out = n;
  return Status::Ok();
}

}  // namespace

std::string Quoted(const std::string& v) {
  return v.find_first_of(" \t'\"$") == std::string::npos ? v : "'" + v + "'";
}

std::string GivenDirOptions(const std::vector<std::string>& args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    for (std::string_view flag : {"--config", "--data-dir", "--keys-dir"}) {
      const std::string& a = args[i];
      if (a == flag && i + 1 < args.size()) {
        out += " " + std::string(flag) + " " + Quoted(args[i + 1]);
      } else if (a.size() > flag.size() && a.starts_with(flag) && a[flag.size()] == '=') {
        out += " " + std::string(flag) + " " + Quoted(a.substr(flag.size() + 1));
      }
    }
  }
  return out;
}

std::string WithOptions(std::string text, std::string_view options) {
  if (options.empty()) return text;
  constexpr std::string_view kCommand = "provisiond ";
  for (size_t pos = text.find(kCommand); pos != std::string::npos; pos = text.find(kCommand, pos)) {
    size_t end = text.find_first_of("`\n", pos);
    if (end == std::string::npos) end = text.size();
    // "provisiond keys ... " ends where a following "(" remark or "#" comment starts.
    for (std::string_view stop : {" (", "  #"}) {
      size_t s = text.find(stop, pos);
      if (s != std::string::npos && s < end) end = s;
    }
    text.insert(end, options);
    pos = end + options.size();
  }
  return text;
}

std::string CommonFlagsHelp() {
  return "  --config FILE       TOML config file (default: ./provisiond.toml if present)\n"
         "  --data-dir DIR      CSV data directory (default: data.dir, else ./data_csv;\n"
         "                      env PROVISIOND_DATA_DIR)\n";
}

std::string ServeHelp() {
  return "usage: provisiond serve [options]\n\n"
         "Serves the provisioning API on HTTP/1.1 (keep-alive), plaintext and/or TLS.\n"
         "Precedence: defaults < config file < environment < these flags.\n\n" +
         CommonFlagsHelp() +
         "  --bind ADDR         listen address (server.bind, env WS_BIND / WS_BIND_HOST; 0.0.0.0)\n"
         "  --port N            listen port (server.port, env WS_PORT; 12176; 0 = any free port)\n"
         "  --threads N         I/O threads (server.threads, env PROVISIOND_THREADS; 0 = one per core)\n"
         "  --log-format F      text | json (log.format, env PROVISIOND_LOG_FORMAT)\n"
         "  --log-level L       debug | info | warning | error (log.level, env PROVISIOND_LOG_LEVEL)\n"
         "  --content-root DIR  /file/ content root (content.root, env PROVISIOND_CONTENT_ROOT;\n"
         "                      default <data-dir>/../file)\n"
         "  --tls-mode M        0 plaintext, 1 TLS only, 2 both on one port (tls.mode, ReportingTLSMode,\n"
         "                      env PROVISIOND_TLS_MODE)\n"
         "  --tls-cert PATH     certificate chain (PEM); repeat for an ECDSA + RSA pair\n"
         "  --tls-key PATH      private key (PEM), same order as --tls-cert\n"
         "  --require-incoming-encryption\n"
         "                      refuse plaintext requests (RequireIncomingEncryption=1,\n"
         "                      env PROVISIOND_REQUIRE_INCOMING_ENCRYPTION)\n"
         "  --print-port-file F write the bound port(s) to F once listening (tests)\n\n"
         "Limits and timeouts are config-file settings (see doc/configuration.md):\n"
         "  server.max_header_bytes (16384, over: 431), server.max_body_bytes (8 MiB, over: 413),\n"
         "  server.header_timeout_ms (10000, over: 408), server.idle_timeout_ms (30000),\n"
         "  server.body_timeout_ms (300000, no body byte for that long: closed),\n"
         "  server.write_timeout_ms (300000, client takes no byte for that long: closed),\n"
         "  server.max_connections (10000, over: 503), server.shutdown_grace_ms (10000),\n"
         "  server.max_connections_per_client (256, over: 503), content.upload_min_rate (1024 bytes/s\n"
         "  over content.upload_rate_window_ms 60000; slower: closed),\n"
         "  server.trusted_proxies ([\"127.0.0.0/8\", \"::1/128\"]: X-Forwarded-* honoured only from these;\n"
         "  env PROVISIOND_TRUSTED_PROXIES, comma-separated).\n\n"
         "The data directory must exist (create it with `provisiond init DIR [--sample]`).\n\n"
         "examples:\n"
         "  provisiond serve --data-dir var/data_csv --content-root var/file\n"
         "  provisiond serve --config /etc/provisiond.toml --port 8080 --log-format json\n"
         "  provisiond serve --data-dir var/data_csv --tls-mode 2   # certificate from <data-dir>/keys\n";
}

std::string InitHelp() {
  return "usage: provisiond init DIR [--sample] [--if-missing]\n"
         "       provisiond init --data-dir DIR [--sample] [--if-missing] [--config FILE]\n\n"
         "Creates a data directory with every table (computers.csv, postype.csv, apps.csv,\n"
         "drivers.csv, config.csv, locales.csv, networks.csv, users.csv). `serve` never creates\n"
         "one: a mistyped --data-dir is an error, not a new directory of sample computers.\n"
         "An existing non-empty directory is refused (nothing changed).\n\n"
         "  DIR                 the directory to create (or --data-dir DIR, or data.dir of --config)\n"
         "  --sample            fill it with the built-in sample data (about 300 computers, types,\n"
         "                      apps, driver rules); without it: empty tables with their headers\n"
         "  --if-missing        do nothing (exit 0) when DIR already exists, whatever it holds:\n"
         "                      the systemd unit's first start creates the data, later starts\n"
         "                      keep it (serve then checks it)\n" +
         CommonFlagsHelp() +
         "\nexamples:\n"
         "  provisiond init /srv/provisiond/data_csv            # empty tables, for production\n"
         "  provisiond init var/data_csv --sample               # to try the service\n"
         "  provisiond init --config /etc/provisiond/provisiond.toml --if-missing   # the unit's ExecStartPre\n";
}

std::string RoutesHelp() {
  return "usage: provisiond routes [--config FILE] [--data-dir DIR]\n\n"
         "Lists every route: method, path, access group (public, machine, content, admin), the\n"
         "permission it needs (anyone, machine, viewer, operator, admin...; doc/security.md), summary.\n"
         "Reads no data; the options are accepted so the same command line as serve works.\n\n" +
         CommonFlagsHelp() +
         "\nexample:\n"
         "  provisiond routes | grep admin\n";
}

std::string ConfigHelp() {
  return "usage: provisiond config [--config FILE] [serve options]\n\n"
         "Prints the effective configuration: defaults < config file < environment < flags,\n"
         "secrets masked. Takes every `provisiond serve` option (see serve --help), so it\n"
         "shows what that serve command line would use.\n\n" +
         CommonFlagsHelp() +
         "\nexamples:\n"
         "  provisiond config --config /etc/provisiond.toml\n"
         "  WS_PORT=8080 provisiond config --tls-mode 2\n";
}

std::string CheckHelp() {
  return "usage: provisiond check [--data-dir DIR] [--config FILE]\n\n"
         "Validates the data directory as serve loads it: every table, then config.csv\n"
         "against the settings schema (unknown keys, values out of range: the default is\n"
         "used). Prints errors (exit 1: serve would refuse the file) and warnings (exit 0).\n"
         "A missing DIR is an error (exit 1) that prints the `provisiond init` command.\n\n" +
         CommonFlagsHelp() +
         "\nexample:\n"
         "  provisiond check --data-dir var/data_csv\n";
}

std::string ExportHelp() {
  return "usage: provisiond export [--data-dir DIR] [--config FILE] [--bom] [--semicolon] DEST_DIR|FILE.zip\n\n"
         "Writes every table to a directory or a .zip; cells starting with = + - @ are\n"
         "neutralised so a spreadsheet does not run them as formulas.\n\n" +
         CommonFlagsHelp() +
         "  DEST_DIR|FILE.zip   where to write (a name ending in .zip: one archive)\n"
         "  --bom               start each file with a UTF-8 BOM (Excel reads accents right)\n"
         "  --semicolon         ; as the delimiter (French Excel) instead of ,\n"
         "\nexamples:\n"
         "  provisiond export --data-dir var/data_csv backup.zip\n"
         "  provisiond export --data-dir var/data_csv --bom --semicolon /tmp/for-excel\n";
}

Status LoadEffectiveConfig(std::vector<std::string>* argsp, bool serve_flags, Config* config) {
  auto& args = *argsp;
  Status err;
  std::string config_file;
  // First pass: --config, so the file applies before env and flags.
  for (size_t i = 0; i < args.size();) {
    if (TakeValue(args, i, "--config", &config_file, &err)) {
      PV_RETURN_IF_ERROR(err);
      continue;
    }
    ++i;
  }
  if (!config_file.empty()) {
    PV_RETURN_IF_ERROR(LoadConfigFile(config_file, config));
  } else if (std::filesystem::exists("provisiond.toml")) {
    PV_RETURN_IF_ERROR(LoadConfigFile("provisiond.toml", config));
  }
  PV_RETURN_IF_ERROR(ApplyEnvironment(config, ProcessEnvironment()));
  std::vector<std::string> certs, keys;
  for (size_t i = 0; i < args.size();) {
    std::string v;
    uint64_t n = 0;
    if (TakeValue(args, i, "--data-dir", &config->data_dir, &err)) {
    } else if (!serve_flags) {
      ++i;
      continue;
    } else if (TakeValue(args, i, "--bind", &config->bind, &err)) {
    } else if (TakeValue(args, i, "--port", &v, &err)) {
      if (err.ok()) err = ParseNumber("--port", v, 65535, &n);
      config->port = static_cast<uint16_t>(n);
    } else if (TakeValue(args, i, "--threads", &v, &err)) {
      if (err.ok()) err = ParseNumber("--threads", v, 1024, &n);
      config->threads = static_cast<int>(n);
    } else if (TakeValue(args, i, "--log-format", &config->log_format, &err)) {
    } else if (TakeValue(args, i, "--log-level", &config->log_level, &err)) {
    } else if (TakeValue(args, i, "--content-root", &config->content_root, &err)) {
    } else if (TakeValue(args, i, "--tls-mode", &v, &err)) {
      if (err.ok()) err = ParseNumber("--tls-mode", v, 2, &n);
      config->tls_mode = static_cast<int>(n);
    } else if (TakeValue(args, i, "--tls-cert", &v, &err)) {
      certs.push_back(v);
    } else if (TakeValue(args, i, "--tls-key", &v, &err)) {
      keys.push_back(v);
    } else if (args[i] == "--require-incoming-encryption") {
      config->require_incoming_encryption = true;
      args.erase(args.begin() + static_cast<long>(i));
    } else {
      ++i;
    }
    PV_RETURN_IF_ERROR(err);
  }
  if (!certs.empty()) config->tls_certs = certs;
  if (!keys.empty()) config->tls_keys = keys;
  return ValidateConfig(*config);
}

}  // namespace provisiond::cli

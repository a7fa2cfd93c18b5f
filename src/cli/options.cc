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
         "  env PROVISIOND_TRUSTED_PROXIES, comma-separated).\n";
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

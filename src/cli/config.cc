#include "cli/config.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "base/cidr.h"
#include "base/log.h"
#include "store/postgres/pg_connection.h"
#include "base/strings.h"

extern char** environ;

namespace provisiond::cli {
namespace {

std::string Where(const toml::node& n, const std::string& file) {
  const auto& s = n.source();
  return file + ":" + std::to_string(s.begin.line) + ":" + std::to_string(s.begin.column);
}

// Typed readers: each refuses a wrong type naming key, place and expectation.
Status ReadString(const toml::node& n, const std::string& key, const std::string& file, std::string* out) {
  if (auto v = n.value<std::string>()) {
    *out = *v;
    return Status::Ok();
  }
  return Status::InvalidArgument(Where(n, file) + ": " + key + " must be a string");
}

Status ReadUint(const toml::node& n, const std::string& key, const std::string& file, uint64_t max,
                uint64_t* out) {
  auto v = n.value<int64_t>();
  if (!v || *v < 0 || static_cast<uint64_t>(*v) > max) {
    return Status::InvalidArgument(Where(n, file) + ": " + key + " must be an integer from 0 to " +
                                   std::to_string(max));
  }
  *out = static_cast<uint64_t>(*v);
  return Status::Ok();
}

Status ReadBool(const toml::node& n, const std::string& key, const std::string& file, bool* out) {
  if (auto v = n.value<bool>()) {
    *out = *v;
    return Status::Ok();
  }
  return Status::InvalidArgument(Where(n, file) + ": " + key + " must be true or false");
}

Status ReadStringList(const toml::node& n, const std::string& key, const std::string& file,
                      std::vector<std::string>* out) {
  if (auto s = n.value<std::string>()) {
    *out = {*s};
    return Status::Ok();
  }
  const auto* arr = n.as_array();
  if (!arr) return Status::InvalidArgument(Where(n, file) + ": " + key + " must be a list of strings");
  out->clear();
  for (const auto& item : *arr) {
    auto v = item.value<std::string>();
    if (!v) return Status::InvalidArgument(Where(item, file) + ": " + key + " must be a list of strings");
    out->push_back(*v);
  }
  return Status::Ok();
}

Status ParseUintText(const std::string& key, const std::string& text, uint64_t max, uint64_t* out) {
  uint64_t v = 0;
  std::string_view t = Trim(text);
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || p != t.data() + t.size() || v > max) {
    return Status::InvalidArgument(key + "='" + text + "' must be an integer from 0 to " + std::to_string(max));
  }
  *out = v;
  return Status::Ok();
}

Status ParseBoolText(const std::string& key, const std::string& text, bool* out) {
  std::string t = ToLower(Trim(text));
  if (t == "1" || t == "true" || t == "yes" || t == "on") *out = true;
  else if (t == "0" || t == "false" || t == "no" || t == "off") *out = false;
  else return Status::InvalidArgument(key + "='" + text + "' must be true/false (or 1/0)");
  return Status::Ok();
}

Status LoadServer(const toml::table& t, const std::string& file, Config* c) {
  for (const auto& [k, node] : t) {
    std::string key = "server." + std::string(k.str());
    uint64_t u = 0;
    if (k == "bind") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->bind));
    } else if (k == "port") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 65535, &u));
      c->port = static_cast<uint16_t>(u);
    } else if (k == "threads") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 1024, &u));
      c->threads = static_cast<int>(u);
    } else if (k == "blocking_threads") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 1024, &u));
      c->blocking_threads = static_cast<int>(u);
    } else if (k == "trusted_proxies") {
      PV_RETURN_IF_ERROR(ReadStringList(node, key, file, &c->trusted_proxies));
    } else if (k == "admin_networks") {
      PV_RETURN_IF_ERROR(ReadStringList(node, key, file, &c->admin_networks));
    } else if (k == "hsts_max_age_s") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 100'000'000, &c->hsts_max_age_s));
    } else if (k == "max_header_bytes") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 1 << 20, &c->max_header_bytes));
    } else if (k == "max_body_bytes") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 1ull << 40, &c->max_body_bytes));
    } else if (k == "header_timeout_ms") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 3'600'000, &c->header_timeout_ms));
    } else if (k == "idle_timeout_ms") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 3'600'000, &c->idle_timeout_ms));
    } else if (k == "body_timeout_ms") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 86'400'000, &c->body_timeout_ms));
    } else if (k == "write_timeout_ms") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 86'400'000, &c->write_timeout_ms));
    } else if (k == "max_connections") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 1'000'000, &c->max_connections));
    } else if (k == "max_connections_per_client") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 1'000'000, &c->max_connections_per_client));
    } else if (k == "shutdown_grace_ms") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 3'600'000, &c->shutdown_grace_ms));
    } else if (k == "listener") {
      const auto* arr = node.as_array();
      if (!arr) return Status::InvalidArgument(Where(node, file) + ": server.listener must be [[server.listener]] tables");
      for (const auto& item : *arr) {
        const auto* lt = item.as_table();
        if (!lt) return Status::InvalidArgument(Where(item, file) + ": server.listener entries must be tables");
        ListenerConfig l{c->bind, 0, 0};
        for (const auto& [lk, ln] : *lt) {
          std::string lkey = "server.listener." + std::string(lk.str());
          if (lk == "bind") {
            PV_RETURN_IF_ERROR(ReadString(ln, lkey, file, &l.bind));
          } else if (lk == "port") {
            PV_RETURN_IF_ERROR(ReadUint(ln, lkey, file, 65535, &u));
            l.port = static_cast<uint16_t>(u);
          } else if (lk == "tls_mode") {
            PV_RETURN_IF_ERROR(ReadUint(ln, lkey, file, 2, &u));
            l.tls_mode = static_cast<int>(u);
          } else {
            return Status::InvalidArgument(Where(ln, file) + ": unknown key " + lkey);
          }
        }
        c->extra_listeners.push_back(l);
      }
    } else {
      return Status::InvalidArgument(Where(node, file) + ": unknown key " + key);
    }
  }
  return Status::Ok();
}

Status LoadWebhookTarget(const toml::node& item, size_t index, const std::string& file, Config* c) {
  const auto* tt = item.as_table();
  if (!tt) return Status::InvalidArgument(Where(item, file) + ": webhooks.target entries must be [[webhooks.target]] tables");
  api::webhooks::Target target;
  std::string at = "webhooks.target[" + std::to_string(index) + "]";
  for (const auto& [k, node] : *tt) {
    std::string key = at + "." + std::string(k.str());
    if (k == "name") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &target.name));
    } else if (k == "url") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &target.url));
    } else if (k == "secret") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &target.secret));
    } else if (k == "secret_file") {
      std::string path;
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &path));
      std::ifstream in(path);
      if (!in) return Status::InvalidArgument(Where(node, file) + ": " + key + " '" + path + "' cannot be read");
      std::getline(in, target.secret);
    } else if (k == "events") {
      PV_RETURN_IF_ERROR(ReadStringList(node, key, file, &target.events));
    } else {
      return Status::InvalidArgument(Where(node, file) + ": unknown key " + key + " (name, url, events, secret, secret_file)");
    }
  }
  if (target.name.empty()) {
    auto host_start = target.url.find("://");
    target.name = host_start == std::string::npos ? target.url : target.url.substr(host_start + 3);
    target.name = target.name.substr(0, target.name.find('/'));
  }
  if (Status s = api::webhooks::ValidateTarget(target, at); !s.ok())
    return Status::InvalidArgument(Where(item, file) + ": " + s.message());
  for (const auto& other : c->webhook_targets)
    if (other.name == target.name)
      return Status::InvalidArgument(Where(item, file) + ": " + at + ".name '" + target.name +
                                     "' is used twice; give each target its own name");
  c->webhook_targets.push_back(std::move(target));
  return Status::Ok();
}

Status LoadWebhooks(const toml::table& t, const std::string& file, Config* c) {
  for (const auto& [k, node] : t) {
    std::string key = "webhooks." + std::string(k.str());
    uint64_t u = 0;
    if (k == "target") {
      const auto* arr = node.as_array();
      if (!arr) return Status::InvalidArgument(Where(node, file) + ": webhooks.target must be [[webhooks.target]] tables");
      for (const auto& item : *arr) PV_RETURN_IF_ERROR(LoadWebhookTarget(item, c->webhook_targets.size(), file, c));
    } else if (k == "first_retry_ms") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 86'400'000, &u));
      c->webhook_retry.first_delay = std::chrono::milliseconds(std::max<uint64_t>(u, 1));
    } else if (k == "max_retry_ms") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 86'400'000, &u));
      c->webhook_retry.max_delay = std::chrono::milliseconds(std::max<uint64_t>(u, 1));
    } else if (k == "give_up_hours") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 24 * 30, &u));
      c->webhook_retry.give_up_after = std::chrono::hours(std::max<uint64_t>(u, 1));
    } else if (k == "give_up_ms") {  // tests: minutes are too long to wait for
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 30ull * 86'400'000, &u));
      c->webhook_retry.give_up_after = std::chrono::milliseconds(std::max<uint64_t>(u, 1));
    } else if (k == "timeout_ms") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 600'000, &u));
      c->webhook_retry.timeout = std::chrono::milliseconds(std::max<uint64_t>(u, 100));
    } else if (k == "ca_file") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->webhook_ca_file));
    } else {
      return Status::InvalidArgument(Where(node, file) + ": unknown key " + key);
    }
  }
  return Status::Ok();
}

Status LoadMetrics(const toml::table& t, const std::string& file, Config* c) {
  for (const auto& [k, node] : t) {
    std::string key = "metrics." + std::string(k.str());
    if (k == "enabled") {
      PV_RETURN_IF_ERROR(ReadBool(node, key, file, &c->metrics_enabled));
    } else if (k == "token_file") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->metrics_token_file));
    } else if (k == "max_models") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 10'000, &c->metrics_max_models));
    } else {
      return Status::InvalidArgument(Where(node, file) + ": unknown key " + key + " (enabled, token_file, max_models)");
    }
  }
  return Status::Ok();
}

Status LoadSection(const std::string& section, const toml::table& t, const std::string& file, Config* c) {
  if (section == "server") return LoadServer(t, file, c);
  if (section == "webhooks") return LoadWebhooks(t, file, c);
  if (section == "metrics") return LoadMetrics(t, file, c);
  for (const auto& [k, node] : t) {
    std::string key = section + "." + std::string(k.str());
    uint64_t u = 0;
    if (key == "data.dir") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->data_dir));
    } else if (key == "data.computers_flush_delay_ms") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 60'000, &c->computers_flush_delay_ms));
    } else if (key == "data.reload_interval_ms") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 60'000, &c->reload_interval_ms));
    } else if (key == "data.backend") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->backend));
    } else if (key == "data.postgres_url") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->postgres_url));
    } else if (key == "data.postgres_pool") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 1000, &c->postgres_pool));
    } else if (key == "data.journal_retention_days") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 36'500, &u));
      c->journal_retention_days = static_cast<int>(u);
    } else if (key == "log.level") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->log_level));
    } else if (key == "log.format") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->log_format));
    } else if (key == "content.root") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->content_root));
    } else if (key == "content.token") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->file_token));
    } else if (key == "content.max_upload_bytes") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 1ull << 44, &c->max_upload_bytes));
    } else if (key == "content.upload_min_rate") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 1ull << 40, &c->upload_min_rate));
    } else if (key == "content.upload_rate_window_ms") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 86'400'000, &c->upload_rate_window_ms));
    } else if (key == "tls.mode" || key == "tls.ReportingTLSMode") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 2, &u));
      c->tls_mode = static_cast<int>(u);
    } else if (key == "tls.require_incoming_encryption" || key == "tls.RequireIncomingEncryption") {
      if (auto i = node.value<int64_t>(); i && (*i == 0 || *i == 1)) {
        c->require_incoming_encryption = *i == 1;
      } else {
        PV_RETURN_IF_ERROR(ReadBool(node, key, file, &c->require_incoming_encryption));
      }
    } else if (key == "tls.cert" || key == "tls.ReportingTLSCertPath") {
      PV_RETURN_IF_ERROR(ReadStringList(node, key, file, &c->tls_certs));
    } else if (key == "tls.key" || key == "tls.ReportingTLSKeyPath") {
      PV_RETURN_IF_ERROR(ReadStringList(node, key, file, &c->tls_keys));
    } else if (key == "tls.keys_dir") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->keys_dir));
    } else if (key == "auth.session_idle_minutes") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 7 * 24 * 60, &c->session_idle_minutes));
    } else if (key == "auth.session_absolute_hours") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 24 * 90, &c->session_absolute_hours));
    } else if (key == "auth.login_max_failures") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 1000, &c->login_max_failures));
    } else if (key == "auth.login_lockout_minutes") {
      PV_RETURN_IF_ERROR(ReadUint(node, key, file, 24 * 60, &c->login_lockout_minutes));
    } else if (key == "auth.proxy_user_header") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->proxy_user_header));
    } else if (key == "auth.proxy_groups_header") {
      PV_RETURN_IF_ERROR(ReadString(node, key, file, &c->proxy_groups_header));
    } else if (key == "auth.proxy_roles") {
      const auto* rt = node.as_table();
      if (!rt) return Status::InvalidArgument(Where(node, file) + ": auth.proxy_roles must be a table of name = role");
      for (const auto& [name, role] : *rt) {
        std::string r;
        PV_RETURN_IF_ERROR(ReadString(role, key + "." + std::string(name.str()), file, &r));
        std::string lr = ToLower(Trim(r));
        if (lr != "admin" && lr != "operator" && lr != "viewer")
          return Status::InvalidArgument(Where(role, file) + ": auth.proxy_roles." + std::string(name.str()) +
                                         " = '" + r + "' is not a role; use admin, operator or viewer");
        c->proxy_roles[ToLower(Trim(name.str()))] = lr;
      }
    } else {
      return Status::InvalidArgument(Where(node, file) + ": unknown key " + key);
    }
  }
  return Status::Ok();
}

}  // namespace

Status LoadConfigFile(const std::string& path, Config* config) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(path + ": config file not found");
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& s = e.source();
    return Status::InvalidArgument(path + ":" + std::to_string(s.begin.line) + ":" +
                                   std::to_string(s.begin.column) + ": " + std::string(e.description()));
  }
  for (const auto& [k, node] : root) {
    const auto* t = node.as_table();
    std::string section(k.str());
    if (!t || (section != "server" && section != "data" && section != "log" && section != "content" &&
               section != "tls" && section != "auth" && section != "webhooks" && section != "metrics")) {
      return Status::InvalidArgument(Where(node, path) + ": unknown section or key '" + section +
                                     "' (sections: server, data, log, content, tls, auth, webhooks, metrics)");
    }
    PV_RETURN_IF_ERROR(LoadSection(section, *t, path, config));
  }
  config->source_file = path;
  return Status::Ok();
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string_view::npos) env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

Status ApplyEnvironment(Config* c, const std::map<std::string, std::string>& env) {
  auto get = [&](const char* name) -> const std::string* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : &it->second;
  };
  uint64_t u = 0;
  if (auto v = get("WS_BIND_HOST")) c->bind = *v;
  if (auto v = get("WS_BIND")) c->bind = *v;
  if (auto v = get("WS_PORT")) {
    PV_RETURN_IF_ERROR(ParseUintText("WS_PORT", *v, 65535, &u));
    c->port = static_cast<uint16_t>(u);
  }
  if (auto v = get("WS_FILE_TOKEN")) c->file_token = *v;
  if (auto v = get("PROVISIOND_DATA_DIR")) c->data_dir = *v;
  if (auto v = get("PROVISIOND_BACKEND")) c->backend = *v;
  if (auto v = get("PROVISIOND_POSTGRES_URL")) c->postgres_url = *v;
  if (auto v = get("PROVISIOND_CONTENT_ROOT")) c->content_root = *v;
  if (auto v = get("PROVISIOND_LOG_LEVEL")) c->log_level = *v;
  if (auto v = get("PROVISIOND_LOG_FORMAT")) c->log_format = *v;
  if (auto v = get("PROVISIOND_THREADS")) {
    PV_RETURN_IF_ERROR(ParseUintText("PROVISIOND_THREADS", *v, 1024, &u));
    c->threads = static_cast<int>(u);
  }
  if (auto v = get("PROVISIOND_TRUSTED_PROXIES")) c->trusted_proxies = SplitList(*v, ',');
  if (auto v = get("PROVISIOND_TLS_MODE")) {
    PV_RETURN_IF_ERROR(ParseUintText("PROVISIOND_TLS_MODE", *v, 2, &u));
    c->tls_mode = static_cast<int>(u);
  }
  if (auto v = get("PROVISIOND_METRICS")) {
    PV_RETURN_IF_ERROR(ParseBoolText("PROVISIOND_METRICS", *v, &c->metrics_enabled));
  }
  if (auto v = get("PROVISIOND_REQUIRE_INCOMING_ENCRYPTION")) {
    PV_RETURN_IF_ERROR(ParseBoolText("PROVISIOND_REQUIRE_INCOMING_ENCRYPTION", *v, &c->require_incoming_encryption));
  }
  return Status::Ok();
}

Status ValidateConfig(const Config& c) {
  if (auto l = CidrList::Parse(c.trusted_proxies); !l.ok()) {
    return Status::InvalidArgument("server.trusted_proxies: " + l.status().message());
  }
  if (auto l = CidrList::Parse(c.admin_networks); !l.ok()) {
    return Status::InvalidArgument("server.admin_networks: " + l.status().message());
  }
  if (c.session_idle_minutes == 0 || c.session_absolute_hours == 0 || c.login_max_failures == 0)
    return Status::InvalidArgument(
        "auth.session_idle_minutes, auth.session_absolute_hours and auth.login_max_failures must be > 0");
  LogLevel lv;
  if (!ParseLogLevel(c.log_level, &lv)) {
    return Status::InvalidArgument("log.level='" + c.log_level + "' must be debug, info, warning or error");
  }
  LogFormat lf;
  if (!ParseLogFormat(c.log_format, &lf)) {
    return Status::InvalidArgument("log.format='" + c.log_format + "' must be text or json");
  }
  if (c.max_header_bytes < 1024) {
    return Status::InvalidArgument("server.max_header_bytes must be at least 1024");
  }
  if (c.header_timeout_ms == 0 || c.idle_timeout_ms == 0) {
    return Status::InvalidArgument("server.header_timeout_ms and server.idle_timeout_ms must be > 0");
  }
  if (c.max_connections == 0) return Status::InvalidArgument("server.max_connections must be > 0");
  if (c.metrics_max_models == 0)
    return Status::InvalidArgument("metrics.max_models must be > 0 (models past it count as \"other\")");
  if (c.data_dir.empty()) return Status::InvalidArgument("data.dir must not be empty");
  if (c.backend != "csv" && c.backend != "postgres")
    return Status::InvalidArgument("data.backend = \"" + c.backend +
                                   "\": use \"csv\" (the data directory's files) or \"postgres\" (with data.postgres_url)");
  if (c.backend == "postgres" && c.postgres_url.empty())
    return Status::InvalidArgument("data.backend = \"postgres\" needs data.postgres_url (or PROVISIOND_POSTGRES_URL), "
                                   "e.g. postgresql://provisiond@db.example:5432/provisiond?sslmode=verify-full");
  if (c.postgres_pool == 0) return Status::InvalidArgument("data.postgres_pool must be at least 1");
  if (c.tls_certs.size() != c.tls_keys.size()) {
    return Status::InvalidArgument("tls.cert and tls.key must list the same number of files (" +
                                   std::to_string(c.tls_certs.size()) + " certificates, " +
                                   std::to_string(c.tls_keys.size()) + " keys)");
  }
  return Status::Ok();
}

std::string DescribeConfig(const Config& c) {
  std::ostringstream o;
  auto list = [](const std::vector<std::string>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
    return s + "]";
  };
  o << "# effective configuration" << (c.source_file.empty() ? "" : " (file: " + c.source_file + ")") << "\n"
    << "[server]\nbind = \"" << c.bind << "\"\nport = " << c.port << "\nthreads = " << c.threads << "\nblocking_threads = " << c.blocking_threads
    << "\ntrusted_proxies = " << list(c.trusted_proxies) << "\nmax_header_bytes = " << c.max_header_bytes
    << "\nmax_body_bytes = " << c.max_body_bytes << "\nheader_timeout_ms = " << c.header_timeout_ms
    << "\nidle_timeout_ms = " << c.idle_timeout_ms << "\nbody_timeout_ms = " << c.body_timeout_ms
    << "\nwrite_timeout_ms = " << c.write_timeout_ms << "\nmax_connections = " << c.max_connections
    << "\nmax_connections_per_client = " << c.max_connections_per_client
    << "\nshutdown_grace_ms = " << c.shutdown_grace_ms << "\nadmin_networks = " << list(c.admin_networks)
    << "\nhsts_max_age_s = " << c.hsts_max_age_s
    << "\n\n[data]\ndir = \"" << c.data_dir << "\"\nreload_interval_ms = " << c.reload_interval_ms
    << "\ncomputers_flush_delay_ms = " << c.computers_flush_delay_ms
    << "\njournal_retention_days = " << c.journal_retention_days << "\nbackend = \"" << c.backend
    << "\"\npostgres_url = \"" << (c.postgres_url.empty() ? "" : store::pg::RedactUrl(c.postgres_url))
    << "\"\npostgres_pool = " << c.postgres_pool << "\n\n[log]\nlevel = \"" << c.log_level
    << "\"\nformat = \"" << c.log_format << "\"\n\n[content]\nroot = \"" << c.content_root
    << "\"\ntoken = \"" << (c.file_token.empty() ? "" : "***") << "\"\nmax_upload_bytes = " << c.max_upload_bytes
    << "\nupload_min_rate = " << c.upload_min_rate << "\nupload_rate_window_ms = " << c.upload_rate_window_ms
    << "\n\n[tls]\nmode = " << c.tls_mode << "\nrequire_incoming_encryption = "
    << (c.require_incoming_encryption ? "true" : "false") << "\ncert = " << list(c.tls_certs)
    << "\nkey = " << list(c.tls_keys) << "\nkeys_dir = \"" << c.keys_dir << "\"\n"
    << "\n[auth]\nsession_idle_minutes = " << c.session_idle_minutes
    << "\nsession_absolute_hours = " << c.session_absolute_hours << "\nlogin_max_failures = " << c.login_max_failures
    << "\nlogin_lockout_minutes = " << c.login_lockout_minutes << "\nproxy_user_header = \"" << c.proxy_user_header
    << "\"\nproxy_groups_header = \"" << c.proxy_groups_header << "\"\n";
  if (!c.proxy_roles.empty()) {
    o << "\n[auth.proxy_roles]\n";
    for (const auto& [k, v] : c.proxy_roles) o << "\"" << k << "\" = \"" << v << "\"\n";
  }
  o << "\n[webhooks]\nfirst_retry_ms = " << c.webhook_retry.first_delay.count()
    << "\nmax_retry_ms = " << c.webhook_retry.max_delay.count()
    << "\ngive_up_ms = " << c.webhook_retry.give_up_after.count() << "\ntimeout_ms = " << c.webhook_retry.timeout.count()
    << "\nca_file = \"" << c.webhook_ca_file << "\"\n";
  o << "\n[metrics]\nenabled = " << (c.metrics_enabled ? "true" : "false") << "\ntoken_file = \""
    << c.metrics_token_file << "\"\nmax_models = " << c.metrics_max_models << "\n";
  for (const auto& t : c.webhook_targets)
    o << "\n[[webhooks.target]]\nname = \"" << t.name << "\"\nurl = \"" << t.url << "\"\nevents = " << list(t.events)
      << "\nsecret = \"***\"\n";
  return o.str();
}

}  // namespace provisiond::cli

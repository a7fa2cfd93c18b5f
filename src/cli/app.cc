#include "cli/app.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "api/access/routes.h"
#include "api/admin/settings_routes.h"
#include "api/content/content.h"
#include "api/endpoint/settings.h"
#include "api/health.h"
#include "api/launchers/routes.h"
#include "api/events/event_hub.h"
#include "api/metrics/deployment_metrics.h"
#include "api/metrics/routes.h"
#include "api/metrics/service_metrics.h"
#include "api/openapi.h"
#include "base/json_escape.h"
#include "api/provisioning.h"
#include "api/ui/ui_routes.h"
#include "api/tls_routes.h"
#include "api/webhooks/bridge.h"
#include "api/webhooks/routes.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/strings.h"
#include "cli/backup.h"
#include "cli/db_command.h"
#include "cli/open_store.h"
#include "cli/embedded.h"
#include "cli/options.h"
#include "net/outbound_http.h"
#include "net/server.h"
#include "net/tls_context.h"
#include "pki/secret.h"
#include "pki/sha256.h"
#include "platform/fs.h"
#include "platform/private_file.h"
#include "platform/service_notify.h"
#include "store/csv/csv_store.h"

namespace provisiond::cli {

namespace fs = std::filesystem;

// The live TLS context and the bound listeners, for the info routes.
struct App::TlsRuntime {
  std::shared_ptr<net::TlsContextHolder> holder = std::make_shared<net::TlsContextHolder>();
  bool require_incoming_encryption = false;
  std::mutex mu;
  std::vector<api::TlsListenerInfo> listeners;  // guarded by mu; set once bound

  api::TlsInfo Info() {
    api::TlsInfo info;
    {
      std::lock_guard lock(mu);
      info.listeners = listeners;
    }
    info.require_incoming_encryption = require_incoming_encryption;
    info.loaded = holder->Current() != nullptr;
    if (!info.loaded) return info;
    net::TlsDescription d = holder->Describe();
    info.min_version = d.min_version;
    info.max_version = d.max_version;
    info.tls12_suites = d.tls12_suites;
    info.tls12_usable_suites = d.tls12_usable_suites;
    info.tls13_suites = d.tls13_suites;
    info.groups = d.groups;
    info.session_resumption = d.session_resumption;
    info.loaded_at = d.loaded_at;
    for (const auto& p : d.pairs) {
      info.certificates.push_back({p.cert_path, p.key_path, p.subject, p.issuer, p.not_after, p.days_to_expiry,
                                   p.sha256, p.key_type, p.sans});
    }
    return info;
  }
};

struct App::State {
  Config config;
  bool load_data = false;
  std::shared_ptr<store::Store> store;  // null when data is not loaded (`routes`)
  std::shared_ptr<TlsRuntime> tls = std::make_shared<TlsRuntime>();
  std::shared_ptr<api::access::AccessControl> access;  // null when data is not loaded
  std::shared_ptr<api::EventHub> events = std::make_shared<api::EventHub>();  // the admin UI's live events
  std::shared_ptr<api::webhooks::Dispatcher> webhooks;  // null: no target configured
  api::TlsInfoProvider tls_info;
  std::shared_ptr<metrics::Registry> metrics;  // null: metrics.enabled = false
  std::shared_ptr<api::metrics::DeploymentMetrics> deployment_metrics;  // null: no metrics or no data
};

App::~App() = default;

std::shared_ptr<App::TlsRuntime> App::tls_runtime() const { return state_->tls; }
std::shared_ptr<api::access::AccessControl> App::access() const { return state_->access; }
std::shared_ptr<api::EventHub> App::events() const { return state_->events; }
std::shared_ptr<store::Store> App::store() const { return state_->store; }
std::shared_ptr<api::webhooks::Dispatcher> App::webhooks() const { return state_->webhooks; }
std::vector<api::TlsCertificateInfo> App::Certificates() const {
  return state_->tls_info ? state_->tls_info().certificates : std::vector<api::TlsCertificateInfo>{};
}
std::shared_ptr<metrics::Registry> App::metrics() const { return state_->metrics; }
void App::ScanStaleForMetrics() const {
  if (!state_->deployment_metrics || !state_->store) return;
  const auto& store = *state_->store;
  state_->deployment_metrics->ScanStale(store, Now(), api::endpoint::StaleTimeout(*store.Snapshot()));
}

namespace {
std::string KeysDir(const Config& c) {
  return c.keys_dir.empty() ? (fs::path(c.data_dir) / "keys").string() : c.keys_dir;
}

// The TLS mode of each listener, the primary first.
std::vector<int> ListenerModes(const Config& c) {
  std::vector<int> modes = {c.tls_mode};
  for (const auto& l : c.extra_listeners) modes.push_back(l.tls_mode);
  return modes;
}

bool UsesTls(const Config& c) {
  for (int m : ListenerModes(c))
    if (m != 0) return true;
  return false;
}

// The certificate/key pairs serve uses: the configured paths, else the
// service certificate(s) in the keys directory.
std::vector<net::TlsPairPaths> TlsPairs(const Config& c) {
  if (c.tls_certs.empty()) return net::DefaultTlsPairs(KeysDir(c));
  std::vector<net::TlsPairPaths> pairs;
  for (size_t i = 0; i < c.tls_certs.size(); ++i) pairs.push_back({c.tls_certs[i], c.tls_keys[i]});
  return pairs;
}

bool IsEmptyDir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && fs::directory_iterator(dir, ec) == fs::directory_iterator();
}

// The header line of a sample file (its first line, with the line ending).
std::string_view HeaderOf(std::string_view contents) {
  size_t nl = contents.find('\n');
  return nl == std::string_view::npos ? contents : contents.substr(0, nl + 1);
}

}  // namespace

std::vector<api::TlsCertificateInfo> App::RootCertificates() const {
  std::vector<api::TlsCertificateInfo> out;
  auto roots = api::ReadTrustRoots(KeysDir(state_->config), Now());
  if (!roots.ok()) return out;
  for (const auto& r : roots->roots) {
    api::TlsCertificateInfo c;
    c.cert_path = roots->path;
    c.subject = r.subject;
    c.issuer = r.subject;  // a root signs itself
    c.not_after = r.not_after;
    c.days_to_expiry = r.days_to_expiry;
    c.sha256 = r.sha256;
    out.push_back(std::move(c));
  }
  return out;
}

Status InitDataDir(const std::string& dir, bool sample) {
  std::error_code ec;
  fs::path target = fs::absolute(dir, ec);
  if (fs::exists(target, ec) && !IsEmptyDir(target))
    return Status::InvalidArgument(target.string() + " already exists and is not an empty directory; nothing "
                                   "changed (choose a new path, or check it with `provisiond check --data-dir " +
                                   Quoted(dir) + "`)");
  // Build beside the target, then rename: a crash never leaves half a directory.
  fs::path tmp = target;
  tmp += ".creating";
  fs::remove_all(tmp, ec);
  if (!fs::create_directories(tmp, ec) && ec) return Status::IoError(tmp.string(), ec.message());
  for (const auto& f : SampleDataFiles()) {
    std::string_view contents = sample ? f.contents : HeaderOf(f.contents);
    std::ofstream out(tmp / std::string(f.name), std::ios::binary);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (!out) return Status::IoError((tmp / std::string(f.name)).string(), "write failed");
  }
  if (fs::exists(target, ec)) fs::remove(target, ec);  // the empty directory it replaces
  fs::rename(tmp, target, ec);
  if (ec) return Status::IoError(target.string(), ec.message());
  return Status::Ok();
}

// The default customer scripts, stamped with the start time (their
// Last-Modified: a new binary may bring new ones).
std::shared_ptr<const api::content::BuiltinScripts> BuiltinScripts() {
  auto b = std::make_shared<api::content::BuiltinScripts>();
  b->version = PROVISIOND_VERSION;
  b->mtime_seconds = std::chrono::duration_cast<std::chrono::seconds>(Now().time_since_epoch()).count();
  for (const auto& f : ProvisionScripts()) b->files.push_back({std::string(f.name), std::string(f.contents)});
  return b;
}

Status CheckDataDir(const std::string& dir) {
  std::error_code ec;
  std::string abs = fs::absolute(dir, ec).string();
  if (!fs::exists(dir, ec))
    return Status::NotFound(
        "data directory " + abs + " does not exist (--data-dir, data.dir or PROVISIOND_DATA_DIR). Create it with\n"
        "  provisiond init " + Quoted(dir) + " --sample    # the built-in sample data\n"
        "  provisiond init " + Quoted(dir) + "             # empty tables\n"
        "or give the right --data-dir");
  if (!fs::is_directory(dir, ec))
    return Status::InvalidArgument(abs + ": the data directory is not a directory; give the right --data-dir");
  return Status::Ok();
}

std::string ContentRoot(const Config& c) {
  if (!c.content_root.empty()) return c.content_root;
  // Beside the data directory, as the original keeps file/ next to data_csv/.
  return (fs::absolute(c.data_dir) / ".." / "file").lexically_normal().string();
}

Result<std::string> DeploymentSecret(const Config& c) {
  const fs::path path = fs::path(KeysDir(c)) / "deployment-token.key";
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::ifstream in(path);
    std::string hex;
    in >> hex;
    if (hex.size() < 32) return Status::InvalidArgument(path.string() + ": not a key (want 64 hex characters); delete it to make a new one (running deployments then need a restart of their events)");
    return hex;
  }
  fs::create_directories(path.parent_path(), ec);
  PV_ASSIGN_OR_RETURN(std::string hex, pki::RandomHex(32));
  if (auto e = platform::WriteFileAtomic(path.string(), hex + "\n", 0600); e.err != 0)
    return Status::IoError(e.path, std::string(e.step) + ": " + std::strerror(e.err));
  return hex;
}

Result<api::access::AccessOptions> AccessOptionsFrom(const Config& c) {
  api::access::AccessOptions o;
  o.session_idle = std::chrono::minutes(c.session_idle_minutes);
  o.session_absolute = std::chrono::hours(c.session_absolute_hours);
  o.limits.max_failures = static_cast<int>(c.login_max_failures);
  o.limits.window = std::chrono::minutes(c.login_lockout_minutes);
  o.limits.lockout = std::chrono::minutes(c.login_lockout_minutes);
  o.proxy_user_header = c.proxy_user_header;
  o.proxy_groups_header = c.proxy_groups_header;
  o.proxy_roles = c.proxy_roles;
  o.trusted_proxies = *CidrList::Parse(c.trusted_proxies);  // validated by ValidateConfig
  o.admin_networks = *CidrList::Parse(c.admin_networks);
  o.deployment_secret = [c] { return DeploymentSecret(c); };
  if (c.metrics_enabled && !c.metrics_token_file.empty()) {
    std::ifstream in(c.metrics_token_file);
    std::string token;
    if (!in || !std::getline(in, token))
      return Status::InvalidArgument("metrics.token_file " + c.metrics_token_file +
                                     " cannot be read; create it (e.g. `openssl rand -hex 32 > FILE`, mode 0600) or "
                                     "remove metrics.token_file to let only admins scrape");
    std::string_view t = Trim(token);
    if (t.size() < 16)
      return Status::InvalidArgument("metrics.token_file " + c.metrics_token_file + ": the token on its first line has " +
                                     std::to_string(t.size()) + " characters; use at least 16 (e.g. `openssl rand "
                                     "-hex 32 > FILE`)");
    o.metrics_token_sha256 = pki::Sha256::HexOf(t);
  }
  return o;
}

Result<std::unique_ptr<App>> App::Create(const Config& config, bool load_data) {
  std::unique_ptr<App> app(new App());
  app->state_ = std::make_unique<State>();
  app->state_->config = config;
  app->state_->load_data = load_data;
  app->router_ = std::make_shared<api::Router>();
  const App* self = app.get();
  api::RegisterHealthRoutes(*app->router_, {[self] { return self->ReadyChecks(); }, PROVISIOND_VERSION});
  api::ui::RegisterUiRoutes(*app->router_);
  api::RegisterOpenApiRoute(*app->router_, PROVISIOND_VERSION);
  if (load_data) {
    PV_ASSIGN_OR_RETURN(app->state_->store, OpenStore(config, StoreUse::kServe));
  }
  if (load_data) {
    PV_ASSIGN_OR_RETURN(auto access_options, AccessOptionsFrom(config));
    app->state_->access = std::make_shared<api::access::AccessControl>(app->state_->store, std::move(access_options));
    // First in every chain: the network gate, then credentials (the file
    // token of /file/ comes after, from the content routes).
    app->state_->access->Install(*app->router_);
  }
  auto content = std::make_shared<api::content::ContentOptions>();
  content->root = ContentRoot(config);
  content->token = config.file_token;
  content->max_upload_bytes = config.max_upload_bytes;
  content->remove_stale_uploads = load_data;  // serve, not `routes`: a running server may be uploading
  // One digest cache for the /file/ routes and the admin source check.
  api::content::Sha256Cache::Options hashing;
  hashing.threads = content->hash_threads;
  hashing.queue_capacity = content->hash_queue_capacity;
  content->cache = std::make_shared<api::content::Sha256Cache>(std::move(hashing));
  content->builtin = BuiltinScripts();
  if (load_data && !config.webhook_targets.empty()) {
    api::webhooks::DispatcherOptions w;
    w.targets = config.webhook_targets;
    w.retry = config.webhook_retry;
    w.dir = (fs::path(config.data_dir) / "webhooks").string();
    w.fs = &platform::PosixFs();
    w.http = net::MakeOutboundHttp({config.webhook_ca_file, std::string("provisiond/") + PROVISIOND_VERSION});
    w.user_agent = std::string("provisiond/") + PROVISIOND_VERSION;
    PV_ASSIGN_OR_RETURN(auto dispatcher, api::webhooks::Dispatcher::Open(std::move(w)));
    app->state_->webhooks = std::move(dispatcher);
    app->state_->events->AddObserver(api::webhooks::HubObserver(app->state_->webhooks));
  }
  api::webhooks::RegisterWebhookRoutes(*app->router_, app->state_->webhooks);
  // Without data (`routes`) the handlers are listed, never called.
  api::ProvisioningDeps deps;
  auto hub = std::make_shared<api::content::HubInspector>(content);
  deps.hub_entry = [hub](std::string_view rel) { return hub->Describe(rel); };
  deps.outbound = net::MakeOutboundHttp({});
  deps.store = app->state_->store;
  deps.listener_tls_modes = ListenerModes(config);
  deps.events = app->state_->events;
  if (auto access = app->state_->access) {
    deps.access_warnings = [access] { return access->Warnings(); };
    deps.deployment_token = [access](std::string_view id) {
      return access->MachineRoutesKeyed() ? access->DeploymentToken(id) : std::string();
    };
  }
  if (auto db = std::dynamic_pointer_cast<store::PgStore>(app->state_->store)) {
    // PostgreSQL: planned against the database's tables as CSV files.
    deps.import_csv = [db](const std::map<store::TableId, std::string>& texts, store::ImportMode mode, bool apply,
                           std::vector<store::SourceError>* errors) {
      return ImportTextsIntoDatabase(*db, texts, mode, apply, errors);
    };
  }
  if (auto csv = std::dynamic_pointer_cast<store::CsvStore>(app->state_->store)) {
    // The CSV backend imports into its own data directory.
    deps.import_csv = [csv](const std::map<store::TableId, std::string>& texts, store::ImportMode mode, bool apply,
                            std::vector<store::SourceError>* errors) {
      return csv->ImportCsv(texts, mode, apply, errors);
    };
  }
  api::RegisterProvisioningRoutes(*app->router_, std::move(deps));
  api::admin::RegisterSettingsRoutes(*app->router_, app->state_->store, {ListenerModes(config)});
  app->state_->tls->require_incoming_encryption = config.require_incoming_encryption;
  api::TlsRoutesOptions tls_routes;
  tls_routes.info = [tls = app->state_->tls] { return tls->Info(); };
  app->state_->tls_info = tls_routes.info;
  tls_routes.keys_dir = KeysDir(config);
  api::RegisterTlsRoutes(*app->router_, std::move(tls_routes));

  api::content::RegisterContentRoutes(*app->router_, std::move(content));
  api::launchers::RegisterLauncherRoutes(*app->router_, {std::string(LauncherTemplate()), KeysDir(config), PROVISIOND_VERSION});
  api::access::RegisterAccessRoutes(
      *app->router_, {app->state_->access, app->state_->store, !config.file_token.empty()});
  if (config.metrics_enabled) RegisterMetrics(*app, config);
  return app;
}

void App::RegisterMetrics(App& app, const Config& config) {
  State& st = *app.state_;
  st.metrics = std::make_shared<metrics::Registry>();
  api::metrics::AddBuildInfo(*st.metrics, PROVISIOND_VERSION);
  if (st.store) {
    api::metrics::AddStoreMetrics(*st.metrics, st.store);
    api::metrics::DeploymentMetricsOptions d;
    d.max_models = config.metrics_max_models;
    st.deployment_metrics = std::make_shared<api::metrics::DeploymentMetrics>(*st.metrics, d);
    st.events->AddObserver(st.deployment_metrics->Observer());
  }
  const App* self = &app;
  api::metrics::AddCertificateMetrics(*st.metrics, [self] {
    std::vector<api::metrics::CertificateExpiry> out;
    for (const auto& c : self->Certificates()) out.push_back({"service", c.subject, c.sha256, c.not_after});
    for (const auto& c : self->RootCertificates()) out.push_back({"root", c.subject, c.sha256, c.not_after});
    return out;
  });
  api::metrics::RegisterMetricsRoute(*app.router_, {st.metrics, [self] { self->ScanStaleForMetrics(); }});
}

std::vector<api::ReadyCheck> App::ReadyChecks() const {
  const Config& c = state_->config;
  std::vector<api::ReadyCheck> out;
  std::error_code ec;
  api::ReadyCheck data{"data", fs::absolute(c.data_dir, ec).string(), state_->store != nullptr, ""};
  if (!data.ok) data.detail = "data not loaded";
  else if (!fs::is_directory(c.data_dir, ec)) data = {"data", data.path, false, "the data directory is gone"};
  out.push_back(std::move(data));
  if (c.backend == "postgres" && state_->store != nullptr) {
    // Reads still answer from the snapshot during an outage; writes do not.
    store::StoreHealth h = state_->store->Health();
    out.push_back({"database", h.location, h.unavailable.empty(),
                   h.unavailable.empty() ? "" : h.unavailable + "; reads serve the last snapshot, writes answer 503"});
  }
  std::string content = ContentRoot(c);
  api::ReadyCheck root{"content_root", content, fs::is_directory(content, ec), ""};
  if (!root.ok)
    root.detail = "the /file/ content folder " + content +
                  " does not exist; create it (mkdir -p) or pass --content-root DIR (content.root)";
  out.push_back(std::move(root));
  if (UsesTls(c)) {
    std::string paths;
    for (const auto& p : TlsPairs(c)) paths += (paths.empty() ? "" : ", ") + p.cert_path;
    bool loaded = state_->tls->holder->Current() != nullptr;
    out.push_back({"tls", paths, loaded, loaded ? "" : "no TLS certificate loaded"});
  }
  return out;
}

std::vector<std::string> App::SettingsWarnings() const {
  if (state_->store == nullptr) return {};
  return api::endpoint::SettingsWarnings(*state_->store->Snapshot(), {ListenerModes(state_->config)});
}

namespace {

void ConfigureLogging(const Config& c) {
  LogLevel level;
  LogFormat format;
  if (ParseLogLevel(c.log_level, &level)) SetLogLevel(level);
  if (ParseLogFormat(c.log_format, &format)) SetLogFormat(format);
  SetLogJournal(platform::StderrIsJournal());
}

net::ServerOptions ServerOptionsFrom(const Config& c) {
  net::ServerOptions o;
  o.listeners = {net::ListenerOptions{c.bind, c.port, static_cast<net::TlsMode>(c.tls_mode)}};
  for (const auto& l : c.extra_listeners)
    o.listeners.push_back({l.bind, l.port, static_cast<net::TlsMode>(l.tls_mode)});
  o.threads = c.threads;
  o.blocking_threads = c.blocking_threads;
  o.max_header_bytes = c.max_header_bytes;
  o.max_body_bytes = c.max_body_bytes;
  o.header_timeout = std::chrono::milliseconds(c.header_timeout_ms);
  o.idle_timeout = std::chrono::milliseconds(c.idle_timeout_ms);
  o.body_timeout = std::chrono::milliseconds(c.body_timeout_ms);
  o.write_timeout = std::chrono::milliseconds(c.write_timeout_ms);
  o.max_connections = c.max_connections;
  o.max_connections_per_client = c.max_connections_per_client;
  o.upload_min_rate = c.upload_min_rate;
  o.upload_rate_window = std::chrono::milliseconds(c.upload_rate_window_ms);
  o.shutdown_grace = std::chrono::milliseconds(c.shutdown_grace_ms);
  o.trusted_proxies = *CidrList::Parse(c.trusted_proxies);  // validated by ValidateConfig
  o.require_incoming_encryption = c.require_incoming_encryption;
  o.hsts_max_age_s = c.hsts_max_age_s;
  return o;
}

// Runs `tick` every `period` on its own thread until destroyed.
class Ticker {
 public:
  Ticker(std::chrono::milliseconds period, std::function<void()> tick)
      : thread_([this, period, tick = std::move(tick)](std::stop_token stop) {
          std::unique_lock lock(mu_);
          while (!cv_.wait_for(lock, stop, period, [&] { return stop.stop_requested(); })) {
            lock.unlock();
            tick();
            lock.lock();
          }
        }) {}

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::jthread thread_;  // last: stopped and joined first
};

// WatchdogSec= in the unit: WATCHDOG=1 at half the interval, but only
// while the first I/O thread runs the probe posted at the previous tick, so
// a stuck event loop stops the pings and systemd restarts the service.
// nullptr when no watchdog is asked for.
std::unique_ptr<Ticker> StartWatchdog(net::Server& server) {
  auto interval = platform::ServiceWatchdogInterval();
  if (!interval) return nullptr;
  auto period = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(*interval / 2),
                         std::chrono::milliseconds(1));
  auto probe_ran = std::make_shared<std::atomic<bool>>(true);
  return std::make_unique<Ticker>(period, [&server, probe_ran] {
    if (!probe_ran->exchange(false)) return;
    platform::NotifyServiceManager("WATCHDOG=1");
    server.Post([probe_ran] { probe_ran->store(true); });
  });
}

}  // namespace

// An admin who can sign in, at start: from PROVISIOND_ADMIN_PASSWORD, or a
// one-time setup token in the log (the original's sample has `admin` with
// an empty password, which never signs in).
Status PrepareFirstAdmin(api::access::AccessControl& access) {
  if (access.HasUsableAdmin()) return Status::Ok();
  auto env = ProcessEnvironment();
  if (auto it = env.find("PROVISIOND_ADMIN_PASSWORD"); it != env.end() && !it->second.empty()) {
    PV_RETURN_IF_ERROR(access.SetFirstAdminPassword(it->second));
    LogInfo("admin password set from PROVISIOND_ADMIN_PASSWORD (user admin)");
    return Status::Ok();
  }
  if (auto token = access.BeginSetup()) {
    LogWarning("no admin can sign in (users.csv has no admin with a password; an empty password never signs "
               "in). Set one: `provisiond users passwd admin`, or PROVISIOND_ADMIN_PASSWORD at start, or "
               "within 1 hour POST /api/v1/auth/setup {\"token\":\"" + *token +
               "\",\"password\":\"...\"} (one use)");
  }
  return Status::Ok();
}

int RunServe(std::vector<std::string> args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << ServeHelp();
      return 0;
    }
  }
  const std::string given = GivenDirOptions(args);  // before the flags are consumed
  Config config;
  if (Status s = LoadEffectiveConfig(&args, true, &config); !s.ok()) {
    std::cerr << "provisiond serve: " << s.message() << "\n";
    return 2;
  }
  std::string port_file;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--print-port-file" && i + 1 < args.size()) {
      port_file = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      break;
    }
  }
  if (!args.empty()) {
    std::cerr << "provisiond serve: unknown option '" << args[0] << "' (see provisiond serve --help)\n";
    return 2;
  }
  ConfigureLogging(config);
  // Never create data here: a mistyped --data-dir must not serve sample computers.
  if (Status s = CheckDataDir(config.data_dir); !s.ok()) {
    std::cerr << "provisiond serve: " << s.message() << "\n";
    return 2;
  }
  // One server per data directory, and none while `restore` swaps it;
  // held until the process ends (the kernel drops it even after a crash).
  auto dir_lock = LockDataDir(config.data_dir);
  if (!dir_lock.ok()) {
    std::cerr << "provisiond serve: " << dir_lock.status().message() << "\n";
    return 1;
  }
  auto app = App::Create(config, true);
  if (!app.ok()) {
    std::string error = app.status().message();
    if (app.status().code() == StatusCode::kInvalidArgument) {
      // A data file that cannot be loaded (only a hand edit makes one: every
      // write of provisiond passes the rules the loader applies).
      error += "; fix that line and column of the file (or put back its backup) and start again; `provisiond "
               "check --data-dir " + config.data_dir + "` lists every problem of the data directory";
    }
    LogError("cannot start", {{"error", error}});
    return 1;
  }
  net::ServerOptions server_options = ServerOptionsFrom(config);
  server_options.metrics = (*app)->metrics();
  auto runtime = (*app)->tls_runtime();
  auto tls = runtime->holder;
  std::unique_ptr<Ticker> tls_watch;
  if (UsesTls(config)) {
    if (Status s = tls->Load(TlsPairs(config)); !s.ok()) {
      std::cerr << "provisiond serve: TLS is configured (mode " << config.tls_mode
                << ") but the certificate cannot be loaded:\n  " << WithOptions(s.message(), given) << "\n";
      return 1;
    }
    server_options.tls = [tls] { return tls->Current(); };
    // Renewed certificate files are picked up without a restart.
    tls_watch = std::make_unique<Ticker>(std::chrono::seconds(2), [tls] {
      bool reloaded = false;
      Status s = tls->ReloadIfChanged(&reloaded);
      if (!s.ok()) LogError("TLS certificate change refused; the previous one keeps serving", {{"error", s.message()}});
      else if (reloaded) LogInfo("TLS certificate reloaded (files changed)");
    });
  }
  auto server = net::Server::Create(std::move(server_options), (*app)->router());
  if (!server.ok()) {
    LogError("cannot listen", {{"error", server.status().message()}});
    return 1;
  }
  if (auto m = (*app)->metrics(); m && !m->status().ok()) {
    // A metric registered twice or misnamed: a bug of this build, never of the config.
    LogError("metrics registry refused a metric", {{"error", m->status().message()}});
    return 1;
  }
  std::string ports;
  for (auto p : (*server)->ports()) ports += (ports.empty() ? "" : ",") + std::to_string(p);
  {
    std::lock_guard lock(runtime->mu);
    auto bound = (*server)->ports();
    std::vector<ListenerConfig> ls = {{config.bind, config.port, config.tls_mode}};
    ls.insert(ls.end(), config.extra_listeners.begin(), config.extra_listeners.end());
    for (size_t i = 0; i < ls.size() && i < bound.size(); ++i)
      runtime->listeners.push_back({ls[i].bind, bound[i], ls[i].tls_mode});
  }
  if (!port_file.empty()) {
    std::ofstream(port_file + ".tmp") << ports << "\n";
    std::error_code ec;
    fs::rename(port_file + ".tmp", port_file, ec);
  }
  (*server)->OnReload([tls, uses = UsesTls(config)] {
    if (!uses) return;
    Status s = tls->Reload();
    if (s.ok()) LogInfo("TLS certificate reloaded (SIGHUP)");
    else LogError("TLS reload refused; the previous certificate keeps serving", {{"error", s.message()}});
  });
  for (const auto& w : (*app)->SettingsWarnings()) LogWarning("settings", {{"warning", w}});
  auto access = (*app)->access();
  if (Status s = PrepareFirstAdmin(*access); !s.ok()) {
    LogError("cannot set the admin password from PROVISIOND_ADMIN_PASSWORD", {{"error", s.message()}});
    return 1;
  }
  for (const auto& w : access->Warnings()) LogWarning("access", {{"warning", w}});
  // What the checks learnt in memory (last use, new networks) reaches the store in batches.
  auto flush_access = [access] {
    if (Status s = access->Flush(); !s.ok()) LogWarning("access state not written; retried", {{"error", s.message()}});
  };
  Ticker access_flush(std::chrono::seconds(5), flush_access);
  // The UI learns of data changes (an edit, an Excel file dropped in) and of
  // refused external edits within a second.
  Ticker data_watch(std::chrono::seconds(1), [store = (*app)->store(), events = (*app)->events(),
                                              last = uint64_t{0}, last_errors = size_t{0}]() mutable {
    auto health = store->Health();
    if (health.generation != last && last != 0) {
      events->Publish("data", R"({"kind":"reloaded","generation":)" + std::to_string(health.generation) + "}");
    }
    if (health.errors.size() > last_errors) {
      const auto& e = health.errors.back();
      events->Publish("data", R"({"kind":"refused","generation":)" + std::to_string(health.generation) +
                                  R"(,"source":")" + JsonEscape(e.source) + R"(","line":)" + std::to_string(e.line) +
                                  R"(,"reason":")" + JsonEscape(e.reason) + "\"}");
    }
    last = health.generation;
    last_errors = health.errors.size();
  });
  // Every 30 s: expiring certificates (a log warning, and a webhook when
  // configured) and stale deployments (a webhook), each announced once; the
  // webhook sender thread starts now.
  auto hooks = (*app)->webhooks();
  if (hooks) hooks->Start();
  auto watch = std::make_unique<Ticker>(
      std::chrono::seconds(30), [hooks, store = (*app)->store(), self = app->get(), stale = std::set<std::string>(),
                                 certs = std::set<std::string>()]() mutable {
        if (hooks) api::webhooks::EmitStale(*hooks, *store, Now(), api::endpoint::StaleTimeout(*store->Snapshot()), &stale);
        // The service certificate and the root: either ending stops endpoints.
        auto watched = self->Certificates();
        for (auto& root : self->RootCertificates()) watched.push_back(std::move(root));
        api::webhooks::EmitCertificateExpiry(hooks.get(), watched, &certs);
      });
  // Stale deployments counted for /metrics between scrapes too (a scrape
  // also scans): one that comes back before the next scrape still counts.
  std::unique_ptr<Ticker> metrics_watch;
  if ((*app)->metrics())
    metrics_watch = std::make_unique<Ticker>(std::chrono::seconds(30), [self = app->get()] { self->ScanStaleForMetrics(); });
  LogInfo("provisiond listening", {{"bind", config.bind}, {"ports", ports}, {"data_dir", config.data_dir},
                                  {"tls_mode", std::to_string(config.tls_mode)}});
  // systemd (Type=notify): ready once the listeners are bound and the data
  // loaded; connections that come before Run() wait in the listen backlog.
  platform::NotifyServiceManager("READY=1\nSTATUS=serving on port(s) " + ports + ", data " + config.data_dir);
  (*server)->OnShutdown([] { platform::NotifyServiceManager("STOPPING=1\nSTATUS=stopping: finishing requests"); });
  std::unique_ptr<Ticker> watchdog = StartWatchdog(**server);
  (*server)->Run();
  flush_access();
  LogInfo("provisiond stopped");
  return 0;
}

int RunInit(std::vector<std::string> args) {
  bool sample = false;
  bool if_missing = false;
  std::vector<std::string> rest;
  // The next command keeps the config file the user gave (its other settings apply to serve too).
  std::string config_option;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) config_option = " --config " + Quoted(args[i + 1]);
    if (args[i].starts_with("--config=")) config_option = " --config " + Quoted(args[i].substr(9));
  }
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << InitHelp();
      return 0;
    }
    if (a == "--sample") sample = true;
    else if (a == "--if-missing") if_missing = true;
    else rest.push_back(a);
  }
  Config config;
  bool dir_flag = false;
  for (const auto& a : rest)  // a directory named by a flag or the config file
    dir_flag = dir_flag || a == "--data-dir" || a.starts_with("--data-dir=") || a == "--config" ||
               a.starts_with("--config=");
  if (Status s = LoadEffectiveConfig(&rest, false, &config); !s.ok()) {
    std::cerr << "provisiond init: " << s.message() << "\n";
    return 2;
  }
  // DIR as a positional wins; else --data-dir (or the configured data.dir).
  std::string dir = config.data_dir;
  if (rest.size() == 1 && !rest[0].starts_with("-")) {
    dir = rest[0];
  } else if (!rest.empty() || !dir_flag) {
    std::cerr << "provisiond init: " << (rest.empty() ? "name the directory" : "unexpected '" + rest[0] + "'")
              << "\n\n" << InitHelp();
    return 2;
  }
  std::error_code exists_ec;
  if (if_missing && fs::exists(dir, exists_ec)) return 0;  // serve checks what it is
  if (Status s = InitDataDir(dir, sample); !s.ok()) {
    std::cerr << "provisiond init: " << s.message() << "\n";
    return 1;
  }
  std::error_code ec;
  std::cout << "created " << fs::absolute(dir, ec).string()
            << (sample ? " from the built-in sample data" : " with empty tables") << "\n"
            << "next: provisiond serve --data-dir " << Quoted(dir) << config_option << "\n";
  return 0;
}

int RunRoutes(std::vector<std::string> args) {
  Config config;
  if (Status s = LoadEffectiveConfig(&args, false, &config); !s.ok()) {
    std::cerr << "provisiond routes: " << s.message() << "\n";
    return 2;
  }
  auto app = App::Create(config, false);
  if (!app.ok()) {
    std::cerr << "provisiond routes: " << app.status().message() << "\n";
    return 1;
  }
  std::cout << (*app)->router()->Describe();
  // The OpenAPI annotations must name routes that exist (no stale schema).
  int stale = 0;
  for (const auto& key : api::AnnotatedRoutes()) {
    bool found = false;
    for (const auto& r : (*app)->router()->routes()) found = found || r.method + " " + r.pattern == key;
    if (!found) {
      std::cerr << "provisiond routes: OpenAPI annotation names no route: " << key << "\n";
      ++stale;
    }
  }
  return stale == 0 ? 0 : 1;
}

}  // namespace provisiond::cli

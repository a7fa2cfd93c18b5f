#include "api/tls_routes.h"

#include <filesystem>
#include <memory>

#include "api/endpoint/json_writer.h"
#include "api/problem.h"
#include "base/strings.h"
#include "pki/cert.h"
#include "pki/keys_dir.h"
#include "pki/pem.h"

namespace provisiond::api {

using endpoint::JsonWriter;

namespace {

std::optional<Timestamp> GraceUntil(const std::string& rotation_file) {
  auto text = pki::ReadTextFile(rotation_file);
  if (!text.ok()) return std::nullopt;
  std::string_view rest = *text;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = Trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    constexpr std::string_view kKey = "grace_until=";
    if (line.substr(0, kKey.size()) == kKey) return ParseIso8601(Trim(line.substr(kKey.size())));
  }
  return std::nullopt;
}

const char* ModeName(int mode) {
  switch (mode) {
    case 0: return "plaintext only";
    case 1: return "TLS only";
    case 2: return "TLS and plaintext on one port";
  }
  return "unknown";
}

std::string ExpiryWarning(int days) {
  if (days < 0) return "EXPIRED " + std::to_string(-days) + " days ago";
  if (days < kTlsExpiryWarningDays) return "expires in " + std::to_string(days) + " days: renew soon";
  return "";
}

void WriteRoots(JsonWriter& w, const TrustRoots& t) {
  w.Key("file").String(std::filesystem::path(t.path).filename().string());
  w.Key("sha256").String(t.roots.front().sha256);
  w.Key("fingerprints").BeginArray();
  for (const auto& r : t.roots) w.String(r.sha256);
  w.EndArray();
  w.Key("grace_until").StringOrNull(t.grace_until ? FormatIso8601(*t.grace_until) : "");
  w.Key("roots").BeginArray();
  for (const auto& r : t.roots) {
    w.BeginObject();
    w.Key("subject").String(r.subject);
    w.Key("sha256").String(r.sha256);
    w.Key("not_after").String(FormatIso8601(r.not_after));
    w.Key("days_to_expiry").Int(r.days_to_expiry);
    w.Key("warning").StringOrNull(ExpiryWarning(r.days_to_expiry));
    w.EndObject();
  }
  w.EndArray();
}

std::string Row(std::string_view name, std::string_view value_html) {
  return "<tr><th>" + HtmlEscape(name) + "</th><td>" + std::string(value_html) + "</td></tr>\n";
}

std::string DaysCell(int days) {
  std::string w = ExpiryWarning(days);
  if (w.empty()) return std::to_string(days);
  return "<span class=warn>" + std::to_string(days) + " (" + HtmlEscape(w) + ")</span>";
}

}  // namespace

Result<TrustRoots> ReadTrustRoots(const std::string& keys_dir, Timestamp now) {
  pki::KeysDir keys(keys_dir);
  TrustRoots t;
  std::error_code ec;
  t.path = keys.Path(pki::kTrustBundleFile);
  if (!std::filesystem::exists(t.path, ec)) t.path = keys.Path(pki::kRootCertFile);
  if (!std::filesystem::exists(t.path, ec)) {
    return Status::NotFound("no root certificate in " + keys_dir +
                            " (neither roots.pem nor root.crt); create one with `provisiond keys root-init`");
  }
  PV_ASSIGN_OR_RETURN(auto certs, pki::ReadCertsFile(t.path));
  for (const auto& c : certs) {
    pki::CertInfo ci = pki::DescribeCert(c.get(), now);
    t.roots.push_back({ci.subject, ci.sha256, ci.not_after, ci.days_to_expiry});
    PV_ASSIGN_OR_RETURN(std::string pem, pki::CertToPem(c.get()));
    t.pem += pem;
  }
  if (t.roots.empty()) return Status::InvalidArgument(t.path + ": holds no certificate");
  if (t.roots.size() > 1) t.grace_until = GraceUntil(keys.Path(pki::kRotationFile));
  return t;
}

std::vector<std::string> TlsVersionsBetween(const std::string& min_version, const std::string& max_version) {
  static const char* const kAll[] = {"SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
  std::vector<std::string> out;
  bool in = false;
  for (const char* v : kAll) {
    if (min_version == v) in = true;
    if (in) out.push_back(v);
    if (max_version == v) break;
  }
  return out;
}

std::string TlsInfoJson(const TlsInfo& info, const Result<TrustRoots>& roots) {
  JsonWriter w(4096);
  std::vector<std::string> warnings;
  w.BeginObject();
  w.Key("listeners").BeginArray();
  for (const auto& l : info.listeners) {
    w.BeginObject();
    w.Key("bind").String(l.bind);
    w.Key("port").Int(l.port);
    w.Key("mode").Int(l.mode);
    w.Key("mode_name").String(ModeName(l.mode));
    w.Key("tls").Bool(l.mode != 0);
    w.Key("plaintext").Bool(l.mode == 0 || (l.mode == 2 && !info.require_incoming_encryption));
    w.EndObject();
  }
  w.EndArray();
  w.Key("require_incoming_encryption").Bool(info.require_incoming_encryption);
  w.Key("tls").BeginObject();
  w.Key("loaded").Bool(info.loaded);
  if (info.loaded) {
    w.Key("versions").Strings(TlsVersionsBetween(info.min_version, info.max_version));
    w.Key("min_version").String(info.min_version);
    w.Key("max_version").String(info.max_version);
    w.Key("tls12_suites").Strings(info.tls12_suites);
    w.Key("tls12_usable_suites").Strings(info.tls12_usable_suites);
    w.Key("tls13_suites").Strings(info.tls13_suites);
    w.Key("groups").String(info.groups);
    w.Key("session_resumption").Bool(info.session_resumption);
    w.Key("loaded_at").String(FormatIso8601(info.loaded_at));
  }
  w.EndObject();
  w.Key("certificates").BeginArray();
  for (const auto& c : info.certificates) {
    std::string warn = ExpiryWarning(c.days_to_expiry);
    if (!warn.empty()) warnings.push_back(c.cert_path + ": " + warn);
    w.BeginObject();
    w.Key("cert_path").String(c.cert_path);
    w.Key("key_path").String(c.key_path);
    w.Key("key_type").String(c.key_type);
    w.Key("subject").String(c.subject);
    w.Key("issuer").String(c.issuer);
    w.Key("sans").Strings(c.sans);
    w.Key("not_after").String(FormatIso8601(c.not_after));
    w.Key("days_to_expiry").Int(c.days_to_expiry);
    w.Key("warning").StringOrNull(warn);
    w.Key("sha256").String(c.sha256);
    w.EndObject();
  }
  w.EndArray();
  w.Key("root").BeginObject();
  if (roots.ok()) {
    WriteRoots(w, *roots);
    for (const auto& r : roots->roots) {
      std::string warn = ExpiryWarning(r.days_to_expiry);
      if (!warn.empty()) warnings.push_back("root " + r.subject + ": " + warn);
    }
  } else {
    w.Key("error").String(roots.status().message());
  }
  w.EndObject();
  w.Key("warnings").Strings(warnings);
  w.EndObject();
  return w.Take();
}

std::string TlsInfoHtml(const TlsInfo& info, const Result<TrustRoots>& roots) {
  std::string h =
      "<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>provisiond TLS</title>\n"
      "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}"
      "table{border-collapse:collapse;margin-bottom:1.5em}th,td{border:1px solid #ccc;padding:.3em .6em;"
      "text-align:left;vertical-align:top}th{background:#f4f4f4}code{font-size:.9em}"
      ".warn{color:#a00;font-weight:bold}</style></head><body>\n<h1>TLS</h1>\n"
      "<p>JSON: <a href=\"../api/v1/admin/tls\">/api/v1/admin/tls</a>. Root for launchers: "
      "<a href=\"../api/v1/tls/root.crt\">/api/v1/tls/root.crt</a> "
      "(<a href=\"../api/v1/tls/root\">fingerprints</a>).</p>\n<h2>Listeners</h2>\n"
      "<table><tr><th>bind</th><th>port</th><th>mode</th></tr>\n";
  for (const auto& l : info.listeners) {
    h += "<tr><td>" + HtmlEscape(l.bind) + "</td><td>" + std::to_string(l.port) + "</td><td>" + std::to_string(l.mode) +
         " (" + ModeName(l.mode) + ")</td></tr>\n";
  }
  h += "</table>\n<p>RequireIncomingEncryption: ";
  h += info.require_incoming_encryption ? "1 (plaintext requests are refused)" : "0";
  h += "</p>\n<h2>Policy in service</h2>\n";
  if (!info.loaded) {
    h += "<p>No TLS context loaded (no listener uses TLS).</p>\n";
  } else {
    h += "<table>\n";
    h += Row("versions", HtmlEscape(Join(TlsVersionsBetween(info.min_version, info.max_version), ", ")));
    std::string suites;
    for (size_t i = 0; i < info.tls12_suites.size(); ++i)
      suites += std::to_string(i + 1) + ". <code>" + HtmlEscape(info.tls12_suites[i]) + "</code><br>";
    h += Row("TLS 1.2 suites (server order)", suites);
    h += Row("usable with the loaded keys", "<code>" + HtmlEscape(Join(info.tls12_usable_suites, " ")) + "</code>");
    h += Row("TLS 1.3 suites", "<code>" + HtmlEscape(Join(info.tls13_suites, " ")) + "</code>");
    h += Row("groups", HtmlEscape(info.groups));
    h += Row("session resumption", info.session_resumption ? "on" : "off");
    h += Row("loaded at", HtmlEscape(FormatIso8601(info.loaded_at)));
    h += "</table>\n";
  }
  h += "<h2>Certificates</h2>\n";
  for (const auto& c : info.certificates) {
    h += "<table>\n";
    h += Row("file", "<code>" + HtmlEscape(c.cert_path) + "</code>");
    h += Row("key", "<code>" + HtmlEscape(c.key_path) + "</code> (" + HtmlEscape(c.key_type) + ")");
    h += Row("subject", HtmlEscape(c.subject));
    h += Row("issuer", HtmlEscape(c.issuer));
    h += Row("names", HtmlEscape(Join(c.sans, ", ")));
    h += Row("expires", HtmlEscape(FormatIso8601(c.not_after)));
    h += Row("days to expiry", DaysCell(c.days_to_expiry));
    h += Row("SHA-256", "<code>" + HtmlEscape(c.sha256) + "</code>");
    h += "</table>\n";
  }
  if (info.certificates.empty()) h += "<p>None loaded.</p>\n";
  h += "<h2>Root (trusted by endpoints)</h2>\n";
  if (!roots.ok()) {
    h += "<p class=warn>" + HtmlEscape(roots.status().message()) + "</p>\n";
  } else {
    if (roots->grace_until) {
      h += "<p>Rotation grace period until " + HtmlEscape(FormatIso8601(*roots->grace_until)) +
           ": the bundle holds the new and the previous root.</p>\n";
    }
    for (const auto& r : roots->roots) {
      h += "<table>\n";
      h += Row("subject", HtmlEscape(r.subject));
      h += Row("SHA-256", "<code>" + HtmlEscape(r.sha256) + "</code>");
      h += Row("expires", HtmlEscape(FormatIso8601(r.not_after)));
      h += Row("days to expiry", DaysCell(r.days_to_expiry));
      h += "</table>\n";
    }
  }
  h += "</body></html>\n";
  return h;
}

void RegisterTlsRoutes(Router& router, TlsRoutesOptions options) {
  if (!options.clock) options.clock = [] { return Now(); };
  auto o = std::make_shared<const TlsRoutesOptions>(std::move(options));
  auto opts = [](RouteGroup g, std::string summary) {
    RouteOptions r;
    r.group = g;
    r.permission = g == RouteGroup::kMachine ? Permission::kMachine : Permission::kViewer;
    r.summary = std::move(summary);
    return r;
  };
  router.Add(
      "GET", "/api/v1/tls/root.crt",
      [o](Request&) {
        auto roots = ReadTrustRoots(o->keys_dir, o->clock());
        if (!roots.ok()) return ToProblem(roots.status());
        // One root: the certificate; during a rotation's grace period the
        // bundle of both, named so nobody takes it for a single certificate.
        std::string name = roots->roots.size() == 1 ? "provisiond-root.crt" : "provisiond-roots.pem";
        Response r = Response::Text(200, std::move(roots->pem), "application/x-pem-file");
        r.headers.Set("Content-Disposition", "attachment; filename=\"" + name + "\"");
        r.headers.Set("X-Root-Count", std::to_string(roots->roots.size()));
        r.headers.Set("Cache-Control", "no-cache");
        return r;
      },
      opts(RouteGroup::kMachine, "root certificate(s) to trust, PEM (roots.pem: 2 during a rotation)"));
  router.Add(
      "GET", "/api/v1/tls/root",
      [o](Request&) {
        auto roots = ReadTrustRoots(o->keys_dir, o->clock());
        if (!roots.ok()) return ToProblem(roots.status());
        JsonWriter w(1024);
        w.BeginObject();
        WriteRoots(w, *roots);
        w.EndObject();
        return Response::Json(200, w.Take());
      },
      opts(RouteGroup::kMachine, "root SHA-256 fingerprint(s), subject, expiry"));
  router.Add(
      "GET", "/api/v1/admin/tls",
      [o](Request&) {
        return Response::Json(200, TlsInfoJson(o->info(), ReadTrustRoots(o->keys_dir, o->clock())));
      },
      opts(RouteGroup::kAdmin, "TLS state: listeners, versions, suites, certificates, root, expiry"));
  router.Add(
      "GET", "/admin/tls",
      [o](Request&) {
        return Response::Text(200, TlsInfoHtml(o->info(), ReadTrustRoots(o->keys_dir, o->clock())),
                              "text/html; charset=utf-8");
      },
      opts(RouteGroup::kAdmin, "TLS info page (HTML)"));
}

}  // namespace provisiond::api

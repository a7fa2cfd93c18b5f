// What the TLS info route and page show, as plain values. The api layer
// never sees net/ (arrows point down: net -> api), so cli/ fills a TlsInfo
// from net::TlsContextHolder::Describe() and the listener list, through a
// TlsInfoProvider. The root certificate(s) are read here from the keys
// directory (pki/), as endpoints download them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"

namespace provisiond::api {

// Certificates expiring in fewer days than this are flagged.
inline constexpr int kTlsExpiryWarningDays = 30;

struct TlsListenerInfo {
  std::string bind;
  uint16_t port = 0;  // the bound port (never 0 once serving)
  int mode = 0;       // 0 plaintext, 1 TLS only, 2 both on one port
};

struct TlsCertificateInfo {
  std::string cert_path;
  std::string key_path;
  std::string subject;
  std::string issuer;
  Timestamp not_after{};
  int days_to_expiry = 0;  // negative once expired
  std::string sha256;      // "AB:CD:..."
  std::string key_type;    // "EC P-256", "RSA 3072"
  std::vector<std::string> sans;
};

struct TlsInfo {
  std::vector<TlsListenerInfo> listeners;
  bool require_incoming_encryption = false;
  bool loaded = false;  // a TLS context is live (false: no listener uses TLS)
  // Read back from the live context; empty when !loaded.
  std::string min_version;  // "TLSv1.2"
  std::string max_version;  // "TLSv1.3"
  std::vector<std::string> tls12_suites;         // in server preference order
  std::vector<std::string> tls12_usable_suites;  // those the loaded key types serve
  std::vector<std::string> tls13_suites;
  std::string groups;
  bool session_resumption = false;
  Timestamp loaded_at{};
  std::vector<TlsCertificateInfo> certificates;
};

// Called per request; must be safe from any thread.
using TlsInfoProvider = std::function<TlsInfo()>;

// One root of the trust bundle endpoints download.
struct TrustRootInfo {
  std::string subject;
  std::string sha256;
  Timestamp not_after{};
  int days_to_expiry = 0;
};

struct TrustRoots {
  std::string path;                      // roots.pem, else root.crt
  std::string pem;                       // the file's certificates, as PEM
  std::vector<TrustRootInfo> roots;      // current root first
  std::optional<Timestamp> grace_until;  // during a rotation's grace period
};

// Reads <keys_dir>/roots.pem (root.crt if there is no bundle). NotFound
// naming the directory and `provisiond keys root-init` when neither exists;
// InvalidArgument if the file holds no certificate.
Result<TrustRoots> ReadTrustRoots(const std::string& keys_dir, Timestamp now);

// "TLSv1.2", "TLSv1.3" for min TLSv1.2 / max TLSv1.3 (every version between).
std::vector<std::string> TlsVersionsBetween(const std::string& min_version, const std::string& max_version);

// The JSON of GET /api/v1/admin/tls. `roots` may be an error (no root yet):
// shown as "root": {"error": ...}.
std::string TlsInfoJson(const TlsInfo& info, const Result<TrustRoots>& roots);
// The same as a small self-contained HTML page (GET /admin/tls).
std::string TlsInfoHtml(const TlsInfo& info, const Result<TrustRoots>& roots);

}  // namespace provisiond::api

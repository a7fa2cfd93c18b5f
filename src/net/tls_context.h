// The TLS server policy (Tanium platform guide; shared/README.md "Security
// contract") and the holder that serves the current context and reloads it.
// Light header: Asio's ssl::context is only forward-declared; files that use
// the context include <boost/asio/ssl/context.hpp> themselves.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"

namespace boost::asio::ssl { class context; }

namespace provisiond::net {

// TLS 1.2 suites, exactly these, in this order (server preference).
inline constexpr std::array<std::string_view, 10> kTls12Suites = {
    "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-SHA384",     "ECDHE-RSA-AES256-SHA384",
    "ECDHE-ECDSA-AES128-SHA256",     "ECDHE-RSA-AES128-SHA256",
};
// The three standard TLS 1.3 suites.
inline constexpr std::array<std::string_view, 3> kTls13Suites = {
    "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"};
// Key exchange groups (no finite-field DH in TLS 1.3).
inline constexpr std::string_view kTlsGroups = "X25519:P-256:P-384";

struct TlsPairPaths {
  std::string cert_path;  // PEM: the leaf, then any chain certificates
  std::string key_path;   // PEM private key (PKCS#8 or traditional)
  friend bool operator==(const TlsPairPaths&, const TlsPairPaths&) = default;
};

// <keys_dir>/reporting.crt + reporting.pvk, then reporting-rsa.crt +
// reporting-rsa.pvk if that certificate exists (doc/tls.md).
std::vector<TlsPairPaths> DefaultTlsPairs(const std::string& keys_dir);

struct TlsPairInfo {
  std::string cert_path;
  std::string key_path;
  std::string subject;
  std::string issuer;
  Timestamp not_after{};
  int days_to_expiry = 0;        // negative once expired; warn under 30
  std::string sha256;            // "AB:CD:..."
  std::string key_type;          // "EC P-256", "RSA 3072"
  std::vector<std::string> sans;
};

// What the info page shows about the context in service.
struct TlsDescription {
  std::vector<TlsPairInfo> pairs;
  std::vector<std::string> tls12_suites;         // read back from OpenSSL, in order
  std::vector<std::string> tls12_usable_suites;  // those the loaded key types can serve
  std::vector<std::string> tls13_suites;
  std::string min_version = "TLSv1.2";
  std::string max_version = "TLSv1.3";
  std::string groups{kTlsGroups};
  bool session_resumption = true;                // session cache + tickets
  Timestamp loaded_at{};
};

// A fresh server context from `pairs` (at most one EC and one RSA pair), or
// the reason it cannot be built: missing file (the message lists the
// `provisiond keys` commands that create it), unreadable PEM, key not
// matching its certificate, or a suite list OpenSSL does not read back
// exactly as the policy. `description` (optional) is filled on success.
Result<std::shared_ptr<boost::asio::ssl::context>> BuildServerContext(const std::vector<TlsPairPaths>& pairs,
                                                                      Timestamp now,
                                                                      TlsDescription* description = nullptr);

// The TLS 1.2 / 1.3 suite names the context will offer, in order.
std::vector<std::string> ReadBackTls12Suites(boost::asio::ssl::context& context);
std::vector<std::string> ReadBackTls13Suites(boost::asio::ssl::context& context);

// Enough of a file's identity to notice a replacement or an edit.
struct FileStamp {
  std::string path;
  bool exists = false;
  int64_t mtime = 0;   // file clock ticks
  uint64_t size = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};
std::vector<FileStamp> StampFiles(const std::vector<TlsPairPaths>& pairs);

// Holds the context new TLS sessions use. Current() is lock-free and safe
// from any thread; Load/Reload/ReloadIfChanged are serialised internally.
// A session keeps the context it loaded; a reload never mutates a context in
// use, it swaps in a new one.
class TlsContextHolder {
 public:
  TlsContextHolder() = default;
  TlsContextHolder(const TlsContextHolder&) = delete;
  TlsContextHolder& operator=(const TlsContextHolder&) = delete;

  // Builds from `pairs` and makes it current. On failure the previous
  // context (if any) and pairs stay.
  Status Load(std::vector<TlsPairPaths> pairs, Timestamp now = Now());
  // Rebuilds from the same paths (SIGHUP, changed files). On failure the old
  // context keeps serving and the Status says why the new pair was refused.
  Status Reload(Timestamp now = Now());
  // True if any cert/key file changed (mtime, size, existence) since the last
  // Load/Reload attempt: a refused pair is retried only after another change.
  bool FilesChanged() const;
  // Reload() if FilesChanged(); *reloaded says whether a new context is live.
  Status ReloadIfChanged(bool* reloaded, Timestamp now = Now());

  // The live context, or null before a successful Load.
  std::shared_ptr<boost::asio::ssl::context> Current() const;
  // The live context's description with days_to_expiry as of `now`.
  TlsDescription Describe(Timestamp now = Now()) const;

 private:
  struct Live {
    std::shared_ptr<boost::asio::ssl::context> context;
    TlsDescription description;
  };
  Status BuildAndSwap(const std::vector<TlsPairPaths>& pairs, Timestamp now);

  std::atomic<std::shared_ptr<const Live>> live_;
  mutable std::mutex mu_;              // guards pairs_ and attempted_
  std::vector<TlsPairPaths> pairs_;
  std::vector<FileStamp> attempted_;
};

}  // namespace provisiond::net

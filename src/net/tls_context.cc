#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <system_error>

#include "base/strings.h"
#include "pki/cert.h"
#include "pki/keys_dir.h"
#include "pki/pem.h"

namespace provisiond::net {
namespace ssl = boost::asio::ssl;
namespace fs = std::filesystem;
namespace {

constexpr unsigned char kSessionIdContext[] = "provisiond";
constexpr long kSessionCacheSize = 20'000;
constexpr long kSessionTimeoutSeconds = 3600;

std::string JoinSuites(const auto& suites) {
  std::string s;
  for (std::string_view name : suites) {
    if (!s.empty()) s += ':';
    s += name;
  }
  return s;
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

Status MissingFile(const std::string& path) {
  fs::path p(path);
  std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  return Status::FailedPrecondition(
      "TLS is on but " + path + " does not exist. Create a root and the service certificate with:\n"
      "  provisiond keys root-init\n"
      "  provisiond keys tls-request --subject CN=<server name> --san DNS:<server name>\n"
      "  provisiond keys tls-issue reporting.csr reporting.crt\n"
      "(add --keys-dir " + dir + " if that is not <data-dir>/keys), or point --tls-cert/--tls-key "
      "(ReportingTLSCertPath/ReportingTLSKeyPath) at existing files, or set --tls-mode 0");
}

std::vector<std::string> ReadBack(SSL_CTX* h, bool tls13) {
  std::vector<std::string> out;
  STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(h);
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
    bool is13 = std::string_view(SSL_CIPHER_get_version(c)) == "TLSv1.3";
    if (is13 == tls13) out.emplace_back(SSL_CIPHER_get_name(c));
  }
  return out;
}

template <typename Array>
bool SameList(const std::vector<std::string>& got, const Array& want) {
  if (got.size() != want.size()) return false;
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i] != want[i]) return false;
  }
  return true;
}

Status ApplyPolicy(SSL_CTX* h) {
  // tls_server allows TLS 1.0 until the floor is set (tlsv12 would pin 1.3 out).
  if (SSL_CTX_set_min_proto_version(h, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(h, TLS1_3_VERSION) != 1) {
    return pki::OpenSslStatus(StatusCode::kInternal, "setting TLS versions 1.2-1.3");
  }
  SSL_CTX_set_options(h, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  std::string tls12 = JoinSuites(kTls12Suites);
  std::string tls13 = JoinSuites(kTls13Suites);
  std::string groups(kTlsGroups);
  if (SSL_CTX_set_cipher_list(h, tls12.c_str()) != 1) {
    return pki::OpenSslStatus(StatusCode::kInternal, "TLS 1.2 suites " + tls12);
  }
  if (SSL_CTX_set_ciphersuites(h, tls13.c_str()) != 1) {
    return pki::OpenSslStatus(StatusCode::kInternal, "TLS 1.3 suites " + tls13);
  }
  if (SSL_CTX_set1_groups_list(h, groups.c_str()) != 1) {
    return pki::OpenSslStatus(StatusCode::kInternal, "key exchange groups " + groups);
  }
  // A misspelled or unavailable suite is dropped silently: trust only what
  // OpenSSL reads back.
  std::vector<std::string> got12 = ReadBack(h, false);
  if (!SameList(got12, kTls12Suites)) {
    return Status::Internal("OpenSSL offers TLS 1.2 suites [" + Join(got12, ":") + "] instead of the policy [" +
                            tls12 + "]: check the OpenSSL build and its configuration (openssl.cnf "
                            "CipherString / security level); refusing to start");
  }
  std::vector<std::string> got13 = ReadBack(h, true);
  if (!SameList(got13, kTls13Suites)) {
    return Status::Internal("OpenSSL offers TLS 1.3 suites [" + Join(got13, ":") + "] instead of [" + tls13 +
                            "]; refusing to start");
  }
  // Resumption: a server-side session cache (TLS 1.2 session IDs) and
  // tickets (on by default; TLS 1.3 uses them).
  SSL_CTX_set_session_cache_mode(h, SSL_SESS_CACHE_SERVER);
  SSL_CTX_sess_set_cache_size(h, kSessionCacheSize);
  SSL_CTX_set_timeout(h, kSessionTimeoutSeconds);
  SSL_CTX_set_session_id_context(h, kSessionIdContext, sizeof kSessionIdContext - 1);
  return Status::Ok();
}

// Loads one pair into the context; fills `info`.
Status AddPair(SSL_CTX* h, const TlsPairPaths& pair, Timestamp now, TlsPairInfo* info) {
  for (const std::string& p : {pair.cert_path, pair.key_path}) {
    if (!Exists(p)) return MissingFile(p);
  }
  PV_ASSIGN_OR_RETURN(auto certs, pki::ReadCertsFile(pair.cert_path));
  PV_ASSIGN_OR_RETURN(pki::PkeyPtr key, pki::ReadPrivateKeyFile(pair.key_path));
  X509* leaf = certs.front().get();
  PV_RETURN_IF_ERROR(pki::CheckKeyMatchesCert(leaf, key.get(), pair.cert_path, pair.key_path));
  pki::X509BorrowedStackPtr chain(sk_X509_new_null());
  if (!chain) return pki::OpenSslStatus(StatusCode::kInternal, "allocating chain");
  for (size_t i = 1; i < certs.size(); ++i) sk_X509_push(chain.get(), certs[i].get());
  // override=1: a second pair of the same key type was refused earlier, so
  // this only ever fills an empty slot.
  if (SSL_CTX_use_cert_and_key(h, leaf, key.get(), chain.get(), 1) != 1) {
    return pki::OpenSslStatus(StatusCode::kFailedPrecondition,
                              "loading " + pair.cert_path + " + " + pair.key_path +
                                  " (a key too weak for the security level is refused here)");
  }
  pki::CertInfo ci = pki::DescribeCert(leaf, now);
  *info = TlsPairInfo{pair.cert_path, pair.key_path, ci.subject,     ci.issuer,  ci.not_after,
                      ci.days_to_expiry, ci.sha256, ci.key_type, ci.sans};
  return Status::Ok();
}

}  // namespace

std::vector<TlsPairPaths> DefaultTlsPairs(const std::string& keys_dir) {
  pki::KeysDir keys(keys_dir);
  std::vector<TlsPairPaths> pairs = {{keys.Path(pki::kServiceCertFile), keys.Path(pki::kServiceKeyFile)}};
  if (Exists(keys.Path("reporting-rsa.crt"))) {
    pairs.push_back({keys.Path("reporting-rsa.crt"), keys.Path("reporting-rsa.pvk")});
  }
  return pairs;
}

std::vector<std::string> ReadBackTls12Suites(ssl::context& context) {
  return ReadBack(context.native_handle(), false);
}

std::vector<std::string> ReadBackTls13Suites(ssl::context& context) {
  return ReadBack(context.native_handle(), true);
}

Result<std::shared_ptr<ssl::context>> BuildServerContext(const std::vector<TlsPairPaths>& pairs, Timestamp now,
                                                         TlsDescription* description) {
  if (pairs.empty()) return MissingFile(pki::KeysDir("<data-dir>/keys").Path(pki::kServiceCertFile));
  ERR_clear_error();
  std::shared_ptr<ssl::context> context;
  try {
    context = std::make_shared<ssl::context>(ssl::context::tls_server);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("creating the TLS context: ") + e.what());
  }
  SSL_CTX* h = context->native_handle();
  PV_RETURN_IF_ERROR(ApplyPolicy(h));
  TlsDescription desc;
  bool have_ec = false;
  bool have_rsa = false;
  for (const TlsPairPaths& pair : pairs) {
    TlsPairInfo info;
    PV_RETURN_IF_ERROR(AddPair(h, pair, now, &info));
    bool rsa = info.key_type.rfind("RSA", 0) == 0;
    bool& slot = rsa ? have_rsa : have_ec;
    if (slot) {
      return Status::InvalidArgument("two " + std::string(rsa ? "RSA" : "EC") + " certificates (" +
                                     desc.pairs.front().cert_path + ", " + pair.cert_path +
                                     "): load at most one ECDSA and one RSA pair");
    }
    slot = true;
    desc.pairs.push_back(std::move(info));
  }
  desc.tls12_suites = ReadBack(h, false);
  for (const std::string& s : desc.tls12_suites) {
    bool rsa_suite = s.find("-RSA-") != std::string::npos;
    if (rsa_suite ? have_rsa : have_ec) desc.tls12_usable_suites.push_back(s);
  }
  desc.tls13_suites = ReadBack(h, true);
  desc.loaded_at = now;
  if (description != nullptr) *description = std::move(desc);
  return context;
}

std::vector<FileStamp> StampFiles(const std::vector<TlsPairPaths>& pairs) {
  std::vector<FileStamp> out;
  for (const TlsPairPaths& pair : pairs) {
    for (const std::string& p : {pair.cert_path, pair.key_path}) {
      FileStamp s;
      s.path = p;
      std::error_code ec;
      auto mtime = fs::last_write_time(p, ec);
      if (!ec) {
        auto size = fs::file_size(p, ec);
        if (!ec) {
          s.exists = true;
          s.mtime = static_cast<int64_t>(mtime.time_since_epoch().count());
          s.size = size;
        }
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

Status TlsContextHolder::BuildAndSwap(const std::vector<TlsPairPaths>& pairs, Timestamp now) {
  attempted_ = StampFiles(pairs);
  auto live = std::make_shared<Live>();
  auto context = BuildServerContext(pairs, now, &live->description);
  if (!context.ok()) return context.status();
  live->context = std::move(*context);
  live_.store(std::move(live));
  return Status::Ok();
}

Status TlsContextHolder::Load(std::vector<TlsPairPaths> pairs, Timestamp now) {
  std::lock_guard lock(mu_);
  PV_RETURN_IF_ERROR(BuildAndSwap(pairs, now));
  pairs_ = std::move(pairs);
  return Status::Ok();
}

Status TlsContextHolder::Reload(Timestamp now) {
  std::lock_guard lock(mu_);
  if (pairs_.empty()) return Status::FailedPrecondition("TLS reload before any successful load");
  Status s = BuildAndSwap(pairs_, now);
  if (!s.ok()) return s.WithContext("new TLS certificate refused, the previous one keeps serving");
  return s;
}

bool TlsContextHolder::FilesChanged() const {
  std::lock_guard lock(mu_);
  return !pairs_.empty() && StampFiles(pairs_) != attempted_;
}

Status TlsContextHolder::ReloadIfChanged(bool* reloaded, Timestamp now) {
  *reloaded = false;
  if (!FilesChanged()) return Status::Ok();
  PV_RETURN_IF_ERROR(Reload(now));
  *reloaded = true;
  return Status::Ok();
}

std::shared_ptr<ssl::context> TlsContextHolder::Current() const {
  std::shared_ptr<const Live> live = live_.load();
  return live ? live->context : nullptr;
}

TlsDescription TlsContextHolder::Describe(Timestamp now) const {
  std::shared_ptr<const Live> live = live_.load();
  if (!live) return {};
  TlsDescription d = live->description;
  auto today = std::chrono::floor<std::chrono::seconds>(now);
  for (TlsPairInfo& p : d.pairs) {
    auto left = (p.not_after - today) / std::chrono::seconds(1);
    p.days_to_expiry = static_cast<int>(left >= 0 ? left / 86400 : -((-left + 86399) / 86400));
  }
  return d;
}

}  // namespace provisiond::net

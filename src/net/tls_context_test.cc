#include "net/tls_context.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <thread>

#include "pki/keys_dir.h"

namespace provisiond::net {
namespace {

namespace fs = std::filesystem;

// A keys directory with a root, an ECDSA pair (reporting.*) and an RSA pair
// (reporting-rsa.*), made once for the whole test binary.
class Keys {
 public:
  static const Keys& Get() {
    static const Keys keys;
    return keys;
  }
  std::string Path(std::string_view name) const { return dir_.Path(name); }
  TlsPairPaths Ec() const { return {Path("reporting.crt"), Path("reporting.pvk")}; }
  TlsPairPaths Rsa() const { return {Path("reporting-rsa.crt"), Path("reporting-rsa.pvk")}; }

 private:
  Keys() : dir_((fs::temp_directory_path() / ("pv_tls_ctx_" + std::to_string(::getpid()))).string()) {
    fs::remove_all(dir_.dir());
    Timestamp now = Now();
    EXPECT_TRUE(pki::InitRoot(dir_, {"CN=Test Root"}, now).ok());
    for (auto [name, type] : {std::pair{"reporting", pki::KeyType::kEcP256},
                              std::pair{"reporting-rsa", pki::KeyType::kRsa3072}}) {
      pki::RequestOptions req;
      req.key_path = std::string(name) + ".pvk";
      req.csr_path = std::string(name) + ".csr";
      req.subject = "CN=localhost";
      req.sans = {"DNS:localhost", "IP:127.0.0.1"};
      req.key_type = type;
      EXPECT_TRUE(pki::RequestServiceCert(dir_, req).ok());
      pki::IssueOptions issue;
      issue.csr_path = req.csr_path;
      issue.out_path = std::string(name) + ".crt";
      auto r = pki::IssueServiceCert(dir_, issue, now);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
    // A spare EC key that matches no certificate.
    pki::RequestOptions other;
    other.key_path = "other.pvk";
    other.csr_path = "other.csr";
    other.subject = "CN=other";
    EXPECT_TRUE(pki::RequestServiceCert(dir_, other).ok());
  }
  ~Keys() { fs::remove_all(dir_.dir()); }
  pki::KeysDir dir_;
};

std::shared_ptr<boost::asio::ssl::context> Build(std::vector<TlsPairPaths> pairs) {
  auto ctx = BuildServerContext(pairs, Now());
  EXPECT_TRUE(ctx.ok()) << ctx.status().ToString();
  return ctx.ok() ? *ctx : nullptr;
}

struct ClientSpec {
  int min_version = TLS1_2_VERSION;
  int max_version = TLS1_2_VERSION;
  std::string ciphers = "ALL";
  bool old_protocols = false;  // lower the client's own security level
};

struct Outcome {
  bool ok = false;
  std::string suite;
  std::string version;
  std::string server_error;
};

// Runs a full handshake between `server` and an OpenSSL client over a BIO
// pair, in memory.
Outcome Handshake(boost::asio::ssl::context& server, const ClientSpec& spec) {
  Outcome out;
  SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
  if (spec.old_protocols) SSL_CTX_set_security_level(cctx, 0);
  SSL_CTX_set_min_proto_version(cctx, spec.min_version);
  SSL_CTX_set_max_proto_version(cctx, spec.max_version);
  EXPECT_EQ(SSL_CTX_set_cipher_list(cctx, (spec.ciphers + (spec.old_protocols ? ":@SECLEVEL=0" : "")).c_str()), 1);
  SSL* client = SSL_new(cctx);
  SSL* srv = SSL_new(server.native_handle());
  BIO* cb = nullptr;
  BIO* sb = nullptr;
  BIO_new_bio_pair(&cb, 0, &sb, 0);
  SSL_set_bio(client, cb, cb);
  SSL_set_bio(srv, sb, sb);
  SSL_set_connect_state(client);
  SSL_set_accept_state(srv);
  bool client_done = false;
  bool server_done = false;
  bool failed = false;
  for (int i = 0; i < 100 && !(client_done && server_done) && !failed; ++i) {
    if (!client_done) {
      int r = SSL_do_handshake(client);
      if (r == 1) {
        client_done = true;
      } else if (int e = SSL_get_error(client, r); e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        failed = true;
      }
    }
    if (!server_done) {
      int r = SSL_do_handshake(srv);
      if (r == 1) {
        server_done = true;
      } else if (int e = SSL_get_error(srv, r); e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        out.server_error = ERR_reason_error_string(ERR_peek_last_error()) ? ERR_reason_error_string(ERR_peek_last_error()) : "?";
        failed = true;
      }
    }
  }
  out.ok = client_done && server_done && !failed;
  if (out.ok) {
    out.suite = SSL_CIPHER_get_name(SSL_get_current_cipher(srv));
    out.version = SSL_get_version(srv);
  }
  ERR_clear_error();
  SSL_free(client);
  SSL_free(srv);
  SSL_CTX_free(cctx);
  return out;
}

std::vector<std::string> Policy12() { return {kTls12Suites.begin(), kTls12Suites.end()}; }

TEST(TlsContext, BuildsWithEcdsaAndRsaAndReadsBackTheTenSuitesInOrder) {
  TlsDescription desc;
  auto ctx = BuildServerContext({Keys::Get().Ec(), Keys::Get().Rsa()}, Now(), &desc);
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ReadBackTls12Suites(**ctx), Policy12());
  EXPECT_EQ(ReadBackTls13Suites(**ctx),
            (std::vector<std::string>{"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                                      "TLS_AES_128_GCM_SHA256"}));
  EXPECT_EQ(desc.tls12_suites, Policy12());
  EXPECT_EQ(desc.tls12_usable_suites, Policy12());
  ASSERT_EQ(desc.pairs.size(), 2u);
  EXPECT_EQ(desc.pairs[0].key_type, "EC P-256");
  EXPECT_EQ(desc.pairs[1].key_type, "RSA 3072");
  EXPECT_EQ(desc.pairs[0].subject, "CN=localhost");
  EXPECT_EQ(desc.pairs[0].issuer, "CN=Test Root");
  EXPECT_EQ(desc.pairs[0].days_to_expiry, 3650);
  EXPECT_EQ(desc.pairs[0].sha256.size(), 95u);
  SSL_CTX* h = (*ctx)->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(h), TLS1_2_VERSION);
  EXPECT_TRUE(SSL_CTX_get_options(h) & SSL_OP_CIPHER_SERVER_PREFERENCE);
  EXPECT_TRUE(SSL_CTX_get_options(h) & SSL_OP_NO_RENEGOTIATION);
  EXPECT_FALSE(SSL_CTX_get_options(h) & SSL_OP_NO_TICKET);
  EXPECT_EQ(SSL_CTX_get_session_cache_mode(h) & SSL_SESS_CACHE_SERVER, SSL_SESS_CACHE_SERVER);
}

TEST(TlsContext, EcdsaOnlyListsTheEcdsaHalfAsUsable) {
  TlsDescription desc;
  ASSERT_TRUE(BuildServerContext({Keys::Get().Ec()}, Now(), &desc).ok());
  ASSERT_EQ(desc.tls12_usable_suites.size(), 5u);
  for (const auto& s : desc.tls12_usable_suites) EXPECT_NE(s.find("ECDSA"), std::string::npos) << s;
}

TEST(TlsContext, EveryPolicySuiteHandshakesAndNegotiatesItself) {
  auto ctx = Build({Keys::Get().Ec(), Keys::Get().Rsa()});
  ASSERT_TRUE(ctx);
  for (std::string_view suite : kTls12Suites) {
    SCOPED_TRACE(suite);
    Outcome o = Handshake(*ctx, {TLS1_2_VERSION, TLS1_2_VERSION, std::string(suite)});
    EXPECT_TRUE(o.ok) << o.server_error;
    EXPECT_EQ(o.suite, suite);
    EXPECT_EQ(o.version, "TLSv1.2");
  }
}

TEST(TlsContext, ServerPreferenceWinsOverClientOrder) {
  auto ctx = Build({Keys::Get().Ec(), Keys::Get().Rsa()});
  ASSERT_TRUE(ctx);
  std::vector<std::string> policy = Policy12();
  std::vector<std::string> reversed(policy.rbegin(), policy.rend());
  std::string list;
  for (const auto& s : reversed) list += (list.empty() ? "" : ":") + s;
  Outcome o = Handshake(*ctx, {TLS1_2_VERSION, TLS1_2_VERSION, list});
  ASSERT_TRUE(o.ok) << o.server_error;
  EXPECT_EQ(o.suite, "ECDHE-ECDSA-AES256-GCM-SHA384");
}

TEST(TlsContext, OtherSuitesAndOldProtocolsAreRefused) {
  auto ctx = Build({Keys::Get().Ec(), Keys::Get().Rsa()});
  ASSERT_TRUE(ctx);
  for (const char* suite : {"AES256-GCM-SHA384", "AES128-SHA", "ECDHE-RSA-AES256-SHA", "ECDHE-ECDSA-AES128-SHA",
                            "DHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-SHA384:@SECLEVEL=0:-ECDHE-RSA-AES256-SHA384:"
                                                         "DHE-RSA-AES128-SHA256"}) {
    SCOPED_TRACE(suite);
    EXPECT_FALSE(Handshake(*ctx, {TLS1_2_VERSION, TLS1_2_VERSION, suite}).ok);
  }
  for (int version : {TLS1_VERSION, TLS1_1_VERSION}) {
    SCOPED_TRACE(version);
    Outcome o = Handshake(*ctx, {TLS1_VERSION, version, "ALL", true});
    EXPECT_FALSE(o.ok);
    EXPECT_NE(o.server_error.find("unsupported protocol"), std::string::npos) << o.server_error;
  }
  // Control: the same permissive client gets in with TLS 1.2 and 1.3.
  EXPECT_TRUE(Handshake(*ctx, {TLS1_VERSION, TLS1_2_VERSION, "ALL", true}).ok);
  Outcome t13 = Handshake(*ctx, {TLS1_2_VERSION, TLS1_3_VERSION});
  EXPECT_TRUE(t13.ok) << t13.server_error;
  EXPECT_EQ(t13.version, "TLSv1.3");
  EXPECT_EQ(t13.suite, "TLS_AES_256_GCM_SHA384");
}

TEST(TlsContext, MismatchedKeyIsRefusedWithReason) {
  auto ctx = BuildServerContext({{Keys::Get().Path("reporting.crt"), Keys::Get().Path("other.pvk")}}, Now());
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.status().message().find("is not the private key of"), std::string::npos) << ctx.status().message();
  EXPECT_NE(ctx.status().message().find("other.pvk"), std::string::npos);
}

TEST(TlsContext, TwoPairsOfOneKeyTypeAreRefused) {
  auto ctx = BuildServerContext({Keys::Get().Ec(), Keys::Get().Ec()}, Now());
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.status().message().find("at most one ECDSA and one RSA"), std::string::npos);
}

TEST(TlsContext, MissingCertificateNamesTheThreeCommands) {
  auto ctx = BuildServerContext({{"/nonexistent/keys/reporting.crt", "/nonexistent/keys/reporting.pvk"}}, Now());
  ASSERT_FALSE(ctx.ok());
  const std::string m = ctx.status().message();
  EXPECT_NE(m.find("provisiond keys root-init"), std::string::npos) << m;
  EXPECT_NE(m.find("provisiond keys tls-request"), std::string::npos) << m;
  EXPECT_NE(m.find("provisiond keys tls-issue reporting.csr reporting.crt"), std::string::npos) << m;
  EXPECT_NE(m.find("--keys-dir /nonexistent/keys"), std::string::npos) << m;
}

TEST(TlsContextHolder, ReloadKeepsTheOldContextWhenTheNewPairIsBad) {
  fs::path dir = fs::temp_directory_path() / ("pv_tls_reload_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  TlsPairPaths pair{(dir / "s.crt").string(), (dir / "s.pvk").string()};
  fs::copy_file(Keys::Get().Path("reporting.crt"), pair.cert_path);
  fs::copy_file(Keys::Get().Path("reporting.pvk"), pair.key_path);

  TlsContextHolder holder;
  EXPECT_EQ(holder.Current(), nullptr);
  ASSERT_TRUE(holder.Load({pair}).ok());
  auto first = holder.Current();
  ASSERT_NE(first, nullptr);
  EXPECT_FALSE(holder.FilesChanged());

  // The key is replaced by one that does not match the certificate.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  fs::copy_file(Keys::Get().Path("other.pvk"), pair.key_path, fs::copy_options::overwrite_existing);
  EXPECT_TRUE(holder.FilesChanged());
  bool reloaded = true;
  Status s = holder.ReloadIfChanged(&reloaded);
  ASSERT_FALSE(s.ok());
  EXPECT_FALSE(reloaded);
  EXPECT_NE(s.message().find("previous one keeps serving"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("is not the private key"), std::string::npos) << s.message();
  EXPECT_EQ(holder.Current(), first);
  EXPECT_TRUE(Handshake(*holder.Current(), {}).ok);
  // A refused pair is not retried until the files change again.
  EXPECT_FALSE(holder.FilesChanged());

  // Now a complete RSA pair replaces it.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  fs::copy_file(Keys::Get().Path("reporting-rsa.crt"), pair.cert_path, fs::copy_options::overwrite_existing);
  fs::copy_file(Keys::Get().Path("reporting-rsa.pvk"), pair.key_path, fs::copy_options::overwrite_existing);
  ASSERT_TRUE(holder.ReloadIfChanged(&reloaded).ok());
  EXPECT_TRUE(reloaded);
  EXPECT_NE(holder.Current(), first);
  EXPECT_EQ(holder.Describe().pairs.at(0).key_type, "RSA 3072");
  // The session that held the old context can still use it.
  EXPECT_TRUE(Handshake(*first, {TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384"}).ok);
  EXPECT_TRUE(Handshake(*holder.Current(), {TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-RSA-AES256-GCM-SHA384"}).ok);
  EXPECT_FALSE(Handshake(*holder.Current(), {TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384"}).ok);
  fs::remove_all(dir);
}

TEST(TlsContextHolder, DescribeCountsDaysFromNow) {
  TlsContextHolder holder;
  ASSERT_TRUE(holder.Load({Keys::Get().Ec()}).ok());
  Timestamp not_after = holder.Describe().pairs.at(0).not_after;
  EXPECT_EQ(holder.Describe(not_after - std::chrono::hours(24) * 10).pairs.at(0).days_to_expiry, 10);
  EXPECT_EQ(holder.Describe(not_after + std::chrono::seconds(1)).pairs.at(0).days_to_expiry, -1);
}

TEST(TlsContextHolder, DefaultPairsFollowTheKeysLayout) {
  auto pairs = DefaultTlsPairs("/x/keys");
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0], (TlsPairPaths{"/x/keys/reporting.crt", "/x/keys/reporting.pvk"}));
}

}  // namespace
}  // namespace provisiond::net

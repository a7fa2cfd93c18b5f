#include "pki/cert.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstdio>

#include "base/strings.h"
#include "pki/pem.h"

namespace provisiond::pki {
namespace {

constexpr int kSerialBits = 159;  // positive, < 20 bytes DER (RFC 5280 4.1.2.2)

time_t ToTimeT(Timestamp t) { return Clock::to_time_t(t); }

std::string Hex(const unsigned char* p, unsigned n, bool colons) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string s;
  for (unsigned i = 0; i < n; ++i) {
    if (colons && i > 0) s += ':';
    s += kDigits[p[i] >> 4];
    s += kDigits[p[i] & 0xF];
  }
  return s;
}

std::string Fingerprint(X509* cert, const EVP_MD* md) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (X509_digest(cert, md, buf, &n) != 1) return "";
  return Hex(buf, n, true);
}

// Seconds since the epoch of an ASN1_TIME, without timegm() (not portable).
Timestamp FromAsn1(const ASN1_TIME* t) {
  Asn1TimePtr epoch(ASN1_TIME_set(nullptr, 0));
  int days = 0;
  int secs = 0;
  if (!epoch || ASN1_TIME_diff(&days, &secs, epoch.get(), t) != 1) return Timestamp{};
  return Timestamp{} + std::chrono::seconds(static_cast<int64_t>(days) * 86400 + secs);
}

std::string IpToString(const ASN1_OCTET_STRING* ip) {
  const unsigned char* p = ASN1_STRING_get0_data(ip);
  int n = ASN1_STRING_length(ip);
  char buf[64];
  if (n == 4) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
    return buf;
  }
  if (n == 16) {
    std::string s;
    for (int i = 0; i < 16; i += 2) {
      if (i > 0) s += ':';
      std::snprintf(buf, sizeof buf, "%x", (p[i] << 8) | p[i + 1]);
      s += buf;
    }
    return s;
  }
  return "?";
}

std::vector<std::string> NamesToStrings(const GENERAL_NAMES* names) {
  std::vector<std::string> out;
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type == GEN_DNS) {
      const ASN1_IA5STRING* s = gn->d.dNSName;
      out.push_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                         static_cast<size_t>(ASN1_STRING_length(s))));
    } else if (gn->type == GEN_IPADD) {
      out.push_back("IP:" + IpToString(gn->d.iPAddress));
    } else if (gn->type == GEN_EMAIL) {
      const ASN1_IA5STRING* s = gn->d.rfc822Name;
      out.push_back("email:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                           static_cast<size_t>(ASN1_STRING_length(s))));
    } else {
      out.push_back("other");
    }
  }
  return out;
}

Status AddExt(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslStatus(StatusCode::kInternal,
                         std::string("adding extension ") + OBJ_nid2sn(nid) + "=" + value);
  }
  return Status::Ok();
}

// v3, random positive serial, validity [now - backdate, now + days], subject, key.
Result<X509Ptr> NewCert(const X509_NAME* subject, EVP_PKEY* pubkey, int days, Timestamp now) {
  if (days <= 0) {
    return Status::InvalidArgument("validity of " + std::to_string(days) +
                                   " days: use --expiration DAYS with DAYS >= 1");
  }
  X509Ptr cert(X509_new());
  BignumPtr serial(BN_new());
  if (!cert || !serial) return OpenSslStatus(StatusCode::kInternal, "allocating certificate");
  time_t t = ToTimeT(now);
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr ||
      X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -kBackdateSeconds, &t) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, &t) == nullptr ||
      X509_set_subject_name(cert.get(), subject) != 1 || X509_set_pubkey(cert.get(), pubkey) != 1) {
    return OpenSslStatus(StatusCode::kInternal, "filling certificate fields");
  }
  return cert;
}

Status Sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0) {
    return OpenSslStatus(StatusCode::kInternal, "signing certificate");
  }
  return Status::Ok();
}

// The leaf profile shared by IssueFromCsr and Reissue.
Result<X509Ptr> IssueLeaf(const X509_NAME* subject, EVP_PKEY* pubkey, X509_EXTENSION* san, X509* root_cert,
                          EVP_PKEY* root_key, int days, Timestamp now) {
  PV_RETURN_IF_ERROR(CheckKeyMatchesCert(root_cert, root_key, "root certificate", "root key"));
  if ((X509_get_extension_flags(root_cert) & EXFLAG_CA) == 0) {
    return Status::FailedPrecondition("the root certificate " + NameToString(X509_get_subject_name(root_cert)) +
                                      " is not a CA (basicConstraints CA:TRUE missing): "
                                      "create one with `provisiond keys root-init`");
  }
  PV_ASSIGN_OR_RETURN(X509Ptr cert, NewCert(subject, pubkey, days, now));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(root_cert)) != 1) {
    return OpenSslStatus(StatusCode::kInternal, "setting issuer");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, root_cert, cert.get(), nullptr, nullptr, 0);
  PV_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE"));
  PV_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_key_usage,
                            IsRsa(pubkey) ? "critical,digitalSignature,keyEncipherment"
                                          : "critical,digitalSignature"));
  PV_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_ext_key_usage, "serverAuth"));
  if (X509_add_ext(cert.get(), san, -1) != 1) {
    return OpenSslStatus(StatusCode::kInternal, "copying subjectAltName");
  }
  PV_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  PV_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  PV_RETURN_IF_ERROR(Sign(cert.get(), root_key));
  return cert;
}

}  // namespace

std::string NameToString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // RFC 2253 order and escaping, but keep UTF-8 (accents) readable.
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) return "";
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, n > 0 ? static_cast<size_t>(n) : 0);
}

Result<X509NamePtr> ParseSubject(std::string_view subject) {
  subject = Trim(subject);
  char sep = ',';
  if (!subject.empty() && subject.front() == '/') {
    sep = '/';
    subject.remove_prefix(1);
  }
  X509NamePtr name(X509_NAME_new());
  if (!name) return OpenSslStatus(StatusCode::kInternal, "allocating name");
  for (const std::string& part : SplitList(subject, sep)) {
    auto eq = part.find('=');
    std::string key(Trim(std::string_view(part).substr(0, eq)));
    std::string value(eq == std::string::npos ? "" : Trim(std::string_view(part).substr(eq + 1)));
    if (eq == std::string::npos || key.empty() || value.empty()) {
      return Status::InvalidArgument("subject '" + std::string(subject) + "': part '" + part +
                                     "' is not KEY=VALUE; use e.g. \"CN=prov.example.org,O=Example\"");
    }
    if (X509_NAME_add_entry_by_txt(name.get(), key.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) != 1) {
      ERR_clear_error();
      return Status::InvalidArgument("subject '" + std::string(subject) + "': unknown attribute '" + key +
                                     "' (or value too long); use CN, O, OU, L, ST, C");
    }
  }
  if (X509_NAME_entry_count(name.get()) == 0) {
    return Status::InvalidArgument("empty subject: use e.g. --subject \"CN=prov.example.org\"");
  }
  return name;
}

Status CheckSan(std::string_view san) {
  std::string_view s = Trim(san);
  if (StartsWithI(s, "DNS:")) {
    std::string_view host = s.substr(4);
    bool ok = !host.empty() && host.size() <= 253;
    for (char c : host) {
      ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '.' || c == '*' || c == '_');
    }
    if (ok) return Status::Ok();
    return Status::InvalidArgument("--san '" + std::string(san) +
                                   "': not a host name; use DNS:name with letters, digits, '-', '.'");
  }
  if (StartsWithI(s, "IP:")) {
    std::string ip(s.substr(3));
    Asn1OctetsPtr octets(a2i_IPADDRESS(ip.c_str()));
    if (octets) return Status::Ok();
    ERR_clear_error();
    return Status::InvalidArgument("--san '" + std::string(san) +
                                   "': not an IP address; use IP:10.0.0.5 or IP:fd00::5");
  }
  return Status::InvalidArgument("--san '" + std::string(san) + "': use DNS:name or IP:address");
}

Result<X509ReqPtr> CreateCsr(EVP_PKEY* key, const CsrOptions& options) {
  X509ReqPtr req(X509_REQ_new());
  if (!req) return OpenSslStatus(StatusCode::kInternal, "allocating CSR");
  PV_ASSIGN_OR_RETURN(X509NamePtr name, ParseSubject(options.subject));
  std::vector<std::string> sans;
  for (const std::string& san : options.sans) {
    PV_RETURN_IF_ERROR(CheckSan(san));
    std::string v(Trim(san));
    // Canonical prefix case: OpenSSL's parser wants "DNS"/"IP".
    auto colon = v.find(':');
    sans.push_back(ToUpper(v.substr(0, colon)) + v.substr(colon));
  }
  if (X509_REQ_set_version(req.get(), 0) != 1 || X509_REQ_set_subject_name(req.get(), name.get()) != 1 ||
      X509_REQ_set_pubkey(req.get(), key) != 1) {
    return OpenSslStatus(StatusCode::kInternal, "filling CSR");
  }
  if (!sans.empty()) {
    std::string value = Join(sans, ",");
    X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, value.c_str()));
    ExtStackPtr exts(sk_X509_EXTENSION_new_null());
    if (!ext || !exts || sk_X509_EXTENSION_push(exts.get(), ext.get()) <= 0) {
      return OpenSslStatus(StatusCode::kInvalidArgument, "subjectAltName " + value);
    }
    ext.release();  // owned by the stack now
    if (X509_REQ_add_extensions(req.get(), exts.get()) != 1) {
      return OpenSslStatus(StatusCode::kInternal, "adding subjectAltName to CSR");
    }
  }
  if (X509_REQ_sign(req.get(), key, EVP_sha256()) <= 0) {
    return OpenSslStatus(StatusCode::kInternal, "signing CSR");
  }
  return req;
}

Result<X509Ptr> CreateRootCert(EVP_PKEY* root_key, std::string_view subject, int days, Timestamp now) {
  PV_ASSIGN_OR_RETURN(X509NamePtr name, ParseSubject(subject));
  PV_ASSIGN_OR_RETURN(X509Ptr cert, NewCert(name.get(), root_key, days, now));
  if (X509_set_issuer_name(cert.get(), name.get()) != 1) {
    return OpenSslStatus(StatusCode::kInternal, "setting issuer");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  PV_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE"));
  PV_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign"));
  // SKID first: the AKID of a self-signed certificate is taken from it.
  PV_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  PV_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  PV_RETURN_IF_ERROR(Sign(cert.get(), root_key));
  return cert;
}

Result<X509Ptr> IssueFromCsr(X509_REQ* csr, X509* root_cert, EVP_PKEY* root_key, int days, Timestamp now) {
  EVP_PKEY* pub = X509_REQ_get0_pubkey(csr);
  if (pub == nullptr) return OpenSslStatus(StatusCode::kInvalidArgument, "CSR has no readable public key");
  // Proof of possession: the requester signed the CSR with the key it names.
  if (X509_REQ_verify(csr, pub) != 1) {
    return OpenSslStatus(StatusCode::kInvalidArgument,
                         "CSR signature does not verify with its own public key (damaged or forged "
                         "request); create a new one with `provisiond keys tls-request`");
  }
  ExtStackPtr exts(X509_REQ_get_extensions(csr));
  int idx = exts ? X509v3_get_ext_by_NID(exts.get(), NID_subject_alt_name, -1) : -1;
  if (idx < 0) {
    return Status::InvalidArgument(
        "CSR " + NameToString(X509_REQ_get_subject_name(csr)) +
        " has no subjectAltName: clients would reject the certificate; re-create it with "
        "`provisiond keys tls-request --san DNS:host --san IP:address`");
  }
  X509_EXTENSION* san = sk_X509_EXTENSION_value(exts.get(), idx);
  return IssueLeaf(X509_REQ_get_subject_name(csr), pub, san, root_cert, root_key, days, now);
}

Result<X509Ptr> Reissue(X509* old, X509* root_cert, EVP_PKEY* root_key, int days, Timestamp now) {
  int idx = X509_get_ext_by_NID(old, NID_subject_alt_name, -1);
  if (idx < 0) {
    return Status::InvalidArgument("certificate " + NameToString(X509_get_subject_name(old)) +
                                   " has no subjectAltName to carry over");
  }
  return IssueLeaf(X509_get_subject_name(old), X509_get0_pubkey(old), X509_get_ext(old, idx), root_cert,
                   root_key, days, now);
}

Status CheckKeyMatchesCert(X509* cert, EVP_PKEY* key, std::string_view cert_origin, std::string_view key_origin) {
  EVP_PKEY* pub = X509_get0_pubkey(cert);
  if (pub != nullptr && EVP_PKEY_eq(pub, key) == 1) return Status::Ok();
  ERR_clear_error();
  return Status::FailedPrecondition(std::string(key_origin) + " (" + DescribeKey(key) +
                                    ") is not the private key of " + std::string(cert_origin) + " (" +
                                    NameToString(X509_get_subject_name(cert)) + ", " + DescribeKey(pub) +
                                    "): pair each certificate with the key its CSR was made from");
}

bool IsIssuedBy(X509* cert, X509* issuer) {
  bool ok = X509_check_issued(issuer, cert) == X509_V_OK && X509_verify(cert, X509_get0_pubkey(issuer)) == 1;
  ERR_clear_error();
  return ok;
}

std::string Sha256Fingerprint(X509* cert) { return Fingerprint(cert, EVP_sha256()); }
std::string Sha1Fingerprint(X509* cert) { return Fingerprint(cert, EVP_sha1()); }

std::vector<std::string> CertSans(X509* cert) {
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  return NamesToStrings(names.get());
}

std::vector<std::string> CsrSans(X509_REQ* csr) {
  ExtStackPtr exts(X509_REQ_get_extensions(csr));
  if (!exts) return {};
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509V3_get_d2i(exts.get(), NID_subject_alt_name, nullptr, nullptr)));
  return NamesToStrings(names.get());
}

CertInfo DescribeCert(X509* cert, Timestamp now) {
  CertInfo info;
  info.subject = NameToString(X509_get_subject_name(cert));
  info.issuer = NameToString(X509_get_issuer_name(cert));
  info.not_before = FromAsn1(X509_get0_notBefore(cert));
  info.not_after = FromAsn1(X509_get0_notAfter(cert));
  // Certificate times have whole seconds: compare with `now` at that precision.
  auto left = (info.not_after - std::chrono::floor<std::chrono::seconds>(now)) / std::chrono::seconds(1);
  info.days_to_expiry = static_cast<int>(left >= 0 ? left / 86400 : -((-left + 86399) / 86400));
  BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (serial) {
    char* hex = BN_bn2hex(serial.get());
    if (hex != nullptr) info.serial_hex = hex;
    OPENSSL_free(hex);
  }
  info.sha256 = Sha256Fingerprint(cert);
  info.sha1 = Sha1Fingerprint(cert);
  info.sans = CertSans(cert);
  info.key_type = DescribeKey(X509_get0_pubkey(cert));
  info.is_ca = (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
  info.self_signed = X509_self_signed(cert, 0) == 1;
  ERR_clear_error();
  return info;
}

std::string FormatCertInfo(const CertInfo& info) {
  std::string s;
  s += "subject:      " + info.subject + "\n";
  s += "issuer:       " + info.issuer + (info.self_signed ? " (self-signed)" : "") + "\n";
  s += "not before:   " + FormatIso8601(info.not_before) + "\n";
  s += "not after:    " + FormatIso8601(info.not_after) + " (" +
       (info.days_to_expiry >= 0 ? std::to_string(info.days_to_expiry) + " days left"
                                 : "EXPIRED " + std::to_string(-info.days_to_expiry) + " days ago") +
       (info.days_to_expiry >= 0 && info.days_to_expiry < 30 ? ", RENEW SOON" : "") + ")\n";
  s += "serial:       " + info.serial_hex + "\n";
  s += "key:          " + info.key_type + "\n";
  s += "CA:           " + std::string(info.is_ca ? "yes" : "no") + "\n";
  s += "SANs:         " + (info.sans.empty() ? std::string("(none)") : Join(info.sans, ", ")) + "\n";
  s += "SHA-256:      " + info.sha256 + "\n";
  s += "SHA-1:        " + info.sha1 + "\n";
  return s;
}

Status VerifyCert(X509* leaf, const std::vector<X509*>& roots, const std::vector<X509*>& intermediates,
                  Timestamp now) {
  if (roots.empty()) return Status::InvalidArgument("no root certificate to verify against: pass --root FILE");
  X509StorePtr store(X509_STORE_new());
  X509BorrowedStackPtr untrusted(sk_X509_new_null());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !untrusted || !ctx) return OpenSslStatus(StatusCode::kInternal, "allocating verify store");
  for (X509* root : roots) {
    if (X509_STORE_add_cert(store.get(), root) != 1) {
      // The same root listed twice is harmless.
      ERR_clear_error();
    }
  }
  for (X509* c : intermediates) sk_X509_push(untrusted.get(), c);
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1) {
    return OpenSslStatus(StatusCode::kInternal, "initialising verification");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, ToTimeT(now));
  // A leaf must be fit to serve TLS; a CA checked on its own only needs a chain.
  if ((X509_get_extension_flags(leaf) & EXFLAG_CA) == 0) {
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  }
  if (X509_verify_cert(ctx.get()) == 1) return Status::Ok();
  int err = X509_STORE_CTX_get_error(ctx.get());
  int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  X509* at = X509_STORE_CTX_get_current_cert(ctx.get());
  std::string where = at != nullptr ? NameToString(X509_get_subject_name(at)) : "?";
  ERR_clear_error();
  return Status::FailedPrecondition(std::string(X509_verify_cert_error_string(err)) + " (depth " +
                                    std::to_string(depth) + ", " + where + ")");
}

}  // namespace provisiond::pki

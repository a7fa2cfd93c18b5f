// Certificate requests, issuing, self-signed roots, inspection and chain
// verification (OpenSSL 3 EVP APIs). Functions take `now` instead of reading
// the clock so tests can pick the instant. Thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "pki/ossl.h"

namespace provisiond::pki {

constexpr int kDefaultValidityDays = 3650;
// notBefore is set this far before `now`: endpoints in WinPE may run with a
// clock that is behind until time sync.
constexpr int kBackdateSeconds = 24 * 3600;

// "CN=host,O=Org" or "/CN=host/O=Org" -> a name; InvalidArgument on an empty
// or unknown attribute ("use CN=..., O=...").
Result<X509NamePtr> ParseSubject(std::string_view subject);
// Checks "DNS:name" / "IP:1.2.3.4" / "IP:::1"; InvalidArgument saying which.
Status CheckSan(std::string_view san);

struct CsrOptions {
  std::string subject;             // e.g. "CN=prov.example.org"
  std::vector<std::string> sans;   // "DNS:prov.example.org", "IP:10.0.0.5"
};
// A CSR for `key`, signed with SHA-256 (proof of possession).
Result<X509ReqPtr> CreateCsr(EVP_PKEY* key, const CsrOptions& options);

// A self-signed v3 root: CA:TRUE (critical), keyCertSign + cRLSign, SKI then
// AKI keyid:always, random serial, validity `days` from `now`.
Result<X509Ptr> CreateRootCert(EVP_PKEY* root_key, std::string_view subject, int days, Timestamp now);

// A v3 serverAuth leaf from `csr` signed by the root: verifies the CSR's
// signature first (InvalidArgument if bad), refuses a CSR without SANs,
// refuses a root key that does not match the root certificate.
// basicConstraints CA:FALSE critical; keyUsage digitalSignature
// (+keyEncipherment for RSA); EKU serverAuth; SANs copied; SKI; AKI.
Result<X509Ptr> IssueFromCsr(X509_REQ* csr, X509* root_cert, EVP_PKEY* root_key, int days,
                             Timestamp now);
// The same leaf again under another root: subject, SANs and public key of
// `old`, new serial and validity.
Result<X509Ptr> Reissue(X509* old, X509* root_cert, EVP_PKEY* root_key, int days, Timestamp now);

// FailedPrecondition naming both paths if `key` is not the private half of
// `cert`'s public key.
Status CheckKeyMatchesCert(X509* cert, EVP_PKEY* key, std::string_view cert_origin,
                           std::string_view key_origin);
// True if `cert` names `issuer` as issuer and its signature verifies with
// issuer's key.
bool IsIssuedBy(X509* cert, X509* issuer);

struct CertInfo {
  std::string subject;             // RFC 2253: "CN=host,O=Org"
  std::string issuer;
  Timestamp not_before{};
  Timestamp not_after{};
  int days_to_expiry = 0;          // floor((not_after - now) / 1 day); negative once expired
  std::string serial_hex;
  std::string sha256;              // "AB:CD:..." (32 bytes)
  std::string sha1;
  std::vector<std::string> sans;   // "DNS:x", "IP:1.2.3.4"
  std::string key_type;            // "EC P-256", "RSA 3072"
  bool is_ca = false;
  bool self_signed = false;
};
CertInfo DescribeCert(X509* cert, Timestamp now);
// Multi-line text for `keys show`.
std::string FormatCertInfo(const CertInfo& info);

// "AB:CD:..." uppercase hex of the DER's SHA-256.
std::string Sha256Fingerprint(X509* cert);
std::string Sha1Fingerprint(X509* cert);
// RFC 2253 text of a name.
std::string NameToString(const X509_NAME* name);
// The SAN entries of a certificate or CSR ("DNS:x", "IP:1.2.3.4").
std::vector<std::string> CertSans(X509* cert);
std::vector<std::string> CsrSans(X509_REQ* csr);

// Builds the chain leaf -> (untrusted intermediates) -> one of `roots` at
// `now` for TLS server use. FailedPrecondition with OpenSSL's reason, the
// depth and subject where it failed, e.g. "certificate has expired (depth 0,
// CN=host)".
Status VerifyCert(X509* leaf, const std::vector<X509*>& roots, const std::vector<X509*>& intermediates,
                  Timestamp now);

}  // namespace provisiond::pki

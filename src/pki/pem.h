// Keys, certificates and CSRs as PEM text and files.
// Private keys are written as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY") to
// files created with mode 0600; certificates and CSRs with 0644. Every write
// is atomic (temp + fsync + rename): a failure leaves the previous file.
// Errors carry the path and OpenSSL's error string. Thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "pki/ossl.h"

namespace provisiond::pki {

enum class KeyType { kEcP256, kRsa3072 };

// "ec" | "rsa" (case-insensitive); InvalidArgument naming the choices otherwise.
Result<KeyType> ParseKeyType(std::string_view s);
// A fresh key: EC on P-256, or RSA 3072.
Result<PkeyPtr> GenerateKey(KeyType type);
// Same algorithm and size as `key` (used by rotation).
Result<PkeyPtr> GenerateKeyLike(const EVP_PKEY* key);
// "EC P-256", "RSA 3072", "ED25519"...
std::string DescribeKey(const EVP_PKEY* key);
bool IsRsa(const EVP_PKEY* key);

Result<std::string> PrivateKeyToPem(const EVP_PKEY* key);
Result<std::string> CertToPem(const X509* cert);
Result<std::string> CsrToPem(const X509_REQ* csr);
// `origin` names the source (a path) in error messages.
Result<PkeyPtr> PrivateKeyFromPem(std::string_view pem, std::string_view origin);
// Every certificate in the text, in order; InvalidArgument if none.
Result<std::vector<X509Ptr>> CertsFromPem(std::string_view pem, std::string_view origin);
Result<X509ReqPtr> CsrFromPem(std::string_view pem, std::string_view origin);

constexpr unsigned kPrivateFileMode = 0600;
constexpr unsigned kPublicFileMode = 0644;

Result<std::string> ReadTextFile(const std::string& path);
// Atomic write with `mode` from creation; IoError names the step and path.
Status WriteTextFile(const std::string& path, std::string_view data, unsigned mode);

Status WritePrivateKeyFile(const std::string& path, const EVP_PKEY* key);
Result<PkeyPtr> ReadPrivateKeyFile(const std::string& path);
// Writes the certificates in order (leaf first for a chain, or a bundle).
Status WriteCertsFile(const std::string& path, const std::vector<const X509*>& certs);
Status WriteCertFile(const std::string& path, const X509* cert);
Result<std::vector<X509Ptr>> ReadCertsFile(const std::string& path);
// The first certificate of the file.
Result<X509Ptr> ReadCertFile(const std::string& path);
Status WriteCsrFile(const std::string& path, const X509_REQ* csr);
Result<X509ReqPtr> ReadCsrFile(const std::string& path);

}  // namespace provisiond::pki

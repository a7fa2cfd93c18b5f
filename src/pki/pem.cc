#include "pki/pem.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/strings.h"
#include "platform/private_file.h"

namespace provisiond::pki {
namespace {

BioPtr MemBio() { return BioPtr(BIO_new(BIO_s_mem())); }

BioPtr ReadBio(std::string_view pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, n > 0 ? static_cast<size_t>(n) : 0);
}

// Refuses to prompt on the terminal for an encrypted key.
int NoPassphrase(char*, int, int, void*) { return -1; }

std::string Where(std::string_view what, std::string_view origin) {
  std::string s(what);
  s += " (";
  s += origin;
  s += ")";
  return s;
}

}  // namespace

Result<KeyType> ParseKeyType(std::string_view s) {
  if (IEquals(s, "ec") || IEquals(s, "ecdsa")) return KeyType::kEcP256;
  if (IEquals(s, "rsa")) return KeyType::kRsa3072;
  return Status::InvalidArgument("--key-type '" + std::string(s) +
                                 "': use ec (ECDSA P-256, default) or rsa (RSA 3072)");
}

Result<PkeyPtr> GenerateKey(KeyType type) {
  PkeyPtr key(type == KeyType::kEcP256 ? EVP_EC_gen("P-256") : EVP_RSA_gen(3072));
  if (!key) return OpenSslStatus(StatusCode::kInternal, "generating key");
  return key;
}

bool IsRsa(const EVP_PKEY* key) { return EVP_PKEY_is_a(key, "RSA") == 1; }

Result<PkeyPtr> GenerateKeyLike(const EVP_PKEY* key) {
  if (IsRsa(key)) {
    int bits = EVP_PKEY_get_bits(key);
    PkeyPtr k(EVP_RSA_gen(static_cast<unsigned>(bits < 3072 ? 3072 : bits)));
    if (!k) return OpenSslStatus(StatusCode::kInternal, "generating RSA key");
    return k;
  }
  if (EVP_PKEY_is_a(key, "EC") == 1) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) {
      return OpenSslStatus(StatusCode::kInternal, "reading EC group");
    }
    PkeyPtr k(EVP_EC_gen(group));
    if (!k) return OpenSslStatus(StatusCode::kInternal, "generating EC key");
    return k;
  }
  return Status::InvalidArgument("unsupported key type " + DescribeKey(key) + ": use EC or RSA");
}

std::string DescribeKey(const EVP_PKEY* key) {
  if (key == nullptr) return "none";
  if (IsRsa(key)) return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
  if (EVP_PKEY_is_a(key, "EC") == 1) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) == 1) {
      std::string g(group, len);
      if (g == "prime256v1") g = "P-256";
      if (g == "secp384r1") g = "P-384";
      if (g == "secp521r1") g = "P-521";
      return "EC " + g;
    }
    return "EC";
  }
  const char* name = EVP_PKEY_get0_type_name(key);
  return name != nullptr ? name : "unknown";
}

Result<std::string> PrivateKeyToPem(const EVP_PKEY* key) {
  BioPtr bio = MemBio();
  // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY") in OpenSSL 3.
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslStatus(StatusCode::kInternal, "encoding private key");
  }
  return BioText(bio.get());
}

Result<std::string> CertToPem(const X509* cert) {
  BioPtr bio = MemBio();
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return OpenSslStatus(StatusCode::kInternal, "encoding certificate");
  }
  return BioText(bio.get());
}

Result<std::string> CsrToPem(const X509_REQ* csr) {
  BioPtr bio = MemBio();
  if (!bio || PEM_write_bio_X509_REQ(bio.get(), csr) != 1) {
    return OpenSslStatus(StatusCode::kInternal, "encoding CSR");
  }
  return BioText(bio.get());
}

Result<PkeyPtr> PrivateKeyFromPem(std::string_view pem, std::string_view origin) {
  ERR_clear_error();
  BioPtr bio = ReadBio(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!key) {
    return OpenSslStatus(StatusCode::kInvalidArgument,
                         Where("not a readable unencrypted PEM private key", origin));
  }
  return key;
}

Result<std::vector<X509Ptr>> CertsFromPem(std::string_view pem, std::string_view origin) {
  ERR_clear_error();
  BioPtr bio = ReadBio(pem);
  std::vector<X509Ptr> certs;
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) certs.emplace_back(c);
  // The loop ends with a "no start line" error at end of input: expected.
  unsigned long last = ERR_peek_last_error();
  if (!certs.empty() && ERR_GET_REASON(last) == PEM_R_NO_START_LINE) {
    ERR_clear_error();
    return certs;
  }
  if (certs.empty()) {
    return OpenSslStatus(StatusCode::kInvalidArgument,
                         Where("no PEM certificate (BEGIN CERTIFICATE) found", origin));
  }
  return OpenSslStatus(StatusCode::kInvalidArgument,
                       Where("certificate " + std::to_string(certs.size() + 1) + " is damaged", origin));
}

Result<X509ReqPtr> CsrFromPem(std::string_view pem, std::string_view origin) {
  ERR_clear_error();
  BioPtr bio = ReadBio(pem);
  X509ReqPtr csr(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!csr) {
    return OpenSslStatus(StatusCode::kInvalidArgument,
                         Where("no PEM certificate request (BEGIN CERTIFICATE REQUEST) found", origin));
  }
  return csr;
}

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path, std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IoError(path, "read failed");
  return ss.str();
}

Status WriteTextFile(const std::string& path, std::string_view data, unsigned mode) {
  platform::WriteFileError e = platform::WriteFileAtomic(path, data, mode);
  if (e.err == 0) return Status::Ok();
  return Status::IoError(e.path, e.step + ": " + std::strerror(e.err));
}

Status WritePrivateKeyFile(const std::string& path, const EVP_PKEY* key) {
  PV_ASSIGN_OR_RETURN(std::string pem, PrivateKeyToPem(key));
  Status s = WriteTextFile(path, pem, kPrivateFileMode);
  // The PEM held the secret: do not leave it in freed heap memory.
  OPENSSL_cleanse(pem.data(), pem.size());
  return s;
}

Result<PkeyPtr> ReadPrivateKeyFile(const std::string& path) {
  PV_ASSIGN_OR_RETURN(std::string pem, ReadTextFile(path));
  auto key = PrivateKeyFromPem(pem, path);
  OPENSSL_cleanse(pem.data(), pem.size());
  return key;
}

Status WriteCertsFile(const std::string& path, const std::vector<const X509*>& certs) {
  std::string all;
  for (const X509* c : certs) {
    PV_ASSIGN_OR_RETURN(std::string pem, CertToPem(c));
    all += pem;
  }
  return WriteTextFile(path, all, kPublicFileMode);
}

Status WriteCertFile(const std::string& path, const X509* cert) {
  return WriteCertsFile(path, {cert});
}

Result<std::vector<X509Ptr>> ReadCertsFile(const std::string& path) {
  PV_ASSIGN_OR_RETURN(std::string pem, ReadTextFile(path));
  return CertsFromPem(pem, path);
}

Result<X509Ptr> ReadCertFile(const std::string& path) {
  PV_ASSIGN_OR_RETURN(auto certs, ReadCertsFile(path));
  return std::move(certs.front());
}

Status WriteCsrFile(const std::string& path, const X509_REQ* csr) {
  PV_ASSIGN_OR_RETURN(std::string pem, CsrToPem(csr));
  return WriteTextFile(path, pem, kPublicFileMode);
}

Result<X509ReqPtr> ReadCsrFile(const std::string& path) {
  PV_ASSIGN_OR_RETURN(std::string pem, ReadTextFile(path));
  return CsrFromPem(pem, path);
}

}  // namespace provisiond::pki

#include "pki/ossl.h"

#include <openssl/err.h>

namespace provisiond::pki {

std::string DrainOpenSslErrors() {
  std::string out;
  char buf[256];
  while (unsigned long e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error reported" : out;
}

Status OpenSslStatus(StatusCode code, std::string_view what) {
  std::string m(what);
  m += ": ";
  m += DrainOpenSslErrors();
  return {code, std::move(m)};
}

X509Ptr UpRef(X509* cert) {
  if (cert != nullptr) X509_up_ref(cert);
  return X509Ptr(cert);
}

PkeyPtr UpRef(EVP_PKEY* key) {
  if (key != nullptr) EVP_PKEY_up_ref(key);
  return PkeyPtr(key);
}

}  // namespace provisiond::pki

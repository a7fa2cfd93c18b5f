// RAII owners for OpenSSL objects and the error-string helper every pki
// function uses. Only OpenSSL 3 EVP-level types; no deprecated key structs.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace provisiond::pki {

template <typename T, void (*F)(T*)>
struct OsslDeleter {
  void operator()(T* p) const { F(p); }
};

inline void FreeGeneralNames(GENERAL_NAMES* p) { GENERAL_NAMES_free(p); }
inline void FreeX509Stack(STACK_OF(X509)* p) { sk_X509_pop_free(p, X509_free); }
// A stack that borrows its certificates (frees only the stack).
inline void FreeX509StackShallow(STACK_OF(X509)* p) { sk_X509_free(p); }
inline void FreeExtStack(STACK_OF(X509_EXTENSION)* p) {
  sk_X509_EXTENSION_pop_free(p, X509_EXTENSION_free);
}
inline void FreeBio(BIO* p) { BIO_free_all(p); }

using PkeyPtr = std::unique_ptr<EVP_PKEY, OsslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OsslDeleter<X509, X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, OsslDeleter<X509_REQ, X509_REQ_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OsslDeleter<X509_NAME, X509_NAME_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, OsslDeleter<X509_EXTENSION, X509_EXTENSION_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OsslDeleter<X509_STORE, X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OsslDeleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OsslDeleter<BIO, FreeBio>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, OsslDeleter<ASN1_TIME, ASN1_TIME_free>>;
using Asn1OctetsPtr = std::unique_ptr<ASN1_OCTET_STRING, OsslDeleter<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OsslDeleter<BIGNUM, BN_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OsslDeleter<GENERAL_NAMES, FreeGeneralNames>>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), OsslDeleter<STACK_OF(X509), FreeX509Stack>>;
using X509BorrowedStackPtr =
    std::unique_ptr<STACK_OF(X509), OsslDeleter<STACK_OF(X509), FreeX509StackShallow>>;
using ExtStackPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), OsslDeleter<STACK_OF(X509_EXTENSION), FreeExtStack>>;

// Drains this thread's OpenSSL error queue into one line
// ("error:...:reason; error:...:reason"), or "no OpenSSL error reported".
std::string DrainOpenSslErrors();

// Status `code` with "what: <OpenSSL errors>"; drains the error queue.
Status OpenSslStatus(StatusCode code, std::string_view what);

// Shared ownership helpers (the up-ref is how OpenSSL shares).
X509Ptr UpRef(X509* cert);
PkeyPtr UpRef(EVP_PKEY* key);

}  // namespace provisiond::pki

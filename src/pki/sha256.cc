#include "pki/sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace provisiond::pki {

namespace {
// Fetched once: EVP_sha256() makes every init look the algorithm up in the
// provider again (OpenSSL 3's implicit fetch), which costs more than
// hashing a short secret.
const EVP_MD* Sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md ? md : EVP_sha256();
}
}  // namespace

struct Sha256::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
  void Init() {
    // Only an allocation failure can make this fail: treat it as fatal.
    if (!md || EVP_DigestInit_ex2(md, Sha256Md(), nullptr) != 1) throw std::runtime_error("EVP sha256 init failed");
  }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) { ctx_->Init(); }
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::Update(std::string_view data) { Update(data.data(), data.size()); }

void Sha256::Update(const void* data, size_t n) {
  if (n > 0) EVP_DigestUpdate(ctx_->md, data, n);
}

Sha256::Digest Sha256::Finish() {
  Digest d{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_->md, d.data(), &len);
  ctx_->Init();
  return d;
}

Sha256::Digest Sha256::Of(std::string_view data) {
  // One context per thread: a context costs an allocation and a digest
  // fetch, more than hashing a short secret (the access checks hash one per
  // request). Finish() leaves it ready for the next call.
  thread_local Sha256 h;
  h.Update(data);
  return h.Finish();
}

std::string Sha256::HexOf(std::string_view data) { return ToHex(Of(data)); }

std::string ToHex(const Sha256::Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint8_t b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string ToBase64(const Sha256::Digest& d) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= d.size(); i += 3) {
    uint32_t v = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  // 32 = 10*3 + 2: two bytes left, one '=' of padding.
  uint32_t v = (d[i] << 16) | (d[i + 1] << 8);
  out += kAlphabet[(v >> 18) & 63];
  out += kAlphabet[(v >> 12) & 63];
  out += kAlphabet[(v >> 6) & 63];
  out += '=';
  return out;
}

}  // namespace provisiond::pki

// SHA-256 (OpenSSL EVP), fed in chunks: a file is hashed while it streams,
// never loaded whole. One Sha256 per thread; instances are independent.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace provisiond::pki {

class Sha256 {
 public:
  using Digest = std::array<uint8_t, 32>;

  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void Update(std::string_view data);
  void Update(const void* data, size_t n);
  // The digest of everything fed so far; the hasher is then reset.
  Digest Finish();

  // One-shot helpers.
  static Digest Of(std::string_view data);
  static std::string HexOf(std::string_view data);

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// Lower-case hex of 32 bytes (64 characters).
std::string ToHex(const Sha256::Digest& d);
// Standard base64 with padding (for "Digest: sha-256=...").
std::string ToBase64(const Sha256::Digest& d);

}  // namespace provisiond::pki

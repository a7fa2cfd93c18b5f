#include "pki/password_hash.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <charconv>
#include <optional>
#include <vector>

#include "base/strings.h"

namespace provisiond::pki {
namespace {

// Bounds on what a stored hash may ask for (per login attempt).
constexpr uint64_t kMaxScryptMemoryBytes = 256ull << 20;  // werkzeug's default needs 32 MiB
constexpr uint64_t kMaxPbkdf2Iterations = 5'000'000;      // werkzeug 3 writes 600 000 (sha256)
constexpr uint32_t kMaxArgon2MemoryKib = 1u << 20;        // 1 GiB
constexpr uint32_t kMaxArgon2Iterations = 64;
constexpr uint32_t kMaxArgon2Lanes = 16;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

// Every piece between `sep`s, empty ones kept (positions matter here).
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (size_t start = 0;;) {
    size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

Status Bad(std::string_view why) { return Status::InvalidArgument("password hash: " + std::string(why)); }

std::optional<uint64_t> ParseU64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::vector<uint8_t>> FromHex(std::string_view hex) {
  if (hex.empty() || hex.size() % 2 != 0) return std::nullopt;
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    auto [p, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, out[i], 16);
    if (ec != std::errc() || p != hex.data() + 2 * i + 2) return std::nullopt;
  }
  return out;
}

bool SameBytes(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// "method$salt$hex" split in three.
struct Parts {
  std::string_view method, salt, digest;
};
std::optional<Parts> SplitDollar(std::string_view stored) {
  size_t a = stored.find('$');
  if (a == std::string_view::npos) return std::nullopt;
  size_t b = stored.find('$', a + 1);
  if (b == std::string_view::npos || stored.find('$', b + 1) != std::string_view::npos) return std::nullopt;
  return Parts{stored.substr(0, a), stored.substr(a + 1, b - a - 1), stored.substr(b + 1)};
}

Result<std::vector<uint8_t>> Pbkdf2(std::string_view password, const std::vector<uint8_t>& salt,
                                    uint64_t iterations, const EVP_MD* md, size_t length) {
  if (iterations == 0 || iterations > kMaxPbkdf2Iterations)
    return Bad("PBKDF2 iterations " + std::to_string(iterations) + " outside 1.." +
               std::to_string(kMaxPbkdf2Iterations));
  std::vector<uint8_t> out(length);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), md,
                        static_cast<int>(length), out.data()) != 1)
    return Status::Internal("PBKDF2 failed");
  return out;
}

Result<bool> VerifyScrypt(std::string_view password, const Parts& p) {
  // scrypt:N:r:p
  auto fields = Split(p.method, ':');
  if (fields.size() != 4) return Bad("scrypt needs scrypt:N:r:p");
  auto n = ParseU64(fields[1]), r = ParseU64(fields[2]), par = ParseU64(fields[3]);
  if (!n || !r || !par || *n < 2 || (*n & (*n - 1)) != 0 || *r == 0 || *par == 0 || *r > 64 || *par > 64)
    return Bad("scrypt parameters are not N (a power of two), r, p");
  const uint64_t memory = 128 * *n * *r * *par;
  if (memory > kMaxScryptMemoryBytes)
    return Bad("scrypt would need " + std::to_string(memory >> 20) + " MiB; at most " +
               std::to_string(kMaxScryptMemoryBytes >> 20));
  auto want = FromHex(p.digest);
  if (!want) return Bad("scrypt digest is not hex");
  std::vector<uint8_t> got(want->size());
  if (EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(p.salt.data()),
                     p.salt.size(), *n, *r, *par, memory + (1 << 20), got.data(), got.size()) != 1)
    return Status::Internal("scrypt failed");
  return SameBytes(got, *want);
}

Result<bool> VerifyWerkzeugPbkdf2(std::string_view password, const Parts& p) {
  // pbkdf2:<digest>:ITER (werkzeug always writes the iterations)
  auto fields = Split(p.method, ':');
  if (fields.size() != 3) return Bad("pbkdf2 needs pbkdf2:<digest>:<iterations>");
  std::string digest = ToLower(fields[1]);
  if (digest != "sha1" && digest != "sha224" && digest != "sha256" && digest != "sha384" && digest != "sha512")
    return Bad("pbkdf2 digest '" + digest + "' is not sha1, sha224, sha256, sha384 or sha512");
  const EVP_MD* md = EVP_get_digestbyname(digest.c_str());
  auto iterations = ParseU64(fields[2]);
  auto want = FromHex(p.digest);
  if (!md || !iterations || !want) return Bad("pbkdf2 iterations or digest malformed");
  std::vector<uint8_t> salt(p.salt.begin(), p.salt.end());
  PV_ASSIGN_OR_RETURN(auto got, Pbkdf2(password, salt, *iterations, md, want->size()));
  return SameBytes(got, *want);
}

Result<bool> VerifySha256Pbkdf2(std::string_view password, const Parts& p) {
  // sha256:ITER$salthex$digesthex
  auto iterations = ParseU64(p.method.substr(std::string_view("sha256:").size()));
  auto salt = FromHex(p.salt);
  auto want = FromHex(p.digest);
  if (!iterations || !salt || !want) return Bad("sha256:ITER$salthex$digesthex malformed");
  PV_ASSIGN_OR_RETURN(auto got, Pbkdf2(password, *salt, *iterations, EVP_sha256(), want->size()));
  return SameBytes(got, *want);
}

// m=, t=, p= of "$argon2id$v=19$m=65536,t=3,p=1$...", bounded.
Result<Argon2Params> Argon2ParamsOf(std::string_view stored) {
  auto fields = Split(stored, '$');  // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
  if (fields.size() != 6 || fields[2] != "v=19") return Bad("argon2id needs $argon2id$v=19$m=,t=,p=$salt$hash");
  Argon2Params a{0, 0, 0};
  for (std::string_view kv : Split(fields[3], ',')) {
    auto v = ParseU64(kv.size() > 2 ? kv.substr(2) : std::string_view());
    if (!v || kv.size() < 3 || kv[1] != '=' || *v > UINT32_MAX) return Bad("argon2id parameters malformed");
    if (kv[0] == 'm') a.memory_kib = static_cast<uint32_t>(*v);
    else if (kv[0] == 't') a.iterations = static_cast<uint32_t>(*v);
    else if (kv[0] == 'p') a.lanes = static_cast<uint32_t>(*v);
    else return Bad("argon2id parameter '" + std::string(kv) + "' unknown");
  }
  if (a.memory_kib == 0 || a.iterations == 0 || a.lanes == 0 || a.memory_kib > kMaxArgon2MemoryKib ||
      a.iterations > kMaxArgon2Iterations || a.lanes > kMaxArgon2Lanes)
    return Bad("argon2id cost outside m<=1048576, t<=64, p<=16");
  return a;
}

Result<bool> VerifyArgon2id(std::string_view password, std::string_view stored) {
  std::string encoded(stored);  // argon2id_verify wants a C string
  int rc = argon2id_verify(encoded.c_str(), password.data(), password.size());
  if (rc == ARGON2_OK) return true;
  if (rc == ARGON2_VERIFY_MISMATCH) return false;
  return Bad(std::string("argon2id: ") + argon2_error_message(rc));
}

}  // namespace

PasswordScheme SchemeOf(std::string_view stored) {
  if (Trim(stored).empty()) return PasswordScheme::kEmpty;
  if (stored.starts_with("$argon2id$")) return PasswordScheme::kArgon2id;
  if (stored.starts_with("scrypt:")) return PasswordScheme::kScrypt;
  if (stored.starts_with("pbkdf2:")) return PasswordScheme::kPbkdf2;
  if (stored.starts_with("sha256:")) return PasswordScheme::kSha256Pbkdf2;
  return PasswordScheme::kUnknown;
}

Result<std::string> HashPassword(std::string_view password, const Argon2Params& params) {
  if (password.empty()) return Status::BadField("password", "empty; choose a password");
  uint8_t salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof salt) != 1) return Status::Internal("no random bytes for a salt");
  std::string encoded(argon2_encodedlen(params.iterations, params.memory_kib, params.lanes, sizeof salt, kHashBytes,
                                        Argon2_id),
                      '\0');
  int rc = argon2id_hash_encoded(params.iterations, params.memory_kib, params.lanes, password.data(),
                                 password.size(), salt, sizeof salt, kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return Status::Internal(std::string("argon2id: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));
  return encoded;
}

Result<PasswordCheck> VerifyPassword(std::string_view password, std::string_view stored,
                                     const Argon2Params& params) {
  const PasswordScheme scheme = SchemeOf(stored);
  if (scheme == PasswordScheme::kEmpty || password.empty()) return PasswordCheck{};  // never a login
  PasswordCheck out;
  if (scheme == PasswordScheme::kArgon2id) {
    PV_ASSIGN_OR_RETURN(Argon2Params have, Argon2ParamsOf(stored));
    PV_ASSIGN_OR_RETURN(out.match, VerifyArgon2id(password, stored));
    out.needs_rehash = have.memory_kib < params.memory_kib || have.iterations < params.iterations;
    return out;
  }
  if (scheme == PasswordScheme::kUnknown)
    return Bad("unknown scheme (expected $argon2id$, scrypt:, pbkdf2: or sha256:); set a new one with "
               "provisiond users passwd");
  auto parts = SplitDollar(stored);
  if (!parts) return Bad("expected method$salt$digest");
  Result<bool> match = scheme == PasswordScheme::kScrypt   ? VerifyScrypt(password, *parts)
                       : scheme == PasswordScheme::kPbkdf2 ? VerifyWerkzeugPbkdf2(password, *parts)
                                                           : VerifySha256Pbkdf2(password, *parts);
  PV_RETURN_IF_ERROR(match.status());
  out.match = *match;
  out.needs_rehash = true;  // an old scheme: replaced at the next successful login
  return out;
}

}  // namespace provisiond::pki

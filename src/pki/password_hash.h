// Password hashes as users.csv stores them. New hashes are argon2id (the
// PHC string "$argon2id$v=19$m=...,t=...,p=...$salt$hash"); the formats the
// original service wrote verify too and ask to be replaced:
//   scrypt:N:r:p$salt$hex             werkzeug scrypt (salt used as text)
//   pbkdf2:<digest>:ITER$salt$hex     werkzeug PBKDF2-HMAC (salt as text)
//   sha256:ITER$salthex$digesthex     PBKDF2-HMAC-SHA256, salt in hex
// An empty stored hash or an empty password never matches. Cost parameters
// read from a file are bounded, so a hand-edited row cannot make one login
// allocate gigabytes or spin for minutes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace provisiond::pki {

enum class PasswordScheme { kEmpty, kArgon2id, kScrypt, kPbkdf2, kSha256Pbkdf2, kUnknown };

// The scheme of a stored hash, from its prefix alone.
PasswordScheme SchemeOf(std::string_view stored);

struct Argon2Params {
  uint32_t iterations = 3;         // t
  uint32_t memory_kib = 64 * 1024;  // m
  uint32_t lanes = 1;              // p
};

// A new argon2id hash of `password` with a fresh 16-byte random salt.
// InvalidArgument for an empty password.
Result<std::string> HashPassword(std::string_view password, const Argon2Params& params = {});

struct PasswordCheck {
  bool match = false;
  // The hash should be replaced by HashPassword's (an old scheme, or
  // argon2id below `params`): do it after a successful login.
  bool needs_rehash = false;
};

// Compares in constant time. InvalidArgument (the row's hash is unusable:
// malformed, unknown scheme, cost over the bounds) is not a mismatch: the
// caller logs it, the user is refused the same way.
Result<PasswordCheck> VerifyPassword(std::string_view password, std::string_view stored,
                                     const Argon2Params& params = {});

}  // namespace provisiond::pki

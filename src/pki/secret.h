// Random secrets (session ids, API tokens, bundle keys) and the keyed hash
// that binds a token to one deployment. OpenSSL's CSPRNG; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace provisiond::pki {

// `prefix` + base64url (no padding) of `bytes` random bytes: "pvt_3q2+..."
// with 32 bytes is 43 characters of secret. Internal if the CSPRNG fails.
Result<std::string> NewSecret(std::string_view prefix, size_t bytes = 32);
// Lower-case hex of `bytes` random bytes (public ids: "tok-" + 8 hex).
Result<std::string> RandomHex(size_t bytes);
// Lower-case hex HMAC-SHA256(key, message).
std::string HmacSha256Hex(std::string_view key, std::string_view message);
// The 32 raw bytes of HMAC-SHA256(key, message).
std::string HmacSha256(std::string_view key, std::string_view message);
// Standard base64 (with or without padding) decoded; nullopt on a bad character or length.
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace provisiond::pki

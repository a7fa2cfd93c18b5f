// The /file/ token (the original's WS_FILE_TOKEN) as an access check for the
// content route group. Later checks (endpoint keys, network allowlist) are
// combined with it by the server wiring, in one place.
#pragma once

#include <string>
#include <string_view>

#include "api/router.h"

namespace provisiond::api::access {

// Accepts a request carrying `token` as "?token=", header "X-File-Token" or
// "Authorization: Bearer <token>"; refuses others with 401 problem JSON
// (WWW-Authenticate: Bearer). Sets request.principal to the file token.
// An empty `token` lets every request through. Compares in constant time.
AccessCheck FileTokenCheck(std::string token);

// The token the request presents, in the order above, or empty.
std::string_view PresentedFileToken(const Request& request);

// Constant-time equality (timing depends only on the lengths' digests).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace provisiond::api::access

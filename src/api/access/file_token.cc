#include "api/access/file_token.h"

#include "api/problem.h"
#include "base/strings.h"
#include "pki/sha256.h"

namespace provisiond::api::access {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Compare fixed-size digests: the time does not reveal a common prefix
  // or the expected length.
  auto da = pki::Sha256::Of(a), db = pki::Sha256::Of(b);
  volatile uint8_t diff = 0;
  for (size_t i = 0; i < da.size(); ++i) diff = diff | (da[i] ^ db[i]);
  return diff == 0;
}

std::string_view PresentedFileToken(const Request& request) {
  if (auto q = request.Query("token")) return *q;
  if (auto h = request.headers.Get("X-File-Token")) return Trim(*h);
  if (auto h = request.headers.Get("Authorization")) {
    std::string_view v = Trim(*h);
    if (StartsWithI(v, "Bearer ")) return Trim(v.substr(7));
  }
  return {};
}

AccessCheck FileTokenCheck(std::string token) {
  return [token = std::move(token)](Request& request, const Route&) -> std::optional<Response> {
    if (token.empty()) return std::nullopt;
    std::string_view presented = PresentedFileToken(request);
    if (!presented.empty() && ConstantTimeEquals(presented, token)) {
      request.principal.kind = PrincipalKind::kFileToken;
      request.principal.via = "file-token";
      request.principal.address = request.origin.client_address;
      return std::nullopt;
    }
    Response r = Problem(401, presented.empty()
                                  ? "this content needs the file token: add ?token=<token> or the header "
                                    "X-File-Token (WS_FILE_TOKEN on the server)"
                                  : "the file token does not match; check WS_FILE_TOKEN");
    r.headers.Set("WWW-Authenticate", "Bearer realm=\"file\"");
    return r;
  };
}

}  // namespace provisiond::api::access

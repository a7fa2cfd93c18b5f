// RFC 9457 problem details: the one error shape of every API route.
#pragma once

#include <string>
#include <string_view>

#include "api/http.h"
#include "base/json_escape.h"  // JsonEscape, for `extra`
#include "base/status.h"

namespace provisiond::api {

// {"type":"about:blank","title":<reason phrase>,"status":N,"detail":...}
// as application/problem+json. `extra` is a JSON object body to merge
// (e.g. R"("field":"serial")"), without braces, or empty.
Response Problem(int status, std::string_view detail, std::string_view extra = {});
// Maps a Status code to its HTTP status (InvalidArgument 400, NotFound 404,
// Conflict 409, Unavailable 503, PermissionDenied 403, ...).
int HttpStatusFor(const Status& status);
Response ToProblem(const Status& status);
std::string_view ReasonPhrase(int status);

}  // namespace provisiond::api

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
// The one Status code -> HTTP status table, read by every response style
// (InvalidArgument 400, Unauthenticated 401, PermissionDenied 403, NotFound
// 404, Conflict 409, FailedPrecondition 412, TooLarge 413, Unavailable 503,
// IoError and Internal 500).
int HttpStatusFor(StatusCode code);
inline int HttpStatusFor(const Status& status) { return HttpStatusFor(status.code()); }
// The API style: a problem with the status's HTTP status and message, plus
// "field" and "line"/"column" when the Status carries them; a kUnavailable
// one (the store's database is away) adds Retry-After: 5.
Response ToProblem(const Status& status);
// The same problem with `status` instead of the table's (a route whose
// meaning differs, e.g. an unknown key answered 404 by a GET), and `extra`
// members as for Problem().
Response ToProblem(int status, const Status& error, std::string_view extra = {});
std::string_view ReasonPhrase(int status);

}  // namespace provisiond::api

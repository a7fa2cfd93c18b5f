// The body of the original's POST /message: a form (message=...) or a JSON
// object {"message": ...}, as the original's clients send either.
#pragma once

#include <string>

#include "api/http.h"
#include "base/status.h"

namespace provisiond::api::legacy {

// The "[SERIAL] text" of the request, decoded and checked as multi-line
// free text (model/text_rules.h), or InvalidArgument with field "message"
// (or "body" for JSON that is not an object).
Result<std::string> LegacyMessageText(const Request& req);

}  // namespace provisiond::api::legacy

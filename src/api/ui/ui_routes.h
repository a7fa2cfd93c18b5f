// Serves the embedded admin UI: `/` sends a browser to `<prefix>/ui/` (a
// program still gets the API index), `/ui/` is index.html with the external
// prefix written into it (every fetch, link and event stream of the UI
// builds on it), `/ui/<file>` the assets: gzip when the client takes it,
// ETag and 304, immutable caching of hashed names. Public: the files hold
// no data; the data routes need a sign-in.
#pragma once

#include "api/router.h"

namespace provisiond::api::ui {

void RegisterUiRoutes(Router& router);

}  // namespace provisiond::api::ui

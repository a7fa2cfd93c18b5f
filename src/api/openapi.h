// The OpenAPI 3.1 description of every route (GET /api/v1/openapi.json),
// built from the router's own table, so no route can be missing and no
// removed one can linger; request and response schemas come from one
// annotation table here, which a test keeps in step with the routes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/router.h"

namespace provisiond::api {

// The document for `router` as seen through `origin` (servers[0].url).
std::string OpenApiDocument(const Router& router, const ExternalOrigin& origin, std::string_view version);

// "METHOD /pattern" of each annotated route, for the test: every one must
// name a registered route.
std::vector<std::string> AnnotatedRoutes();

// GET /api/v1/openapi.json (anyone).
void RegisterOpenApiRoute(Router& router, std::string version);

}  // namespace provisiond::api

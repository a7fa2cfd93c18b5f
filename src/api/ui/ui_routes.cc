#include "api/ui/ui_routes.h"

#include <string>

#include "api/ui/ui_assets.h"
#include "base/strings.h"

namespace provisiond::api::ui {
namespace {

constexpr std::string_view kBaseMeta = R"(<meta name="provisiond-base" content="">)";

const UiAsset* Find(std::string_view path) {
  for (const auto& a : UiAssets())
    if (a.path == path) return &a;
  return nullptr;
}

bool AcceptsGzip(const Request& req) {
  auto v = req.headers.Get("Accept-Encoding");
  return v && v->find("gzip") != std::string_view::npos;
}

Response NotBuilt() {
  return Response::Text(
      503,
      "<!doctype html><html lang=en><meta charset=utf-8><title>provisiond</title>"
      "<h1>The admin UI is not in this build</h1><p>This binary was built without Node.js, so the web UI "
      "was left out. Run <code>tools/deps.sh</code> and build again; the API works as usual under "
      "<a href=\"../api/v1\">/api/v1</a>.</p>",
      "text/html; charset=utf-8");
}

Response Index(Request& req) {
  const UiAsset* a = Find("index.html");
  if (a == nullptr) return NotBuilt();
  std::string html(a->data);
  size_t at = html.find(kBaseMeta);
  if (at != std::string::npos)
    html.replace(at, kBaseMeta.size(),
                 R"(<meta name="provisiond-base" content=")" + HtmlEscape(req.origin.prefix) + "\">");
  Response r = Response::Text(200, std::move(html), std::string(a->type));
  r.headers.Add("Cache-Control", "no-cache");
  return r;
}

Response Asset(Request& req) {
  std::string_view path = req.Param("path").value_or("");
  const UiAsset* a = Find(path);
  if (a == nullptr || path == "index.html" || path == "manifest.json") {
    Response r = Response::Text(404, "no such file in the admin UI: " + std::string(path) + "\n");
    return r;
  }
  std::string etag = "\"" + std::string(a->sha256.substr(0, 32)) + "\"";
  Response r;
  r.headers.Add("ETag", etag);
  r.headers.Add("Vary", "Accept-Encoding");
  r.headers.Add("Cache-Control", a->hashed ? "public, max-age=31536000, immutable" : "no-cache");
  if (auto inm = req.headers.Get("If-None-Match"); inm && Trim(*inm) == etag) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.headers.Add("Content-Type", std::string(a->type));
  if (!a->gzip.empty() && AcceptsGzip(req)) {
    r.headers.Add("Content-Encoding", "gzip");
    r.body = std::string(a->gzip);
  } else {
    r.body = std::string(a->data);
  }
  return r;
}

}  // namespace

void RegisterUiRoutes(Router& router) {
  RouteOptions o;
  o.group = RouteGroup::kPublic;
  o.permission = Permission::kAnyone;
  o.summary = "admin web UI (index.html with the external prefix)";
  // "/ui" and "/ui/" match the same route: the page's relative asset URLs
  // need the slash.
  router.Add("GET", "/ui", [](Request& req) {
    if (!req.path.ends_with('/')) return Response::Redirect(302, req.origin.Url("/ui/"));
    return Index(req);
  }, o);
  o.summary = "admin web UI files (gzip, ETag, immutable when hashed)";
  router.Add("GET", "/ui/{*path}", [](Request& req) {
    if (req.Param("path").value_or("").empty()) return Index(req);
    return Asset(req);
  }, o);
}

}  // namespace provisiond::api::ui

#include "api/openapi.h"

#include <boost/json.hpp>
#include <map>

#include "api/principal.h"

namespace provisiond::api {
namespace json = boost::json;

namespace {

struct Annotation {
  std::string_view request;   // component schema name of the JSON body, or ""
  std::string_view response;  // component schema name of the success body, or ""
  int status = 200;           // the success status (201 for a create)
};

// Keyed "METHOD /pattern". Routes not listed answer JSON described only by
// their summary (or text/files, said in the summary).
const std::map<std::string, Annotation, std::less<>>& Annotations() {
  static const std::map<std::string, Annotation, std::less<>> a = {
      {"GET /api/v1/admin/computers", {"", "ComputerPage"}},
      {"POST /api/v1/admin/computers", {"Computer", "Computer", 201}},
      {"GET /api/v1/admin/computers/{serial}", {"", "Computer"}},
      {"PUT /api/v1/admin/computers/{serial}", {"Computer", "Computer"}},
      {"GET /api/v1/admin/types", {"", "TypePage"}},
      {"POST /api/v1/admin/types", {"Type", "Type", 201}},
      {"GET /api/v1/admin/types/{name}", {"", "Type"}},
      {"PUT /api/v1/admin/types/{name}", {"Type", "Type"}},
      {"GET /api/v1/admin/apps", {"", "AppPage"}},
      {"POST /api/v1/admin/apps", {"App", "App", 201}},
      {"GET /api/v1/admin/apps/{name}", {"", "App"}},
      {"PUT /api/v1/admin/apps/{name}", {"App", "App"}},
      {"GET /api/v1/admin/drivers", {"", "DriverPage"}},
      {"POST /api/v1/admin/drivers", {"Driver", "Driver", 201}},
      {"GET /api/v1/admin/drivers/{id}", {"", "Driver"}},
      {"PUT /api/v1/admin/drivers/{id}", {"Driver", "Driver"}},
      {"PUT /api/v1/admin/drivers/{id}/position", {"Position", "Driver"}},
      {"GET /api/v1/admin/locales", {"", "LocalePage"}},
      {"POST /api/v1/admin/locales", {"Locale", "Locale", 201}},
      {"GET /api/v1/admin/locales/{country}", {"", "Locale"}},
      {"PUT /api/v1/admin/locales/{country}", {"Locale", "Locale"}},
      {"GET /api/v1/admin/deployments", {"", "DeploymentPage"}},
      {"GET /api/v1/admin/deployments/{id}", {"", "DeploymentDetail"}},
      {"GET /api/v1/admin/pending", {"", "PendingList"}},
      {"POST /api/v1/admin/pending/{serial}/confirm", {"Computer", "Computer", 201}},
      {"GET /api/v1/admin/regex-check", {"", "RegexCheck"}},
      {"POST /api/v1/admin/import", {"ImportRequest", "ImportResult"}},
      {"POST /api/v1/admin/source-check", {"SourceCheckRequest", "SourceCheck"}},
      {"POST /api/v1/admin/launchers.zip", {"LaunchersRequest", ""}},
      {"PUT /api/v1/admin/settings/{key}", {"SettingValue", ""}},
      {"POST /api/v1/auth/login", {"Login", "Me"}},
      {"GET /api/v1/auth/me", {"", "Me"}},
      {"POST /api/v1/endpoint/plan", {"Facts", ""}},
      {"POST /api/v1/endpoint/deployments", {"Facts", ""}},
      {"POST /api/v1/endpoint/deployments/{id}/events", {"Event", ""}},
  };
  return a;
}

constexpr std::string_view kSchemas = R"({
 "Problem": {"type": "object", "description": "RFC 9457 problem details", "properties": {
   "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
   "detail": {"type": "string"}, "field": {"type": "string", "description": "the JSON field at fault"},
   "current": {"description": "409 on a stale version: the row as stored now"},
   "referrers": {"type": "array", "items": {"type": "string"}, "description": "409 on a delete: what still refers to the row"}}},
 "Computer": {"type": "object", "required": ["serial"], "properties": {
   "serial": {"type": "string"}, "computer_name": {"type": "string", "maxLength": 15},
   "type": {"type": "string"}, "country": {"type": "string"}, "language": {"type": "string"},
   "keyboard": {"type": "string"}, "timezone": {"type": "string"}, "uuid": {"type": "string"},
   "mac": {"type": "string"}, "notes": {"type": "string"}, "created_by": {"type": "string"},
   "version": {"type": "integer", "minimum": 1}}},
 "Type": {"type": "object", "properties": {"name": {"type": "string"},
   "applications": {"type": "array", "items": {"type": "string"}, "description": "install order"},
   "computers": {"type": "integer", "readOnly": true}, "version": {"type": "integer"}}},
 "App": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"},
   "url": {"type": "string", "description": "https URL, UNC path (%VAR% expanded) or local path"},
   "script": {"type": "string"}, "reboot": {"type": "boolean"},
   "allowed_countries": {"type": "array", "items": {"type": "string"}},
   "blocked_countries": {"type": "array", "items": {"type": "string"}},
   "allowed_models": {"type": "array", "items": {"type": "string", "format": "regex"}},
   "install_args": {"type": "string"}, "success_codes": {"type": "array", "items": {"type": "integer"}},
   "enabled": {"type": "boolean"}, "os_filter": {"type": "string", "format": "regex"},
   "source_kind": {"type": "string", "readOnly": true}, "used_by": {"type": "array", "readOnly": true, "items": {"type": "string"}},
   "version": {"type": "integer"}}},
 "Driver": {"type": "object", "properties": {"id": {"type": "integer", "readOnly": true},
   "position": {"type": "integer", "readOnly": true}, "model_regex": {"type": "string", "format": "regex"},
   "os_regex": {"type": "string", "format": "regex"}, "url": {"type": "string"},
   "bundle_id": {"type": ["string", "null"]}, "min_ram_gb": {"type": ["number", "null"]},
   "min_disk_gb": {"type": ["number", "null"]}, "min_cpu_count": {"type": ["integer", "null"]},
   "priority": {"type": "integer"}, "enabled": {"type": "boolean"}, "version": {"type": "integer"}}},
 "Position": {"type": "object", "required": ["position", "version"], "properties": {
   "position": {"type": "integer", "minimum": 1}, "version": {"type": "integer"}}},
 "Locale": {"type": "object", "required": ["country"], "properties": {"country": {"type": "string"},
   "language": {"type": "string"}, "keyboard": {"type": "string"}, "timezone": {"type": "string"},
   "version": {"type": "integer"}}},
 "Deployment": {"type": "object", "properties": {"id": {"type": "string"}, "serial": {"type": "string"},
   "computer_name": {"type": "string"}, "model": {"type": "string"}, "type": {"type": "string"},
   "state": {"enum": ["running", "stale", "success", "error"]}, "phase": {"type": "string"},
   "percent": {"type": "integer"}, "started": {"type": "string", "format": "date-time"},
   "finished": {"type": ["string", "null"], "format": "date-time"}, "tls": {"type": "boolean"},
   "version": {"type": "integer"}}},
 "Event": {"type": "object", "required": ["event_id"], "properties": {"event_id": {"type": "string"},
   "phase": {"type": "string"}, "step": {"type": "integer"}, "step_count": {"type": "integer"},
   "percent": {"type": "integer", "minimum": 0, "maximum": 100},
   "level": {"enum": ["debug", "info", "warning", "error"]}, "message": {"type": "string"},
   "status": {"enum": ["running", "success", "error"]}}},
 "DeploymentDetail": {"type": "object", "properties": {"deployment": {"$ref": "#/components/schemas/Deployment"},
   "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
   "attempts": {"type": "array", "items": {"$ref": "#/components/schemas/Deployment"}}}},
 "PendingDevice": {"type": "object", "properties": {"serial": {"type": "string"}, "model": {"type": "string"},
   "source": {"enum": ["plan", "deployment"]}, "suggested_name": {"type": "string"},
   "first_seen": {"type": "string"}, "last_seen": {"type": "string"}}},
 "PendingList": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/PendingDevice"}}}},
 "RegexCheck": {"type": "object", "properties": {"valid": {"type": "boolean"}, "error": {"type": "string"},
   "matches": {"type": "array", "items": {"type": "string"}}, "known": {"type": "integer"}}},
 "SourceCheckRequest": {"type": "object", "required": ["source"], "properties": {"source": {"type": "string"}}},
 "LaunchersRequest": {"type": "object", "properties": {"ws_base": {"type": "string", "description": "default: the external base URL of the request"},
   "bundle_key": {"type": "string", "description": "the endpoint key the launchers send, made by provisiond endpoint-keys create"}}},
 "SourceCheck": {"type": "object", "properties": {"kind": {"enum": ["https", "http", "unc", "local", "service-relative"]},
   "resolved": {"type": "string"}, "unknown_variables": {"type": "array", "items": {"type": "string"}},
   "checkable": {"type": "boolean"}, "ok": {"type": "boolean"}, "message": {"type": "string"},
   "warnings": {"type": "array", "items": {"type": "string"}},
   "hub": {"type": ["object", "null"], "properties": {"path": {"type": "string"}, "type": {"enum": ["file", "folder"]},
     "size": {"type": "integer"}, "sha256": {"type": ["string", "null"]}, "entry_count": {"type": "integer"}}},
   "http": {"type": ["object", "null"], "properties": {"method": {"type": "string"}, "final_url": {"type": "string"},
     "status": {"type": "integer"}, "content_length": {"type": ["integer", "null"]}, "elapsed_ms": {"type": "integer"},
     "redirects": {"type": "array", "items": {"type": "object", "properties": {"url": {"type": "string"},
       "status": {"type": "integer"}, "location": {"type": "string"}}}}}}}},
 "ImportRequest": {"type": "object", "required": ["csv"], "properties": {"table": {"type": "string"},
   "file": {"type": "string"}, "csv": {"type": "string"}, "mode": {"enum": ["merge", "replace"]},
   "dry_run": {"type": "boolean"}}},
 "ImportResult": {"type": "object", "properties": {"applied": {"type": "boolean"}, "tables": {"type": "array"},
   "errors": {"type": "array", "items": {"type": "object", "properties": {"file": {"type": "string"},
   "line": {"type": "integer"}, "column": {"type": "integer"}, "message": {"type": "string"}}}}}},
 "SettingValue": {"type": "object", "required": ["value"], "properties": {"value": {"type": ["string", "integer", "null"]}}},
 "Login": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}},
 "Me": {"type": "object", "properties": {"username": {"type": "string"}, "role": {"enum": ["viewer", "operator", "admin"]}, "csrf_token": {"type": "string"}}},
 "Facts": {"type": "object", "properties": {"serial": {"type": "string"}, "make": {"type": "string"},
   "model": {"type": "string"}, "uuid": {"type": "string"}, "macs": {"type": "array", "items": {"type": "string"}},
   "os_name": {"type": "string"}}}
})";

json::object PageOf(std::string_view item) {
  json::object page = {{"type", "object"}};
  json::object props;
  props["total"] = {{"type", "integer"}};
  props["offset"] = {{"type", "integer"}};
  props["limit"] = {{"type", "integer"}};
  props["items"] = {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/" + std::string(item)}}}};
  page["properties"] = std::move(props);
  return page;
}

json::value Ref(std::string_view schema) { return {{"$ref", "#/components/schemas/" + std::string(schema)}}; }

// "{*path}" is OpenAPI's "{path}" (a parameter that may hold slashes).
std::string OpenApiPath(std::string_view pattern, std::vector<std::string>* params) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{') {
      out += pattern[i];
      continue;
    }
    size_t end = pattern.find('}', i);
    std::string name(pattern.substr(i + 1, end - i - 1));
    if (!name.empty() && name[0] == '*') name.erase(0, 1);
    params->push_back(name);
    out += "{" + name + "}";
    i = end;
  }
  return out;
}

}  // namespace

std::vector<std::string> AnnotatedRoutes() {
  std::vector<std::string> out;
  for (const auto& [k, v] : Annotations()) out.push_back(k);
  return out;
}

std::string OpenApiDocument(const Router& router, const ExternalOrigin& origin, std::string_view version) {
  json::object doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", "provisiond"}, {"version", std::string(version)},
                 {"description", "Windows provisioning web service for Tanium Provision: endpoint, legacy "
                                 "(drop-in for the original service), content hub and admin API. Errors are "
                                 "RFC 9457 problem details. Admin writes need the X-CSRF-Token of the session "
                                 "(or a bearer token) and a JSON body."}};
  doc["servers"] = json::array{{{"url", origin.BaseUrl()}}};
  json::object schemas = json::parse(kSchemas).as_object();
  for (auto name : {"Computer", "Type", "App", "Driver", "Locale", "Deployment"})
    schemas[std::string(name) + "Page"] = PageOf(name);
  doc["components"] = {
      {"schemas", std::move(schemas)},
      {"securitySchemes",
       {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "provisiond_session"}}},
        {"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
        {"endpointKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-Provisiond-Key"}}}}}};
  json::object paths;
  const auto& notes = Annotations();
  for (const auto& r : router.routes()) {
    std::vector<std::string> params;
    std::string path = OpenApiPath(r.pattern, &params);
    json::object op;
    op["summary"] = r.options.summary;
    op["tags"] = json::array{std::string(RouteGroupName(r.options.group))};
    op["x-permission"] = std::string(PermissionName(r.options.permission));
    if (!params.empty()) {
      json::array ps;
      for (const auto& p : params)
        ps.push_back({{"name", p}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
      op["parameters"] = std::move(ps);
    }
    switch (r.options.group) {
      case RouteGroup::kAdmin: op["security"] = json::array{{{"session", json::array{}}}, {{"bearer", json::array{}}}}; break;
      case RouteGroup::kMachine: op["security"] = json::array{json::object{}, {{"endpointKey", json::array{}}}}; break;
      default: break;
    }
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto note = notes.find(r.method + " " + r.pattern);
    json::object ok = {{"description", "success"}};
    if (note != notes.end() && !note->second.response.empty())
      ok["content"] = {{"application/json", {{"schema", Ref(note->second.response)}}}};
    if (note != notes.end() && !note->second.request.empty())
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", Ref(note->second.request)}}}}}};
    json::object responses;
    responses[std::to_string(note != notes.end() ? note->second.status : 200)] = ok;
    responses["default"] = {{"description", "problem details"},
                            {"content", {{"application/problem+json", {{"schema", Ref("Problem")}}}}}};
    op["responses"] = std::move(responses);
    if (!paths.contains(path)) paths[path] = json::object();
    paths[path].as_object()[method] = std::move(op);
  }
  doc["paths"] = std::move(paths);
  return json::serialize(doc);
}

void RegisterOpenApiRoute(Router& router, std::string version) {
  const Router* table = &router;  // the router outlives its routes
  router.Add("GET", "/api/v1/openapi.json",
             [table, version](Request& req) { return Response::Json(200, OpenApiDocument(*table, req.origin, version)); },
             {RouteGroup::kPublic, Permission::kAnyone, "OpenAPI 3.1 description of every route"});
}

}  // namespace provisiond::api

#include "api/problem.h"

namespace provisiond::api {

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

Response Problem(int status, std::string_view detail, std::string_view extra) {
  std::string body = "{\"type\":\"about:blank\",\"title\":\"";
  AppendJsonEscaped(body, ReasonPhrase(status));
  body += "\",\"status\":" + std::to_string(status) + ",\"detail\":\"";
  AppendJsonEscaped(body, detail);
  body += "\"";
  if (!extra.empty()) {
    body += ",";
    body += extra;
  }
  body += "}";
  return Response::Text(status, std::move(body), "application/problem+json");
}

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kConflict: return 409;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kIoError: return 500;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kFailedPrecondition: return 412;
    case StatusCode::kInternal: return 500;
    case StatusCode::kTooLarge: return 413;
    case StatusCode::kUnauthenticated: return 401;
  }
  return 500;
}

Response ToProblem(int status, const Status& error, std::string_view extra) {
  std::string members(extra);
  auto add = [&members](std::string member) {
    if (!members.empty()) members += ",";
    members += member;
  };
  if (!error.field().empty()) add("\"field\":\"" + JsonEscape(error.field()) + "\"");
  if (error.line() > 0) add("\"line\":" + std::to_string(error.line()));
  if (error.column() > 0) add("\"column\":" + std::to_string(error.column()));
  Response r = Problem(status, error.message(), members);
  // The backend is away (a database outage): the client retries later; the
  // endpoint scripts and load balancers read Retry-After.
  if (error.code() == StatusCode::kUnavailable && status == 503) r.headers.Set("Retry-After", "5");
  return r;
}

Response ToProblem(const Status& status) { return ToProblem(HttpStatusFor(status), status); }

}  // namespace provisiond::api

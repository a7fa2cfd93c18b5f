// Router: the listable route table every API plugs into. Patterns are
// literal segments, "{name}" (one segment) and a final "{*name}" (the rest).
// Access checks run here, per route group, in one place: a route never
// checks its own caller. Add() everything before serving; Dispatch() is then
// safe from any thread.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"

namespace provisiond::api {

// Who may call a route. The access check for each group is installed by
// SetAccessCheck(); a group without one is open.
enum class RouteGroup {
  kPublic,    // health, readiness, static UI
  kMachine,   // endpoints and Tanium Provision (legacy + /api/v1/endpoint)
  kContent,   // /file/ hub
  kAdmin,     // /api/v1/admin
};
std::string_view RouteGroupName(RouteGroup g);

using Handler = std::function<Response(Request&)>;

struct RouteOptions {
  RouteGroup group = RouteGroup::kPublic;
  std::string summary;            // one line, shown by `provisiond routes`
  uint64_t max_body_bytes = 0;    // 0: the server default (8 MiB)
  bool blocking = false;          // true: may wait on disk (fsync) or a database;
                                  // the server runs it on a worker pool, not an I/O thread
  // Routes whose body may not fit in memory (uploads) set this. It runs
  // after the header and the access check, before the body is read, and
  // returns the sink the body streams into (Request::body_sink), or an
  // error that is the answer. max_body_bytes still applies.
  std::function<Result<std::shared_ptr<BodySink>>(Request&)> open_body_sink = nullptr;
};

using PathParams = std::map<std::string, std::string, std::less<>>;

// A route pattern parsed once, when the route is added, so matching a
// request allocates nothing but the captured values.
class PathPattern {
 public:
  explicit PathPattern(std::string_view pattern);
  // True if `path` matches; fills `params` (may be null) on success. Empty
  // segments ("//") are ignored; a "{*rest}" capture keeps the path as sent.
  bool Match(std::string_view path, PathParams* params) const;
  bool literal() const { return literal_; }

 private:
  enum class Kind { kLiteral, kParam, kRest };
  struct Segment {
    Kind kind;
    std::string text;  // the literal, or the parameter's name
  };
  std::vector<Segment> segments_;
  bool literal_ = true;
};

struct Route {
  std::string method;   // GET, POST, ...; GET routes also answer HEAD
  std::string pattern;  // "/api/v1/computers/{serial}"
  Handler handler;
  RouteOptions options;
  PathPattern compiled{pattern};  // derived from `pattern`
};

// Returns a response to refuse the request, or nullopt to let it through.
// May set request.principal.
using AccessCheck = std::function<std::optional<Response>(Request&, const Route&)>;

class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  void SetAccessCheck(RouteGroup group, AccessCheck check);

  // The route `method path` resolves to, with its captured params, or null
  // (net/ asks this after the header to choose the body limit).
  const Route* Find(std::string_view method, std::string_view path, PathParams* params = nullptr) const;

  // Runs the matching route behind its access check. Unknown path: 404;
  // known path, other method: 405 with Allow. An exception escaping a
  // handler becomes a 500 problem; the server keeps serving. A streaming
  // route gets Request::body through its sink.
  Response Dispatch(Request& request) const;
  // The same for a route already found (with its params) by Find; null:
  // the 404 or 405 answer.
  Response Dispatch(Request& request, const Route* found) const;

  // Dispatch in three steps, for a server that streams a body between
  // them. Admit runs the route group's access check, then opens the body
  // sink of a streaming route; a response means refused. Feed hands the
  // sink a chunk. Run calls the handler of an admitted request. Like
  // Dispatch, none lets an exception escape (500 / Internal instead).
  std::optional<Response> Admit(Request& request, const Route& route) const;
  Status Feed(Request& request, std::string_view chunk) const;
  Response Run(Request& request, const Route& route) const;

  const std::vector<Route>& routes() const { return routes_; }
  // One line per route: "GET     /healthz  public  liveness probe".
  std::string Describe() const;

 private:
  std::vector<std::string> AllowedMethods(std::string_view path) const;

  std::vector<Route> routes_;
  std::map<RouteGroup, AccessCheck> checks_;
};

// Splits "/a/b/c" into {"a","b","c"}; empty segments dropped.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace provisiond::api

// Router: the listable route table every API plugs into. Patterns are
// literal segments, "{name}" (one segment) and a final "{*name}" (the rest).
// Access is decided here, in one place, deny by default: every route
// declares the Permission it needs, and its group's chain of access checks
// (network gate, then credentials, then role) must all let it through. A
// route without a declared permission, or in a group without a check,
// answers 401. Add() everything before serving; Dispatch() is then safe from
// any thread.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "api/principal.h"

namespace provisiond::api {

// Which chain of access checks a route goes through (AddAccessCheck).
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
  Permission permission = Permission::kUndeclared;  // kUndeclared: always 401
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
// May set request.principal. Runs after the header, before any body byte is
// read, on an I/O thread: it must not block (no disk, no database; in-memory
// state only).
using AccessCheck = std::function<std::optional<Response>(Request&, const Route&)>;

class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  // Appends `check` to the chain of `group`; checks run in the order added.
  void AddAccessCheck(RouteGroup group, AccessCheck check);
  // Called after every admin-group route that is not GET/HEAD, with its
  // answer (on the thread that ran the route: writing routes are blocking).
  using AuditHook = std::function<void(const Request&, const Route&, const Response&)>;
  void SetAuditHook(AuditHook hook) { audit_hook_ = std::move(hook); }

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

  // Dispatch in steps, for a server that reads the body between them.
  // Authorize runs the access decision (see the file comment); a response
  // means refused. OpenSink opens the body sink of a streaming route.
  // Admit is both. Feed hands the sink a chunk. Run calls the handler of an
  // admitted request. Like Dispatch, none lets an exception escape (500 /
  // Internal instead).
  std::optional<Response> Authorize(Request& request, const Route& route) const;
  std::optional<Response> OpenSink(Request& request, const Route& route) const;
  std::optional<Response> Admit(Request& request, const Route& route) const;
  Status Feed(Request& request, std::string_view chunk) const;
  Response Run(Request& request, const Route& route) const;

  // Tests that call routes as functions: every group lets everyone through
  // as `principal` (an admin user unless said otherwise), and a route that
  // declares no permission is open (net/ tests of bare routes).
  void AllowEveryoneForTesting(Principal principal = TestAdmin());
  static Principal TestAdmin();

  const std::vector<Route>& routes() const { return routes_; }
  // One line per route: "GET     /healthz  public  anyone  liveness probe".
  std::string Describe() const;

 private:
  std::vector<std::string> AllowedMethods(std::string_view path) const;

  std::vector<Route> routes_;
  std::map<RouteGroup, std::vector<AccessCheck>> checks_;
  AuditHook audit_hook_;
  bool open_for_testing_ = false;
};

// Splits "/a/b/c" into {"a","b","c"}; empty segments dropped.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace provisiond::api

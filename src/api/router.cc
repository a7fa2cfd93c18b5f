#include "api/router.h"

#include <exception>

#include "api/problem.h"
#include "base/log.h"
#include "base/strings.h"

namespace provisiond::api {

std::string_view RouteGroupName(RouteGroup g) {
  switch (g) {
    case RouteGroup::kPublic: return "public";
    case RouteGroup::kMachine: return "machine";
    case RouteGroup::kContent: return "content";
    case RouteGroup::kAdmin: return "admin";
  }
  return "?";
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

namespace {

// The next non-empty '/'-separated segment of `s` from *pos (empty at the end).
std::string_view NextSegment(std::string_view s, size_t* pos) {
  while (*pos < s.size() && s[*pos] == '/') ++*pos;
  size_t start = *pos;
  while (*pos < s.size() && s[*pos] != '/') ++*pos;
  return s.substr(start, *pos - start);
}

bool IsParam(std::string_view p) { return p.size() > 2 && p.front() == '{' && p.back() == '}'; }
bool IsRest(std::string_view p) { return p.size() > 3 && p.substr(0, 2) == "{*" && p.back() == '}'; }

}  // namespace

PathPattern::PathPattern(std::string_view pattern) {
  for (std::string_view p : SplitPath(pattern)) {
    if (IsRest(p)) {
      segments_.push_back({Kind::kRest, std::string(p.substr(2, p.size() - 3))});
      literal_ = false;
      break;  // the rest of the path: nothing can follow
    }
    if (IsParam(p)) {
      segments_.push_back({Kind::kParam, std::string(p.substr(1, p.size() - 2))});
      literal_ = false;
    } else {
      segments_.push_back({Kind::kLiteral, std::string(p)});
    }
  }
}

bool PathPattern::Match(std::string_view path, PathParams* params) const {
  size_t pos = 0;
  for (const Segment& seg : segments_) {
    if (seg.kind == Kind::kRest) {
      // The rest of the path as sent, from its next segment (may be empty).
      while (pos < path.size() && path[pos] == '/') ++pos;
      if (params) (*params)[seg.text] = std::string(path.substr(pos));
      return true;
    }
    std::string_view x = NextSegment(path, &pos);
    if (x.empty()) return false;
    if (seg.kind == Kind::kParam) {
      if (params) (*params)[seg.text] = std::string(x);
    } else if (x != seg.text) {
      return false;
    }
  }
  return NextSegment(path, &pos).empty();
}

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(handler), std::move(options)});
}

void Router::AddAccessCheck(RouteGroup group, AccessCheck check) { checks_[group].push_back(std::move(check)); }

Principal Router::TestAdmin() {
  Principal p;
  p.kind = PrincipalKind::kUser;
  p.name = "tester";
  p.role = Role::kAdmin;
  p.via = "test";
  return p;
}

void Router::AllowEveryoneForTesting(Principal principal) {
  open_for_testing_ = true;
  for (RouteGroup g : {RouteGroup::kPublic, RouteGroup::kMachine, RouteGroup::kContent, RouteGroup::kAdmin}) {
    // First in the chain: the checks under test (a file token) still run.
    auto& chain = checks_[g];
    chain.insert(chain.begin(), [principal](Request& r, const Route&) -> std::optional<Response> {
      r.principal = principal;
      return std::nullopt;
    });
  }
}

const Route* Router::Find(std::string_view method, std::string_view path, PathParams* params) const {
  auto method_ok = [method](const Route& r) { return r.method == method || (method == "HEAD" && r.method == "GET"); };
  // Literal routes win over parameterised ones.
  for (const auto& r : routes_) {
    if (r.compiled.literal() && method_ok(r) && r.compiled.Match(path, nullptr)) return &r;
  }
  for (const auto& r : routes_) {
    if (r.compiled.literal() || !method_ok(r)) continue;
    PathParams p;
    if (r.compiled.Match(path, params ? &p : nullptr)) {
      if (params) *params = std::move(p);
      return &r;
    }
  }
  return nullptr;
}

std::vector<std::string> Router::AllowedMethods(std::string_view path) const {
  std::vector<std::string> out;
  auto add = [&](const std::string& m) {
    for (const auto& x : out)
      if (x == m) return;
    out.push_back(m);
  };
  for (const auto& r : routes_) {
    if (!r.compiled.Match(path, nullptr)) continue;
    add(r.method);
    if (r.method == "GET") add("HEAD");
  }
  return out;
}

Response Router::Dispatch(Request& request) const {
  return Dispatch(request, Find(request.method, request.path, &request.params));
}

Response Router::Dispatch(Request& request, const Route* route) const {
  if (!route) {
    auto allowed = AllowedMethods(request.path);
    if (allowed.empty()) return Problem(404, "no route for " + request.path);
    Response r = Problem(405, request.method + " is not allowed on " + request.path +
                                  "; allowed: " + Join(allowed, ", "));
    r.headers.Set("Allow", Join(allowed, ", "));
    return r;
  }
  if (auto refused = Admit(request, *route)) return std::move(*refused);
  // In-process callers (tests) give a streaming route its body whole.
  if (request.body_sink && !request.body.empty()) {
    Status fed = Feed(request, request.body);
    if (!fed.ok()) return ToProblem(fed);
    request.body.clear();
  }
  return Run(request, *route);
}

namespace {

// Runs `f`; an exception is logged with the request id and becomes
// `on_error(what)`: one bad route, check or sink must not take a server
// thread (or the worker pool) down.
template <class F, class E>
auto Guarded(const Request& request, F&& f, E&& on_error) -> decltype(f()) {
  std::string what;
  try {
    return f();
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  LogError("exception in a route, answered 500",
           {{"request_id", request.request_id}, {"path", request.path}, {"error", what}});
  return on_error("internal error (request id " + request.request_id + "): " + what);
}

Response InternalProblem(const std::string& what) { return Problem(500, what); }

}  // namespace

std::optional<Response> Router::Authorize(Request& request, const Route& route) const {
  const Permission p = route.options.permission;
  if (p == Permission::kUndeclared && !open_for_testing_) {
    LogError("route declares no permission: refused", {{"route", route.method + " " + route.pattern}});
    return Problem(401, "no access rule for " + route.method + " " + route.pattern + " (deny by default)");
  }
  if (p == Permission::kAnyone) return std::nullopt;
  auto it = checks_.find(route.options.group);
  if (it == checks_.end() || it->second.empty()) {
    return Problem(401, "no access check is installed for the " + std::string(RouteGroupName(route.options.group)) +
                            " routes (deny by default)");
  }
  for (const auto& check : it->second) {
    // A throwing access check refuses (500), never lets the request through.
    auto refused = Guarded(request, [&] { return check(request, route); },
                           [](const std::string& what) -> std::optional<Response> { return InternalProblem(what); });
    if (refused) return refused;
  }
  return std::nullopt;
}

std::optional<Response> Router::OpenSink(Request& request, const Route& route) const {
  if (!route.options.open_body_sink) return std::nullopt;
  return Guarded(
      request, [&]() -> std::optional<Response> {
        auto sink = route.options.open_body_sink(request);
        if (!sink.ok()) return ToProblem(sink.status());
        request.body_sink = std::move(*sink);
        return std::nullopt;
      },
      [](const std::string& what) -> std::optional<Response> { return InternalProblem(what); });
}

std::optional<Response> Router::Admit(Request& request, const Route& route) const {
  if (auto refused = Authorize(request, route)) return refused;
  return OpenSink(request, route);
}

Status Router::Feed(Request& request, std::string_view chunk) const {
  if (!request.body_sink) return Status::Internal("no body sink to feed");
  return Guarded(request, [&] { return request.body_sink->Append(chunk); },
                 [](const std::string& what) { return Status::Internal(what); });
}

Response Router::Run(Request& request, const Route& route) const {
  return Guarded(
      request, [&] {
        Response r = route.handler(request);
        if (request.method == "HEAD") r.head_only = true;
        if (audit_hook_ && route.options.group == RouteGroup::kAdmin && request.method != "GET" &&
            request.method != "HEAD")
          audit_hook_(request, route, r);
        return r;
      },
      InternalProblem);
}

std::string Router::Describe() const {
  std::string out;
  for (const auto& r : routes_) {
    std::string line = r.method;
    line.resize(8, ' ');
    line += r.pattern;
    if (line.size() < 48) line.resize(48, ' ');
    line += ' ';
    std::string g(RouteGroupName(r.options.group));
    g.resize(9, ' ');
    line += g;
    std::string p(PermissionName(r.options.permission));
    p.resize(p.size() < 12 ? 12 : p.size() + 1, ' ');
    line += p;
    line += r.options.summary;
    out += line + "\n";
  }
  return out;
}

}  // namespace provisiond::api

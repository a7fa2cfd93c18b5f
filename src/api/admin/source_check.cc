#include "api/admin/source_check.h"

#include <atomic>
#include <charconv>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "api/admin/admin_route.h"
#include "api/endpoint/json_in.h"
#include "api/endpoint/json_writer.h"
#include "api/problem.h"
#include "base/strings.h"

namespace provisiond::api::admin {
using endpoint::JsonWriter;

namespace {

constexpr size_t kMaxSourceBytes = 2048;

bool IsRedirect(int status) { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }

// `location` resolved against `from` (RFC 3986), or nullopt when either is not a URL.
std::optional<std::string> ResolveRedirect(const std::string& from, std::string_view location) {
  auto base = boost::urls::parse_uri(from);
  auto ref = boost::urls::parse_uri_reference(location);
  if (!base || !ref) return std::nullopt;
  boost::urls::url dest;
  if (!boost::urls::resolve(*base, *ref, dest)) return std::nullopt;
  return std::string(dest.buffer());
}

std::optional<std::string> HubPathOf(std::string_view url, std::string_view base_url) {
  std::string root = std::string(base_url) + "/file";
  if (!url.starts_with(root)) return std::nullopt;
  std::string_view rest = url.substr(root.size());
  rest = rest.substr(0, std::min(rest.find('?'), rest.find('#')));
  if (!rest.empty() && rest.front() != '/') return std::nullopt;  // "/filexyz"
  while (rest.starts_with("/")) rest.remove_prefix(1);
  if (rest.starts_with("raw/")) rest.remove_prefix(4);
  auto decoded = PercentDecode(rest, false);
  if (!decoded) return std::nullopt;
  while (!decoded->empty() && decoded->back() == '/') decoded->pop_back();
  return decoded;
}

// A check costs a thread of the worker pool for up to the timeout: bounded.
class InFlight {
 public:
  InFlight(std::atomic<size_t>& n, size_t max) : n_(n), ok_(n.fetch_add(1) < max) {}
  ~InFlight() { n_.fetch_sub(1); }
  bool ok() const { return ok_; }

 private:
  std::atomic<size_t>& n_;
  bool ok_;
};

struct State {
  SourceCheckDeps deps;
  std::atomic<size_t> in_flight{0};
};

std::string UnknownList(const std::vector<std::string>& unknown) {
  std::string out;
  for (const auto& u : unknown) out += (out.empty() ? "%" : ", %") + u + "%";
  return out;
}

void WriteHub(JsonWriter& w, const content::HubEntry& e) {
  w.BeginObject();
  w.Key("path").String(e.path);
  w.Key("type").String(e.directory ? "folder" : "file");
  w.Key("size").Int(static_cast<int64_t>(e.size));
  w.Key("mtime").String(e.mtime);
  if (e.directory) {
    w.Key("entry_count").Int(static_cast<int64_t>(e.entry_count));
    w.Key("entries").BeginArray();
    for (const auto& n : e.entries) w.String(n);
    w.EndArray();
  } else {
    w.Key("sha256").StringOrNull(e.sha256.value_or(""));
    w.Key("sha256_pending").Bool(!e.sha256);
  }
  w.EndObject();
}

void WriteUrlCheck(JsonWriter& w, const UrlCheck& c, int64_t elapsed_ms) {
  const auto& h = c.final.headers;
  w.BeginObject();
  w.Key("method").String(c.method);
  w.Key("final_url").String(c.hops.empty() ? "" : c.hops.back().url);
  w.Key("status").Int(c.hops.empty() ? 0 : c.hops.back().status);
  w.Key("reason").String(c.final.reason);
  w.Key("content_type").StringOrNull(std::string(h.Get("Content-Type").value_or("")));
  // A GET with Range answers Content-Range "bytes 0-0/<size>": the size is after '/'.
  std::string length(h.Get("Content-Length").value_or(""));
  if (auto range = h.Get("Content-Range"); range && c.hops.back().status == 206) {
    auto slash = range->rfind('/');
    length = slash == std::string_view::npos ? "" : std::string(range->substr(slash + 1));
  }
  int64_t n = -1;
  auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
  if (ec == std::errc() && end == length.data() + length.size() && !length.empty() && n >= 0) w.Key("content_length").Int(n);
  else w.Key("content_length").Null();
  w.Key("last_modified").StringOrNull(std::string(h.Get("Last-Modified").value_or("")));
  w.Key("tls_version").StringOrNull(c.final.tls_version);
  w.Key("elapsed_ms").Int(elapsed_ms);
  w.Key("redirects").BeginArray();
  for (size_t i = 0; i + 1 < c.hops.size() || (c.too_many_redirects && i < c.hops.size()); ++i) {
    w.BeginObject();
    w.Key("url").String(c.hops[i].url);
    w.Key("status").Int(c.hops[i].status);
    w.Key("location").String(c.hops[i].location);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

struct Verdict {
  bool checkable = true;
  bool ok = false;
  std::string message;
  std::vector<std::string> warnings;
};

Verdict JudgeUrl(const UrlCheck& c) {
  Verdict v;
  if (!c.failure.ok()) {
    v.message = c.failure.message();
    return v;
  }
  int status = c.hops.back().status;
  size_t redirects = c.hops.size() - 1;
  if (c.too_many_redirects) {
    v.message = "more than " + std::to_string(redirects) + " redirects: the endpoint would give up too";
    return v;
  }
  v.ok = status >= 200 && status < 300;
  v.message = "HTTP " + std::to_string(status) + (c.final.reason.empty() ? "" : " " + c.final.reason);
  if (redirects > 0) v.message += " after " + std::to_string(redirects) + (redirects == 1 ? " redirect" : " redirects");
  if (status == 401 || status == 403)
    v.message += ": the server is refused; the endpoint may have credentials the server has not";
  return v;
}

Response Check(State& st, Request& req) {
  boost::json::object body;
  if (Status s = endpoint::ParseObject(req.body, &body); !s.ok()) return ToProblem(s);
  if (Status s = endpoint::RejectUnknown(body, {"source"}); !s.ok()) return ToProblem(s);
  std::optional<std::string> source;
  if (Status s = endpoint::ReadString(body, "source", &source, kMaxSourceBytes); !s.ok()) return ToProblem(s);
  std::string location(Trim(source.value_or("")));
  if (location.empty()) return ToProblem(Status::BadField("source", "is required: the app's or driver's location"));
  InFlight guard(st.in_flight, st.deps.max_in_flight);
  if (!guard.ok())
    return ToProblem(429, Status::Unavailable("too many source checks at once (" + std::to_string(st.deps.max_in_flight) +
                                              "); try again in a moment"));

  core::Variables vars;
  auto tables = st.deps.service->Snapshot();
  if (auto root = tables->Config(core::kDeployRootKey)) vars["DeployRoot"] = *root;
  std::string base = req.origin.BaseUrl();
  SourceTarget t = TargetOf(location, base, vars);

  Verdict v;
  JsonWriter w(2048);
  w.BeginObject();
  w.Key("source").String(location);
  w.Key("kind").String(core::SourceKindName(t.kind));
  w.Key("resolved").String(t.resolved);
  w.Key("unknown_variables").BeginArray();
  for (const auto& u : t.unknown) w.String(u);
  w.EndArray();
  std::optional<content::HubEntry> hub;
  std::optional<UrlCheck> url;
  int64_t elapsed_ms = 0;
  bool is_url = t.kind == core::SourceKind::kHttps || t.kind == core::SourceKind::kHttp ||
                t.kind == core::SourceKind::kServiceRelative;
  if (t.hub_path && st.deps.hub) {
    auto found = st.deps.hub(*t.hub_path);
    if (found.ok()) {
      hub = std::move(*found);
      v.ok = true;
      v.message = hub->directory ? "folder in the content hub, " + std::to_string(hub->entry_count) + " entries"
                                 : "file in the content hub";
    } else if (found.status().code() == StatusCode::kNotFound) {
      v.message = "not in the content hub: '" + *t.hub_path + "' (upload it on the Files page)";
    } else {
      v.message = found.status().message();
    }
  } else if (is_url && !t.unknown.empty()) {
    v.checkable = false;
    v.message = "depends on " + UnknownList(t.unknown) + ", known only on the endpoint: checked there";
  } else if (is_url && st.deps.http) {
    auto started = std::chrono::steady_clock::now();
    url = CheckUrl(st.deps.http, t.resolved, st.deps.max_redirects, st.deps.timeout);
    elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    v = JudgeUrl(*url);
  } else if (t.kind == core::SourceKind::kUnc) {
    v.checkable = false;
    v.message = "UNC path: the endpoint reaches the share with its own network and credentials, so it is checked there";
  } else if (t.kind == core::SourceKind::kLocal) {
    v.checkable = false;
    v.message = "local path: it exists only on the endpoint (C:\\provision\\OtherFiles comes from Customer*.zip), so it is checked there";
  } else {
    v.checkable = false;
    v.message = "URL checks are not available on this server";
  }
  if (t.kind == core::SourceKind::kHttp) v.warnings.push_back("plain HTTP: the download is neither encrypted nor authenticated");
  if (!t.unknown.empty() && v.checkable)
    v.warnings.push_back(UnknownList(t.unknown) + " not known here: the endpoint expands it");
  w.Key("checkable").Bool(v.checkable);
  w.Key("ok").Bool(v.ok);
  w.Key("message").String(v.message);
  w.Key("warnings").BeginArray();
  for (const auto& x : v.warnings) w.String(x);
  w.EndArray();
  w.Key("hub");
  if (hub) WriteHub(w, *hub);
  else w.Null();
  w.Key("http");
  if (url) WriteUrlCheck(w, *url, elapsed_ms);
  else w.Null();
  w.EndObject();
  return endpoint::JsonResponse(200, w.Take());
}

}  // namespace

SourceTarget TargetOf(std::string_view location, std::string_view base_url, const core::Variables& vars) {
  SourceTarget t;
  core::SourceKind written = core::ClassifySource(location);
  auto e = core::ResolveLocation(location, base_url, vars);
  t.resolved = std::move(e.text);
  t.unknown = std::move(e.unknown);
  t.kind = written == core::SourceKind::kServiceRelative ? written : core::ClassifySource(t.resolved);
  if (t.unknown.empty()) t.hub_path = HubPathOf(t.resolved, base_url);
  return t;
}

UrlCheck CheckUrl(const OutboundHttp& http, std::string url, int max_redirects, std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  UrlCheck c;
  c.method = "HEAD";
  for (int hop = 0;; ++hop) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      c.hops.push_back({url, 0, ""});
      c.failure = Status::Unavailable("no answer within " + std::to_string(timeout.count()) + " ms");
      return c;
    }
    OutboundRequest req;
    req.method = c.method;
    req.url = url;
    req.timeout = left;
    if (c.method == "GET") req.headers.Add("Range", "bytes=0-0");
    auto res = http(req);
    if (!res.ok()) {
      c.hops.push_back({url, 0, ""});
      c.failure = res.status();
      return c;
    }
    if ((res->status == 405 || res->status == 501) && c.method == "HEAD") {
      c.method = "GET";  // same URL again: not a hop
      --hop;
      continue;
    }
    std::string location(res->headers.Get("Location").value_or(""));
    c.hops.push_back({url, res->status, location});
    c.final = std::move(*res);
    if (!IsRedirect(c.final.status) || location.empty()) return c;
    if (hop >= max_redirects) {
      c.too_many_redirects = true;
      return c;
    }
    auto next = ResolveRedirect(url, location);
    if (!next) {
      c.failure = Status::Unavailable("redirect to '" + location + "', which is not a URL");
      return c;
    }
    url = std::move(*next);
  }
}

void RegisterSourceCheckRoute(Router& router, SourceCheckDeps deps) {
  auto st = std::make_shared<State>();
  st->deps = std::move(deps);
  router.Add("POST", "/api/v1/admin/source-check", [st](Request& r) { return Check(*st, r); },
             AdminRoute(Permission::kOperator,
                        "check an app or driver source {source}: content-hub file (size, SHA-256), HTTP(S) HEAD with redirects, "
                        "UNC/local checked on the endpoint",
                        true));
}

}  // namespace provisiond::api::admin

// Wiring of the content hub routes (see content.h). Handlers are small:
// path check, open inside the root, then listing / file / digest.
#include <algorithm>
#include <boost/json.hpp>
#include <cstring>

#include "api/access/file_token.h"
#include "api/content/conditional.h"
#include "api/content/builtin_scripts.h"
#include "api/content/content.h"
#include "api/content/content_root.h"
#include "api/content/content_types.h"
#include "api/content/file_ops.h"
#include "api/content/listing.h"
#include "api/content/path_safety.h"
#include "api/content/sha256_cache.h"
#include "api/content/ws_base.h"
#include "api/problem.h"
#include "base/log.h"
#include "base/strings.h"
#include "pki/sha256.h"

namespace provisiond::api::content {
namespace {

constexpr std::string_view kFilePrefix = "/file/";
constexpr std::string_view kRawPrefix = "/file/raw/";
constexpr std::string_view kSumPrefix = "/file/sha256/";
constexpr std::string_view kAdminPrefix = "/api/v1/admin/files/";
constexpr std::string_view kTemplatedVary = "Host, Forwarded, X-Forwarded-Host, X-Forwarded-Proto, X-Forwarded-Port, X-Forwarded-Prefix";

struct Service {
  explicit Service(std::shared_ptr<const ContentOptions> o)
      : options(std::move(o)), root(options->root), cache_owner(CacheFor(*options)), cache(*cache_owner) {}
  std::shared_ptr<const ContentOptions> options;
  ContentRoot root;
  std::shared_ptr<Sha256Cache> cache_owner;
  Sha256Cache& cache;
};

// At start: upload temp files left by a crash are removed, and said so.
void RemoveStaleUploadsAtStart(const ContentRoot& root) {
  auto removed = RemoveStaleUploads(root);
  if (!removed.ok()) {
    LogWarning("stale upload temp files not removed", {{"error", removed.status().ToString()}});
    return;
  }
  if (removed->empty()) return;
  std::string paths;
  for (const auto& p : *removed) paths += (paths.empty() ? "/" : ", /") + p;
  LogWarning("removed upload temp files left by an interrupted upload",
             {{"count", std::to_string(removed->size())}, {"paths", paths}});
}

int64_t Seconds(int64_t ns) { return ns >= 0 ? ns / 1000000000 : (ns - 999999999) / 1000000000; }

// The decoded path after `prefix`; the router's own capture drops a leading
// "/", which must stay visible to refuse absolute paths.
std::string_view RestAfter(std::string_view path, std::string_view prefix) {
  if (path.size() < prefix.size()) return {};  // "/file" for "/file/"
  return path.substr(prefix.size());
}

Result<std::string> RequestPath(const Request& req, std::string_view prefix) {
  return CheckContentPath(RestAfter(req.path, prefix), req.target);
}

// The entry a request names after `prefix`, checked and opened inside the root.
struct Requested {
  std::string rel;
  OpenedEntry entry;
};
Result<Requested> OpenRequested(const Service& s, const Request& req, std::string_view prefix) {
  PV_ASSIGN_OR_RETURN(std::string rel, RequestPath(req, prefix));
  PV_ASSIGN_OR_RETURN(OpenedEntry entry, s.root.Open(rel));
  return Requested{std::move(rel), std::move(entry)};
}

// "?token=..." when the caller authenticated by query, so links and
// redirects keep working for a script that only knows that form.
std::string TokenQuery(const Request& req) {
  auto t = req.Query("token");
  if (!t || t->empty()) return {};
  return "?token=" + PercentEncodePath(*t);
}

std::string FileHref(const Request& req, std::string_view rel, bool folder) {
  std::string path = std::string(kFilePrefix) + PercentEncodePath(rel);
  if (folder && !rel.empty()) path += '/';
  return req.origin.Path(path);
}

Result<std::string> ReadWhole(int fd, uint64_t size) {
  std::string out(size, '\0');
  uint64_t done = 0;
  while (done < size) {
    size_t got = 0;
    if (int e = platform::ReadChunk(fd, out.data() + done, size - done, done, &got))
      return Status::IoError("read", std::strerror(e));
    if (got == 0) break;
    done += got;
  }
  out.resize(done);
  return out;
}

bool Templated(const Service& s, std::string_view rel, const platform::FileStat& st) {
  return IsTemplatedScript(rel) && st.size <= s.options->max_template_bytes;
}

// A customer script with $WsBase and its origin filled in for this caller.
struct Rendered {
  std::string body;
  std::string sha256;
  ScriptOrigin origin;
};
Rendered RenderText(const Request& req, std::string_view raw, ScriptOrigin origin) {
  Rendered r;
  r.body = RenderScript(raw, req.origin.BaseUrl(), origin);
  r.sha256 = pki::Sha256::HexOf(r.body);
  r.origin = std::move(origin);
  return r;
}
Result<Rendered> Render(const Request& req, const OpenedEntry& file) {
  PV_ASSIGN_OR_RETURN(std::string text, ReadWhole(file.fd.get(), file.stat.size));
  return RenderText(req, text, OverrideOrigin(text));
}

// The built-in script `rel` names when the root has none (`missing` is the
// failed open), or null.
const BuiltinFile* BuiltinFor(const Service& s, const Status& missing, std::string_view rel) {
  if (!s.options->builtin || missing.code() != StatusCode::kNotFound) return nullptr;
  return s.options->builtin->Find(rel);
}
Rendered RenderBuiltin(const Service& s, const Request& req, const BuiltinFile& f) {
  return RenderText(req, f.contents, BuiltinOrigin(*s.options->builtin, f.contents));
}
bool IsBuiltinFolder(const Service& s, std::string_view rel) { return s.options->builtin && IEquals(rel, kBuiltinFolder); }

// Built-in scripts the folder `rel` does not hold itself (Provision/), and
// the Provision folder at the root when the root has none.
void AddBuiltinEntries(const Service& s, const Request& req, const std::string& rel, const std::string& token,
                       std::vector<ListingEntry>* entries) {
  if (!s.options->builtin) return;
  auto has = [&](std::string_view name) {
    return std::any_of(entries->begin(), entries->end(), [&](const ListingEntry& e) { return IEquals(e.name, name); });
  };
  if (rel.empty()) {
    if (has(kBuiltinFolder)) return;
    ListingEntry e;
    e.name = std::string(kBuiltinFolder);
    e.folder = true;
    e.mtime_seconds = s.options->builtin->mtime_seconds;
    e.href = FileHref(req, e.name, true) + token;
    e.builtin = true;  // not on disk: nothing to rename or delete
    entries->push_back(std::move(e));
    return;
  }
  if (!IsBuiltinFolder(s, rel)) return;
  for (const auto& f : s.options->builtin->files) {
    if (has(f.name)) continue;  // the admin's file overrides it
    Rendered r = RenderBuiltin(s, req, f);
    ListingEntry e;
    e.name = f.name;
    e.size = r.body.size();
    e.sha256 = r.sha256;
    e.mtime_seconds = s.options->builtin->mtime_seconds;
    e.href = FileHref(req, rel + "/" + f.name, false) + token;
    e.builtin = true;
    entries->push_back(std::move(e));
  }
}

bool TruthyQuery(const Request& req, std::string_view name) {
  auto v = req.Query(name);
  return v && (*v == "1" || *v == "true" || *v == "yes");
}

// --- listing ---------------------------------------------------------------

// `dir` null: a folder only the built-in scripts fill (Provision/ on a fresh root).
Response Listing(Service& s, const Request& req, const std::string& rel, const OpenedEntry* dir, bool json) {
  Result<std::vector<DirEntry>> listed = std::vector<DirEntry>{};
  if (dir) listed = s.root.List(*dir);
  if (!listed.ok()) return ToProblem(listed.status());
  std::string token = json ? std::string() : TokenQuery(req);
  uint64_t budget = s.options->listing_hash_budget_bytes;
  std::vector<ListingEntry> entries;
  entries.reserve(listed->size());
  for (auto& d : *listed) {
    ListingEntry e;
    std::string child = rel.empty() ? d.name : rel + "/" + d.name;
    e.folder = d.stat.kind == platform::FileKind::kDirectory;
    e.size = d.stat.size;
    e.mtime_seconds = Seconds(d.stat.mtime_ns);
    e.href = FileHref(req, child, e.folder) + token;
    if (!e.folder) {
      platform::Fd fd;
      platform::FileStat st;
      if (Templated(s, child, d.stat)) {
        // Size and digest of what this caller would download.
        OpenedEntry f;
        if (platform::OpenNoFollow(d.real_path, false, &f.fd) == 0 && platform::Stat(f.fd.get(), &f.stat) == 0) {
          if (auto r = Render(req, f); r.ok()) {
            e.size = r->body.size();
            e.sha256 = r->sha256;
          }
        }
      } else if (auto cached = s.cache.Find(FileIdentity::Of(d.stat))) {
        e.sha256 = std::move(cached);
      } else if (d.stat.size <= s.options->inline_hash_max_bytes && d.stat.size <= budget) {
        if (platform::OpenNoFollow(d.real_path, false, &fd) == 0 && platform::Stat(fd.get(), &st) == 0) {
          if (auto h = s.cache.Compute(fd.get(), FileIdentity::Of(st)); h.ok()) e.sha256 = *h;
        }
        budget -= d.stat.size;
      } else {
        (void)s.cache.ComputeLater(d.real_path);  // queue full: the next listing asks again
      }
    }
    e.name = std::move(d.name);
    entries.push_back(std::move(e));
  }
  AddBuiltinEntries(s, req, rel, token, &entries);
  SortEntries(&entries);
  std::string shown = std::string(kFilePrefix) + rel + (rel.empty() ? "" : "/");
  Response r;
  if (json) {
    r = Response::Json(200, RenderJsonListing(shown, entries));
  } else {
    std::string parent = rel.empty() ? std::string() : FileHref(req, DirName(rel), true) + token;
    r = Response::Text(200, RenderHtmlListing(shown, parent, entries), "text/html; charset=utf-8");
  }
  r.headers.Set("Cache-Control", "no-cache");
  return r;
}

Response Browse(Service& s, Request& req) {
  auto format = req.Query("format");
  bool json = format && *format == "json";
  auto found = OpenRequested(s, req, kFilePrefix);
  std::string rel;
  if (!found.ok()) {
    auto path = RequestPath(req, kFilePrefix);
    if (!path.ok() || found.status().code() != StatusCode::kNotFound) return ToProblem(found.status());
    if (IsBuiltinFolder(s, *path)) return Listing(s, req, *path, nullptr, json);
    if (!BuiltinFor(s, found.status(), *path)) return ToProblem(found.status());
    rel = *path;
  } else {
    rel = found->rel;
    if (found->entry.stat.kind == platform::FileKind::kDirectory) return Listing(s, req, rel, &found->entry, json);
  }
  Response r = Response::Redirect(302, req.origin.Url(std::string(kRawPrefix) + PercentEncodePath(rel)) + TokenQuery(req));
  r.headers.Set("Cache-Control", "no-cache");
  return r;
}

// --- raw download ----------------------------------------------------------

// Status and headers of a download of `rep` (validators, range, type,
// digest); the caller adds the body when the status is 200 or 206.
Response AnswerHead(const std::string& rel, const Representation& rep, const Decision& d,
                    const std::optional<std::string>& digest) {
  Response r;
  if (d.status == 412) r = Problem(412, "the file changed: its validators no longer match the request's If-Match / If-Unmodified-Since");
  if (d.status == 416)
    r = Problem(416, "range not satisfiable: '" + std::string(BaseName(rel)) + "' has " + std::to_string(rep.size) + " bytes");
  r.status = d.status;
  SetValidatorHeaders(rep, d, &r);
  r.headers.Set("Cache-Control", "no-cache");
  r.headers.Set("X-Content-Type-Options", "nosniff");
  if (IsActiveContent(BaseName(rel))) {
    // An uploaded page, SVG or script must never run in the admin UI's
    // origin: the browser saves it instead of rendering it, and should it
    // render it anyway, the sandbox gives it a unique origin and no script.
    r.headers.Set("Content-Disposition", AttachmentDisposition(BaseName(rel)));
    r.headers.Set("Content-Security-Policy", "sandbox");
  }
  if (digest) {
    r.headers.Set("X-Checksum-SHA256", *digest);
    pki::Sha256::Digest raw{};
    for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<uint8_t>(std::stoi(digest->substr(2 * i, 2), nullptr, 16));
    r.headers.Set("Digest", "sha-256=" + pki::ToBase64(raw));
  }
  if (d.status == 200 || d.status == 206) r.headers.Set("Content-Type", std::string(ContentTypeFor(BaseName(rel))));
  return r;
}

// A customer script rendered for this caller: it differs by the forwarding
// headers (Vary) and says where it came from (Provisiond-Script).
Response RenderedAnswer(const Request& req, const std::string& rel, const Representation& rep, const Rendered& rendered) {
  Decision d = Evaluate(req, rep);
  Response r = AnswerHead(rel, rep, d, rendered.sha256);
  r.headers.Set("Vary", std::string(kTemplatedVary));
  r.headers.Set("Provisiond-Script", ScriptHeader(rendered.origin));
  if (d.status == 200 || d.status == 206) r.body = rendered.body.substr(d.offset, d.length);
  return r;
}

// A built-in script (the root has no file of that name).
Response RawBuiltin(Service& s, Request& req, const std::string& rel, const BuiltinFile& f) {
  Rendered rendered = RenderBuiltin(s, req, f);
  Representation rep;
  rep.mtime_seconds = s.options->builtin->mtime_seconds;
  rep.size = rendered.body.size();
  rep.etag = "\"" + rendered.sha256.substr(0, 32) + "\"";
  return RenderedAnswer(req, rel, rep, rendered);
}

Response Raw(Service& s, Request& req) {
  auto found = OpenRequested(s, req, kRawPrefix);
  if (!found.ok()) {
    auto path = RequestPath(req, kRawPrefix);
    if (path.ok())
      if (const BuiltinFile* f = BuiltinFor(s, found.status(), *path)) return RawBuiltin(s, req, *path, *f);
    return ToProblem(found.status());
  }
  const std::string& rel = found->rel;
  OpenedEntry& opened = found->entry;
  if (opened.stat.kind == platform::FileKind::kDirectory) {
    // A folder has no raw form: send the caller to its listing.
    return Response::Redirect(302, req.origin.Url(std::string(kFilePrefix) + PercentEncodePath(rel) +
                                                  (rel.empty() ? "" : "/")) + TokenQuery(req));
  }
  const platform::FileStat& st = opened.stat;
  Representation rep;
  rep.mtime_seconds = Seconds(st.mtime_ns);
  if (Templated(s, rel, st)) {
    auto rendered = Render(req, opened);
    if (!rendered.ok()) return ToProblem(rendered.status());
    rep.size = rendered->body.size();
    rep.etag = "\"" + rendered->sha256.substr(0, 32) + "\"";
    return RenderedAnswer(req, rel, rep, *rendered);
  }
  rep.size = st.size;
  rep.etag = FileETag(st.inode, st.size, st.mtime_ns);
  Decision d = Evaluate(req, rep);
  Response r = AnswerHead(rel, rep, d, s.cache.Find(FileIdentity::Of(st)));
  if (d.status != 200 && d.status != 206) return r;
  auto owner = std::make_shared<platform::Fd>(std::move(opened.fd));
  int fd = owner->get();
  r.file = FileBody{opened.real_path, d.offset, d.length, std::move(owner), fd};
  return r;
}

// --- SHA-256 ---------------------------------------------------------------

// The sha256sum(1) line format: a script can check it with one split.
Response SumLine(const std::string& rel, const std::string& hex) {
  Response r = Response::Text(200, hex + "  " + std::string(BaseName(rel)) + "\n");
  r.headers.Set("X-Checksum-SHA256", hex);
  r.headers.Set("Cache-Control", "no-cache");
  return r;
}

// Seconds a client should wait before asking again: an estimate from the
// size at a modest 256 MiB/s (a shared disk, other hashes queued), 1 to 60.
int RetryAfterSeconds(uint64_t size) { return static_cast<int>(std::min<uint64_t>(60, 1 + size / (256ULL << 20))); }

// 202 (queued or being hashed) or 503 (queue full), both with Retry-After.
Response SumPending(const std::string& rel, uint64_t size, Sha256Cache::Queued queued) {
  std::string shown = "/" + rel;
  if (queued == Sha256Cache::Queued::kBusy) {
    Response r = Problem(503, "too many SHA-256 computations are waiting; ask again for '" + shown + "' later");
    r.headers.Set("Retry-After", "5");
    return r;
  }
  int seconds = RetryAfterSeconds(size);
  boost::json::object o;
  o["status"] = "computing";
  o["path"] = shown;
  o["size"] = size;
  o["retry_after"] = seconds;
  o["detail"] = "the SHA-256 of '" + shown + "' is being computed; ask again in " + std::to_string(seconds) + " s";
  Response r = Response::Json(202, boost::json::serialize(o));
  r.headers.Set("Retry-After", std::to_string(seconds));
  r.headers.Set("Cache-Control", "no-cache");
  return r;
}

// Answers from the cache, or hashes a small file here; a large uncached one
// is queued and answered 202 at once, so a request never waits for a
// whole-file hash on the worker pool.
Response Sum(Service& s, Request& req) {
  auto found = OpenRequested(s, req, kSumPrefix);
  if (!found.ok()) {
    auto path = RequestPath(req, kSumPrefix);
    if (path.ok())
      if (const BuiltinFile* f = BuiltinFor(s, found.status(), *path)) return SumLine(*path, RenderBuiltin(s, req, *f).sha256);
    return ToProblem(found.status());
  }
  const std::string& rel = found->rel;
  const OpenedEntry& opened = found->entry;
  if (opened.stat.kind != platform::FileKind::kRegular)
    return Problem(400, "'/" + rel + "' is a folder; ask for the SHA-256 of a file");
  if (Templated(s, rel, opened.stat)) {
    auto r = Render(req, opened);
    if (!r.ok()) return ToProblem(r.status());
    return SumLine(rel, r->sha256);
  }
  FileIdentity id = FileIdentity::Of(opened.stat);
  if (auto cached = s.cache.Find(id)) return SumLine(rel, *cached);
  if (opened.stat.size <= s.options->inline_hash_max_bytes) {
    auto h = s.cache.Compute(opened.fd.get(), id);
    if (!h.ok()) return ToProblem(h.status());
    return SumLine(rel, *h);
  }
  return SumPending(rel, opened.stat.size, s.cache.ComputeLater(opened.real_path));
}

// --- admin -----------------------------------------------------------------

Response AdminList(Service& s, Request& req) {
  auto found = OpenRequested(s, req, kAdminPrefix);
  if (!found.ok()) {
    auto path = RequestPath(req, kAdminPrefix);
    if (path.ok() && found.status().code() == StatusCode::kNotFound && IsBuiltinFolder(s, *path))
      return Listing(s, req, *path, nullptr, true);
    return ToProblem(found.status());
  }
  const std::string& rel = found->rel;
  const OpenedEntry& opened = found->entry;
  if (opened.stat.kind == platform::FileKind::kDirectory) return Listing(s, req, rel, &opened, true);
  const auto& st = opened.stat;
  boost::json::object o;
  o["name"] = std::string(BaseName(rel));
  o["type"] = "file";
  o["size"] = st.size;
  o["mtime"] = IsoSeconds(Seconds(st.mtime_ns));  // as in the listings
  if (auto h = s.cache.Find(FileIdentity::Of(st))) {
    o["sha256"] = *h;
  } else {
    o["sha256"] = nullptr;  // until the queued hash is done
    (void)s.cache.ComputeLater(opened.real_path);
  }
  o["href"] = FileHref(req, rel, false);
  return Response::Json(200, boost::json::serialize(o));
}

// ?overwrite=0 or If-None-Match: * : the upload must not replace a file.
bool UploadMayReplace(const Request& req) {
  if (auto v = req.Query("overwrite"); v && (*v == "0" || *v == "false")) return false;
  auto inm = req.headers.Get("If-None-Match");
  return !(inm && Trim(*inm) == "*");
}

// Opens the temp file the body streams into, before a byte of it is read:
// a bad path, a folder in the way, or a refused overwrite is answered at
// once instead of after gigabytes. Commit re-checks atomically.
Result<std::shared_ptr<BodySink>> OpenUpload(const Service& s, Request& req) {
  PV_ASSIGN_OR_RETURN(std::string rel, RequestPath(req, kAdminPrefix));
  PV_ASSIGN_OR_RETURN(std::unique_ptr<UploadWriter> writer,
                      UploadWriter::Begin(s.root, std::move(rel), s.options->max_upload_bytes, UploadMayReplace(req)));
  return std::shared_ptr<BodySink>(std::move(writer));
}

// The body has streamed into the temp file: fsync, rename into place.
Response Upload(Service& s, Request& req) {
  auto* writer = dynamic_cast<UploadWriter*>(req.body_sink.get());
  if (!writer) return Problem(500, "upload route called without its body sink");
  auto done = writer->Commit(UploadMayReplace(req), &s.cache);
  if (!done.ok()) return ToProblem(done.status());
  const std::string& rel = writer->rel();
  boost::json::object o;
  o["path"] = "/" + rel;
  o["size"] = done->size;
  o["sha256"] = done->sha256;
  o["replaced"] = done->replaced;
  o["href"] = FileHref(req, rel, false);
  Response r = Response::Json(done->replaced ? 200 : 201, boost::json::serialize(o));
  r.headers.Set("Location", req.origin.Url(std::string(kFilePrefix) + PercentEncodePath(rel)));
  return r;
}

// The JSON object body of an admin request, or a 400 problem.
Result<boost::json::object> JsonBody(const Request& req) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(req.body, ec);
  if (ec || !v.is_object())
    return Status::InvalidArgument("body must be a JSON object" + (ec ? ": " + ec.message() : std::string()));
  return v.as_object();
}

Result<std::string> JsonPath(const boost::json::object& o, std::string_view field) {
  const boost::json::value* v = o.if_contains(field);
  if (!v || !v->is_string()) return Status::BadField(field, "must be a path string");
  std::string_view p = v->as_string();
  while (!p.empty() && p.front() == '/') p.remove_prefix(1);  // "/Apps/x" and "Apps/x" alike
  return CheckContentPath(p, "");
}

// The router admitted an operator for these body-addressed routes; a path
// outside Apps/ and Drivers/ needs an admin (RequiredRole).
Status RequireRoleFor(const Request& req, std::string_view rel) {
  Role need = RequiredRole(Permission::kFilesByPath, rel);
  if (req.principal.role >= need) return Status::Ok();
  return Status::PermissionDenied("/" + std::string(rel) + " needs role " + std::string(RoleName(need)) +
                                  " (operators manage Apps/ and Drivers/)");
}

Response MakeFolderRoute(Service& s, Request& req) {
  auto body = JsonBody(req);
  if (!body.ok()) return ToProblem(body.status());
  auto rel = JsonPath(*body, "path");
  if (!rel.ok()) return ToProblem(rel.status());
  if (Status st = RequireRoleFor(req, *rel); !st.ok()) return ToProblem(st);
  if (Status st = MakeFolder(s.root, *rel); !st.ok()) return ToProblem(st);
  return Response::Json(201, "{\"path\":\"" + JsonEscape("/" + *rel) + "\"}");
}

Response RenameRoute(Service& s, Request& req) {
  auto body = JsonBody(req);
  if (!body.ok()) return ToProblem(body.status());
  auto from = JsonPath(*body, "from");
  if (!from.ok()) return ToProblem(from.status());
  auto to = JsonPath(*body, "to");
  if (!to.ok()) return ToProblem(to.status());
  for (const std::string* p : {&*from, &*to})
    if (Status st = RequireRoleFor(req, *p); !st.ok()) return ToProblem(st);
  bool overwrite = false;
  if (const auto* v = body->if_contains("overwrite"); v && v->is_bool()) overwrite = v->as_bool();
  if (Status st = Rename(s.root, *from, *to, overwrite); !st.ok()) return ToProblem(st);
  return Response::Json(200, "{\"from\":\"" + JsonEscape("/" + *from) + "\",\"to\":\"" + JsonEscape("/" + *to) + "\"}");
}

Response DeleteRoute(Service& s, Request& req) {
  auto rel = RequestPath(req, kAdminPrefix);
  if (!rel.ok()) return ToProblem(rel.status());
  if (Status st = Delete(s.root, *rel, TruthyQuery(req, "recursive")); !st.ok()) return ToProblem(st);
  Response r;
  r.status = 204;
  return r;
}

}  // namespace

std::shared_ptr<Sha256Cache> CacheFor(const ContentOptions& o) {
  if (o.cache) return o.cache;
  Sha256Cache::Options c;
  c.threads = o.hash_threads;
  c.queue_capacity = o.hash_queue_capacity;
  return std::make_shared<Sha256Cache>(std::move(c));
}

void RegisterContentRoutes(Router& router, std::shared_ptr<const ContentOptions> options) {
  auto s = std::make_shared<Service>(options);
  if (options->remove_stale_uploads) RemoveStaleUploadsAtStart(s->root);
  auto bind = [s](Response (*f)(Service&, Request&)) { return [s, f](Request& r) { return f(*s, r); }; };
  auto content = [](std::string summary) {
    RouteOptions o;
    o.group = RouteGroup::kContent;
    o.permission = Permission::kContent;
    o.summary = std::move(summary);
    o.blocking = true;  // disk reads, hashing
    return o;
  };
  auto admin = [](std::string summary, Permission permission) {
    RouteOptions o;
    o.group = RouteGroup::kAdmin;
    o.permission = permission;
    o.summary = std::move(summary);
    o.blocking = true;  // fsync
    return o;
  };
  RouteOptions upload = admin("upload a content file (streamed to a temp file, fsync, rename)", Permission::kFilesByPath);
  upload.max_body_bytes = options->max_upload_bytes;
  upload.open_body_sink = [s](Request& r) { return OpenUpload(*s, r); };
  // Specific prefixes first: the router takes the first parameterised match.
  router.Add("GET", "/file/raw/{*path}", bind(Raw), content("content file (ranges, conditionals)"));
  router.Add("GET", "/file/sha256/{*path}", bind(Sum), content("content file SHA-256 (sha256sum line; 202 + Retry-After while a large file is hashed)"));
  router.Add("GET", "/file", bind(Browse), content("content root listing"));
  router.Add("GET", "/file/{*path}", bind(Browse), content("content listing, or 302 to /file/raw/"));
  router.Add("GET", "/api/v1/admin/files", bind(AdminList), admin("content root listing (JSON)", Permission::kViewer));
  router.Add("GET", "/api/v1/admin/files/{*path}", bind(AdminList), admin("content listing or file metadata (JSON)", Permission::kViewer));
  router.Add("POST", "/api/v1/admin/files/mkdir", bind(MakeFolderRoute), admin("create a content folder {path}", Permission::kOperator));
  router.Add("POST", "/api/v1/admin/files/rename", bind(RenameRoute), admin("rename/move content {from,to}", Permission::kOperator));
  router.Add("PUT", "/api/v1/admin/files/{*path}", bind(Upload), std::move(upload));
  router.Add("DELETE", "/api/v1/admin/files/{*path}", bind(DeleteRoute), admin("delete content (?recursive=1)", Permission::kFilesByPath));
  // After the network gate (installed first by the server wiring).
  if (!options->token.empty()) router.AddAccessCheck(RouteGroup::kContent, access::FileTokenCheck(options->token));
}

}  // namespace provisiond::api::content

#include "api/admin/table_routes.h"

#include <boost/json.hpp>
#include <charconv>

#include "api/admin/admin_route.h"
#include "api/admin/list_query.h"
#include "api/admin/row_json.h"
#include "api/endpoint/json_in.h"
#include "api/problem.h"
#include "base/strings.h"
#include "store/write_rules.h"

namespace provisiond::api::admin {
namespace json = boost::json;
using endpoint::JsonResponse;
using endpoint::Service;
using model::Tables;

namespace {

// ---- shared pieces --------------------------------------------------------

Status Body(const Request& req, json::object* o) { return endpoint::ParseObject(req.body, o); }

// ?version=N of a DELETE.
Result<uint64_t> QueryVersion(const Request& req) {
  auto v = req.Query("version");
  std::string_view t = Trim(v.value_or(""));
  uint64_t n = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), n);
  if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size() || n == 0)
    return Status::BadField("version", "send ?version=N, the version you read (it guards against lost updates)");
  return n;
}

template <class F>
std::string Json(F&& write) {
  JsonWriter w(512);
  write(w);
  return w.Take();
}

// A refused write as a problem; a conflict carries the row as stored now
// (`current`, empty when there is none), so the client can show both.
Response WriteProblem(const Status& s, const std::string& current) {
  if (s.code() == StatusCode::kConflict && !current.empty()) return ToProblem(409, s, "\"current\":" + current);
  return ToProblem(s);
}

Response Referrers(std::string_view detail, const std::vector<std::string>& referrers, size_t total) {
  std::string extra = Json([&](JsonWriter& w) {
    w.BeginObject().Key("referrers").Strings(referrers).Key("referrer_count").Int(static_cast<int64_t>(total));
    w.EndObject();
  });
  // Problem() merges members: drop the braces.
  return Problem(409, detail, std::string_view(extra).substr(1, extra.size() - 2));
}

template <class Row>
Response PageResponse(const Page<Row>& page, const ListQuery& q,
                      const std::function<void(JsonWriter&, const Row&)>& write) {
  JsonWriter w(256 + page.items.size() * 256);
  w.BeginObject();
  w.Key("total").Int(static_cast<int64_t>(page.total));
  w.Key("offset").Int(static_cast<int64_t>(q.offset));
  w.Key("limit").Int(static_cast<int64_t>(q.limit));
  w.Key("items").BeginArray();
  for (const Row* r : page.items) write(w, *r);
  w.EndArray().EndObject();
  return JsonResponse(200, w.Take());
}

std::string ParamOf(const Request& req, std::string_view name) { return std::string(Trim(req.Param(name).value_or(""))); }

// ---- computers ------------------------------------------------------------

const std::vector<Column<model::Computer>>& ComputerColumns() {
  using C = model::Computer;
  static const std::vector<Column<C>> cols = {
      {"serial", [](const C& c) -> std::string_view { return c.serial; }},
      {"computer_name", [](const C& c) -> std::string_view { return c.computer_name; }},
      {"type", [](const C& c) -> std::string_view { return c.type; }},
      {"country", [](const C& c) -> std::string_view { return c.country; }},
      {"language", [](const C& c) -> std::string_view { return c.language; }},
      {"keyboard", [](const C& c) -> std::string_view { return c.keyboard; }},
      {"timezone", [](const C& c) -> std::string_view { return c.timezone; }},
      {"uuid", [](const C& c) -> std::string_view { return c.uuid; }},
      {"mac", [](const C& c) -> std::string_view { return c.mac; }},
      {"notes", [](const C& c) -> std::string_view { return c.notes; }},
      {"created_by", [](const C& c) -> std::string_view { return c.created_by; }},
      {"version", nullptr, [](const C& c) { return static_cast<double>(c.version); }},
  };
  return cols;
}

std::vector<std::string_view> Names(const auto& columns) {
  std::vector<std::string_view> out;
  for (const auto& c : columns) out.push_back(c.name);
  return out;
}

std::string CurrentComputer(const Service& s, std::string_view serial) {
  auto t = s.Snapshot();
  const auto* c = t->FindComputerBySerial(serial);
  return c ? Json([&](JsonWriter& w) { WriteComputerRow(w, *c); }) : std::string();
}

Response ListComputers(Service& s, Request& req) {
  auto q = ParseListQuery(req, Names(ComputerColumns()));
  if (!q.ok()) return ToProblem(q.status());
  auto t = s.Snapshot();
  std::function<bool(const model::Computer&)> keep;
  std::string type(Trim(req.Query("type").value_or("")));
  if (!type.empty()) keep = [&](const model::Computer& c) { return IEquals(Trim(c.type), type); };
  auto page = Paginate(t->computers, ComputerColumns(), *q, keep);
  return PageResponse<model::Computer>(page, *q, WriteComputerRow);
}

Response GetComputer(Service& s, Request& req) {
  std::string serial = ParamOf(req, "serial");
  std::string row = CurrentComputer(s, serial);
  if (row.empty()) return Problem(404, "no computer with serial '" + serial + "'");
  return JsonResponse(200, std::move(row));
}

Response PutComputer(Service& s, Request& req, bool create) {
  json::object o;
  if (Status st = Body(req, &o); !st.ok()) return ToProblem(st);
  auto t = s.Snapshot();
  std::string serial = create ? std::string() : ParamOf(req, "serial");
  model::Computer base;
  std::optional<uint64_t> version;
  if (!create) {
    const auto* old = t->FindComputerBySerial(serial);
    if (old == nullptr) return Problem(404, "no computer with serial '" + serial + "'");
    base = *old;
    auto v = ReadVersion(o);
    if (!v.ok()) return ToProblem(v.status());
    version = *v;
    req.audit.before = Json([&](JsonWriter& w) { WriteComputerRow(w, *old); });
  } else {
    base.created_by = req.principal.AuditName();
  }
  auto row = ComputerFromJson(o, std::move(base));
  if (!row.ok()) return ToProblem(row.status());
  if (!create) {
    if (!IEquals(Trim(row->serial), serial))
      return ToProblem(Status::BadField("serial", "cannot be changed by an update; create the new serial and "
                                                  "delete the old one"));
    row->serial = serial;
  }
  auto stored = s.store().PutComputer(std::move(*row), version);
  if (!stored.ok()) {
    std::string key = create ? std::string(Trim(o.contains("serial") && o.at("serial").is_string()
                                                    ? std::string_view(o.at("serial").as_string())
                                                    : std::string_view()))
                             : serial;
    return WriteProblem(stored.status(), CurrentComputer(s, key));
  }
  return JsonResponse(create ? 201 : 200, Json([&](JsonWriter& w) { WriteComputerRow(w, *stored); }));
}

Response DeleteComputer(Service& s, Request& req) {
  std::string serial = ParamOf(req, "serial");
  auto v = QueryVersion(req);
  if (!v.ok()) return ToProblem(v.status());
  req.audit.before = CurrentComputer(s, serial);
  if (Status st = s.store().DeleteComputer(serial, *v); !st.ok()) return WriteProblem(st, CurrentComputer(s, serial));
  return NoContent();
}

// ---- types ------------------------------------------------------------------

std::string CurrentType(const Service& s, std::string_view name) {
  auto t = s.Snapshot();
  auto canonical = store::CatalogueType(*t, name);
  return canonical ? Json([&](JsonWriter& w) { WriteTypeRow(w, *canonical, *t); }) : std::string();
}

Response ListTypes(Service& s, Request& req) {
  static const std::vector<Column<std::string>> cols = {
      {"name", [](const std::string& n) -> std::string_view { return n; }}};
  auto q = ParseListQuery(req, Names(cols));
  if (!q.ok()) return ToProblem(q.status());
  auto t = s.Snapshot();
  auto names = t->TypeNames();
  auto page = Paginate(names, cols, *q);
  return PageResponse<std::string>(page, *q, [&](JsonWriter& w, const std::string& n) { WriteTypeRow(w, n, *t); });
}

Response GetType(Service& s, Request& req) {
  std::string name = ParamOf(req, "name");
  std::string row = CurrentType(s, name);
  if (row.empty()) return Problem(404, "no type '" + name + "'");
  return JsonResponse(200, std::move(row));
}

Response PutType(Service& s, Request& req, bool create) {
  json::object o;
  if (Status st = Body(req, &o); !st.ok()) return ToProblem(st);
  if (Status st = endpoint::RejectUnknown(o, {"name", "applications", "version", "computers"}); !st.ok())
    return ToProblem(st);
  std::string name;
  std::optional<uint64_t> version;
  if (create) {
    std::optional<std::string> n;
    if (Status st = endpoint::ReadString(o, "name", &n, 256); !st.ok()) return ToProblem(st);
    name = std::string(Trim(n.value_or("")));
    if (name.empty()) return ToProblem(Status::BadField("name", "missing; name the type, e.g. LAPTOP"));
  } else {
    name = ParamOf(req, "name");
    auto v = ReadVersion(o);
    if (!v.ok()) return ToProblem(v.status());
    version = *v;
    req.audit.before = CurrentType(s, name);
  }
  auto apps = TypeAppsFromJson(o);
  if (!apps.ok()) return ToProblem(apps.status());
  auto stored = s.store().SetTypeApps(name, std::move(*apps), version);
  if (!stored.ok()) return WriteProblem(stored.status(), CurrentType(s, name));
  return JsonResponse(create ? 201 : 200, CurrentType(s, name));
}

Response DeleteType(Service& s, Request& req) {
  std::string name = ParamOf(req, "name");
  auto v = QueryVersion(req);
  if (!v.ok()) return ToProblem(v.status());
  auto t = s.Snapshot();
  size_t total = 0;
  auto serials = ComputersOfType(*t, name, 20, &total);
  if (total > 0)
    return Referrers("type '" + name + "' is used by " + std::to_string(total) +
                         " computer(s); give them another type first",
                     serials, total);
  req.audit.before = CurrentType(s, name);
  if (Status st = s.store().DeleteType(name, *v); !st.ok()) return WriteProblem(st, CurrentType(s, name));
  return NoContent();
}

// ---- applications -------------------------------------------------------------

const std::vector<Column<model::App>>& AppColumns() {
  using A = model::App;
  static const std::vector<Column<A>> cols = {
      {"name", [](const A& a) -> std::string_view { return a.name; }},
      {"url", [](const A& a) -> std::string_view { return a.url; }},
      {"script", [](const A& a) -> std::string_view { return a.script; }},
      {"install_args", [](const A& a) -> std::string_view { return a.install_args; }},
      {"os_filter", [](const A& a) -> std::string_view { return a.os_filter.source(); }},
      {"reboot", nullptr, [](const A& a) { return a.reboot == model::Reboot::kYes ? 1.0 : 0.0; }},
      {"enabled", nullptr, [](const A& a) { return a.enabled ? 1.0 : 0.0; }},
      {"version", nullptr, [](const A& a) { return static_cast<double>(a.version); }},
  };
  return cols;
}

std::string CurrentApp(const Service& s, std::string_view name) {
  auto t = s.Snapshot();
  const auto* a = t->FindApp(Trim(name));
  return a ? Json([&](JsonWriter& w) { WriteAppRow(w, *a, *t); }) : std::string();
}

Response ListApps(Service& s, Request& req) {
  auto q = ParseListQuery(req, Names(AppColumns()));
  if (!q.ok()) return ToProblem(q.status());
  auto t = s.Snapshot();
  auto page = Paginate(t->apps, AppColumns(), *q);
  return PageResponse<model::App>(page, *q, [&](JsonWriter& w, const model::App& a) { WriteAppRow(w, a, *t); });
}

Response GetApp(Service& s, Request& req) {
  std::string name = ParamOf(req, "name");
  std::string row = CurrentApp(s, name);
  if (row.empty()) return Problem(404, "no application '" + name + "'");
  return JsonResponse(200, std::move(row));
}

Response PutApp(Service& s, Request& req, bool create) {
  json::object o;
  if (Status st = Body(req, &o); !st.ok()) return ToProblem(st);
  auto t = s.Snapshot();
  std::string name = create ? std::string() : ParamOf(req, "name");
  model::App base;
  std::optional<uint64_t> version;
  if (!create) {
    const auto* old = t->FindApp(name);
    if (old == nullptr) return Problem(404, "no application '" + name + "'");
    base = *old;
    auto v = ReadVersion(o);
    if (!v.ok()) return ToProblem(v.status());
    version = *v;
    req.audit.before = CurrentApp(s, name);
  }
  auto row = AppFromJson(o, std::move(base));
  if (!row.ok()) return ToProblem(row.status());
  if (!create && !IEquals(Trim(row->name), name))
    return ToProblem(Status::BadField("name", "cannot be changed by an update (types list the app by name); "
                                              "create the new app, point the types at it, delete the old one"));
  std::string key(Trim(row->name));
  auto stored = s.store().PutApp(std::move(*row), version);
  if (!stored.ok()) return WriteProblem(stored.status(), CurrentApp(s, key));
  return JsonResponse(create ? 201 : 200, CurrentApp(s, key));
}

Response DeleteApp(Service& s, Request& req) {
  std::string name = ParamOf(req, "name");
  auto v = QueryVersion(req);
  if (!v.ok()) return ToProblem(v.status());
  auto t = s.Snapshot();
  auto types = TypesUsingApp(*t, name);
  if (!types.empty())
    return Referrers("application '" + name + "' is listed by type(s) " + Join(types, ", ") +
                         "; remove it from them first",
                     types, types.size());
  req.audit.before = CurrentApp(s, name);
  if (Status st = s.store().DeleteApp(name, *v); !st.ok()) return WriteProblem(st, CurrentApp(s, name));
  return NoContent();
}

// ---- drivers ------------------------------------------------------------------

struct DriverAt {
  const model::DriverRule* rule;
  size_t position;  // 1-based
};

const std::vector<Column<DriverAt>>& DriverColumns() {
  using D = DriverAt;
  static const std::vector<Column<D>> cols = {
      {"position", nullptr, [](const D& d) { return static_cast<double>(d.position); }},
      {"id", nullptr, [](const D& d) { return static_cast<double>(d.rule->id); }},
      {"model_regex", [](const D& d) -> std::string_view { return d.rule->model_regex.source(); }},
      {"os_regex", [](const D& d) -> std::string_view { return d.rule->os_regex.source(); }},
      {"url", [](const D& d) -> std::string_view { return d.rule->url; }},
      {"bundle_id", [](const D& d) -> std::string_view { return d.rule->bundle_id ? *d.rule->bundle_id : ""; }},
      {"priority", nullptr, [](const D& d) { return static_cast<double>(d.rule->priority); }},
      {"version", nullptr, [](const D& d) { return static_cast<double>(d.rule->version); }},
  };
  return cols;
}

Result<uint64_t> DriverId(const Request& req) {
  std::string t = ParamOf(req, "id");
  uint64_t n = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), n);
  if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size())
    return Status::NotFound("no driver rule with id '" + t + "'");
  return n;
}

std::string CurrentDriver(const Service& s, uint64_t id) {
  auto t = s.Snapshot();
  auto pos = store::DriverPosition(*t, id);
  return pos ? Json([&](JsonWriter& w) { WriteDriverRow(w, t->drivers[*pos], *pos + 1); }) : std::string();
}

Response ListDrivers(Service& s, Request& req) {
  auto q = ParseListQuery(req, Names(DriverColumns()));
  if (!q.ok()) return ToProblem(q.status());
  auto t = s.Snapshot();
  std::vector<DriverAt> rows;
  for (size_t i = 0; i < t->drivers.size(); ++i) rows.push_back({&t->drivers[i], i + 1});
  std::function<bool(const DriverAt&)> keep;
  if (endpoint::IsTruthy(req.Query("with_bundle").value_or(""))) keep = [](const DriverAt& d) { return d.rule->bundle_id.has_value(); };
  auto page = Paginate(rows, DriverColumns(), *q, keep);
  return PageResponse<DriverAt>(page, *q, [](JsonWriter& w, const DriverAt& d) { WriteDriverRow(w, *d.rule, d.position); });
}

Response GetDriver(Service& s, Request& req) {
  auto id = DriverId(req);
  if (!id.ok()) return ToProblem(id.status());
  std::string row = CurrentDriver(s, *id);
  if (row.empty()) return Problem(404, "no driver rule with id " + std::to_string(*id));
  return JsonResponse(200, std::move(row));
}

Response PutDriver(Service& s, Request& req, bool create) {
  json::object o;
  if (Status st = Body(req, &o); !st.ok()) return ToProblem(st);
  auto t = s.Snapshot();
  model::DriverRule base;
  std::optional<uint64_t> version;
  if (!create) {
    auto id = DriverId(req);
    if (!id.ok()) return ToProblem(id.status());
    auto pos = store::DriverPosition(*t, *id);
    if (!pos) return Problem(404, "no driver rule with id " + std::to_string(*id));
    base = t->drivers[*pos];
    auto v = ReadVersion(o);
    if (!v.ok()) return ToProblem(v.status());
    version = *v;
    req.audit.before = CurrentDriver(s, *id);
  }
  uint64_t id = base.id;
  auto row = DriverFromJson(o, std::move(base));
  if (!row.ok()) return ToProblem(row.status());
  row->id = id;  // the path names the rule; a body id is ignored
  auto stored = s.store().PutDriverRule(std::move(*row), version);
  if (!stored.ok()) return WriteProblem(stored.status(), CurrentDriver(s, id));
  return JsonResponse(create ? 201 : 200, CurrentDriver(s, stored->id));
}

Response MoveDriver(Service& s, Request& req) {
  auto id = DriverId(req);
  if (!id.ok()) return ToProblem(id.status());
  json::object o;
  if (Status st = Body(req, &o); !st.ok()) return ToProblem(st);
  if (Status st = endpoint::RejectUnknown(o, {"position", "version"}); !st.ok()) return ToProblem(st);
  std::optional<int64_t> position;
  if (Status st = endpoint::ReadInt(o, "position", &position, 1, INT32_MAX); !st.ok()) return ToProblem(st);
  if (!position) return ToProblem(Status::BadField("position", "missing; send the 1-based place to move the rule to"));
  auto v = ReadVersion(o);
  if (!v.ok()) return ToProblem(v.status());
  req.audit.before = CurrentDriver(s, *id);
  auto moved = s.store().MoveDriverRule(*id, static_cast<size_t>(*position), *v);
  if (!moved.ok()) return WriteProblem(moved.status(), CurrentDriver(s, *id));
  return JsonResponse(200, CurrentDriver(s, *id));
}

Response DeleteDriver(Service& s, Request& req) {
  auto id = DriverId(req);
  if (!id.ok()) return ToProblem(id.status());
  auto v = QueryVersion(req);
  if (!v.ok()) return ToProblem(v.status());
  req.audit.before = CurrentDriver(s, *id);
  if (Status st = s.store().DeleteDriverRule(*id, *v); !st.ok()) return WriteProblem(st, CurrentDriver(s, *id));
  return NoContent();
}

// ---- locales ------------------------------------------------------------------

const std::vector<Column<model::Locale>>& LocaleColumns() {
  using L = model::Locale;
  static const std::vector<Column<L>> cols = {
      {"country", [](const L& l) -> std::string_view { return l.country; }},
      {"language", [](const L& l) -> std::string_view { return l.language; }},
      {"keyboard", [](const L& l) -> std::string_view { return l.keyboard; }},
      {"timezone", [](const L& l) -> std::string_view { return l.timezone; }},
      {"version", nullptr, [](const L& l) { return static_cast<double>(l.version); }},
  };
  return cols;
}

std::string CurrentLocale(const Service& s, std::string_view country) {
  auto t = s.Snapshot();
  const auto* l = t->FindLocale(Trim(country));
  return l ? Json([&](JsonWriter& w) { WriteLocaleRow(w, *l); }) : std::string();
}

Response ListLocales(Service& s, Request& req) {
  auto q = ParseListQuery(req, Names(LocaleColumns()));
  if (!q.ok()) return ToProblem(q.status());
  auto t = s.Snapshot();
  auto page = Paginate(t->locales, LocaleColumns(), *q);
  return PageResponse<model::Locale>(page, *q, WriteLocaleRow);
}

Response GetLocale(Service& s, Request& req) {
  std::string c = ParamOf(req, "country");
  std::string row = CurrentLocale(s, c);
  if (row.empty()) return Problem(404, "no locale for country '" + c + "'");
  return JsonResponse(200, std::move(row));
}

Response PutLocale(Service& s, Request& req, bool create) {
  json::object o;
  if (Status st = Body(req, &o); !st.ok()) return ToProblem(st);
  auto t = s.Snapshot();
  std::string country = create ? std::string() : ParamOf(req, "country");
  model::Locale base;
  std::optional<uint64_t> version;
  if (!create) {
    const auto* old = t->FindLocale(country);
    if (old == nullptr) return Problem(404, "no locale for country '" + country + "'");
    base = *old;
    auto v = ReadVersion(o);
    if (!v.ok()) return ToProblem(v.status());
    version = *v;
    req.audit.before = CurrentLocale(s, country);
  }
  auto row = LocaleFromJson(o, std::move(base));
  if (!row.ok()) return ToProblem(row.status());
  if (!create && !IEquals(Trim(row->country), country))
    return ToProblem(Status::BadField("country", "cannot be changed by an update; create the other country"));
  std::string key(Trim(row->country));
  auto stored = s.store().PutLocale(std::move(*row), version);
  if (!stored.ok()) return WriteProblem(stored.status(), CurrentLocale(s, key));
  return JsonResponse(create ? 201 : 200, Json([&](JsonWriter& w) { WriteLocaleRow(w, *stored); }));
}

Response DeleteLocale(Service& s, Request& req) {
  std::string c = ParamOf(req, "country");
  auto v = QueryVersion(req);
  if (!v.ok()) return ToProblem(v.status());
  req.audit.before = CurrentLocale(s, c);
  if (Status st = s.store().DeleteLocale(c, *v); !st.ok()) return WriteProblem(st, CurrentLocale(s, c));
  return NoContent();
}

}  // namespace

void RegisterTableRoutes(Router& router, std::shared_ptr<Service> s) {
  const std::string p = "/api/v1/admin";
  // Blocking: writes wait on the disk; a 100k-row list sort is not for an I/O thread either.
  auto opts = [](Permission permission, std::string summary) { return AdminRoute(permission, std::move(summary), true); };
  using P = Permission;
  struct TableSpec {
    std::string path, key, what;
    Permission write;
    Response (*list)(Service&, Request&);
    Response (*get)(Service&, Request&);
    Response (*put)(Service&, Request&, bool);
    Response (*del)(Service&, Request&);
  };
  const TableSpec tables[] = {
      {"computers", "serial", "computer", P::kOperator, ListComputers, GetComputer, PutComputer, DeleteComputer},
      {"types", "name", "type (ordered applications)", P::kAdmin, ListTypes, GetType, PutType, DeleteType},
      {"apps", "name", "application", P::kAdmin, ListApps, GetApp, PutApp, DeleteApp},
      {"drivers", "id", "driver rule", P::kAdmin, ListDrivers, GetDriver, PutDriver, DeleteDriver},
      {"locales", "country", "locale default", P::kAdmin, ListLocales, GetLocale, PutLocale, DeleteLocale},
  };
  for (const auto& t : tables) {
    std::string base = p + "/" + t.path, one = base + "/{" + t.key + "}";
    auto list = t.list, get = t.get, del = t.del;
    auto put = t.put;
    router.Add("GET", base, [s, list](Request& r) { return list(*s, r); },
               opts(P::kViewer, t.path + " (q, sort, order, offset, limit)"));
    router.Add("POST", base, [s, put](Request& r) { return put(*s, r, true); }, opts(t.write, "create a " + t.what));
    router.Add("GET", one, [s, get](Request& r) { return get(*s, r); }, opts(P::kViewer, "one " + t.what));
    router.Add("PUT", one, [s, put](Request& r) { return put(*s, r, false); },
               opts(t.write, "update a " + t.what + " (body carries the version read; stale: 409 + current)"));
    router.Add("DELETE", one, [s, del](Request& r) { return del(*s, r); },
               opts(t.write, "delete a " + t.what + " (?version=N; still referenced: 409 + referrers)"));
  }
  router.Add("PUT", p + "/drivers/{id}/position", [s](Request& r) { return MoveDriver(*s, r); },
             opts(P::kAdmin, "move a driver rule {position, version}"));
}

}  // namespace provisiond::api::admin

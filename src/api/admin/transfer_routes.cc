#include "api/admin/transfer_routes.h"

#include <boost/json.hpp>

#include "api/admin/admin_route.h"
#include "api/endpoint/json_in.h"
#include "api/endpoint/json_writer.h"
#include "api/problem.h"
#include "api/zip_archive.h"
#include "base/strings.h"
#include "store/csv/tables_csv.h"
#include "store/csv/transfer.h"

namespace provisiond::api::admin {
namespace json = boost::json;
using endpoint::JsonResponse;
using endpoint::JsonWriter;
using endpoint::Service;
using store::TableId;

namespace {

constexpr size_t kMaxCsvBytes = 64u << 20;

// The tables an admin moves as CSV (not users.csv, credentials.csv).
constexpr TableId kTransferTables[] = {TableId::kComputers, TableId::kTypeApps, TableId::kApps,
                                       TableId::kDrivers,   TableId::kLocales,  TableId::kConfig,
                                       TableId::kNetworks};
bool Transferable(TableId id) {
  for (TableId t : kTransferTables)
    if (t == id) return true;
  return false;
}

void WriteError(JsonWriter& w, const store::SourceError& e) {
  w.BeginObject().Key("file").String(e.source).Key("line").Int(e.line).Key("column").Int(e.column);
  w.Key("message").String(e.reason).EndObject();
}

void WritePlan(JsonWriter& w, const store::ImportPlan& plan) {
  w.Key("mode").String(store::ImportModeName(plan.mode));
  w.Key("tables").BeginArray();
  for (const auto& d : plan.diffs) {
    w.BeginObject().Key("table").String(store::FileNameOf(d.table));
    w.Key("added").Strings(d.added);
    w.Key("changed").BeginArray();
    for (const auto& c : d.changed) {
      w.BeginObject().Key("key").String(c.key).Key("fields").BeginArray();
      for (const auto& f : c.fields)
        w.BeginObject().Key("column").String(f.column).Key("before").String(f.before).Key("after").String(f.after).EndObject();
      w.EndArray().EndObject();
    }
    w.EndArray();
    w.Key("removed").Strings(d.removed);
    w.Key("kept").Int(static_cast<int64_t>(d.kept));
    w.EndObject();
  }
  w.EndArray();
  w.Key("warnings").BeginArray();
  for (const auto& warning : plan.warnings)
    w.BeginObject().Key("file").String(warning.file).Key("line").Int(warning.line).Key("message").String(warning.message).EndObject();
  w.EndArray();
}

Response Import(Service& s, Request& req) {
  const auto& import_csv = s.deps().import_csv;
  if (!import_csv) return Problem(501, "this store takes no CSV import");
  json::object o;
  if (Status st = endpoint::ParseObject(req.body, &o); !st.ok()) return ToProblem(st);
  if (Status st = endpoint::RejectUnknown(o, {"table", "file", "csv", "mode", "dry_run"}); !st.ok()) return ToProblem(st);
  std::optional<std::string> table, file, csv, mode;
  for (auto [name, out, max] : {std::tuple{"table", &table, size_t{64}}, std::tuple{"file", &file, size_t{256}},
                                std::tuple{"mode", &mode, size_t{16}}}) {
    if (Status st = endpoint::ReadString(o, name, out, max); !st.ok()) return ToProblem(st);
  }
  if (Status st = endpoint::ReadString(o, "csv", &csv, kMaxCsvBytes, {}, model::TextRule::kMultiline); !st.ok()) {
    // A CSV file may hold a tab or a BOM: only the type and size are checked here, the parser does the rest.
    const json::value* v = o.if_contains("csv");
    if (v == nullptr || !v->is_string() || v->as_string().size() > kMaxCsvBytes) return ToProblem(st);
    csv = std::string(v->as_string());
  }
  if (!csv || csv->empty()) return ToProblem(Status::BadField("csv", "missing; send the file's text"));
  bool dry_run = true;
  if (const json::value* v = o.if_contains("dry_run"); v != nullptr && !v->is_null()) {
    if (!v->is_bool()) return ToProblem(Status::BadField("dry_run", "must be true or false"));
    dry_run = v->as_bool();
  }
  auto m = store::ParseImportMode(mode.value_or("merge"));
  if (!m.ok()) return ToProblem(Status::BadField("mode", m.status().message()));
  Result<TableId> id = table && !Trim(*table).empty() ? store::ParseTableName(*table)
                                                      : store::DetectTable(*csv, file.value_or(""));
  if (!id.ok()) return ToProblem(Status::BadField(table ? "table" : "csv", id.status().message()));
  if (!Transferable(*id))
    return ToProblem(Status::BadField("table", std::string(store::FileNameOf(*id)) +
                                                   " is not imported here; manage users and credentials on their pages"));
  std::vector<store::SourceError> errors;
  auto plan = import_csv({{*id, *csv}}, *m, !dry_run, &errors);
  JsonWriter w(4096);
  if (!plan.ok()) {
    if (errors.empty()) return ToProblem(plan.status());
    // The file's problems, each with its place: nothing was applied.
    for (auto& e : errors)
      if (e.source == store::FileNameOf(*id) && file && !file->empty()) e.source = *file;
    w.BeginObject().Key("applied").Bool(false).Key("errors").BeginArray();
    for (const auto& e : errors) WriteError(w, e);
    w.EndArray().EndObject();
    std::string extra = w.Take();
    return Problem(422, "the file has " + std::to_string(errors.size()) + " error(s); nothing was imported",
                   std::string_view(extra).substr(1, extra.size() - 2));
  }
  w.BeginObject().Key("applied").Bool(!dry_run);
  WritePlan(w, *plan);
  w.Key("errors").BeginArray().EndArray();
  w.EndObject();
  if (!dry_run) req.audit.after = "import " + std::string(store::FileNameOf(*id)) + " (" +
                                  std::string(store::ImportModeName(*m)) + ")";
  return JsonResponse(200, w.Take());
}

Response ExportTable(Service& s, Request& req) {
  std::string name(req.Param("file").value_or(""));
  auto id = store::ParseTableName(name);
  if (!id.ok() || !Transferable(*id)) return Problem(404, "no exportable table '" + name + "'");
  auto t = s.Snapshot();
  Response r = Response::Text(200, store::EncodeFile(*id, *t), "text/csv; charset=utf-8");
  r.headers.Add("Content-Disposition", "attachment; filename=\"" + std::string(store::FileNameOf(*id)) + "\"");
  return r;
}

Response ExportZip(Service& s, Request&) {
  auto t = s.Snapshot();
  std::vector<ZipEntry> files;
  for (TableId id : kTransferTables) files.push_back({std::string(store::FileNameOf(id)), store::EncodeFile(id, *t)});
  auto zipped = MakeZip(files, std::time(nullptr));
  if (!zipped.ok()) return ToProblem(zipped.status());
  std::string body = std::move(zipped).value();
  Response r;
  r.status = 200;
  r.body = std::move(body);
  r.headers.Add("Content-Type", "application/zip");
  r.headers.Add("Content-Disposition", "attachment; filename=\"provisiond-tables.zip\"");
  return r;
}

}  // namespace

void RegisterTransferRoutes(Router& router, std::shared_ptr<Service> s) {
  const std::string p = "/api/v1/admin";
  auto opts = [](Permission permission, std::string summary) {
    RouteOptions o = AdminRoute(permission, std::move(summary), true);
    o.max_body_bytes = 80u << 20;
    return o;
  };
  router.Add("POST", p + "/import", [s](Request& r) { return Import(*s, r); },
             opts(Permission::kAdmin, "CSV import {table?,file?,csv,mode,dry_run}: the diff, or 422 with every error "
                                      "(file, line, column); dry_run false applies all or nothing"));
  router.Add("GET", p + "/export.zip", [s](Request& r) { return ExportZip(*s, r); },
             opts(Permission::kViewer, "every configuration table as CSV in one .zip (no users or credentials)"));
  router.Add("GET", p + "/export/{file}", [s](Request& r) { return ExportTable(*s, r); },
             opts(Permission::kViewer, "one table as CSV (computers.csv, apps.csv, ...)"));
}

}  // namespace provisiond::api::admin

#include "store/csv/transfer.h"

#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <unordered_map>

#include "base/strings.h"

namespace provisiond::store {
namespace {

bool IsZip(const std::string& path) { return path.size() > 4 && IEquals(path.substr(path.size() - 4), ".zip"); }

Status FromFs(const platform::FsError& e) { return Status::IoError(e.path, e.ToString()); }

std::string BaseName(const std::string& p) {
  auto slash = p.find_last_of("/\\");
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// Table files of a directory or a zip, by table.
Result<std::map<TableId, std::string>> ReadSource(platform::Fs& fs, const std::string& source) {
  std::map<TableId, std::string> out;
  if (!IsZip(source)) {
    for (TableId id : kAllTables) {
      std::string path = source + "/" + std::string(FileNameOf(id));
      platform::FsStat st;
      if (auto e = fs.Stat(path, &st); !e.ok()) return FromFs(e);
      if (!st.exists) continue;
      std::string text;
      if (auto e = fs.ReadFile(path, &text); !e.ok()) return FromFs(e);
      out[id] = std::move(text);
    }
    return out;
  }
  int err = 0;
  std::unique_ptr<zip_t, decltype(&zip_discard)> z(zip_open(source.c_str(), ZIP_RDONLY, &err), &zip_discard);
  if (!z) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    std::string m = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    return Status::IoError(source, m + "; is it a .zip made by `provisiond export`, Excel or an archiver?");
  }
  zip_int64_t n = zip_get_num_entries(z.get(), 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(z.get(), static_cast<zip_uint64_t>(i), 0);
    if (name == nullptr) continue;
    auto id = TableOfFile(ToLower(BaseName(name)));
    if (!id) continue;
    zip_stat_t st;
    if (zip_stat_index(z.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0) continue;
    if (st.size > (512u << 20)) return Status::InvalidArgument(source + ": " + name + " is larger than 512 MiB");
    std::unique_ptr<zip_file_t, decltype(&zip_fclose)> f(zip_fopen_index(z.get(), static_cast<zip_uint64_t>(i), 0),
                                                          &zip_fclose);
    if (!f) return Status::IoError(source, std::string(name) + ": " + zip_strerror(z.get()));
    std::string data(static_cast<size_t>(st.size), '\0');
    zip_int64_t got = zip_fread(f.get(), data.data(), st.size);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size)
      return Status::IoError(source, std::string(name) + ": truncated entry");
    out[*id] = std::move(data);
  }
  return out;
}

std::string KeyOf(TableId id, const CsvTable& t, const std::vector<std::string>& row, size_t index) {
  auto col = [&](std::string_view name) -> std::string {
    for (size_t c = 0; c < t.header.size(); ++c)
      if (IEquals(t.header[c], name)) return row[c];
    return {};
  };
  switch (id) {
    case TableId::kComputers: return ToUpper(Trim(col("serial")));
    case TableId::kTypeApps: return ToUpper(Trim(col("postype"))) + " / " + std::string(Trim(col("application")));
    case TableId::kApps: return std::string(Trim(col("name")));
    case TableId::kDrivers: return "row " + std::to_string(index + 1) + " (" + col("model_regex") + ")";
    case TableId::kConfig: return std::string(Trim(col("key")));
    case TableId::kLocales: return ToUpper(Trim(col("country")));
    case TableId::kNetworks: return std::string(Trim(col("network")));
    case TableId::kUsers: return std::string(Trim(col("username")));
  }
  return {};
}

TableDiff Diff(TableId id, const model::Tables& before, const model::Tables& after) {
  TableDiff d;
  d.table = id;
  CsvTable a = EncodeTable(id, before), b = EncodeTable(id, after);
  // Drivers have no key: compare by row number, the rule's identity.
  auto key_upper = [](std::string k) { return ToUpper(k); };
  auto keyed = [&](const CsvTable& t) {
    std::vector<std::pair<std::string, size_t>> keys;
    for (size_t r = 0; r < t.rows.size(); ++r)
      keys.emplace_back(id == TableId::kDrivers ? std::to_string(r) : key_upper(KeyOf(id, t, t.rows[r], r)), r);
    return keys;
  };
  std::unordered_map<std::string, size_t> old_rows;
  for (auto& [k, r] : keyed(a)) old_rows.emplace(k, r);
  std::unordered_map<std::string, bool> seen;
  auto cell = [](const CsvTable& t, size_t r, std::string_view name) -> std::string {
    for (size_t c = 0; c < t.header.size(); ++c)
      if (IEquals(t.header[c], name)) return t.rows[r][c];
    return {};
  };
  std::vector<std::string> columns = a.header;
  for (const auto& c : b.header)
    if (std::find_if(columns.begin(), columns.end(), [&](const std::string& x) { return IEquals(x, c); }) ==
        columns.end())
      columns.push_back(c);
  for (auto& [k, r] : keyed(b)) {
    seen[k] = true;
    auto it = old_rows.find(k);
    std::string label = KeyOf(id, b, b.rows[r], r);
    if (it == old_rows.end()) {
      d.added.push_back(label);
      continue;
    }
    RowChange rc;
    rc.key = label;
    for (const auto& c : columns) {
      std::string x = cell(a, it->second, c), y = cell(b, r, c);
      if (x != y) rc.fields.push_back({c, x, y});
    }
    if (!rc.fields.empty()) d.changed.push_back(std::move(rc));
  }
  for (auto& [k, r] : keyed(a))
    if (!seen.contains(k)) d.removed.push_back(KeyOf(id, a, a.rows[r], r));
  return d;
}

}  // namespace

Status ExportData(platform::Fs& fs, const std::string& data_dir, const std::string& dest,
                  const ExportOptions& options) {
  LoadedDir loaded = LoadDataDir(fs, data_dir);
  if (!loaded.errors.empty()) {
    std::string m;
    for (const auto& e : loaded.errors) m += (m.empty() ? "" : "; ") + FormatSourceError(e);
    return Status::InvalidArgument(m + "; fix the data directory before exporting");
  }
  CsvWriteOptions wo;
  wo.bom = options.bom;
  wo.delimiter = options.delimiter;
  wo.neutralize_formulas = true;
  std::map<std::string, std::string> files;
  for (TableId id : kAllTables) {
    if (!loaded.files[id].stat.exists) continue;
    files[std::string(FileNameOf(id))] = WriteCsv(EncodeTable(id, loaded.tables, loaded.files[id].header), wo);
  }
  if (!IsZip(dest)) {
    if (auto e = fs.MakeDirs(dest); !e.ok()) return FromFs(e);
    for (const auto& [name, text] : files)
      if (auto e = platform::ReplaceFile(fs, dest + "/" + name, text, true); !e.ok()) return FromFs(e);
    return Status::Ok();
  }
  int err = 0;
  zip_t* z = zip_open(dest.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (z == nullptr) return Status::IoError(dest, "cannot create the archive (libzip error " + std::to_string(err) + ")");
  for (const auto& [name, text] : files) {
    // `files` outlives zip_close, which is when libzip reads the buffers.
    zip_source_t* src = zip_source_buffer(z, text.data(), text.size(), 0);
    if (src == nullptr || zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) < 0) {
      std::string m = zip_strerror(z);
      if (src != nullptr) zip_source_free(src);
      zip_discard(z);
      return Status::IoError(dest, name + ": " + m);
    }
  }
  // zip_close writes a temp file and renames it: never a half archive.
  if (zip_close(z) != 0) {
    std::string m = zip_strerror(z);
    zip_discard(z);
    return Status::IoError(dest, m);
  }
  return Status::Ok();
}

Result<ImportPlan> PlanImport(platform::Fs& fs, const std::string& data_dir, const std::string& source) {
  PV_ASSIGN_OR_RETURN(auto texts, ReadSource(fs, source));
  if (texts.empty())
    return Status::NotFound(source + ": no table file found (computers.csv, postype.csv, apps.csv, drivers.csv, "
                                     "config.csv, locales.csv, networks.csv, users.csv)");
  LoadedDir current = LoadDataDir(fs, data_dir);
  std::vector<SourceError> errors;
  for (const auto& e : current.errors)
    if (!texts.contains(*TableOfFile(e.source))) errors.push_back(e);  // replaced files may be broken
  model::Tables next = current.tables;
  ImportPlan plan;
  for (const auto& [id, text] : texts) {
    CsvReadOptions ro;
    ro.restore_formulas = true;
    auto parsed = ParseCsv(text, ro);
    std::vector<std::string> header;
    if (!parsed.ok()) {
      int line = 0, column = 0, consumed = 0;
      const std::string m = parsed.status().message();
      SourceError e;
      e.source = std::string(FileNameOf(id));
      if (std::sscanf(m.c_str(), "line %d, column %d: %n", &line, &column, &consumed) >= 2 && consumed > 0) {
        e.line = line;
        e.column = column;
        e.reason = m.substr(static_cast<size_t>(consumed));
      } else {
        e.reason = m;
      }
      errors.push_back(std::move(e));
      continue;
    }
    // Decode exactly as the store loads: the canonical text of the import.
    CsvWriteOptions wo;
    wo.newline = "\n";
    if (auto e = DecodeFile(id, WriteCsv(*parsed, wo), &next, &header)) {
      errors.push_back(*e);
      continue;
    }
    plan.files[id] = EncodeFile(id, next, header);
  }
  if (!errors.empty()) {
    std::string m;
    for (const auto& e : errors) m += (m.empty() ? "" : "; ") + FormatSourceError(e);
    return Status::InvalidArgument(m + "; nothing was imported");
  }
  ComputeWarnings(&next);
  plan.warnings = next.warnings.items();
  for (const auto& [id, text] : plan.files) plan.diffs.push_back(Diff(id, current.tables, next));
  return plan;
}

std::string FormatPlan(const ImportPlan& plan) {
  std::string out;
  for (const auto& d : plan.diffs) {
    out += std::string(FileNameOf(d.table)) + ": " + std::to_string(d.added.size()) + " added, " +
           std::to_string(d.changed.size()) + " changed, " + std::to_string(d.removed.size()) + " removed\n";
    for (const auto& k : d.added) out += "  + " + k + "\n";
    for (const auto& c : d.changed) {
      out += "  ~ " + c.key + ":";
      for (const auto& f : c.fields) out += " " + f.column + " '" + f.before + "' -> '" + f.after + "';";
      out.back() = '\n';
    }
    for (const auto& k : d.removed) out += "  - " + k + "\n";
  }
  for (const auto& w : plan.warnings)
    out += "warning: " + w.file + ": line " + std::to_string(w.line) + ": " + w.message + "\n";
  return out;
}

Status ApplyImport(platform::Fs& fs, const std::string& data_dir, const ImportPlan& plan, bool fsync) {
  struct Previous {
    std::string path;
    bool existed = false;
    std::string text;
  };
  std::vector<Previous> previous;
  for (const auto& [id, text] : plan.files) {
    Previous p;
    p.path = data_dir + "/" + std::string(FileNameOf(id));
    platform::FsStat st;
    if (auto e = fs.Stat(p.path, &st); !e.ok()) return FromFs(e);
    p.existed = st.exists;
    if (p.existed)
      if (auto e = fs.ReadFile(p.path, &p.text); !e.ok()) return FromFs(e);
    previous.push_back(std::move(p));
  }
  size_t i = 0;
  for (const auto& [id, text] : plan.files) {
    auto e = platform::ReplaceFile(fs, previous[i].path, text, fsync);
    if (!e.ok()) {
      // All or nothing: put back what was already replaced (this one too,
      // in case only its directory fsync failed after the rename).
      for (size_t j = 0; j <= i; ++j) {
        if (previous[j].existed) (void)platform::ReplaceFile(fs, previous[j].path, previous[j].text, fsync);
        else (void)fs.Remove(previous[j].path);
      }
      return Status::IoError(e.path, e.ToString() + "; the import was rolled back, nothing changed");
    }
    ++i;
  }
  return Status::Ok();
}

}  // namespace provisiond::store

#include "store/csv/transfer.h"

#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_map>

#include "base/strings.h"
#include "model/setting_rules.h"

namespace provisiond::store {
namespace {

bool IsZip(const std::string& path) { return path.size() > 4 && IEquals(path.substr(path.size() - 4), ".zip"); }

Status FromFs(const platform::FsError& e) { return Status::IoError(e.path, e.ToString()); }

std::string BaseName(const std::string& p) {
  auto slash = p.find_last_of("/\\");
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// Table files of a directory, by table (exact file names).
Result<std::map<TableId, std::string>> ReadDir(platform::Fs& fs, const std::string& source) {
  std::map<TableId, std::string> out;
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

// Table files of a zip, by table (base names, any case).
Result<std::map<TableId, std::string>> ReadZip(const std::string& source) {
  std::map<TableId, std::string> out;
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


// What an import reads: its tables' texts, and how messages name each one
// (a single file keeps its own name: "new.csv (as computers.csv)").
struct SourceTexts {
  std::map<TableId, std::string> texts;
  std::map<TableId, std::string> labels;
};

Result<SourceTexts> ReadSource(platform::Fs& fs, const std::string& source, const ImportOptions& options) {
  platform::FsStat st;
  if (auto e = fs.Stat(source, &st); !e.ok()) return FromFs(e);
  if (!st.exists)
    return Status::NotFound(source + ": no such file or directory; give a .csv file, a directory of table "
                                     "files or a .zip");
  std::vector<std::string> names;
  platform::FsError listed = fs.ListDir(source, &names);
  // ENOTDIR: a file. ListDir is the Fs call that tells the two apart.
  const bool is_dir = listed.ok();
  if (!is_dir && listed.err != ENOTDIR) return FromFs(listed);
  SourceTexts out;
  if (is_dir || IsZip(source)) {
    if (options.table) {
      return Status::InvalidArgument(source + ": a table is named only for a single CSV file; the files of a " +
                                     (is_dir ? "directory" : ".zip") +
                                     " are matched by name (computers.csv, postype.csv, ...)");
    }
    PV_ASSIGN_OR_RETURN(out.texts, is_dir ? ReadDir(fs, source) : ReadZip(source));
    return out;
  }
  std::string text;
  if (auto e = fs.ReadFile(source, &text); !e.ok()) return FromFs(e);
  TableId id;
  if (options.table) {
    id = *options.table;
  } else {
    PV_ASSIGN_OR_RETURN(id, DetectTable(text, BaseName(source)));
  }
  out.labels[id] = BaseName(source) + " (as " + std::string(FileNameOf(id)) + ")";
  out.texts[id] = std::move(text);
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
    case TableId::kCredentials: return std::string(Trim(col("id")));
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

// The columns a merge matches rows by: the table's key, and for drivers
// (no key column) the rule's identity.
std::vector<std::string_view> KeyColumns(TableId id) {
  switch (id) {
    case TableId::kComputers: return {"serial"};
    case TableId::kTypeApps: return {"postype", "application"};
    case TableId::kApps: return {"name"};
    case TableId::kDrivers: return {"model_regex", "os_regex", "url"};
    case TableId::kConfig: return {"key"};
    case TableId::kLocales: return {"country"};
    case TableId::kNetworks: return {"network"};
    case TableId::kUsers: return {"username"};
    case TableId::kCredentials: return {"id"};
  }
  return {};
}

size_t ColumnIndex(const std::vector<std::string>& header, std::string_view name) {
  for (size_t c = 0; c < header.size(); ++c)
    if (IEquals(Trim(header[c]), Trim(name))) return c;
  return header.size();
}

// Where a table's key columns are in `header` (header.size() if absent).
std::vector<size_t> KeyColumnIndexes(TableId id, const std::vector<std::string>& header) {
  std::vector<size_t> out;
  for (std::string_view name : KeyColumns(id)) out.push_back(ColumnIndex(header, name));
  return out;
}

// The merge key of a row: its key cells trimmed and upper-cased.
std::string MergeKey(const std::vector<size_t>& key_columns, const std::vector<std::string>& row) {
  std::string key;
  for (size_t c : key_columns) {
    if (c < row.size()) key += ToUpper(Trim(row[c]));
    key += '\t';
  }
  return key;
}

// `current` with `import` merged in, cell by cell: a row whose key is in both
// takes the import's cells for the import's columns and keeps its other
// columns (and its own spelling of the key: "s1" updates "S1"); a new row
// gets the import's cells (other columns empty) and goes at the end, or for
// postype.csv after the last row of its type (row order is install order).
// *kept counts the current rows the import does not name.
CsvTable MergeTables(TableId id, const CsvTable& current, const CsvTable& import, size_t* kept) {
  CsvTable out;
  out.header = current.header;
  const std::vector<size_t> current_keys = KeyColumnIndexes(id, current.header);
  const std::vector<size_t> import_keys = KeyColumnIndexes(id, import.header);
  std::vector<size_t> import_column;
  std::vector<bool> is_key;
  for (size_t i = 0; i < import.header.size(); ++i) {
    size_t c = ColumnIndex(out.header, import.header[i]);
    if (c == out.header.size()) out.header.push_back(import.header[i]);
    import_column.push_back(c);
    is_key.push_back(std::find(import_keys.begin(), import_keys.end(), i) != import_keys.end());
  }
  std::vector<std::vector<std::string>> rows = current.rows, added;
  for (auto& r : rows) r.resize(out.header.size());
  std::unordered_map<std::string, std::vector<std::string>*> by_key;
  std::vector<bool> named(rows.size(), false);
  for (size_t r = 0; r < rows.size(); ++r) by_key.emplace(MergeKey(current_keys, current.rows[r]), &rows[r]);
  added.reserve(import.rows.size());  // stable addresses for by_key
  for (const auto& in : import.rows) {
    std::string key = MergeKey(import_keys, in);
    auto it = by_key.find(key);
    std::vector<std::string>* target;
    const bool existing = it != by_key.end();
    if (existing) {
      target = it->second;
      if (target >= rows.data() && target < rows.data() + rows.size()) named[target - rows.data()] = true;
    } else {
      target = &added.emplace_back(out.header.size());
      by_key.emplace(std::move(key), target);
    }
    for (size_t c = 0; c < in.size(); ++c)
      if (!existing || !is_key[c]) (*target)[import_column[c]] = in[c];
  }
  *kept = static_cast<size_t>(std::count(named.begin(), named.end(), false));
  if (id != TableId::kTypeApps) {
    rows.insert(rows.end(), std::make_move_iterator(added.begin()), std::make_move_iterator(added.end()));
    out.rows = std::move(rows);
    return out;
  }
  // postype.csv: a new (type, application) row joins its type's block.
  const size_t type_col = ColumnIndex(out.header, "postype");
  auto type_of = [&](const std::vector<std::string>& r) { return ToUpper(Trim(r[type_col])); };
  std::unordered_map<std::string, size_t> last_of_type;
  for (size_t r = 0; r < rows.size(); ++r) last_of_type[type_of(rows[r])] = r;
  std::vector<bool> placed(added.size(), false);
  for (size_t r = 0; r < rows.size(); ++r) {
    out.rows.push_back(rows[r]);
    if (last_of_type[type_of(rows[r])] != r) continue;
    for (size_t a = 0; a < added.size(); ++a) {
      if (!placed[a] && type_of(added[a]) == type_of(rows[r])) {
        out.rows.push_back(added[a]);
        placed[a] = true;
      }
    }
  }
  for (size_t a = 0; a < added.size(); ++a)
    if (!placed[a]) out.rows.push_back(std::move(added[a]));
  return out;
}

// The import's rows, in its order, as whole rows of `current`'s table: a
// row whose key is in `current` starts from that row's cells, a new one
// from empty cells, then takes the import's cells. A merge's file may hold
// only the key and the columns it changes; this is what its rows become, so
// they are checked with their own line numbers.
CsvTable CompleteRows(TableId id, const CsvTable& current, const CsvTable& import) {
  CsvTable out;
  out.header = current.header;
  std::vector<size_t> import_column;
  for (const auto& name : import.header) {
    size_t c = ColumnIndex(out.header, name);
    if (c == out.header.size()) out.header.push_back(name);
    import_column.push_back(c);
  }
  const std::vector<size_t> current_keys = KeyColumnIndexes(id, current.header);
  std::unordered_map<std::string, const std::vector<std::string>*> by_key;
  for (const auto& r : current.rows) by_key.emplace(MergeKey(current_keys, r), &r);
  const std::vector<size_t> import_keys = KeyColumnIndexes(id, import.header);
  for (const auto& in : import.rows) {
    std::vector<std::string> row(out.header.size());
    if (auto it = by_key.find(MergeKey(import_keys, in)); it != by_key.end())
      std::copy(it->second->begin(), it->second->end(), row.begin());
    for (size_t c = 0; c < in.size(); ++c) row[import_column[c]] = in[c];
    out.rows.push_back(std::move(row));
  }
  out.row_lines = import.row_lines;
  return out;
}

// The key columns of `id` that `header` lacks (a merge needs them all).
std::vector<std::string> MissingKeyColumns(TableId id, const std::vector<std::string>& header) {
  std::vector<std::string> out;
  for (std::string_view k : KeyColumns(id))
    if (ColumnIndex(header, k) == header.size()) out.emplace_back(k);
  return out;
}

// A parse error of ParseCsv (its position carried as data) as a SourceError.
SourceError ParseError(std::string source, const Status& s) {
  SourceError e;
  e.source = std::move(source);
  e.line = s.line();
  e.column = s.column();
  e.reason = s.reason();
  return e;
}

std::string TableNames() {
  std::vector<std::string> names;
  for (TableId id : kAllTables) {
    std::string_view f = FileNameOf(id);
    names.emplace_back(f.substr(0, f.size() - 4));
  }
  return Join(names, ", ");
}

// The settings of an imported config.csv that the settings route would
// refuse (model/setting_rules.h: unknown key, value out of range), but for
// the problems the data directory's config.csv already had (they stay
// warnings). `lines`: the file line of each row.
std::vector<SourceError> ConfigFindings(const model::Tables& current, const model::Tables& imported,
                                        const std::vector<int>& lines) {
  std::set<std::pair<std::string, std::string>> before;
  for (const auto& p : model::CheckConfig(current.config.items())) before.emplace(p.key, p.message);
  std::vector<SourceError> out;
  for (const auto& p : model::CheckConfig(imported.config.items())) {
    if (before.contains({p.key, p.message})) continue;
    const size_t row = p.line >= 2 ? static_cast<size_t>(p.line - 2) : 0;
    const int line = row < lines.size() ? lines[row] : p.line;
    const int column = model::CheckSettingKey(p.key).ok() ? 2 : 1;  // the value, else the key
    SourceError e;
    e.line = line;
    e.column = column;
    e.reason = std::string(column == 2 ? "(value) " : "(key) ") + p.message;
    out.push_back(std::move(e));
  }
  return out;
}

Result<ImportPlan> PlanTexts(platform::Fs& fs, const std::string& data_dir, const SourceTexts& source,
                             std::vector<SourceError>* errors_out, ImportMode mode, bool as_is) {
  const auto& texts = source.texts;
  auto label = [&](TableId id) {
    auto it = source.labels.find(id);
    return it == source.labels.end() ? std::string(FileNameOf(id)) : it->second;
  };
  LoadedDir current = LoadDataDir(fs, data_dir);
  std::vector<SourceError> errors;
  for (auto e : current.errors) {
    auto id = TableOfFile(e.source);
    if (id && texts.contains(*id)) {
      if (mode == ImportMode::kReplace) continue;  // replaced files may be broken
      e.reason += "; a merge needs the current file valid: fix it, or import this table with mode replace";
    }
    errors.push_back(std::move(e));
  }
  model::Tables next = current.tables;
  ImportPlan plan;
  plan.mode = mode;
  std::map<TableId, size_t> kept;
  std::map<TableId, FileMeta> files = current.files;  // imported ones: their header and lines
  // Rule findings the data already had (they stay warnings, so the data
  // directory's own export imports again) and those reported already.
  using FindingKey = std::tuple<RuleTable, std::string, std::string>;
  std::set<FindingKey> before, reported;
  for (const auto& f : CheckTables(current.tables)) before.emplace(f.table, f.key, f.field);
  // The tables others refer to first (apps, then the types naming them, the
  // computers last), so a table's own check sees what the import brings.
  constexpr TableId kOrder[] = {TableId::kApps,     TableId::kTypeApps, TableId::kDrivers,
                                TableId::kConfig,   TableId::kLocales,  TableId::kNetworks,
                                TableId::kUsers,    TableId::kCredentials, TableId::kComputers};
  if (as_is) {
    // A data directory moved as it is: a type naming an app it lacks stays
    // the warning its own store serves (ImportOptions::as_is).
    model::Tables alone_source;
    CsvReadOptions ro;
    ro.restore_formulas = true;
    for (TableId id : kOrder) {
      auto it = texts.find(id);
      if (it == texts.end()) continue;
      if (auto parsed = ParseCsv(it->second, ro); parsed.ok())
        (void)DecodeFile(id, WriteCsv(*parsed, LiveFileWriteOptions()), &alone_source);
    }
    for (const auto& f : CheckTables(alone_source))
      if (f.table == RuleTable::kTypeApps) before.emplace(f.table, f.key, f.field);
  }
  for (TableId id : kOrder) {
    auto text_of = texts.find(id);
    if (text_of == texts.end()) continue;
    const std::string& text = text_of->second;
    CsvReadOptions ro;
    ro.restore_formulas = true;
    auto parsed = ParseCsv(text, ro);
    if (!parsed.ok()) {
      errors.push_back(ParseError(label(id), parsed.status()));
      continue;
    }
    // Decode exactly as the store loads: the canonical text of the import,
    // on its own first, so that errors name the import's own lines.
    // (DecodeFile restores what LiveFileWriteOptions neutralises.)
    const CsvWriteOptions wo = LiveFileWriteOptions();
    std::vector<std::string> header;
    model::Tables alone = next;
    CsvTable whole = *parsed;  // replace: the file; merge: its rows completed from the current ones
    if (mode == ImportMode::kMerge) {
      if (auto missing = MissingKeyColumns(id, parsed->header); !missing.empty()) {
        SourceError e;
        e.source = label(id);
        e.line = 1;
        e.reason = "a merge needs the key column(s) " + Join(missing, ",") + " of " + std::string(FileNameOf(id)) +
                   " to find the rows to update; add them to the header line";
        errors.push_back(std::move(e));
        continue;
      }
      whole = CompleteRows(id, EncodeTable(id, current.tables, current.files[id].header), *parsed);
    }
    if (auto e = DecodeFile(id, WriteCsv(whole, wo), &alone, &header)) {
      e->source = label(id);
      if (e->column > 0 && static_cast<size_t>(e->column) <= whole.header.size()) {
        // The column in the import's own header (0: a cell the import does not have).
        const size_t c = ColumnIndex(parsed->header, whole.header[e->column - 1]);
        e->column = c < parsed->header.size() ? static_cast<int>(c) + 1 : 0;
      }
      errors.push_back(*e);
      continue;
    }
    FileMeta& meta = files[id];
    meta.row_lines.clear();
    meta.notes.clear();  // the current file's blank rows: not in the file written
    std::vector<int> own_lines;
    for (size_t r = 0; r < parsed->rows.size(); ++r)
      own_lines.push_back(r < parsed->row_lines.size() ? parsed->row_lines[r] : static_cast<int>(r) + 2);
    if (id == TableId::kConfig) {
      for (auto& e : ConfigFindings(current.tables, alone, own_lines)) {
        e.source = label(id);
        errors.push_back(std::move(e));
      }
    }
    if (mode == ImportMode::kMerge) {
      // The file's own rows against the write rules first, so a finding
      // names the import's line (a merge folds a repeated row into one, and
      // its lines are those of the merged table).
      for (const auto& f : CheckTables(alone)) {
        if (TableOfFinding(f) != id || before.contains({f.table, f.key, f.field})) continue;
        SourceError e = FindingToError(f, parsed->header, own_lines);
        e.source = label(id);
        errors.push_back(std::move(e));
        reported.emplace(f.table, f.key, f.field);
      }
    }
    if (mode == ImportMode::kReplace) {
      next = std::move(alone);
      // Rule findings name the import's own lines.
      meta.row_lines = std::move(own_lines);
    } else {
      CsvTable merged = MergeTables(id, EncodeTable(id, current.tables, current.files[id].header), *parsed,
                                    &kept[id]);
      if (auto e = DecodeFile(id, WriteCsv(merged, wo), &next, &header, &meta.row_lines)) {
        e->source = label(id) + " merged with the current " + std::string(FileNameOf(id));
        errors.push_back(*e);
        continue;
      }
    }
    meta.header = header;
  }
  if (errors.empty()) {
    // The write rules (store/write_rules.h), as on every API write: a row
    // that a write would refuse is refused here too, with its file, line and
    // column; so is a row of a table left as it is that the import breaks
    // (e.g. postype naming an app the import removes). What the data
    // directory already held stays a warning, so its own export imports again.
    for (const auto& f : CheckTables(next)) {
      const TableId id = TableOfFinding(f);
      if (before.contains({f.table, f.key, f.field}) || reported.contains({f.table, f.key, f.field})) continue;
      SourceError e = FindingToError(f, files[id].header, files[id].row_lines);
      if (!texts.contains(id)) e.reason += " (after this import)";
      else if (mode == ImportMode::kMerge) e.source = label(id) + " merged with the current " + e.source;
      else e.source = label(id);
      errors.push_back(std::move(e));
    }
  }
  if (!errors.empty()) {
    std::string m;
    for (const auto& e : errors) m += (m.empty() ? "" : "; ") + FormatSourceError(e);
    if (errors_out) *errors_out = errors;
    return Status::InvalidArgument(m + "; nothing was imported");
  }
  // Stored as a write stores them: catalogue names in the catalogue's
  // spelling (unless moved as they are).
  for (const auto& [id, text] : texts) {
    if (!as_is && id == TableId::kComputers) ApplyCatalogueSpellings(RuleTable::kComputers, current.tables, &next);
    if (!as_is && id == TableId::kTypeApps) ApplyCatalogueSpellings(RuleTable::kTypeApps, current.tables, &next);
    if (!as_is && id == TableId::kApps) ApplyCatalogueSpellings(RuleTable::kApps, current.tables, &next);
    // In the data file's own format (an Excel-saved one stays ';', BOM, CRLF).
    plan.files[id] = EncodeFile(id, next, files[id].header, files[id].format);
  }
  ComputeWarnings(&next, &files);
  plan.warnings = next.warnings.items();
  for (const auto& [id, text] : plan.files) {
    plan.diffs.push_back(Diff(id, current.tables, next));
    plan.diffs.back().kept = kept[id];
  }
  return plan;
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

Result<ImportMode> ParseImportMode(std::string_view text) {
  if (IEquals(Trim(text), "merge")) return ImportMode::kMerge;
  if (IEquals(Trim(text), "replace")) return ImportMode::kReplace;
  return Status::InvalidArgument("unknown import mode '" + std::string(text) +
                                 "'; use merge (add and update rows, remove none; the default) or replace "
                                 "(each imported table replaces the current one)");
}

std::string_view ImportModeName(ImportMode mode) {
  switch (mode) {
    case ImportMode::kMerge: return "merge";
    case ImportMode::kReplace: return "replace";
  }
  return "merge";
}

Result<TableId> ParseTableName(std::string_view text) {
  std::string name = ToLower(Trim(text));
  if (!name.ends_with(".csv")) name += ".csv";
  if (auto id = TableOfFile(name)) return *id;
  return Status::InvalidArgument("unknown table '" + std::string(text) + "'; use one of: " + TableNames());
}

Result<TableId> DetectTable(std::string_view csv_text, std::string_view file_name) {
  std::optional<TableId> named = TableOfFile(ToLower(file_name));
  auto parsed = ParseCsv(csv_text);
  if (!parsed.ok()) {  // a bad row further down: the header line alone
    size_t eol = csv_text.find_first_of("\r\n");
    parsed = ParseCsv(csv_text.substr(0, eol));
  }
  if (!parsed.ok()) {
    if (named) return *named;  // the import reports the parse error, with line and column
    return parsed.status().WithContext(file_name);  // keeps line and column
  }
  const auto& header = parsed->header;
  std::vector<TableId> fits;
  // The closest table: the most of its required columns present.
  std::optional<TableId> closest;
  size_t closest_has = 0;
  std::vector<std::string> closest_lacks;
  for (TableId id : kAllTables) {
    std::vector<std::string> lacks;
    const auto& required = RequiredColumnsOf(id);
    for (const auto& col : required)
      if (ColumnIndex(header, col) == header.size()) lacks.push_back(col);
    if (lacks.empty()) fits.push_back(id);
    if (!closest || required.size() - lacks.size() > closest_has) {
      closest = id;
      closest_has = required.size() - lacks.size();
      closest_lacks = std::move(lacks);
    }
  }
  if (fits.size() == 1) return fits[0];
  if (named) return *named;
  if (fits.empty()) {
    // A merge may send only the key and the columns it changes.
    std::vector<TableId> keyed;
    for (TableId id : kAllTables)
      if (MissingKeyColumns(id, header).empty()) keyed.push_back(id);
    if (keyed.size() == 1) return keyed[0];
  }
  const std::string how = "; name the table (import --table NAME, one of: " + TableNames() + ")";
  if (fits.empty()) {
    return Status::InvalidArgument(std::string(file_name) + ": cannot tell which table its header (" +
                                   Join(header, ",") + ") is for: it has the columns of no table (closest: " +
                                   std::string(FileNameOf(*closest)) + ", which also needs " +
                                   Join(closest_lacks, ",") + ")" + how);
  }
  std::vector<std::string> names;
  for (TableId id : fits) names.emplace_back(FileNameOf(id));
  return Status::InvalidArgument(std::string(file_name) + ": its header (" + Join(header, ",") +
                                 ") has the columns of several tables (" + Join(names, ", ") + ")" + how);
}

Result<ImportPlan> PlanImport(platform::Fs& fs, const std::string& data_dir, const std::string& source,
                              const ImportOptions& options) {
  PV_ASSIGN_OR_RETURN(SourceTexts texts, ReadSource(fs, source, options));
  if (texts.texts.empty())
    return Status::NotFound(source + ": no table file found (computers.csv, postype.csv, apps.csv, drivers.csv, "
                                     "config.csv, locales.csv, networks.csv, users.csv)");
  return PlanTexts(fs, data_dir, texts, nullptr, options.mode, options.as_is);
}

Result<ImportPlan> PlanImportTexts(platform::Fs& fs, const std::string& data_dir,
                                   const std::map<TableId, std::string>& texts, ImportMode mode,
                                   std::vector<SourceError>* errors, bool as_is) {
  if (texts.empty()) return Status::NotFound("no table to import");
  return PlanTexts(fs, data_dir, SourceTexts{texts, {}}, errors, mode, as_is);
}

std::string FormatPlan(const ImportPlan& plan) {
  const bool merge = plan.mode == ImportMode::kMerge;
  std::string out = merge ? "import mode: merge (rows are added or updated by key; no row is removed)\n"
                          : "import mode: replace (each imported table replaces the current one; rows not in "
                            "the import are removed)\n";
  size_t removed = 0, kept = 0;
  for (const auto& d : plan.diffs) {
    out += std::string(FileNameOf(d.table)) + ": " + std::to_string(d.added.size()) + " added, " +
           std::to_string(d.changed.size()) + " changed, " + std::to_string(d.removed.size()) + " removed";
    if (merge) out += ", " + std::to_string(d.kept) + " kept";
    out += "\n";
    for (const auto& k : d.added) out += "  + " + k + "\n";
    for (const auto& c : d.changed) {
      out += "  ~ " + c.key + ":";
      for (const auto& f : c.fields) out += " " + f.column + " '" + f.before + "' -> '" + f.after + "';";
      out.back() = '\n';
    }
    removed += d.removed.size();
    kept += d.kept;
  }
  // Removals get their own block, after everything else a diff shows: a
  // count nobody scrolls past.
  out += "\nREMOVED: " + std::to_string(removed) + (removed == 1 ? " row" : " rows");
  if (merge) {
    out += " (merge mode";
    if (kept > 0)
      out += " keeps the " + std::to_string(kept) + (kept == 1 ? " row" : " rows") +
             " the import does not name; mode replace would remove " + (kept == 1 ? "it" : "them");
    out += ")\n";
  } else {
    out += " (replace mode)";
    out += removed > 0 ? ": in the data directory but not in the import, they will be deleted\n" : "\n";
    for (const auto& d : plan.diffs)
      for (const auto& k : d.removed) out += "  - " + std::string(FileNameOf(d.table)) + ": " + k + "\n";
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

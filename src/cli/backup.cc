#include "cli/backup.h"

#include <zip.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

#include "base/json_escape.h"
#include "base/log.h"
#include "base/strings.h"
#include "pki/sha256.h"
#include "platform/exchange.h"
#include "platform/fs.h"
#include "platform/private_file.h"
#include "store/csv/journal.h"
#include "store/csv/tables_csv.h"
#include "store/csv/transfer.h"

namespace provisiond::cli {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr char kKeysPrefix[] = "keys/";
constexpr char kDeploymentsDir[] = "deployments";
constexpr char kAuditDir[] = "audit";

Status FromFs(const platform::FsError& e) { return Status::IoError(e.path, e.ToString()); }

// DIR absolute, symlinks resolved, without a trailing slash: "x/" and "x"
// name one directory, DIR.restoring must sit beside it (not inside), and a
// data directory reached through a symlink is replaced where it really is
// (the link stays).
fs::path Normal(const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  fs::path real = fs::weakly_canonical(p, ec);
  return ec ? p : real;
}

std::string KeysDirOf(const std::string& data_dir, const std::string& keys_dir) {
  return keys_dir.empty() ? (Normal(data_dir) / "keys").string() : Normal(keys_dir).string();
}

// "<kind>-YYYY-MM-DD.csv": the journal and audit day files, nothing else
// (not a repair's temp file).
bool IsDayFile(const std::string& name, std::string_view kind) {
  std::string prefix = std::string(kind) + "-";
  if (name.size() != prefix.size() + 14 || !name.starts_with(prefix) || !name.ends_with(".csv")) return false;
  std::string_view day = std::string_view(name).substr(prefix.size(), 10);
  for (size_t i = 0; i < day.size(); ++i) {
    bool dash = i == 4 || i == 7;
    if (dash ? day[i] != '-' : (day[i] < '0' || day[i] > '9')) return false;
  }
  return true;
}

// The table files, as named in the data directory, the log last.
std::vector<std::string> TableFileNames() {
  std::vector<std::string> names;
  for (store::TableId id : store::kAllTables) names.emplace_back(store::FileNameOf(id));
  names.emplace_back(store::kComputersWalName);
  return names;
}

// One consistent read of the tables (see the header): stat, read, stat
// again, until nothing changed in between.
Status ReadTables(platform::Fs& fsys, const BackupOptions& o, std::map<std::string, std::string>* out,
                  int* reads) {
  const std::vector<std::string> names = TableFileNames();
  const std::string dir = Normal(o.data_dir).string();
  auto stat_all = [&](std::vector<platform::FsStat>* stats) -> Status {
    stats->assign(names.size(), {});
    for (size_t i = 0; i < names.size(); ++i)
      if (auto e = fsys.Stat(dir + "/" + names[i], &(*stats)[i]); !e.ok()) return FromFs(e);
    return Status::Ok();
  };
  for (int read = 1; read <= o.max_table_reads; ++read) {
    std::vector<platform::FsStat> before, after;
    PV_RETURN_IF_ERROR(stat_all(&before));
    std::map<std::string, std::string> texts;
    bool vanished = false;
    for (size_t i = 0; i < names.size() && !vanished; ++i) {
      if (!before[i].exists) continue;
      std::string text;
      auto e = fsys.ReadFile(dir + "/" + names[i], &text);
      if (e.err == ENOENT) vanished = true;  // the log removed after a flush: read again
      else if (!e.ok()) return FromFs(e);
      texts[names[i]] = std::move(text);
    }
    if (o.after_tables_read_for_testing) o.after_tables_read_for_testing(read);
    PV_RETURN_IF_ERROR(stat_all(&after));
    if (!vanished && after == before) {
      *out = std::move(texts);
      *reads = read;
      return Status::Ok();
    }
    // A write landed during the read: let its burst pass, then read again.
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * std::min(read, 20)));
  }
  return Status::Unavailable("the tables of " + dir + " changed during each of " + std::to_string(o.max_table_reads) +
                             " reads (an import or a burst of edits?); nothing was written; run the backup again");
}

// The day files of one journal directory, each cut to its whole records.
Status ReadDayFiles(platform::Fs& fsys, const std::string& data_dir, const std::string& sub, std::string_view kind,
                    std::map<std::string, std::string>* out) {
  std::vector<std::string> names;
  if (auto e = fsys.ListDir(data_dir + "/" + sub, &names); !e.ok()) return FromFs(e);
  for (const auto& name : names) {
    if (!IsDayFile(name, kind)) continue;
    std::string text;
    auto e = fsys.ReadFile(data_dir + "/" + sub + "/" + name, &text);
    if (e.err == ENOENT) continue;  // deleted by retention since the listing
    if (!e.ok()) return FromFs(e);
    // An append in flight is not part of the state yet (replay skips it too).
    text.resize(store::WholeRecordsLength(text));
    if (text.empty()) continue;
    (*out)[sub + "/" + name] = std::move(text);
  }
  return Status::Ok();
}

struct KeyFile {
  std::string content;
  unsigned mode = 0600;
};

Status ReadKeys(platform::Fs& fsys, const std::string& keys_dir, std::map<std::string, KeyFile>* out) {
  std::error_code ec;
  if (!fs::is_directory(keys_dir, ec))
    return Status::InvalidArgument("--with-keys: the keys directory " + keys_dir +
                                   " does not exist; create the keys (provisiond keys --help), give --keys-dir, or "
                                   "back up without --with-keys");
  for (auto it = fs::recursive_directory_iterator(keys_dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    std::string rel = fs::relative(it->path(), keys_dir, ec).generic_string();
    if (rel.find(".tmp") != std::string::npos) continue;  // a key being written (WriteFileAtomic's temp)
    KeyFile k;
    if (auto e = fsys.ReadFile(it->path().string(), &k.content); !e.ok()) return FromFs(e);
    int mode = platform::FileMode(it->path().string());
    k.mode = mode > 0 ? static_cast<unsigned>(mode) & 0777u : 0600u;
    (*out)[kKeysPrefix + rel] = std::move(k);
  }
  if (ec) return Status::IoError(keys_dir, ec.message());
  return Status::Ok();
}

// The archive in memory (libzip's buffer source): written to disk with
// WriteFileAtomic, it exists only as 0600 and appears whole or not at all.
Result<std::string> ZipInMemory(const std::vector<std::pair<std::string, const std::string*>>& entries,
                                const std::map<std::string, unsigned>& modes, const std::string& out_path) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) return Status::Internal("zip buffer: " + std::string(zip_error_strerror(&error)));
  std::unique_ptr<zip_source_t, decltype(&zip_source_free)> keep_buffer(buffer, &zip_source_free);
  zip_t* z = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (z == nullptr) return Status::Internal("zip open: " + std::string(zip_error_strerror(&error)));
  zip_source_keep(buffer);  // zip_close must leave the buffer to us
  for (const auto& [name, data] : entries) {
    // `entries` outlives zip_close, which is when libzip reads the data.
    zip_source_t* src = zip_source_buffer(z, data->data(), data->size(), 0);
    zip_int64_t index = src == nullptr ? -1 : zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      std::string m = zip_strerror(z);
      if (src != nullptr) zip_source_free(src);
      zip_discard(z);
      return Status::IoError(out_path, name + ": " + m);
    }
    auto mode = modes.find(name);
    const zip_uint32_t bits = 0100000u | (mode != modes.end() ? mode->second : 0644u);
    (void)zip_file_set_external_attributes(z, static_cast<zip_uint64_t>(index), 0, ZIP_OPSYS_UNIX, bits << 16);
  }
  if (zip_close(z) != 0) {
    std::string m = zip_strerror(z);
    zip_discard(z);
    return Status::IoError(out_path, m);
  }
  zip_stat_t st;
  if (zip_source_stat(buffer, &st) != 0 || zip_source_open(buffer) != 0)
    return Status::Internal("zip buffer: " + std::string(zip_error_strerror(zip_source_error(buffer))));
  std::string bytes(static_cast<size_t>(st.size), '\0');
  zip_int64_t got = zip_source_read(buffer, bytes.data(), st.size);
  zip_source_close(buffer);
  if (got < 0 || static_cast<zip_uint64_t>(got) != st.size) return Status::Internal("zip buffer: short read");
  return bytes;
}

// "20261204T183000Z": a directory name with no ':' (Windows shares, tar).
std::string Stamp(Timestamp t) {
  std::string iso = FormatIso8601(t);  // 2026-12-04T18:30:00.000Z
  std::string out;
  for (char c : iso.substr(0, 19))
    if (c != '-' && c != ':') out += c;
  return out + "Z";
}

bool SafeName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos)
    return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = std::min(name.find('/', start), name.size());
    std::string_view part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

// Writes `data` durably at `path` (parents created) with `mode`.
Status WriteRestoredFile(const fs::path& path, const std::string& data, unsigned mode) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Status::IoError(path.parent_path().string(), ec.message());
  auto e = platform::WriteFileAtomic(path.string(), data, mode);
  if (e.err != 0) return Status::IoError(e.path, e.step + ": " + std::strerror(e.err));
  return Status::Ok();
}

// A directory removed on scope exit unless kept (the restore's staging copy).
class StagingDir {
 public:
  explicit StagingDir(fs::path p) : path_(std::move(p)) {}
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  ~StagingDir() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void Release() { path_.clear(); }

 private:
  fs::path path_;
};

// Copies directory `from` into `to` (recursive, modes kept, each file durably).
Status CopyTree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    std::string data;
    if (auto e = platform::PosixFs().ReadFile(it->path().string(), &data); !e.ok()) return FromFs(e);
    int mode = platform::FileMode(it->path().string());
    PV_RETURN_IF_ERROR(WriteRestoredFile(to / fs::relative(it->path(), from, ec), data,
                                         mode > 0 ? static_cast<unsigned>(mode) : 0600u));
  }
  if (ec) return Status::IoError(from.string(), ec.message());
  return Status::Ok();
}

// `staged` takes the place of `target`; the old `target` (if any) becomes
// `previous`. With RENAME_EXCHANGE there is no instant without a `target`.
Status SwapIn(const fs::path& staged, const fs::path& target, const fs::path& previous, std::string* note) {
  std::error_code ec;
  if (!fs::exists(target, ec)) {
    fs::rename(staged, target, ec);
    if (ec) return Status::IoError(target.string(), "rename from " + staged.string() + ": " + ec.message());
  } else if (int err = platform::ExchangePaths(staged, target); err == 0) {
    fs::rename(staged, previous, ec);  // now the old directory
    if (ec) *note = "the previous data is in " + staged.string() + " (renaming it failed: " + ec.message() + ")";
  } else if (err == EINVAL || err == ENOSYS || err == ENOTSUP) {
    // No atomic exchange here (some network/overlay file systems): two
    // renames; a crash between them leaves DIR missing and both beside it.
    *note = "this file system cannot exchange two directories in one step (" + std::string(std::strerror(err)) +
            "): two renames were used";
    fs::rename(target, previous, ec);
    if (ec) return Status::IoError(target.string(), "rename to " + previous.string() + ": " + ec.message());
    fs::rename(staged, target, ec);
    if (ec) {
      std::error_code back;
      fs::rename(previous, target, back);
      return Status::IoError(target.string(), "rename from " + staged.string() + ": " + ec.message());
    }
  } else {
    return Status::IoError(target.string(), "exchange with " + staged.string() + ": " + std::strerror(err));
  }
  (void)platform::SyncDirectory(target.parent_path().string());
  return Status::Ok();
}

fs::path FreeName(const std::string& base) {
  std::error_code ec;
  fs::path p = base;
  for (int i = 2; fs::exists(p, ec); ++i) p = base + "-" + std::to_string(i);
  return p;
}

}  // namespace

// ---- manifest ---------------------------------------------------------------

std::string EncodeManifest(const Manifest& m) {
  std::string out = "{\n";
  out += "  \"format\": " + std::to_string(m.format) + ",\n";
  out += "  \"provisiond_version\": \"" + JsonEscape(m.provisiond_version) + "\",\n";
  out += "  \"created_at\": \"" + JsonEscape(m.created_at) + "\",\n";
  out += "  \"data_dir\": \"" + JsonEscape(m.data_dir) + "\",\n";
  out += std::string("  \"with_keys\": ") + (m.with_keys ? "true" : "false") + ",\n";
  out += "  \"table_reads\": " + std::to_string(m.table_reads) + ",\n";
  out += "  \"files\": [";
  for (size_t i = 0; i < m.files.size(); ++i) {
    const BackupEntry& f = m.files[i];
    out += i ? ",\n    " : "\n    ";
    out += "{\"name\": \"" + JsonEscape(f.name) + "\", \"size\": " + std::to_string(f.size) + ", \"sha256\": \"" +
           f.sha256 + "\"";
    if (f.mode != 0) {
      char mode[16];
      std::snprintf(mode, sizeof mode, "%04o", f.mode & 0777u);  // "0600", as chmod takes it
      out += ", \"mode\": \"" + std::string(mode) + "\"";
    }
    out += "}";
  }
  out += m.files.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

Result<Manifest> ParseManifest(std::string_view text) {
  auto bad = [](const std::string& what) {
    return Status::InvalidArgument(std::string(kManifestName) + ": " + what +
                                   "; the backup is damaged or not made by `provisiond backup`");
  };
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return bad("not JSON (" + ec.message() + ")");
  if (!v.is_object()) return bad("not a JSON object");
  const json::object& o = v.as_object();
  Manifest m;
  const json::value* format = o.if_contains("format");
  if (format == nullptr || !format->is_int64()) return bad("\"format\" is missing or not a number");
  m.format = static_cast<int>(format->as_int64());
  auto str = [&](const char* key, std::string* out) -> Status {
    const json::value* f = o.if_contains(key);
    if (f == nullptr || !f->is_string()) return bad(std::string("\"") + key + "\" is missing or not a string");
    *out = std::string(f->as_string());
    return Status::Ok();
  };
  PV_RETURN_IF_ERROR(str("provisiond_version", &m.provisiond_version));
  if (m.format > kBackupFormat || m.format < 1)
    return Status::InvalidArgument(std::string(kManifestName) + ": backup format " + std::to_string(m.format) +
                                   " (made by provisiond " + m.provisiond_version +
                                   ") is not one this provisiond reads (format " + std::to_string(kBackupFormat) +
                                   "); restore it with provisiond " + m.provisiond_version + " or newer");
  PV_RETURN_IF_ERROR(str("created_at", &m.created_at));
  PV_RETURN_IF_ERROR(str("data_dir", &m.data_dir));
  const json::value* keys = o.if_contains("with_keys");
  if (keys == nullptr || !keys->is_bool()) return bad("\"with_keys\" is missing or not true/false");
  m.with_keys = keys->as_bool();
  if (const json::value* r = o.if_contains("table_reads"); r != nullptr && r->is_int64())
    m.table_reads = static_cast<int>(r->as_int64());
  const json::value* files = o.if_contains("files");
  if (files == nullptr || !files->is_array()) return bad("\"files\" is missing or not a list");
  for (size_t i = 0; i < files->as_array().size(); ++i) {
    const json::value& f = files->as_array()[i];
    const std::string where = "files[" + std::to_string(i) + "]";
    const json::object* fo = f.if_object();
    const json::value* name = fo ? fo->if_contains("name") : nullptr;
    const json::value* size = fo ? fo->if_contains("size") : nullptr;
    const json::value* sha = fo ? fo->if_contains("sha256") : nullptr;
    if (name == nullptr || !name->is_string() || size == nullptr || !(size->is_int64() || size->is_uint64()) ||
        sha == nullptr || !sha->is_string() || sha->as_string().size() != 64)
      return bad(where + " needs \"name\", \"size\" and a 64-character \"sha256\"");
    BackupEntry e;
    e.name = std::string(name->as_string());
    e.size = size->is_uint64() ? size->as_uint64() : static_cast<uint64_t>(std::max<int64_t>(0, size->as_int64()));
    e.sha256 = ToLower(std::string(sha->as_string()));
    if (const json::value* mode = fo->if_contains("mode"); mode != nullptr && mode->is_string())
      e.mode = static_cast<unsigned>(std::strtoul(std::string(mode->as_string()).c_str(), nullptr, 8)) & 0777u;
    if (!SafeName(e.name) || e.name == kManifestName)
      return bad(where + ": \"" + e.name + "\" is not a relative path inside the data directory");
    m.files.push_back(std::move(e));
  }
  return m;
}

// ---- backup -----------------------------------------------------------------

Result<std::unique_ptr<platform::DirLock>> LockDataDir(const std::string& dir) {
  std::unique_ptr<platform::DirLock> lock;
  long pid = 0;
  int err = platform::DirLock::TryAcquire(Normal(dir).string(), &lock, &pid);
  if (err == 0) return lock;
  const std::string abs = Normal(dir).string();
  if (err == EWOULDBLOCK)
    return Status::Unavailable(abs + " is in use by another provisiond process" +
                               (pid > 0 ? " (pid " + std::to_string(pid) + ")" : std::string()) +
                               ": a server serving it, or a restore replacing it. Stop it first (e.g. systemctl "
                               "stop provisiond), or give another --data-dir");
  return Status::IoError(abs + "/" + platform::kDirLockName, std::strerror(err));
}

Result<BackupSummary> CreateBackup(const BackupOptions& o) {
  platform::Fs& fsys = platform::PosixFs();
  const std::string dir = Normal(o.data_dir).string();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Status::NotFound("data directory " + dir + " does not exist; give the right --data-dir");
  if (!o.force && fs::exists(o.out, ec))
    return Status::Conflict(o.out + " exists; nothing was written. Choose a new name (e.g. with the date) or add "
                            "--force to replace it");
  std::map<std::string, std::string> files;
  int reads = 0;
  PV_RETURN_IF_ERROR(ReadTables(fsys, o, &files, &reads));
  // Events before deployments: the commit record before the row it commits.
  PV_RETURN_IF_ERROR(ReadDayFiles(fsys, dir, kDeploymentsDir, "events", &files));
  if (o.after_events_read_for_testing) o.after_events_read_for_testing();
  PV_RETURN_IF_ERROR(ReadDayFiles(fsys, dir, kDeploymentsDir, "deployments", &files));
  PV_RETURN_IF_ERROR(ReadDayFiles(fsys, dir, kAuditDir, "audit", &files));
  std::map<std::string, KeyFile> keys;
  if (o.with_keys) PV_RETURN_IF_ERROR(ReadKeys(fsys, KeysDirOf(o.data_dir, o.keys_dir), &keys));

  Manifest m;
  m.provisiond_version = PROVISIOND_VERSION;
  m.created_at = FormatIso8601(o.now == Timestamp{} ? Now() : o.now);
  m.data_dir = dir;
  m.with_keys = o.with_keys;
  m.table_reads = reads;
  std::vector<std::pair<std::string, const std::string*>> entries;
  std::map<std::string, unsigned> modes;
  for (const auto& [name, text] : files) {
    m.files.push_back({name, text.size(), pki::Sha256::HexOf(text), 0});
    entries.emplace_back(name, &text);
  }
  for (const auto& [name, k] : keys) {
    m.files.push_back({name, k.content.size(), pki::Sha256::HexOf(k.content), k.mode});
    entries.emplace_back(name, &k.content);
    modes[name] = 0600;  // as stored in the zip; the manifest keeps the mode to restore
  }
  const std::string manifest = EncodeManifest(m);
  entries.emplace_back(kManifestName, &manifest);
  PV_ASSIGN_OR_RETURN(std::string zip, ZipInMemory(entries, modes, o.out));
  if (!o.force && fs::exists(o.out, ec))  // created while we read: still never overwritten
    return Status::Conflict(o.out + " appeared while the backup was made; nothing was written");
  if (auto e = platform::WriteFileAtomic(o.out, zip, 0600); e.err != 0)
    return Status::IoError(e.path, e.step + ": " + std::strerror(e.err) + "; nothing was written");
  return BackupSummary{std::move(m), zip.size()};
}

// ---- verify -----------------------------------------------------------------

Result<BackupContents> ReadBackup(const std::string& zip_path) {
  const std::string damaged = "; the backup is damaged: use another one (nothing was changed)";
  std::error_code fec;
  if (!fs::is_regular_file(zip_path, fec)) return Status::NotFound(zip_path + ": no such file; give the backup's path");
  int err = 0;
  std::unique_ptr<zip_t, decltype(&zip_discard)> z(zip_open(zip_path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err),
                                                   &zip_discard);
  if (!z) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    std::string m = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    return Status::InvalidArgument(zip_path + ": not a readable zip archive (" + m + ")" + damaged);
  }
  auto read_entry = [&](zip_int64_t index, const std::string& name, uint64_t size) -> Result<std::string> {
    std::unique_ptr<zip_file_t, decltype(&zip_fclose)> f(zip_fopen_index(z.get(), static_cast<zip_uint64_t>(index), 0),
                                                          &zip_fclose);
    if (!f) return Status::InvalidArgument(zip_path + ": " + name + ": " + zip_strerror(z.get()) + damaged);
    std::string data(size, '\0');
    zip_int64_t got = size == 0 ? 0 : zip_fread(f.get(), data.data(), size);
    char extra;
    // Reading past the end makes libzip check the entry's CRC.
    zip_int64_t more = zip_fread(f.get(), &extra, 1);
    if (got < 0 || more < 0)
      return Status::InvalidArgument(zip_path + ": " + name + ": cannot be read (" + zip_file_strerror(f.get()) + ")" +
                                     damaged);
    if (static_cast<uint64_t>(got) != size || more != 0)
      return Status::InvalidArgument(zip_path + ": " + name + ": size differs from the archive's directory" + damaged);
    return data;
  };
  zip_int64_t manifest_index = zip_name_locate(z.get(), kManifestName, 0);
  if (manifest_index < 0)
    return Status::InvalidArgument(zip_path + ": no " + kManifestName +
                                   " in it: not a backup made by `provisiond backup` (a zip of `provisiond export` "
                                   "is loaded with `provisiond import --mode replace`)");
  zip_stat_t mst;
  if (zip_stat_index(z.get(), static_cast<zip_uint64_t>(manifest_index), 0, &mst) != 0 || mst.size > (16u << 20))
    return Status::InvalidArgument(zip_path + ": " + kManifestName + ": unreadable or too large" + damaged);
  PV_ASSIGN_OR_RETURN(std::string manifest_text, read_entry(manifest_index, kManifestName, mst.size));
  auto manifest = ParseManifest(manifest_text);
  if (!manifest.ok()) return Status::InvalidArgument(zip_path + ": " + manifest.status().message());

  BackupContents out;
  std::set<std::string> listed;
  for (const auto& f : manifest->files) {
    if (!listed.insert(f.name).second)
      return Status::InvalidArgument(zip_path + ": " + kManifestName + " lists " + f.name + " twice" + damaged);
    zip_int64_t index = zip_name_locate(z.get(), f.name.c_str(), 0);
    if (index < 0)
      return Status::InvalidArgument(zip_path + ": " + f.name + " is listed in " + kManifestName +
                                     " but missing from the archive" + damaged);
    zip_stat_t st;
    if (zip_stat_index(z.get(), static_cast<zip_uint64_t>(index), 0, &st) != 0 || st.size != f.size)
      return Status::InvalidArgument(zip_path + ": " + f.name + ": size mismatch (manifest " + std::to_string(f.size) +
                                     " bytes, archive " + std::to_string(st.size) + ")" + damaged);
    PV_ASSIGN_OR_RETURN(std::string data, read_entry(index, f.name, f.size));
    std::string sha = pki::Sha256::HexOf(data);
    if (sha != f.sha256)
      return Status::InvalidArgument(zip_path + ": checksum mismatch in " + f.name + " (manifest sha256 " + f.sha256 +
                                     ", content " + sha + ")" + damaged);
    out.files[f.name] = std::move(data);
  }
  zip_int64_t n = zip_get_num_entries(z.get(), 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(z.get(), static_cast<zip_uint64_t>(i), 0);
    std::string s = name ? name : "";
    if (s == kManifestName || listed.contains(s)) continue;
    return Status::InvalidArgument(zip_path + ": " + s + " is in the archive but not in " + kManifestName +
                                   " (added after the backup was made?)" + damaged);
  }
  out.manifest = std::move(manifest).value();
  return out;
}

// ---- restore ----------------------------------------------------------------

namespace {

// What the backup's journal holds, replayed the way the store replays it.
Result<std::string> DescribeJournal(const fs::path& data_dir, Timestamp now, bool* any_warning) {
  std::vector<std::string> warnings;
  store::JournalOptions jo;
  jo.dir = (data_dir / kDeploymentsDir).string();
  jo.retention_days = 365 * 100;  // describe, never delete
  jo.fsync = false;
  jo.clock = [now] { return now; };
  jo.log = [&warnings](LogLevel, const std::string& m) { warnings.push_back(m); };
  jo.fs = &platform::PosixFs();
  PV_ASSIGN_OR_RETURN(auto journal, store::DeploymentJournal::Open(jo));
  store::DeploymentQuery all;
  all.limit = 0;
  store::DeploymentPage page = journal->List(all);
  size_t events = 0;
  for (const auto& d : page.items)
    if (auto e = journal->EventsOf(d.id); e.ok()) events += e->size();
  std::string text = std::to_string(page.total) + " deployments, " + std::to_string(events) + " events";
  for (const auto& w : warnings) text += "\n  warning: " + w;
  *any_warning = !warnings.empty();
  return text;
}

}  // namespace

Result<RestoreReport> Restore(const RestoreOptions& o) {
  const Timestamp now = o.now == Timestamp{} ? Now() : o.now;
  PV_ASSIGN_OR_RETURN(BackupContents backup, ReadBackup(o.from));
  const fs::path target = Normal(o.data_dir);
  const fs::path default_keys = target / "keys";
  const fs::path keys_dir = o.keys_dir.empty() ? default_keys : Normal(o.keys_dir);
  const bool keys_inside = keys_dir == default_keys;
  if (o.with_keys && !backup.manifest.with_keys)
    return Status::InvalidArgument(o.from + " was made without --with-keys and holds no keys; restore without "
                                   "--with-keys (the current keys stay)");
  std::error_code ec;
  const bool target_exists = fs::exists(target, ec);
  if (target_exists && !fs::is_directory(target, ec))
    return Status::InvalidArgument(target.string() + " is not a directory; give the data directory as --data-dir");

  // Held until the swap: no server starts on DIR meanwhile, none runs now.
  std::unique_ptr<platform::DirLock> lock;
  if (target_exists && !o.dry_run) {
    PV_ASSIGN_OR_RETURN(lock, LockDataDir(target.string()));
  }

  // Staged beside DIR: the final rename is atomic only within one file system.
  StagingDir staging(target.string() + ".restoring");
  fs::remove_all(staging.path(), ec);  // left by a restore that crashed: ours by its name
  fs::create_directories(staging.path(), ec);
  if (ec) return Status::IoError(staging.path().string(), ec.message());
  if (target_exists) fs::permissions(staging.path(), fs::status(target, ec).permissions(), ec);
  std::map<std::string, std::string> key_files;
  for (const auto& entry : backup.manifest.files) {
    const std::string& data = backup.files.at(entry.name);
    if (entry.name.starts_with(kKeysPrefix)) {
      key_files[entry.name.substr(std::strlen(kKeysPrefix))] = data;
      continue;
    }
    PV_RETURN_IF_ERROR(WriteRestoredFile(staging.path() / entry.name, data, 0644));
  }

  // The tables as the store loads them: one loader, one set of rules.
  store::LoadedDir loaded = store::LoadDataDir(platform::PosixFs(), staging.path().string());
  if (!loaded.errors.empty()) {
    std::string m;
    for (const auto& e : loaded.errors) m += "\n  " + store::FormatSourceError(e);
    return Status::InvalidArgument(o.from + ": its tables do not load (nothing was changed):" + m);
  }
  bool journal_warnings = false;
  auto journal = DescribeJournal(staging.path(), now, &journal_warnings);
  if (!journal.ok())
    return Status::InvalidArgument(o.from + ": its deployment journal does not replay: " + journal.status().message() +
                                   " (nothing was changed)");

  RestoreReport report;
  std::string& t = report.text;
  t += "backup " + o.from + ": made " + backup.manifest.created_at + " by provisiond " +
       backup.manifest.provisiond_version + " from " + backup.manifest.data_dir + ", " +
       std::to_string(backup.manifest.files.size()) + " files, checksums ok\n";
  // What changes, as `import --mode replace` shows it: the restored tables
  // (computers with its log applied) against the current ones.
  std::map<store::TableId, std::string> texts;
  for (store::TableId id : store::kAllTables) {
    if (!loaded.files[id].stat.exists) continue;
    const std::string name(store::FileNameOf(id));
    texts[id] = id == store::TableId::kComputers && backup.files.contains(store::kComputersWalName)
                    ? store::EncodeFile(id, loaded.tables, loaded.files[id].header, loaded.files[id].format)
                    : backup.files.at(name);
  }
  if (!target_exists) {
    t += target.string() + " does not exist: it is created from the backup\n";
  } else {
    auto plan = store::PlanImportTexts(platform::PosixFs(), target.string(), texts, store::ImportMode::kReplace);
    if (plan.ok()) {
      // import's own diff, its first line (about import modes) restated for a restore
      std::string diff = store::FormatPlan(*plan);
      t += "tables: each one in the backup replaces the current one\n" + diff.substr(diff.find('\n') + 1);
    }
    else t += "(the current tables cannot be compared: " + plan.status().message() + ")\n";
    for (store::TableId id : store::kAllTables) {
      const std::string name(store::FileNameOf(id));
      if (!texts.contains(id) && fs::exists(target / name, ec))
        t += name + ": not in the backup; the restored directory has no such file (an empty table)\n";
    }
  }
  t += "deployment journal in the backup: " + *journal + "\n";
  if (target_exists && fs::is_directory(target / kDeploymentsDir, ec)) {
    bool w = false;
    if (auto current = DescribeJournal(target, now, &w); current.ok())
      t += "deployment journal now: " + current->substr(0, current->find('\n')) + "\n";
  }

  // Keys: the backup's (--with-keys), else the current ones stay.
  if (o.with_keys) {
    t += "keys: " + std::to_string(key_files.size()) + " file(s) from the backup replace " + keys_dir.string() + "\n";
  } else if (keys_inside && fs::is_directory(default_keys, ec)) {
    PV_RETURN_IF_ERROR(CopyTree(default_keys, staging.path() / "keys"));
    t += "keys: the current " + default_keys.string() + " is kept" +
         (backup.manifest.with_keys ? " (the backup's keys are not restored: add --with-keys for them)" : "") + "\n";
  } else {
    t += "keys: not restored (" + keys_dir.string() + " unchanged)\n";
  }
  if (o.with_keys && keys_inside)
    for (const auto& [rel, data] : key_files) {
      unsigned mode = 0600;
      for (const auto& e : backup.manifest.files)
        if (e.name == kKeysPrefix + rel && e.mode != 0) mode = e.mode;
      PV_RETURN_IF_ERROR(WriteRestoredFile(staging.path() / "keys" / rel, data, mode));
    }
  if (o.dry_run) return report;

  // Keys outside the data directory: staged and swapped the same way, first,
  // so a failure there leaves the data directory as it was.
  const std::string stamp = Stamp(now);
  if (o.with_keys && !keys_inside) {
    StagingDir keys_staging(keys_dir.string() + ".restoring");
    fs::remove_all(keys_staging.path(), ec);
    for (const auto& [rel, data] : key_files) {
      unsigned mode = 0600;
      for (const auto& e : backup.manifest.files)
        if (e.name == kKeysPrefix + rel && e.mode != 0) mode = e.mode;
      PV_RETURN_IF_ERROR(WriteRestoredFile(keys_staging.path() / rel, data, mode));
    }
    fs::permissions(keys_staging.path(), fs::perms::owner_all, ec);
    std::string note;
    fs::path previous_keys = FreeName(keys_dir.string() + ".before-restore-" + stamp);
    PV_RETURN_IF_ERROR(SwapIn(keys_staging.path(), keys_dir, previous_keys, &note));
    keys_staging.Release();
    t += "keys restored into " + keys_dir.string() + (fs::exists(previous_keys, ec) ? "; the previous keys are in " +
                                                                                          previous_keys.string()
                                                                                    : std::string()) + "\n";
  }
  // Durable before it becomes DIR: every file was fsynced as written; the
  // directories' entries now.
  for (auto it = fs::recursive_directory_iterator(staging.path(), ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_directory(ec)) (void)platform::SyncDirectory(it->path().string());
  (void)platform::SyncDirectory(staging.path().string());
  fs::path previous = FreeName(target.string() + ".before-restore-" + stamp);
  std::string note;
  PV_RETURN_IF_ERROR(SwapIn(staging.path(), target, previous, &note));
  staging.Release();
  if (target_exists) report.previous_dir = fs::exists(previous, ec) ? previous.string() : "";
  if (!note.empty()) t += note + "\n";
  return report;
}

// ---- commands -----------------------------------------------------------------

namespace {

constexpr const char* kBackupHelp =
    "usage: provisiond backup --out FILE.zip [--with-keys] [--force] [--data-dir DIR] [--config FILE]\n"
    "\n"
    "Writes a consistent copy of the data directory into one zip (mode 0600): the tables,\n"
    "computers.csv.wal, the deployment journal (deployments/) and the audit trail (audit/),\n"
    "with manifest.json (version, time, every file's size and SHA-256). Works while the\n"
    "server runs (it only reads; a write landing during the copy makes it read the tables\n"
    "again) and while it is stopped. Details: doc/backup.md.\n"
    "\n"
    "options:\n"
    "  --out FILE.zip   the archive to write (temp file + rename: never a partial one)\n"
    "  --with-keys      include the keys directory (private keys: keep the archive safe)\n"
    "  --force          replace FILE.zip if it exists (refused otherwise)\n"
    "  --data-dir DIR   the data directory (default: ./data, or the config file's)\n"
    "  --keys-dir DIR   the keys directory, when not <data-dir>/keys (keys.dir)\n"
    "\n"
    "examples:\n"
    "  provisiond backup --data-dir /var/lib/provisiond/data_csv --out /var/backups/provisiond/$(date +%F).zip\n"
    "  provisiond backup --data-dir var/data_csv --out keys-too.zip --with-keys\n"
    "\n"
    "exit status: 0 written, 1 failed (nothing written), 2 bad usage\n";

constexpr const char* kRestoreHelp =
    "usage: provisiond restore --from FILE.zip [--dry-run] [--with-keys] [--data-dir DIR] [--config FILE]\n"
    "\n"
    "Replaces the data directory with a backup made by `provisiond backup`, all or nothing.\n"
    "The archive is checked first (manifest, every file's SHA-256, the tables loaded as serve\n"
    "loads them, the journal replayed) and the changes are printed (as `import --mode\n"
    "replace` shows them). Then the backup is written beside DIR (DIR.restoring), fsynced, and\n"
    "swapped in with one atomic rename; the old directory is kept as\n"
    "DIR.before-restore-<time>. Refused while a provisiond serves DIR: stop it first.\n"
    "\n"
    "options:\n"
    "  --from FILE.zip  the backup\n"
    "  --dry-run        check and show the changes only; nothing is written\n"
    "  --with-keys      also restore the backup's keys (else the current keys stay)\n"
    "  --data-dir DIR   the data directory to replace (created if missing)\n"
    "  --keys-dir DIR   the keys directory, when not <data-dir>/keys (keys.dir)\n"
    "\n"
    "examples:\n"
    "  provisiond restore --data-dir var/data_csv --from backup.zip --dry-run\n"
    "  systemctl stop provisiond && provisiond restore --data-dir var/data_csv --from backup.zip\n"
    "\n"
    "exit status: 0 restored (or dry run shown), 1 refused or failed (nothing changed), 2 bad usage\n";

struct CommandArgs {
  std::map<std::string, std::string> values;  // --out, --from, --data-dir, --keys-dir
  std::set<std::string> flags;
  std::string error;
};

CommandArgs ParseCommand(int argc, char** argv, const std::set<std::string>& with_value,
                         const std::set<std::string>& flags) {
  CommandArgs a;
  for (int i = 1; i < argc && a.error.empty(); ++i) {
    std::string s = argv[i];
    std::string name = s.substr(0, s.find('='));
    if (with_value.contains(name)) {
      if (name.size() < s.size()) a.values[name] = s.substr(name.size() + 1);
      else if (i + 1 < argc) a.values[name] = argv[++i];
      else a.error = name + " needs a value";
    } else if (flags.contains(s)) {
      a.flags.insert(s);
    } else {
      a.error = "unexpected '" + s + "'";
    }
  }
  return a;
}

int Usage(const char* help, const std::string& error) {
  std::fprintf(stderr, "error: %s\n\n%s", error.c_str(), help);
  return 2;
}

}  // namespace

int RunBackup(int argc, char** argv) {
  CommandArgs a = ParseCommand(argc, argv, {"--out", "--data-dir", "--keys-dir"}, {"--with-keys", "--force", "--help", "-h"});
  if (a.flags.contains("--help") || a.flags.contains("-h")) {
    std::fputs(kBackupHelp, stdout);
    return 0;
  }
  if (!a.error.empty()) return Usage(kBackupHelp, a.error);
  if (!a.values.contains("--out") || a.values["--out"].empty()) return Usage(kBackupHelp, "give --out FILE.zip");
  BackupOptions o;
  o.data_dir = a.values.contains("--data-dir") ? a.values["--data-dir"] : "data";
  o.keys_dir = a.values["--keys-dir"];
  o.out = a.values["--out"];
  o.with_keys = a.flags.contains("--with-keys");
  o.force = a.flags.contains("--force");
  auto summary = CreateBackup(o);
  if (!summary.ok()) {
    std::fprintf(stderr, "backup failed: %s\n", summary.status().message().c_str());
    return 1;
  }
  size_t keys = 0;
  for (const auto& f : summary->manifest.files) keys += f.name.starts_with(kKeysPrefix) ? 1 : 0;
  std::printf("backup of %s written to %s (%zu files, %llu bytes; %s; tables read %d time(s))\n",
              summary->manifest.data_dir.c_str(), o.out.c_str(), summary->manifest.files.size(),
              static_cast<unsigned long long>(summary->zip_bytes),
              o.with_keys ? ("keys included: " + std::to_string(keys) + " file(s)").c_str() : "no keys",
              summary->manifest.table_reads);
  return 0;
}

int RunRestore(int argc, char** argv) {
  CommandArgs a =
      ParseCommand(argc, argv, {"--from", "--data-dir", "--keys-dir"}, {"--with-keys", "--dry-run", "--help", "-h"});
  if (a.flags.contains("--help") || a.flags.contains("-h")) {
    std::fputs(kRestoreHelp, stdout);
    return 0;
  }
  if (!a.error.empty()) return Usage(kRestoreHelp, a.error);
  if (!a.values.contains("--from") || a.values["--from"].empty()) return Usage(kRestoreHelp, "give --from FILE.zip");
  RestoreOptions o;
  o.from = a.values["--from"];
  o.data_dir = a.values.contains("--data-dir") ? a.values["--data-dir"] : "data";
  o.keys_dir = a.values["--keys-dir"];
  o.with_keys = a.flags.contains("--with-keys");
  o.dry_run = a.flags.contains("--dry-run");
  auto report = Restore(o);
  if (!report.ok()) {
    std::fprintf(stderr, "restore refused: %s\n", report.status().message().c_str());
    return 1;
  }
  std::fputs(report->text.c_str(), stdout);
  if (o.dry_run) {
    std::printf("dry run: nothing changed; run again without --dry-run to restore\n");
    return 0;
  }
  std::printf("restored %s from %s", Normal(o.data_dir).string().c_str(), o.from.c_str());
  if (!report->previous_dir.empty())
    std::printf("; the previous data is in %s (delete it once the service runs well)", report->previous_dir.c_str());
  std::printf("\n");
  return 0;
}

}  // namespace provisiond::cli

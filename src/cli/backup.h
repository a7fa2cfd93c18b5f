// `provisiond backup` and `provisiond restore` (doc/backup.md): a zip holding
// a consistent copy of a CSV data directory (tables, the computers log, the
// deployment and audit journals, the keys only when asked), and its
// verified, all-or-nothing restore.
//
// Why the backup reads the directory itself, running server or not (no
// admin route): every write of the CSV store already leaves the directory
// in a state a crash could leave, which Open() loads; so a copy is
// consistent exactly when it is such a state. Two rules give one:
//   - Tables (the *.csv files and computers.csv.wal): each is replaced by
//     rename or appended under the store's write lock, so the set is
//     consistent at any instant between two writes. The files are stat'ed
//     (inode, size, mtime), read, and stat'ed again; if anything changed
//     the read is repeated (a few ms each; up to max_table_reads). Equal
//     stats before and after mean each file held one content throughout:
//     the copy is the set as it was at one instant.
//   - Journals are append-only, so any prefix of a file is a past state of
//     it. Each file is cut to its last whole record (an append in flight is
//     left out, as replay would skip it), and every events file is read
//     before any deployments file: a RecordEvent writes the state row, then
//     the event (its commit record), so each event copied has its state row
//     copied too, and a state row whose event was not copied is ignored on
//     replay, as after a crash between the two.
// The same code then serves offline (no server) and online, needs no
// credentials, and cannot stall the server: it only reads.
//
// Not thread-safe across calls on one directory: one restore at a time (the
// data directory lock, platform/dir_lock.h, enforces it against servers).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "platform/dir_lock.h"

namespace provisiond::cli {

inline constexpr int kBackupFormat = 1;  // manifest.json "format" this build writes and reads
inline constexpr char kManifestName[] = "manifest.json";

struct BackupEntry {
  std::string name;    // path in the zip = path under the data directory ("deployments/events-2026-12-04.csv");
                       // keys under "keys/" wherever the keys directory is
  uint64_t size = 0;
  std::string sha256;  // lower-case hex of the content
  unsigned mode = 0;   // keys: permission bits to restore; 0 for data files (0644 then)
  friend bool operator==(const BackupEntry&, const BackupEntry&) = default;
};

struct Manifest {
  int format = kBackupFormat;
  std::string provisiond_version;
  std::string created_at;  // ISO-8601 UTC
  std::string data_dir;    // where it was taken (absolute)
  bool with_keys = false;
  int table_reads = 1;     // reads until the tables were seen unchanged (1: no write landed meanwhile)
  std::vector<BackupEntry> files;  // every entry of the zip but manifest.json
  friend bool operator==(const Manifest&, const Manifest&) = default;
};

std::string EncodeManifest(const Manifest& m);
// kInvalidArgument naming the field that is missing or wrong; a format
// newer than kBackupFormat says which provisiond version made it.
Result<Manifest> ParseManifest(std::string_view json);

struct BackupOptions {
  std::string data_dir;
  std::string keys_dir;       // default (empty): <data_dir>/keys
  bool with_keys = false;     // include the keys directory (private keys: keep the zip safe)
  std::string out;            // the zip; written 0600, temp file + rename
  bool force = false;         // replace an existing `out`
  int max_table_reads = 100;  // then kUnavailable: the tables kept changing
  Timestamp now{};            // created_at; default: Now()
  // Runs after each read of the tables, before the stats are checked again
  // (a test edits a table there, as a concurrent write would).
  std::function<void(int read)> after_tables_read_for_testing;
  // Runs after the events files are read, before the deployments files (a
  // test records an event there, as an endpoint could).
  std::function<void()> after_events_read_for_testing;
};

struct BackupSummary {
  Manifest manifest;
  uint64_t zip_bytes = 0;
};

// Writes the backup of options.data_dir to options.out. On any error `out`
// is untouched (no partial archive). kNotFound: no data directory;
// kConflict: `out` exists and !force; kInvalidArgument: with_keys and no
// keys directory; kUnavailable: the tables changed during every read
// (retry); kIoError naming the path.
Result<BackupSummary> CreateBackup(const BackupOptions& options);

// A backup read back and verified.
struct BackupContents {
  Manifest manifest;
  std::map<std::string, std::string> files;  // name -> content, exactly the manifest's files
};

// Reads `zip_path` and checks it: a readable zip (every entry's CRC), a
// manifest.json this build reads, each listed file present with its size
// and SHA-256, no other entry, only relative names without "..". Errors
// (kInvalidArgument, kNotFound for a missing file) name the file and the
// problem; nothing is written.
Result<BackupContents> ReadBackup(const std::string& zip_path);

struct RestoreOptions {
  std::string from;       // the zip
  std::string data_dir;   // replaced as a whole; may not exist yet
  std::string keys_dir;   // default (empty): <data_dir>/keys
  bool with_keys = false; // restore the backup's keys (else the current keys stay)
  bool dry_run = false;   // verify and show the changes; write nothing
  Timestamp now{};        // names DIR.before-restore-<time>; default: Now()
};

struct RestoreReport {
  std::string text;          // what changes (or would): tables diff, journals, keys
  std::string previous_dir;  // where the replaced data directory is kept ("" if none or dry run)
};

// Verifies the backup (ReadBackup, then its tables with the store's own
// loader and its journal by replaying it), then, unless dry_run, swaps it in:
// written into DIR.restoring beside DIR, fsynced, then exchanged with DIR in
// one rename (renameat2 RENAME_EXCHANGE), the old one kept as
// DIR.before-restore-<time>. A crash leaves the old or the new directory at
// DIR, never a mix. Any error leaves DIR untouched: kInvalidArgument (a
// damaged backup, a table that does not load, file:line:col),
// kUnavailable (a running provisiond holds DIR), kIoError.
// Without with_keys the current <DIR>/keys is carried into the new DIR.
Result<RestoreReport> Restore(const RestoreOptions& options);

// Takes the data directory's lock (platform/dir_lock.h) for `serve` and
// `restore`. kUnavailable naming the pid when another process holds it.
Result<std::unique_ptr<platform::DirLock>> LockDataDir(const std::string& dir);

// The commands (argv[0] is the subcommand; --data-dir and --keys-dir come
// resolved from main). Exit codes: 0 done, 1 refused/failed, 2 bad usage.
//   backup  --out FILE.zip [--with-keys] [--force]
//   restore --from FILE.zip [--with-keys] [--dry-run]
int RunBackup(int argc, char** argv);
int RunRestore(int argc, char** argv);

}  // namespace provisiond::cli

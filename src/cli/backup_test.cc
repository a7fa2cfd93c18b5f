// Backup and restore (cli/backup.h): the manifest, the consistent read of a
// directory a store is writing, the checks a damaged archive fails, and the
// all-or-nothing swap.
#include "cli/backup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/app.h"
#include "pki/sha256.h"
#include "platform/private_file.h"
#include "store/csv/csv_store.h"
#include "store/testing/temp_dir_for_testing.h"

namespace provisiond::cli {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// Every regular file under `dir` (relative name -> content).
std::map<std::string, std::string> Tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).generic_string()] = Read(e.path());
  return out;
}

// A zip holding exactly `entries`, made with libzip as any archiver would.
void WriteZip(const fs::path& path, const std::map<std::string, std::string>& entries) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(z, nullptr);
  for (const auto& [name, text] : entries) {
    zip_source_t* src = zip_source_buffer(z, text.data(), text.size(), 0);
    ASSERT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE), 0);
  }
  ASSERT_EQ(zip_close(z), 0);
}

// The zip's entries (name -> content).
std::map<std::string, std::string> ReadZip(const fs::path& path) {
  std::map<std::string, std::string> out;
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (z == nullptr) return out;
  for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
    zip_stat_t st;
    zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st);
    std::string data(st.size, '\0');
    zip_file_t* f = zip_fopen_index(z, static_cast<zip_uint64_t>(i), 0);
    zip_fread(f, data.data(), st.size);
    zip_fclose(f);
    out[st.name] = data;
  }
  zip_discard(z);
  return out;
}

void WriteKey(const fs::path& p, const std::string& text, unsigned mode) {
  fs::create_directories(p.parent_path());
  ASSERT_EQ(platform::WriteFileAtomic(p.string(), text, mode).err, 0) << p;
}

Manifest ManifestFor(const std::map<std::string, std::string>& files) {
  Manifest m;
  m.provisiond_version = "1.2.3";
  m.created_at = "2026-12-04T18:00:00.000Z";
  m.data_dir = "/srv/data_csv";
  for (const auto& [name, text] : files) m.files.push_back({name, text.size(), pki::Sha256::HexOf(text), 0});
  return m;
}

// A sample data directory with a store's writes in it: a computer still in
// computers.csv.wal, a deployment with two events, an audit entry.
struct LiveDir {
  store::testing::TempDir tmp;
  fs::path dir = fs::path(tmp.path()) / "data_csv";
  std::string deployment_id = "dep-1";

  LiveDir() {
    EXPECT_TRUE(InitDataDir(dir.string(), true).ok());
    store::CsvStoreOptions o;
    o.data_dir = dir.string();
    o.reload_interval = std::chrono::milliseconds(0);
    o.computers_flush_delay = std::chrono::hours(1);  // stays in the log
    auto s = store::CsvStore::Open(o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    model::Computer c;
    c.serial = "BACKUP1";
    c.computer_name = "FR-BACKUP1";
    EXPECT_TRUE((*s)->PutComputer(c, std::nullopt).ok());
    model::Deployment d;
    d.id = deployment_id;
    d.serial = "BACKUP1";
    d.started = d.last_heartbeat = Now();
    auto created = (*s)->CreateDeployment(d);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    model::Deployment cur = *created;
    for (int i = 1; i <= 2; ++i) {
      model::DeploymentEvent e;
      e.deployment_id = d.id;
      e.event_id = "e" + std::to_string(i);
      e.at = Now();
      e.percent = i * 10;
      model::Deployment next = cur;
      next.percent = i * 10;
      auto r = (*s)->RecordEvent(e, next);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      cur = r->deployment;
    }
    model::AuditEntry a;
    a.at = Now();
    a.actor = "admin";
    a.action = "test";
    EXPECT_TRUE((*s)->AppendAudit(a).ok());
    // Closing flushes the log into computers.csv: put it back as a crash
    // would leave it, so the backup must carry the log.
    std::string wal = Read(dir / "computers.csv.wal");
    EXPECT_FALSE(wal.empty());
    std::string computers = Read(dir / "computers.csv");
    s->reset();
    Write(dir / "computers.csv", computers);
    Write(dir / "computers.csv.wal", wal);
  }
};

store::CsvStoreOptions QuietStore(const fs::path& dir) {
  store::CsvStoreOptions o;
  o.data_dir = dir.string();
  o.reload_interval = std::chrono::milliseconds(0);
  o.computers_flush_delay = std::chrono::milliseconds(0);
  return o;
}

TEST(Manifest, RoundTripsThroughJson) {
  Manifest m = ManifestFor({{"computers.csv", "serial\n"}, {"deployments/events-2026-12-04.csv", "a\n"}});
  m.with_keys = true;
  m.table_reads = 3;
  m.files.push_back({"keys/root.pvk", 5, std::string(64, 'a'), 0600});
  auto back = ParseManifest(EncodeManifest(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
}

TEST(Manifest, BadManifestsNameTheProblem) {
  const std::string sha(64, 'a');
  struct Case {
    const char* name;
    std::string json;
    std::string want;
  } cases[] = {
      {"not json", "{nope", "not JSON"},
      {"no format", R"({"provisiond_version":"1"})", "\"format\""},
      {"newer format", R"({"format":2,"provisiond_version":"9.9.0"})", "format 2 (made by provisiond 9.9.0)"},
      {"no files", R"({"format":1,"provisiond_version":"1","created_at":"x","data_dir":"d","with_keys":false})",
       "\"files\""},
      {"short sha",
       R"({"format":1,"provisiond_version":"1","created_at":"x","data_dir":"d","with_keys":false,)"
       R"("files":[{"name":"a.csv","size":1,"sha256":"ab"}]})",
       "files[0]"},
      {"escaping name",
       R"({"format":1,"provisiond_version":"1","created_at":"x","data_dir":"d","with_keys":false,)"
       R"("files":[{"name":"../etc/passwd","size":1,"sha256":")" + sha + R"("}]})",
       "not a relative path"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto m = ParseManifest(c.json);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(m.status().message().find(c.want), std::string::npos) << m.status().message();
  }
}

TEST(Backup, HoldsTablesLogJournalAndAuditWithChecksumsAndMode0600) {
  LiveDir live;
  fs::path out = live.tmp.path() + "/b.zip";
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = out.string();
  auto summary = CreateBackup(o);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(platform::FileMode(out.string()), 0600);
  EXPECT_EQ(summary->manifest.table_reads, 1);
  auto zip = ReadZip(out);
  auto tree = Tree(live.dir);
  // Every table, the log and each journal and audit file, byte for byte.
  for (const auto& [name, text] : tree) {
    if (name.starts_with("keys/") || name == ".provisiond.lock") continue;
    SCOPED_TRACE(name);
    ASSERT_TRUE(zip.contains(name));
    EXPECT_EQ(zip[name], text);
  }
  EXPECT_TRUE(zip.contains("computers.csv.wal"));
  bool events = false, deployments = false, audit = false;
  for (const auto& [name, text] : zip) {
    events = events || name.starts_with("deployments/events-");
    deployments = deployments || name.starts_with("deployments/deployments-");
    audit = audit || name.starts_with("audit/audit-");
  }
  EXPECT_TRUE(events && deployments && audit);
  auto m = ParseManifest(zip["manifest.json"]);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->files.size(), zip.size() - 1);
  for (const auto& f : m->files) EXPECT_EQ(f.sha256, pki::Sha256::HexOf(zip[f.name])) << f.name;
  EXPECT_FALSE(m->with_keys);
}

TEST(Backup, RefusesToReplaceAnArchiveWithoutForce) {
  LiveDir live;
  fs::path out = live.tmp.path() + "/b.zip";
  Write(out, "precious");
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = out.string();
  auto r = CreateBackup(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("--force"), std::string::npos);
  EXPECT_EQ(Read(out), "precious");
  o.force = true;
  ASSERT_TRUE(CreateBackup(o).ok());
  EXPECT_TRUE(ReadZip(out).contains("manifest.json"));
}

TEST(Backup, TablesChangedDuringTheReadAreReadAgain) {
  LiveDir live;
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/b.zip";
  const std::string apps_before = Read(live.dir / "apps.csv");
  const std::string apps_after = apps_before + "NewApp,,,,\n";
  o.after_tables_read_for_testing = [&](int read) {
    if (read != 1) return;
    // A write between the reads of two tables: replaced by rename, as the store does.
    Write(live.dir / "apps.csv.new", apps_after);
    fs::rename(live.dir / "apps.csv.new", live.dir / "apps.csv");
  };
  auto summary = CreateBackup(o);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->manifest.table_reads, 2);
  EXPECT_EQ(ReadZip(o.out)["apps.csv"], apps_after);
}

TEST(Backup, GivesUpWhenTheTablesNeverHoldStill) {
  LiveDir live;
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/b.zip";
  o.max_table_reads = 3;
  o.after_tables_read_for_testing = [&](int read) { Write(live.dir / "config.csv", "key,value\nn," + std::to_string(read) + "\n"); };
  auto r = CreateBackup(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(fs::exists(o.out));
}

TEST(Backup, AnAppendInFlightIsLeftOutOfTheJournal) {
  LiveDir live;
  fs::path events;
  for (const auto& e : fs::directory_iterator(live.dir / "deployments"))
    if (e.path().filename().string().starts_with("events-")) events = e.path();
  ASSERT_FALSE(events.empty());
  const std::string whole = Read(events);
  Write(events, whole + "dep-1,e3,2026-12-04T18:00:00.000Z,\"half a quoted\nmess");  // torn, as mid-write
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/b.zip";
  ASSERT_TRUE(CreateBackup(o).ok());
  EXPECT_EQ(ReadZip(o.out)["deployments/" + events.filename().string()], whole);
}

TEST(Backup, AnEventRecordedDuringTheJournalReadIsWholeOrAbsent) {
  LiveDir live;
  auto s = store::CsvStore::Open(QuietStore(live.dir));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/b.zip";
  o.after_events_read_for_testing = [&] {
    // Between the reads of the events and the deployments files: the state
    // row lands in the copy, its event (the commit record) does not.
    auto cur = (*s)->GetDeployment(live.deployment_id);
    ASSERT_TRUE(cur.ok());
    model::DeploymentEvent e;
    e.deployment_id = live.deployment_id;
    e.event_id = "e3";
    e.at = Now();
    e.percent = 30;
    model::Deployment next = *cur;
    next.percent = 30;
    ASSERT_TRUE((*s)->RecordEvent(e, next).ok());
  };
  ASSERT_TRUE(CreateBackup(o).ok());
  EXPECT_EQ((*s)->GetDeployment(live.deployment_id)->version, 4u);  // the event is stored
  RestoreOptions r;
  r.from = o.out;
  r.data_dir = live.tmp.path() + "/restored";
  ASSERT_TRUE(Restore(r).ok());
  auto restored = store::CsvStore::Open(QuietStore(r.data_dir));
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  auto d = (*restored)->GetDeployment(live.deployment_id);
  ASSERT_TRUE(d.ok());
  // The state the copied events lead to, not the one of the missing event.
  EXPECT_EQ((*restored)->EventsOf(live.deployment_id)->size(), 2u);
  EXPECT_EQ(d->version, 3u);
  EXPECT_EQ(d->percent, 20);
}

TEST(Backup, KeysOnlyWithWithKeys) {
  LiveDir live;
  WriteKey(live.dir / "keys/root.pvk", "PRIVATE", 0600);
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/plain.zip";
  ASSERT_TRUE(CreateBackup(o).ok());
  EXPECT_FALSE(ReadZip(o.out).contains("keys/root.pvk"));
  o.out = live.tmp.path() + "/keys.zip";
  o.with_keys = true;
  auto s = CreateBackup(o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(ReadZip(o.out)["keys/root.pvk"], "PRIVATE");
  EXPECT_TRUE(s->manifest.with_keys);
  o.keys_dir = live.tmp.path() + "/no-such-keys";
  o.force = true;
  auto missing = CreateBackup(o);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no-such-keys"), std::string::npos);
}

// ---- verification -----------------------------------------------------------

TEST(ReadBackup, DamagedArchivesNameTheProblem) {
  store::testing::TempDir tmp;
  const std::map<std::string, std::string> files = {{"apps.csv", "name\n"}, {"config.csv", "key,value\n"}};
  const std::string manifest = EncodeManifest(ManifestFor(files));
  auto with = [&](std::map<std::string, std::string> entries) {
    entries.merge(std::map<std::string, std::string>(files));
    return entries;
  };
  struct Case {
    const char* name;
    std::map<std::string, std::string> entries;
    std::string want;
  } cases[] = {
      {"no manifest", files, "no manifest.json"},
      {"content changed", {{"manifest.json", manifest}, {"apps.csv", "NAME\n"}, {"config.csv", "key,value\n"}},
       "checksum mismatch in apps.csv"},
      {"file missing", {{"manifest.json", manifest}, {"apps.csv", "name\n"}}, "config.csv is listed"},
      {"file added", with({{"manifest.json", manifest}, {"extra.csv", "x\n"}}), "extra.csv is in the archive"},
      {"size changed", {{"manifest.json", manifest}, {"apps.csv", "name,x\n"}, {"config.csv", "key,value\n"}},
       "apps.csv: size mismatch"},
      {"newer format", with({{"manifest.json", R"({"format":7,"provisiond_version":"9.0.0"})"}}), "format 7"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    fs::path zip = tmp.path() + "/case.zip";
    WriteZip(zip, c.entries);
    auto r = ReadBackup(zip.string());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
  }
  WriteZip(tmp.path() + "/good.zip", with({{"manifest.json", manifest}}));
  auto good = ReadBackup(tmp.path() + "/good.zip");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->files, files);
}

TEST(ReadBackup, AFlippedByteIsCaught) {
  LiveDir live;
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/b.zip";
  ASSERT_TRUE(CreateBackup(o).ok());
  const std::string bytes = Read(o.out);
  auto original = ReadBackup(o.out);
  ASSERT_TRUE(original.ok()) << original.status().ToString();
  // Every 11th byte of the archive: a clear error, never a crash, and never
  // a "verified" backup with other content.
  size_t caught = 0;
  for (size_t i = 0; i < bytes.size(); i += 11) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    Write(o.out, bad);
    auto r = ReadBackup(o.out);
    if (!r.ok()) {
      ++caught;
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
      continue;
    }
    // Undetected only where the byte carries no content (a time stamp, an
    // attribute): the files are the original ones.
    EXPECT_EQ(r->files, original->files) << "byte " << i;
  }
  EXPECT_GT(caught, 0u);
  Write(o.out, "not a zip at all");
  auto r = ReadBackup(o.out);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a readable zip"), std::string::npos) << r.status().message();
}

// ---- restore ----------------------------------------------------------------

TEST(Restore, ReplacesTheDirectoryKeepsTheOldOneAndServesTheSameState) {
  LiveDir live;
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/b.zip";
  ASSERT_TRUE(CreateBackup(o).ok());
  const auto backed_up = Tree(live.dir);
  // Later changes the restore must undo; keys it must keep.
  Write(live.dir / "config.csv", "key,value\nlater,1\n");
  fs::remove(live.dir / "computers.csv.wal");
  WriteKey(live.dir / "keys/root.pvk", "CURRENT-KEY", 0600);
  const auto before_restore = Tree(live.dir);

  RestoreOptions r;
  r.from = o.out;
  r.data_dir = live.dir.string() + "/";  // a trailing slash names the same directory
  r.now = *ParseIso8601("2026-12-04T19:00:00Z");
  auto report = Restore(r);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->previous_dir, live.dir.string() + ".before-restore-20261204T190000Z");
  auto now = Tree(live.dir);
  for (const auto& [name, text] : backed_up) {
    if (name.starts_with("keys/") || name == ".provisiond.lock") continue;
    EXPECT_EQ(now[name], text) << name;
  }
  EXPECT_EQ(now["keys/root.pvk"], "CURRENT-KEY");  // carried over without --with-keys
  EXPECT_EQ(platform::FileMode((live.dir / "keys/root.pvk").string()), 0600);
  auto previous = Tree(report->previous_dir);
  previous.erase(".provisiond.lock");  // taken by the restore on the old directory
  auto expected_previous = before_restore;
  expected_previous.erase(".provisiond.lock");
  EXPECT_EQ(previous, expected_previous);
  EXPECT_FALSE(fs::exists(live.dir.string() + ".restoring"));

  // The store opens it with the logged computer and the deployment's events.
  auto s = store::CsvStore::Open(QuietStore(live.dir));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_NE((*s)->Snapshot()->FindComputerBySerial("BACKUP1"), nullptr);
  auto d = (*s)->GetDeployment(live.deployment_id);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->percent, 20);
  EXPECT_EQ(d->version, 3u);
  EXPECT_EQ((*s)->EventsOf(live.deployment_id)->size(), 2u);
}

TEST(Restore, DryRunShowsTheChangesAndWritesNothing) {
  LiveDir live;
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/b.zip";
  ASSERT_TRUE(CreateBackup(o).ok());
  Write(live.dir / "config.csv", "key,value\nlater,1\n");
  const auto before = Tree(live.dir);
  RestoreOptions r;
  r.from = o.out;
  r.data_dir = live.dir.string();
  r.dry_run = true;
  auto report = Restore(r);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_NE(report->text.find("config.csv"), std::string::npos) << report->text;
  EXPECT_NE(report->text.find("1 deployments, 2 events"), std::string::npos) << report->text;
  EXPECT_EQ(Tree(live.dir), before);
  EXPECT_FALSE(fs::exists(live.dir.string() + ".restoring"));
  EXPECT_TRUE(report->previous_dir.empty());
}

TEST(Restore, ATableThatDoesNotLoadRefusesAndChangesNothing) {
  LiveDir live;
  std::map<std::string, std::string> files = {
      {"computers.csv",
       "serial,computername,postype,setkeyboard,country,language,timezone\n"
       "A1,FR-A1,DEV,,FR,,\nA1,FR-A2,DEV,,FR,,\n"}};  // the serial twice
  WriteZip(live.tmp.path() + "/bad.zip", {{"manifest.json", EncodeManifest(ManifestFor(files))},
                                           {"computers.csv", files["computers.csv"]}});
  const auto before = Tree(live.dir);
  RestoreOptions r;
  r.from = live.tmp.path() + "/bad.zip";
  r.data_dir = live.dir.string();
  auto report = Restore(r);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(report.status().message().find("computers.csv: line 3"), std::string::npos) << report.status().message();
  auto after = Tree(live.dir);
  after.erase(".provisiond.lock");
  auto want = before;
  want.erase(".provisiond.lock");
  EXPECT_EQ(after, want);
  EXPECT_FALSE(fs::exists(live.dir.string() + ".restoring"));
}

TEST(Restore, RefusedWhileAServerHoldsTheDirectory) {
  LiveDir live;
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/b.zip";
  ASSERT_TRUE(CreateBackup(o).ok());
  auto held = LockDataDir(live.dir.string());  // as `serve` holds it
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  Write(live.dir / "config.csv", "key,value\nlater,1\n");
  RestoreOptions r;
  r.from = o.out;
  r.data_dir = live.dir.string();
  auto report = Restore(r);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(report.status().message().find("pid " + std::to_string(::getpid())), std::string::npos)
      << report.status().message();
  EXPECT_EQ(Read(live.dir / "config.csv"), "key,value\nlater,1\n");
  held->reset();
  EXPECT_TRUE(Restore(r).ok());
  EXPECT_NE(Read(live.dir / "config.csv"), "key,value\nlater,1\n");
}

TEST(Restore, WithKeysRestoresTheBackupsKeysWithTheirModes) {
  LiveDir live;
  WriteKey(live.dir / "keys/root.pvk", "OLD-ROOT", 0600);
  WriteKey(live.dir / "keys/root.crt", "CERT", 0644);
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/b.zip";
  o.with_keys = true;
  ASSERT_TRUE(CreateBackup(o).ok());
  WriteKey(live.dir / "keys/root.pvk", "NEW-ROOT", 0600);
  RestoreOptions r;
  r.from = o.out;
  r.data_dir = live.dir.string();
  r.with_keys = true;
  auto report = Restore(r);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(Read(live.dir / "keys/root.pvk"), "OLD-ROOT");
  EXPECT_EQ(platform::FileMode((live.dir / "keys/root.pvk").string()), 0600);
  EXPECT_EQ(platform::FileMode((live.dir / "keys/root.crt").string()), 0644);

  // A backup without keys cannot restore keys.
  BackupOptions plain = o;
  plain.with_keys = false;
  plain.out = live.tmp.path() + "/plain.zip";
  ASSERT_TRUE(CreateBackup(plain).ok());
  r.from = plain.out;
  auto refused = Restore(r);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("without --with-keys"), std::string::npos);
}

TEST(Restore, AKeysDirectoryOutsideTheDataDirectoryIsSwappedOnlyWithWithKeys) {
  LiveDir live;
  const fs::path keys = fs::path(live.tmp.path()) / "etc-keys";
  WriteKey(keys / "root.pvk", "BACKED-UP", 0600);
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.keys_dir = keys.string();
  o.out = live.tmp.path() + "/b.zip";
  o.with_keys = true;
  ASSERT_TRUE(CreateBackup(o).ok());
  WriteKey(keys / "root.pvk", "ROTATED", 0600);
  RestoreOptions r;
  r.from = o.out;
  r.data_dir = live.dir.string();
  r.keys_dir = keys.string();
  r.now = *ParseIso8601("2026-12-04T19:00:00Z");
  ASSERT_TRUE(Restore(r).ok());
  EXPECT_EQ(Read(keys / "root.pvk"), "ROTATED");  // without --with-keys: untouched
  EXPECT_FALSE(fs::exists(live.dir / "keys"));   // and not copied into the data directory
  r.with_keys = true;
  auto report = Restore(r);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(Read(keys / "root.pvk"), "BACKED-UP");
  EXPECT_EQ(platform::FileMode((keys / "root.pvk").string()), 0600);
  EXPECT_EQ(Read(keys.string() + ".before-restore-20261204T190000Z/root.pvk"), "ROTATED");
}

TEST(Restore, ALeftoverOfACrashedRestoreIsReplaced) {
  LiveDir live;
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/b.zip";
  ASSERT_TRUE(CreateBackup(o).ok());
  // What a restore that crashed before its swap leaves: DIR as it was, and a half staging copy.
  Write(live.dir.string() + ".restoring/computers.csv", "serial\nHALF");
  Write(live.dir.string() + ".restoring/stray.csv", "from the crashed run");
  RestoreOptions r;
  r.from = o.out;
  r.data_dir = live.dir.string();
  auto report = Restore(r);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(fs::exists(live.dir.string() + ".restoring"));
  EXPECT_EQ(Read(live.dir / "computers.csv"), ReadZip(o.out)["computers.csv"]);
  EXPECT_FALSE(fs::exists(live.dir / "stray.csv"));
}

TEST(Restore, ADataDirectoryBehindASymlinkIsReplacedWhereItIs) {
  LiveDir live;
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/b.zip";
  ASSERT_TRUE(CreateBackup(o).ok());
  Write(live.dir / "config.csv", "key,value\nlater,1\n");
  const fs::path link = fs::path(live.tmp.path()) / "current";
  fs::create_directory_symlink(live.dir, link);
  RestoreOptions r;
  r.from = o.out;
  r.data_dir = link.string();
  auto report = Restore(r);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(Read(live.dir / "config.csv"), ReadZip(o.out)["config.csv"]);
  EXPECT_EQ(report->previous_dir.rfind(live.dir.string() + ".before-restore-", 0), 0u) << report->previous_dir;
}

TEST(Restore, IntoADirectoryThatDoesNotExistYet) {
  LiveDir live;
  BackupOptions o;
  o.data_dir = live.dir.string();
  o.out = live.tmp.path() + "/b.zip";
  ASSERT_TRUE(CreateBackup(o).ok());
  RestoreOptions r;
  r.from = o.out;
  r.data_dir = live.tmp.path() + "/fresh";
  auto report = Restore(r);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->previous_dir.empty());
  EXPECT_EQ(Read(live.tmp.path() + "/fresh/computers.csv"), Read(live.dir / "computers.csv"));
  EXPECT_FALSE(fs::exists(live.tmp.path() + "/fresh/keys"));
}

}  // namespace
}  // namespace provisiond::cli

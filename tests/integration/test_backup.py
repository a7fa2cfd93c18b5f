"""provisiond backup / restore (doc/backup.md) against the real binary: a backup
taken while a thread keeps writing (admin API edits across three tables,
deployments and their events) restores to a consistent state that a new server
serves; damaged archives are refused by name and change nothing; keys only with
--with-keys; no restore under a running server."""
import csv
import io
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import unittest
import zipfile

from harness import BIN, Service


def run(*args):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=120)


def tree(path):
    """Every file under `path` (relative name -> bytes), the lock file left out."""
    out = {}
    for root, _, files in os.walk(path):
        for name in files:
            full = os.path.join(root, name)
            rel = os.path.relpath(full, path)
            if rel == ".provisiond.lock":
                continue
            with open(full, "rb") as f:
                out[rel] = f.read()
    return out


class Writer(threading.Thread):
    """Keeps writing through the API: an app, a type listing it, a computer of
    that type, a deployment of that computer and three events (percent 10, 20,
    30). `acked` holds what the server acknowledged, in order."""

    def __init__(self, svc):
        super().__init__(daemon=True)
        self.svc = svc
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked = []  # ("app"|"type"|"computer", key) or ("event", deployment id, percent) / ("deployment", id)
        self.errors = []

    def ack(self, *item):
        with self.lock:
            self.acked.append(item)

    def snapshot(self):
        with self.lock:
            return list(self.acked)

    def expect(self, status, want, what):
        if status != want:
            self.errors.append("%s: %s" % (what, status))
            return False
        return True

    def run(self):
        i = 0
        while not self.stop.is_set() and len(self.errors) < 5:
            i += 1
            app, typ, serial = "BkApp%d" % i, "BKT%d" % i, "BK%05d" % i
            s, _ = self.svc.post_json("/api/v1/admin/apps", {"name": app, "url": "https://example.org/%s.msi" % app})
            if not self.expect(s, 201, "app " + app):
                continue
            self.ack("app", app)
            s, _ = self.svc.post_json("/api/v1/admin/types", {"name": typ, "applications": [app]})
            if not self.expect(s, 201, "type " + typ):
                continue
            self.ack("type", typ)
            s, _ = self.svc.post_json("/api/v1/admin/computers",
                                      {"serial": serial, "computer_name": "FR-" + serial, "type": typ})
            if not self.expect(s, 201, "computer " + serial):
                continue
            self.ack("computer", serial)
            s, body = self.svc.post_json("/api/v1/endpoint/deployments", {"serial": serial, "model": "Latitude 5420"})
            if not self.expect(s, 201, "deployment of " + serial):
                continue
            dep = body["deployment"]["id"]
            self.ack("deployment", dep)
            for n in (1, 2, 3):
                s, _ = self.svc.post_json("/api/v1/endpoint/deployments/%s/events" % dep,
                                          {"event_id": "e-%d" % n, "phase": "apps", "percent": 10 * n,
                                           "message": "step %d" % n})
                if self.expect(s, 201, "event %d of %s" % (n, dep)):
                    self.ack("event", dep, 10 * n)


class BackupRestore(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pvd-backup-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_backup_during_writes_restores_a_consistent_state(self):
        svc = Service()
        self.addCleanup(svc.cleanup)
        r = svc.cli("keys", "root-init")
        self.assertEqual(r.returncode, 0, r.stderr)
        svc.start()
        writer = Writer(svc)
        writer.start()
        # Four backups, each while the writes go on.
        backups = []  # (zip, acknowledged before it began, backup's stdout)
        grew = 0
        for k in range(4):
            while len(writer.snapshot()) < 25 * (k + 1) and not writer.errors:
                threading.Event().wait(0.01)
            before = writer.snapshot()
            zip_path = os.path.join(self.tmp, "live-%d.zip" % k)
            r = svc.cli("backup", "--out", zip_path, "--with-keys")
            grew += len(writer.snapshot()) - len(before)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("keys included", r.stdout)
            backups.append((zip_path, before, r.stdout))
        writer.stop.set()
        writer.join(60)
        # A restore under the running server is refused: no staging copy, no swap.
        refused = svc.cli("restore", "--from", backups[0][0])
        beside = os.listdir(os.path.dirname(svc.data_dir))
        svc.stop()
        self.assertEqual([n for n in beside if n.startswith("data_csv.")], [])
        self.assertEqual(writer.errors, [])
        self.assertGreater(grew, 0, "the writes went on during the backups")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("in use by another provisiond process (pid %d)" % svc.proc.pid, refused.stderr)
        self.assertFalse(os.path.exists(svc.data_dir + ".restoring"))
        after_writes = writer.snapshot()
        for k, (zip_path, before, out) in enumerate(backups):
            with self.subTest(backup=k, acked_before=len(before), made=out.strip()):
                self.assertEqual(stat.S_IMODE(os.stat(zip_path).st_mode), 0o600)
                self.check_restored(svc, zip_path, os.path.join(self.tmp, "restored-%d" % k), before, after_writes)

    def check_restored(self, svc, zip_path, target, before, after_writes):
        """Restores `zip_path` into `target` (a new machine), serves it and checks
        it holds everything acknowledged in `before`, consistently."""
        r = run("restore", "--from", zip_path, "--data-dir", target, "--with-keys")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("checksums ok", r.stdout)
        self.assertEqual(run("check", "--data-dir", target).returncode, 0)
        # Journal files end on whole records; every row has the header's columns.
        journal = os.path.join(target, "deployments")
        names = sorted(os.listdir(journal))
        self.assertTrue(any(n.startswith("events-") for n in names), names)
        for name in names:
            with open(os.path.join(journal, name), newline="") as f:
                text = f.read()
            self.assertTrue(text.endswith("\n"), name)
            rows = list(csv.reader(io.StringIO(text)))
            self.assertTrue(all(len(row) == len(rows[0]) for row in rows), name)
        # Keys came with --with-keys, private ones 0600.
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(target, "keys", "root.pvk")).st_mode), 0o600)
        with open(os.path.join(svc.data_dir, "keys", "root.pvk"), "rb") as a, \
                open(os.path.join(target, "keys", "root.pvk"), "rb") as b:
            self.assertEqual(a.read(), b.read())

        restored = Service(data=target)
        self.addCleanup(restored.cleanup)
        restored.start()
        get = restored.get_json
        # Everything acknowledged before the backup began is there.
        for item in before:
            kind, key = item[0], item[1]
            path = {"app": "/api/v1/admin/apps/", "type": "/api/v1/admin/types/",
                    "computer": "/api/v1/admin/computers/", "deployment": "/api/v1/admin/deployments/",
                    "event": "/api/v1/admin/deployments/"}[kind] + key
            s, body = get(path)
            self.assertEqual(s, 200, item)
            if kind == "event":
                self.assertIn(item[2], [e["percent"] for e in body["events"]], item)
        # Cross-table: every type lists apps that exist, every computer's type exists.
        s, apps = get("/api/v1/admin/apps?limit=1000")
        s, types = get("/api/v1/admin/types?limit=1000")
        s, computers = get("/api/v1/admin/computers?limit=1000&q=BK")
        app_names = {a["name"] for a in apps["items"]}
        type_names = {t["name"].upper() for t in types["items"]}
        for t in types["items"]:
            for a in t["applications"]:
                self.assertIn(a, app_names, t["name"])
        for c in computers["items"]:
            if c["serial"].startswith("BK"):
                self.assertIn(c["type"].upper(), type_names, c["serial"])
        # Every deployment's state matches its events; none is half stored,
        # and none holds more than the server acknowledged.
        s, deps = get("/api/v1/admin/deployments?limit=1000")
        self.assertEqual(s, 200)
        self.assertLess(deps["total"], 1000)  # one page holds them all
        acked_deps = [a[1] for a in after_writes if a[0] == "deployment"]
        before_deps = [a[1] for a in before if a[0] == "deployment"]
        ours = [d for d in deps["items"] if d["serial"].startswith("BK")]
        self.assertGreaterEqual(len(ours), len(before_deps))
        self.assertLessEqual(len(ours), len(acked_deps))
        for d in ours:
            self.assertIn(d["id"], acked_deps)
            s, full = get("/api/v1/admin/deployments/" + d["id"])
            events = full["events"]
            acked_events = [a[2] for a in after_writes if a[0] == "event" and a[1] == d["id"]]
            self.assertLessEqual(len(events), len(acked_events), d["id"])
            self.assertEqual(full["deployment"]["version"], 1 + len(events), d["id"])
            self.assertEqual([e["percent"] for e in events], [10 * (n + 1) for n in range(len(events))], d["id"])
            self.assertEqual(full["deployment"]["percent"], events[-1]["percent"] if events else 0, d["id"])
        restored.cleanup()

    def backup_of_sample(self):
        svc = Service()
        self.addCleanup(svc.cleanup)
        zip_path = os.path.join(self.tmp, "sample.zip")
        r = svc.cli("backup", "--out", zip_path)  # offline: no server
        self.assertEqual(r.returncode, 0, r.stderr)
        return svc, zip_path

    def rezip(self, src, dst, change):
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
            for info in zin.infolist():
                data = change(info.filename, zin.read(info.filename))
                if data is not None:
                    zout.writestr(info.filename, data)

    def test_damaged_backups_are_refused_by_name_and_change_nothing(self):
        svc, zip_path = self.backup_of_sample()
        # The target: the same directory, changed since (what a restore would undo).
        with open(os.path.join(svc.data_dir, "config.csv"), "a") as f:
            f.write("later,1\n")
        flipped = os.path.join(self.tmp, "flipped.zip")
        with open(zip_path, "rb") as f:
            data = bytearray(f.read())
        with zipfile.ZipFile(zip_path) as z:
            info = z.getinfo("computers.csv")
        data[info.header_offset + 30 + len(info.filename) + info.compress_size // 2] ^= 0x01
        with open(flipped, "wb") as f:
            f.write(bytes(data))
        no_manifest = os.path.join(self.tmp, "no-manifest.zip")
        self.rezip(zip_path, no_manifest, lambda n, d: None if n == "manifest.json" else d)
        edited = os.path.join(self.tmp, "edited.zip")
        self.rezip(zip_path, edited, lambda n, d: d.replace(b"SDK86P3", b"SDK86P4") if n == "computers.csv" else d)
        newer = os.path.join(self.tmp, "newer.zip")
        self.rezip(zip_path, newer, lambda n, d: d.replace(b'"format": 1', b'"format": 2')
                   if n == "manifest.json" else d)
        not_zip = os.path.join(self.tmp, "not.zip")
        with open(not_zip, "w") as f:
            f.write("hello")
        before = tree(svc.data_dir)
        for path, want in ((flipped, "computers.csv"), (no_manifest, "no manifest.json"),
                           (edited, "checksum mismatch in computers.csv"), (newer, "backup format 2"),
                           (not_zip, "not a readable zip")):
            with self.subTest(os.path.basename(path)):
                r = svc.cli("restore", "--from", path)
                self.assertEqual(r.returncode, 1, r.stdout)
                self.assertIn(want, r.stderr)
                self.assertIn("restore refused", r.stderr)
                self.assertEqual(tree(svc.data_dir), before)
                self.assertFalse(os.path.exists(svc.data_dir + ".restoring"))

    def test_a_table_with_an_error_is_refused_with_its_line(self):
        svc, zip_path = self.backup_of_sample()
        bad = os.path.join(self.tmp, "bad.zip")
        # A consistent archive (checksums redone) whose apps.csv has a bad regex.
        import hashlib
        import json
        with zipfile.ZipFile(zip_path) as z:
            files = {n: z.read(n) for n in z.namelist()}
        apps = files["apps.csv"].decode().splitlines(True)
        header = apps[0].rstrip("\r\n").split(",")
        row = [""] * len(header)
        row[0] = "BadRegex"
        row[header.index("allowed_models")] = "(unclosed"
        files["apps.csv"] = ("".join(apps) + ",".join(row) + "\n").encode()
        manifest = json.loads(files["manifest.json"])
        for f in manifest["files"]:
            f["size"] = len(files[f["name"]])
            f["sha256"] = hashlib.sha256(files[f["name"]]).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()
        with zipfile.ZipFile(bad, "w") as z:
            for n, d in files.items():
                z.writestr(n, d)
        before = tree(svc.data_dir)
        r = svc.cli("restore", "--from", bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn("apps.csv: line %d" % len(apps + [row]), r.stderr)
        self.assertEqual(tree(svc.data_dir), before)

    def test_restore_swaps_in_the_backup_and_keeps_the_old_directory(self):
        svc, zip_path = self.backup_of_sample()
        with open(os.path.join(svc.data_dir, "config.csv")) as f:
            config = f.read()
        with open(os.path.join(svc.data_dir, "config.csv"), "a") as f:
            f.write("later,1\n")
        dry = svc.cli("restore", "--from", zip_path, "--dry-run")
        self.assertEqual(dry.returncode, 0, dry.stderr)
        self.assertIn("config.csv", dry.stdout)
        self.assertIn("dry run: nothing changed", dry.stdout)
        with open(os.path.join(svc.data_dir, "config.csv")) as f:
            self.assertIn("later,1", f.read())
        r = svc.cli("restore", "--from", zip_path)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(svc.data_dir, "config.csv")) as f:
            self.assertEqual(f.read(), config)
        kept = [n for n in os.listdir(svc.tmp) if n.startswith("data_csv.before-restore-")]
        self.assertEqual(len(kept), 1, os.listdir(svc.tmp))
        with open(os.path.join(svc.tmp, kept[0], "config.csv")) as f:
            self.assertIn("later,1", f.read())
        svc.start()  # serves the restored directory
        self.assertEqual(svc.get("/readyz")[0] in (200, 503), True)

    def test_keys_only_with_with_keys(self):
        svc = Service()
        self.addCleanup(svc.cleanup)
        self.assertEqual(svc.cli("keys", "root-init").returncode, 0)
        plain = os.path.join(self.tmp, "plain.zip")
        keyed = os.path.join(self.tmp, "keyed.zip")
        self.assertEqual(svc.cli("backup", "--out", plain).returncode, 0)
        self.assertEqual(svc.cli("backup", "--out", keyed, "--with-keys").returncode, 0)
        with zipfile.ZipFile(plain) as z:
            self.assertFalse([n for n in z.namelist() if n.startswith("keys/")])
        with zipfile.ZipFile(keyed) as z:
            self.assertIn("keys/root.pvk", z.namelist())
        for p in (plain, keyed):
            self.assertEqual(stat.S_IMODE(os.stat(p).st_mode), 0o600)
        # An existing archive is not replaced without --force.
        r = svc.cli("backup", "--out", plain)
        self.assertEqual(r.returncode, 1)
        self.assertIn("--force", r.stderr)
        self.assertEqual(svc.cli("backup", "--out", plain, "--force").returncode, 0)
        # Restoring the plain backup elsewhere: no keys there.
        fresh = os.path.join(self.tmp, "fresh")
        self.assertEqual(run("restore", "--from", plain, "--data-dir", fresh).returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(fresh, "keys")))

    def test_a_second_server_on_one_data_directory_is_refused(self):
        svc = Service()
        self.addCleanup(svc.cleanup)
        svc.start()
        r = subprocess.run([BIN, "serve", "--port", "0", "--bind", "127.0.0.1", "--data-dir", svc.data_dir],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertIn("in use by another provisiond process (pid %d)" % svc.proc.pid, r.stderr)
        self.assertEqual(svc.get("/healthz")[0], 200)  # the first one serves on
        # Once it stopped (the kernel released the lock, whatever the exit), one starts again.
        svc.stop(signal.SIGKILL)
        svc.start()
        self.assertEqual(svc.get("/healthz")[0], 200)

    def test_help_lists_the_commands(self):
        r = run("--help")
        self.assertIn("backup", r.stdout)
        self.assertIn("restore", r.stdout)
        for cmd, words in (("backup", ("--out", "--with-keys", "--force")),
                           ("restore", ("--from", "--dry-run", "--with-keys"))):
            r = run(cmd, "--help")
            self.assertEqual(r.returncode, 0)
            for w in words:
                self.assertIn(w, r.stdout)


if __name__ == "__main__":
    unittest.main()

"""The PostgreSQL backend against the real binary and a real PostgreSQL 15
(started on loopback by this module, harness.Postgres; one server for the
module, one database per test):

  (a) schema migrations: from an empty database (`db status` says version 0,
      `db migrate` -> 2, again a no-op), from the previous version
      (`db migrate --to 1`, data imported there, `db migrate` keeps it), and a
      database newer than the binary refused by `db migrate` and by `serve`;
      `serve` migrates at start and reads the database, not the CSV files;
      the URL from PROVISIOND_POSTGRES_URL;
  (b) `db import` / `db export` (directory and .zip) round trip of
      tests/data/original, `--dry-run` changing nothing, a refused import
      changing nothing;
  (c) two instances on one database (directly and behind nginx round robin):
      one timeline whichever instance got the events, an edit on A seen by B's
      /getcomputer within 1 s, a stale version on B answered 409, the same
      event posted to both at once stored once;
  (d) one instance SIGKILLed mid-wave: the other keeps serving reads and writes;
  (e) PostgreSQL stopped for 5 s mid-wave: reads answer 200, event posts 503 +
      Retry-After + problem+json, writes come back by themselves within 10 s,
      every acknowledged event is stored, once, in order;
  (f) /readyz names the database: not ok while it is down, ok again after.

Configuration used (doc: [data] backend / postgres_url):
  [data]
  backend = "postgres"
  postgres_url = "postgresql://postgres@127.0.0.1:PORT/DB"
`serve` still gets --data-dir (local state; its CSV files are not read).

Run: cd tests/integration && PROVISIOND_BIN=/work/main/build/provisiond \
     python3 -m unittest test_postgres -v
Needs /usr/lib/postgresql/15/bin (or PROVISIOND_PG_BIN) and nginx.
"""
import csv
import http.client
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import uuid
import zipfile

from harness import BIN, ORIGINAL_DATA, PG_BIN, SAMPLE_DATA, Nginx, Postgres, Service

CURRENT_VERSION = 3      # the schema version this binary migrates to
PREVIOUS_VERSION = 1
SCHEMA_TABLE = "provisiond_schema"   # one row per migration applied: (version, applied_at, summary)
# The tables of a CSV data directory the database holds, compared after a round trip.
TABLES = ["computers.csv", "apps.csv", "postype.csv", "drivers.csv", "config.csv", "locales.csv"]
ORDERED = {"drivers.csv": None, "postype.csv": "postype"}   # row order is meaning (rule order, install order)
KNOWN = {"serial": "SDK86P3", "model": "Latitude 5420", "os_name": "Microsoft Windows 11 Enterprise"}
PROPAGATION_S = 1.0      # an edit on one instance is seen by the other within this
RECONNECT_S = 10.0       # writes work again this long after PostgreSQL is back
OUTAGE_S = 5.0

PG = None


def setUpModule():
    global PG
    initdb = os.path.join(PG_BIN, "initdb")
    if not os.access(initdb, os.X_OK):
        # Not a skip: the backend's tests must run where the backend is built.
        raise RuntimeError("test_postgres needs PostgreSQL 15's server binaries: %s is missing "
                           "(apt-get install postgresql-15, or set PROVISIOND_PG_BIN)" % initdb)
    PG = Postgres().start()


def tearDownModule():
    if PG:
        PG.cleanup()


# --- helpers -----------------------------------------------------------------

def pg_config(url=None):
    text = '[data]\nbackend = "postgres"\n'
    if url:
        text += 'postgres_url = "%s"\n' % url
    return text


def read_csv(text):
    """(header, rows as dicts) of a CSV file as a data directory holds it (BOM, , or ;)."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [r for r in reader if any(cell.strip() for cell in r)]
    if not rows:
        return [], []
    header = rows[0]
    return header, [dict(zip(header, r + [""] * (len(header) - len(r)))) for r in rows[1:]]


def read_csv_file(path):
    with open(path, encoding="utf-8", newline="") as f:
        return read_csv(f.read())


def csv_dir(path):
    """{file name: (header, rows)} of the tables of a CSV data directory."""
    return {name: read_csv_file(os.path.join(path, name))
            for name in sorted(os.listdir(path)) if name.endswith(".csv")}


def csv_zip(path):
    with zipfile.ZipFile(path) as z:
        return {os.path.basename(n): read_csv(z.read(n).decode("utf-8"))
                for n in z.namelist() if n.endswith(".csv")}


def sample_serials(n):
    _, rows = read_csv_file(os.path.join(SAMPLE_DATA, "computers.csv"))
    return [r["serial"] for r in rows[:n]]


def reported_version(output):
    """The schema version `db status` prints: 0 for a database never migrated."""
    low = output.lower()
    if re.search(r"not (yet )?migrated|no schema|empty database|uninitiali[sz]ed", low):
        return 0
    m = re.search(r"version\D{0,40}?(\d+)", low)
    return int(m.group(1)) if m else None


def wait_for(predicate, timeout, step=0.05):
    """predicate()'s first truthy value within timeout seconds, else its last value."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value or time.time() >= deadline:
            return value
        time.sleep(step)


def events_path(did):
    return "/api/v1/endpoint/deployments/%s/events" % did


class Database:
    """A fresh database on the module's server, its config file, and the
    `provisiond db ...` commands on it (given --config, no --data-dir)."""

    def __init__(self, add_cleanup):
        self.name = "pvd_" + uuid.uuid4().hex[:12]
        self.url = PG.create_db(self.name)
        self.tmp = tempfile.mkdtemp(prefix="pvd-pgtest-")
        self.config = pg_config(self.url)
        self.config_path = os.path.join(self.tmp, "provisiond.toml")
        with open(self.config_path, "w") as f:
            f.write(self.config)
        add_cleanup(self.cleanup)

    def cleanup(self):
        try:
            if PG.running():
                PG.drop_db(self.name)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self, *args, env=None, config=True):
        cmd = [BIN] + list(args) + (["--config", self.config_path] if config else [])
        full_env = dict(os.environ)
        full_env.pop("PROVISIOND_POSTGRES_URL", None)
        full_env.update(env or {})
        # cwd: no ./provisiond.toml of the caller's is picked up.
        return subprocess.run(cmd, capture_output=True, text=True, env=full_env, cwd=self.tmp, timeout=120)

    def ok(self, test, *args, **kw):
        r = self.run(*args, **kw)
        test.assertEqual(r.returncode, 0, "provisiond %s exited %d:\n%s%s"
                         % (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r

    def psql(self, sql):
        return PG.psql(sql, db=self.name)

    def schema_version(self):
        """The version the database records: 0 without the table."""
        if self.psql("select to_regclass('%s') is not null" % SCHEMA_TABLE).strip() != "t":
            return 0
        versions = [int(v) for v in self.psql("select version from %s order by version" % SCHEMA_TABLE).split()]
        # Each migration applied once, in order: 1..N.
        if versions != list(range(1, len(versions) + 1)) and versions[-1:] != [99]:
            raise AssertionError("%s holds versions %r, expected 1..N once each" % (SCHEMA_TABLE, versions))
        return versions[-1] if versions else 0

    def schema_snapshot(self):
        """Tables, columns, types, indexes and constraints outside the system schemas."""
        return (self.psql("select table_schema, table_name, column_name, data_type, is_nullable, "
                          "coalesce(column_default, '') from information_schema.columns "
                          "where table_schema not in ('pg_catalog', 'information_schema') "
                          "order by 1, 2, 3"),
                self.psql("select schemaname, tablename, indexname, indexdef from pg_indexes "
                          "where schemaname not in ('pg_catalog', 'information_schema') order by 1, 2, 3"),
                self.psql("select conrelid::regclass::text, conname, pg_get_constraintdef(oid) from pg_constraint "
                          "where connamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) "
                          "order by 1, 2"))

    def export_dir(self, test):
        out = os.path.join(self.tmp, "export-" + uuid.uuid4().hex[:8])
        self.ok(test, "db", "export", "--to", out)
        return csv_dir(out)


def make_service(config, env=None):
    """A Service on the postgres backend; the URL is the config's (or env's), never the caller's shell's."""
    svc = Service(config=config, env=env)
    if "PROVISIOND_POSTGRES_URL" not in (env or {}):
        svc.env.pop("PROVISIOND_POSTGRES_URL", None)
    return svc


def start_service(test, config, add_cleanup, env=None):
    svc = make_service(config, env)
    add_cleanup(svc.cleanup)
    svc.start()
    svc.ensure_admin_token()
    if not getattr(svc, "admin_token", None):
        r = svc.cli("tokens", "create", "--role", "admin", "--note", "integration tests")
        test.fail("no admin token with the postgres backend: %s%s" % (r.stdout, r.stderr))
    return svc


def try_post(svc, path, body, headers=None, timeout=10):
    """(status, headers, body) of a POST to one instance; status None when no answer came."""
    try:
        return svc.request("POST", path, body=body, headers=headers, timeout=timeout)
    except (OSError, http.client.HTTPException) as e:
        return None, {}, str(e).encode()


class Cluster:
    """One database holding data/sample, n instances on it (each with its own
    data dir for local state), optionally nginx round robin in front."""

    def __init__(self, test, add_cleanup, n=2, nginx=False):
        self.db = Database(add_cleanup)
        self.db.ok(test, "db", "migrate")
        self.db.ok(test, "db", "import", "--from", SAMPLE_DATA)
        self.nodes = [start_service(test, self.db.config, add_cleanup) for _ in range(n)]
        self.nginx = None
        if nginx:
            self.nginx = Nginx([s.port for s in self.nodes])
            add_cleanup(self.nginx.stop)
            self.nginx.start()

    def start_deployment(self, test, svc, serial, model="Latitude 5420"):
        st, body = svc.post_json("/api/v1/endpoint/deployments", {"serial": serial, "model": model})
        test.assertEqual(st, 201, body)
        token = body.get("deployment_token") or ""
        return body["id"], ({"X-Deployment-Token": token} if token else {})


def timeline(svc, did):
    st, detail = svc.get_json("/api/v1/admin/deployments/" + did)
    if st != 200:
        return None
    return detail


def event_key(e):
    return tuple(e.get(k) for k in ("event_id", "at", "phase", "step", "step_count", "percent",
                                    "level", "message", "status"))


def is_503_problem(status, headers, body):
    if status != 503 or "retry-after" not in headers:
        return False
    if not headers.get("content-type", "").startswith("application/problem+json"):
        return False
    try:
        return json.loads(body).get("status") == 503
    except ValueError:
        return False


class Wave:
    """Deployments whose events are posted in threads, each deployment's in
    order (as the endpoint's queue flushes them), to the instances in turn;
    an event not acknowledged is sent again, same event_id, until it is."""

    def __init__(self, test, cluster, serials, pause=0.1, retry_pause=0.1):
        self.test = test
        self.cluster = cluster
        self.pause = pause
        self.retry_pause = retry_pause
        self.stop_flag = threading.Event()
        self.lock = threading.Lock()
        self.deployments = [cluster.start_deployment(test, cluster.nodes[i % len(cluster.nodes)], s)
                            for i, s in enumerate(serials)]
        self.acked = {did: [] for did, _ in self.deployments}   # event ids in acknowledgement order
        self.answers = []     # (time, node index, did, event_id, status|None, headers, body)
        self.threads = [threading.Thread(target=self.run, args=(k,), daemon=True)
                        for k in range(len(self.deployments))]
        self.alive = [True] * len(cluster.nodes)   # a node a test killed is no longer posted to

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def run(self, k):
        did, headers = self.deployments[k]
        turn = k
        n = 0
        while not self.stop_flag.is_set():
            n += 1
            ev = {"event_id": "%s-%d-%s" % (did[:8], n, uuid.uuid4().hex[:8]), "phase": "apps",
                  "level": "info", "message": "wave event %d" % n}
            while True:
                nodes = [i for i, a in enumerate(self.alive) if a]
                i = nodes[turn % len(nodes)]
                turn += 1
                status, h, body = try_post(self.cluster.nodes[i], events_path(did), ev, headers=headers)
                with self.lock:
                    self.answers.append((time.time(), i, did, ev["event_id"], status, h, body))
                if status is not None and 200 <= status < 300:
                    with self.lock:
                        self.acked[did].append(ev["event_id"])
                    break
                if self.stop_flag.is_set():
                    return
                time.sleep(self.retry_pause)
            time.sleep(self.pause)

    def stop(self):
        self.stop_flag.set()
        for t in self.threads:
            t.join(30)

    def answers_between(self, start, end=None):
        with self.lock:
            return [a for a in self.answers if a[0] >= start and (end is None or a[0] < end)]

    def check_stored(self, svc, label):
        """Every acknowledged event is in its deployment's timeline on svc, once, in order."""
        for did, _ in self.deployments:
            detail = timeline(svc, did)
            self.test.assertIsNotNone(detail, "%s: deployment %s unreadable" % (label, did))
            ids = [e["event_id"] for e in detail["events"]]
            acked = self.acked[did]
            self.test.assertTrue(acked, "no event of %s was ever acknowledged" % did)
            missing = [e for e in acked if e not in ids]
            self.test.assertEqual(missing, [], "%s: acknowledged events missing from %s" % (label, did))
            dups = sorted({e for e in ids if ids.count(e) > 1})
            self.test.assertEqual(dups, [], "%s: events stored twice in %s" % (label, did))
            stored_acked = [e for e in ids if e in set(acked)]
            self.test.assertEqual(stored_acked, acked, "%s: %s's timeline is not in posting order" % (label, did))


# --- (a) migrations ------------------------------------------------------------

class Migrations(unittest.TestCase):
    def test_from_an_empty_database_then_again_is_a_no_op(self):
        db = Database(self.addCleanup)
        r = db.ok(self, "db", "status")
        self.assertEqual(reported_version(r.stdout), 0, r.stdout)
        self.assertEqual(db.schema_version(), 0)

        r = db.ok(self, "db", "migrate")
        self.assertEqual(db.schema_version(), CURRENT_VERSION, r.stdout + r.stderr)
        r = db.ok(self, "db", "status")
        self.assertEqual(reported_version(r.stdout), CURRENT_VERSION, r.stdout)

        before = db.schema_snapshot()
        self.assertIn(SCHEMA_TABLE, before[0])
        r = db.ok(self, "db", "migrate")
        self.assertEqual(db.schema_version(), CURRENT_VERSION, r.stdout + r.stderr)
        self.assertEqual(db.schema_snapshot(), before, "a second db migrate changed the schema")

    def test_from_the_previous_version_keeps_the_data(self):
        db = Database(self.addCleanup)
        db.ok(self, "db", "migrate", "--to", str(PREVIOUS_VERSION))
        self.assertEqual(db.schema_version(), PREVIOUS_VERSION)
        r = db.ok(self, "db", "status")
        self.assertEqual(reported_version(r.stdout), PREVIOUS_VERSION, r.stdout)
        db.ok(self, "db", "import", "--from", ORIGINAL_DATA)

        db.ok(self, "db", "migrate")
        self.assertEqual(db.schema_version(), CURRENT_VERSION)
        exported = db.export_dir(self)
        original = csv_dir(ORIGINAL_DATA)
        for name in ("computers.csv", "apps.csv", "postype.csv", "drivers.csv"):
            assert_same_rows(self, name, original[name], exported)

    def test_a_newer_database_is_refused_by_migrate_and_serve(self):
        db = Database(self.addCleanup)
        db.ok(self, "db", "migrate")
        db.psql("insert into %s (version, summary) values (99, 'a newer provisiond')" % SCHEMA_TABLE)
        before = db.schema_snapshot()

        r = db.run("db", "migrate")
        out = r.stdout + r.stderr
        self.assertNotEqual(r.returncode, 0, out)
        self.assertRegex(out, r"\b99\b", "the refusal should name the database's version")
        self.assertRegex(out, r"\b%d\b" % CURRENT_VERSION, "the refusal should name this binary's version")
        self.assertEqual(db.schema_version(), 99)
        self.assertEqual(db.schema_snapshot(), before)
        r = db.run("db", "status")
        self.assertEqual(reported_version(r.stdout + r.stderr), 99, r.stdout + r.stderr)

        svc = make_service(db.config)
        self.addCleanup(svc.cleanup)
        with self.assertRaises(RuntimeError) as refused:
            svc.start()
        text = str(refused.exception)
        self.assertIn("provisiond exited", text, "serve did not stop on a newer schema")
        self.assertRegex(text, r"\b99\b", "serve's refusal should name the database's version")
        self.assertEqual(db.schema_version(), 99)

    def test_serve_migrates_at_start_and_reads_the_database_not_the_csv_files(self):
        db = Database(self.addCleanup)
        # The data dir holds the sample (SDK86P3...); the database nothing yet.
        svc = make_service(db.config)
        self.addCleanup(svc.cleanup)
        svc.start()
        self.assertEqual(db.schema_version(), CURRENT_VERSION, svc.logs()[-2000:])
        st, body = svc.get_json("/getcomputer?serial=SDK86P3")
        self.assertEqual((st, set(body.values())), (200, {None}), "a CSV file of the data dir was read")
        svc.stop()
        db.ok(self, "db", "import", "--from", ORIGINAL_DATA)
        svc.start()
        st, body = svc.get_json("/getcomputer?serial=5CG6050PH9")
        self.assertEqual((st, body["computerName"], body["type"]), (200, "manu15", "ACCUEIL"), body)
        st, body = svc.get_json("/getcomputer?serial=SDK86P3")
        self.assertEqual(set(body.values()), {None}, body)

    def test_the_url_from_the_environment(self):
        db = Database(self.addCleanup)
        env = {"PROVISIOND_POSTGRES_URL": db.url}
        r = db.run("db", "migrate", env=env, config=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(db.schema_version(), CURRENT_VERSION)
        r = db.run("db", "status", env=env, config=False)
        self.assertEqual((r.returncode, reported_version(r.stdout)), (0, CURRENT_VERSION), r.stdout + r.stderr)
        r = db.run("db", "import", "--from", ORIGINAL_DATA, env=env, config=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # serve: the backend from the file, the URL from the environment.
        svc = start_service(self, pg_config(), self.addCleanup, env=env)
        st, body = svc.get_json("/getcomputer?serial=5CG6050PH9")
        self.assertEqual((st, body["computerName"]), (200, "manu15"), body)


# --- (b) import / export ----------------------------------------------------------

def assert_same_rows(test, name, original, exported):
    """The exported table holds the original's rows over the original's columns
    (as a multiset; in the same order where order is meaning)."""
    header, rows = original
    test.assertIn(name, exported, "the export has no %s: %s" % (name, sorted(exported)))
    out_header, out_rows = exported[name]
    missing = [c for c in header if c not in out_header]
    test.assertEqual(missing, [], "%s: exported header %s lacks original columns" % (name, out_header))

    def project(rs):
        return [tuple(r.get(c, "") for c in header) for r in rs]
    test.assertEqual(sorted(project(out_rows)), sorted(project(rows)), name)
    if name in ORDERED:
        group = ORDERED[name]
        if group is None:
            test.assertEqual(project(out_rows), project(rows), "%s: row order changed" % name)
        else:
            for g in {r[group] for r in rows}:
                test.assertEqual([x for x in project(out_rows) if x[header.index(group)] == g],
                                 [x for x in project(rows) if x[header.index(group)] == g],
                                 "%s: order within %s changed" % (name, g))


class ImportExport(unittest.TestCase):
    def setUp(self):
        self.db = Database(self.addCleanup)
        self.db.ok(self, "db", "migrate")
        self.original = csv_dir(ORIGINAL_DATA)
        self.compared = [n for n in TABLES if n in self.original]
        self.assertGreaterEqual(len(self.compared), 5)

    def test_round_trip_to_a_directory_and_a_zip(self):
        self.db.ok(self, "db", "import", "--from", ORIGINAL_DATA)
        exported = self.db.export_dir(self)
        for name in self.compared:
            assert_same_rows(self, name, self.original[name], exported)
        zip_path = os.path.join(self.db.tmp, "export.zip")
        self.db.ok(self, "db", "export", "--to", zip_path)
        self.assertTrue(zipfile.is_zipfile(zip_path))
        zipped = csv_zip(zip_path)
        for name in self.compared:
            assert_same_rows(self, name, self.original[name], zipped)
        self.assertEqual(zipped, exported, "the zip and the directory export differ")

    def test_dry_run_changes_nothing(self):
        self.db.ok(self, "db", "import", "--from", ORIGINAL_DATA)
        before = self.db.export_dir(self)
        self.db.ok(self, "db", "import", "--from", SAMPLE_DATA, "--dry-run")
        self.assertEqual(self.db.export_dir(self), before, "db import --dry-run changed the database")
        # And on an empty database: still empty afterwards.
        empty = Database(self.addCleanup)
        empty.ok(self, "db", "migrate")
        nothing = empty.export_dir(self)
        empty.ok(self, "db", "import", "--from", ORIGINAL_DATA, "--dry-run")
        self.assertEqual(empty.export_dir(self), nothing)
        self.assertEqual(nothing["computers.csv"][1], [])

    def test_a_refused_import_changes_nothing(self):
        self.db.ok(self, "db", "import", "--from", ORIGINAL_DATA)
        before = self.db.export_dir(self)
        bad = os.path.join(self.db.tmp, "bad")
        shutil.copytree(ORIGINAL_DATA, bad)
        with open(os.path.join(bad, "computers.csv"), "a", encoding="utf-8") as f:
            f.write("PG-GOOD-1,FR-PG-GOOD-1,Accueil,fr-FR,FR,fr-FR,Romance Standard Time\n"
                    "PG-BAD-1,BAD NAME,NOPE,,FR,,\n")
        r = self.db.run("db", "import", "--from", bad)
        self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("computers.csv", r.stdout + r.stderr, "the refusal should name the file")
        after = self.db.export_dir(self)
        self.assertEqual(after, before, "a refused import changed the database")
        self.assertNotIn("PG-GOOD-1", [r["serial"] for r in after["computers.csv"][1]])


# --- (c) two instances on one database ---------------------------------------------

class TwoInstances(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Class cleanups run even when this fails half way.
        cls.cluster = Cluster(unittest.TestCase(), cls.addClassCleanup, n=2, nginx=True)
        cls.a, cls.b = cls.cluster.nodes

    def test_a_session_signed_in_on_a_is_valid_on_b_at_once(self):
        r = self.a.cli("users", "passwd", "admin", input="pg-shared-session-pw\n")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        st, hd, body = self.a.request(
            "POST", "/api/v1/auth/login", body=json.dumps({"username": "admin", "password": "pg-shared-session-pw"}),
            headers={"Content-Type": "application/json", "Origin": "http://127.0.0.1:%d" % self.a.port}, auth=False)
        self.assertEqual(st, 200, body)
        cookie = hd["set-cookie"].split(";")[0]
        # At once: B has not had the notification yet; it catches up before answering.
        st, _, body = self.b.request("GET", "/api/v1/auth/me", headers={"Cookie": cookie}, auth=False)
        self.assertEqual(st, 200, body)
        self.assertEqual(json.loads(body)["username"], "admin")
        # An unknown session is still refused on both.
        for node in (self.a, self.b):
            st, _, _ = node.request("GET", "/api/v1/auth/me", headers={"Cookie": cookie[:-4] + "zzzz"}, auth=False)
            self.assertEqual(st, 401)

    def test_events_posted_to_both_show_one_timeline_on_either(self):
        did, headers = self.cluster.start_deployment(self, self.a, "SDK86P3")
        posted = []
        for i in range(12):
            node = (self.a, self.b)[i % 2]
            ev = {"event_id": "alt-%d-%s" % (i, uuid.uuid4().hex[:8]), "phase": "apps", "step": i + 1,
                  "step_count": 13, "percent": 7 * i, "message": "step %d via %s" % (i, "AB"[i % 2])}
            st, _, body = node.request("POST", events_path(did), body=ev, headers=headers)
            self.assertEqual(st, 201, body)
            self.assertFalse(json.loads(body)["duplicate"])
            posted.append(ev["event_id"])
        st, _, body = self.b.request("POST", events_path(did), headers=headers,
                                     body={"event_id": "alt-end", "status": "success", "message": "done"})
        self.assertEqual(st, 201, body)
        posted.append("alt-end")

        def same_on_both():
            ta, tb = timeline(self.a, did), timeline(self.b, did)
            if not ta or not tb:
                return None
            if [e["event_id"] for e in ta["events"]] != posted or [e["event_id"] for e in tb["events"]] != posted:
                return None
            return ta, tb
        got = wait_for(same_on_both, PROPAGATION_S)
        self.assertTrue(got, "the timelines differ: A %s, B %s" % (
            [e["event_id"] for e in (timeline(self.a, did) or {"events": []})["events"]],
            [e["event_id"] for e in (timeline(self.b, did) or {"events": []})["events"]]))
        ta, tb = got
        self.assertEqual([event_key(e) for e in ta["events"]], [event_key(e) for e in tb["events"]])
        self.assertEqual((ta["deployment"]["state"], tb["deployment"]["state"]), ("success", "success"))
        self.assertEqual(ta["deployment"]["final_message"], "done")

    def test_events_through_nginx_reach_both_instances(self):
        did, headers = self.cluster.start_deployment(self, self.a, "PFRAMTG7")
        posted = []
        for i in range(8):
            ev = {"event_id": "ngx-%d-%s" % (i, uuid.uuid4().hex[:8]), "phase": "drivers", "message": "n%d" % i}
            st, _, body = self.cluster.nginx.request("POST", "/provision" + events_path(did),
                                                     body=json.dumps(ev),
                                                     headers=dict(headers, **{"Content-Type": "application/json"}))
            self.assertEqual(st, 201, body)
            posted.append(ev["event_id"])
        # Round robin: each instance answered some of them (their access logs say so).
        path = events_path(did)
        served = wait_for(lambda: all(path in s.logs() for s in (self.a, self.b)), 2)
        self.assertTrue(served, "nginx did not spread the posts over both instances")
        for node in (self.a, self.b):
            got = wait_for(lambda: [e["event_id"] for e in timeline(node, did)["events"]] == posted, PROPAGATION_S)
            self.assertTrue(got, [e["event_id"] for e in timeline(node, did)["events"]])

    def test_an_edit_on_a_is_seen_by_b_and_a_stale_one_on_b_conflicts(self):
        serial = "SDK86P3"
        st, row = self.a.get_json("/api/v1/admin/computers/" + serial)
        self.assertEqual(st, 200, row)
        version = row["version"]
        name = "FR-PG-%04d" % (int(uuid.uuid4().hex[:4], 16) % 10000)
        st, _, body = self.a.request("PUT", "/api/v1/admin/computers/" + serial,
                                     body={"computer_name": name, "version": version})
        self.assertEqual(st, 200, body)
        edited = time.time()
        seen = None
        while time.time() - edited <= PROPAGATION_S:
            st, legacy = self.b.get_json("/getcomputer?serial=" + serial)
            if st == 200 and legacy["computerName"] == name:
                seen = time.time() - edited
                break
            time.sleep(0.02)
        self.assertIsNotNone(seen, "B's /getcomputer still answers %r %.1f s after the edit on A"
                             % (legacy, PROPAGATION_S))

        st, h, body = self.b.request("PUT", "/api/v1/admin/computers/" + serial,
                                     body={"computer_name": "FR-PG-LATE", "version": version})
        self.assertEqual(st, 409, body)
        self.assertTrue(h["content-type"].startswith("application/problem+json"), h)
        self.assertEqual(json.loads(body)["current"]["computer_name"], name)
        for node in (self.a, self.b):
            st, row = node.get_json("/api/v1/admin/computers/" + serial)
            self.assertEqual((row["computer_name"], row["version"]), (name, version + 1))

    def test_the_same_event_posted_to_both_at_once_is_stored_once(self):
        did, headers = self.cluster.start_deployment(self, self.b, "SDK86P3")
        ids = []
        for i in range(6):
            ev = {"event_id": "race-%d-%s" % (i, uuid.uuid4().hex[:8]), "phase": "apps", "message": "race %d" % i}
            ids.append(ev["event_id"])
            barrier = threading.Barrier(2)
            results = [None, None]

            def post(k, node):
                barrier.wait(5)
                results[k] = try_post(node, events_path(did), ev, headers=headers)
            threads = [threading.Thread(target=post, args=(k, n)) for k, n in enumerate((self.a, self.b))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            statuses = sorted(r[0] or 0 for r in results)
            self.assertEqual(statuses, [200, 201], [(r[0], r[2][:200]) for r in results])
            flags = sorted(json.loads(r[2])["duplicate"] for r in results)
            self.assertEqual(flags, [False, True])
        for node in (self.a, self.b):
            stored = [e["event_id"] for e in timeline(node, did)["events"]]
            self.assertEqual(stored, ids)


# --- (d) one instance killed ---------------------------------------------------------

class InstanceKilled(unittest.TestCase):
    def test_the_other_instance_keeps_serving_reads_and_writes(self):
        cluster = Cluster(self, self.addCleanup, n=2, nginx=True)
        a, b = cluster.nodes
        wave = Wave(self, cluster, sample_serials(3)).start()
        self.addCleanup(wave.stop)
        time.sleep(1.5)
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait(10)
        wave.alive[0] = False
        killed = time.time()

        # Reads and writes on B, directly and through nginx (which passes A's refused connections on).
        for _ in range(5):
            st, body = b.get_json("/getcomputer?serial=SDK86P3")
            self.assertEqual((st, body["computerName"]), (200, "FR-LIL-LT-0001"))
            st, _, body = cluster.nginx.request("GET", "/provision/getcomputer?serial=SDK86P3")
            self.assertEqual(st, 200, body)
            st, plan = b.post_json("/api/v1/endpoint/plan", KNOWN)
            self.assertEqual((st, plan["computer_name"]), (200, "FR-LIL-LT-0001"))
        did, headers = cluster.start_deployment(self, b, "SDK86P3")
        for i in range(5):
            ev = {"event_id": "after-kill-%d" % i, "phase": "apps", "message": "k%d" % i}
            st, _, body = cluster.nginx.request("POST", "/provision" + events_path(did), body=json.dumps(ev),
                                                headers=dict(headers, **{"Content-Type": "application/json"}))
            self.assertEqual(st, 201, body)
        st, row = b.get_json("/api/v1/admin/computers/PFRAMTG7")
        st, _, body = b.request("PUT", "/api/v1/admin/computers/PFRAMTG7",
                                body={"computer_name": "GB-MAN-LT-0099", "version": row["version"]})
        self.assertEqual(st, 200, body)
        self.assertTrue(wait_for(lambda: b.get_json("/getcomputer?serial=PFRAMTG7")[1]["computerName"] == "GB-MAN-LT-0099",
                                 PROPAGATION_S), "B's own edit is not served by B")

        time.sleep(1.0)
        wave.stop()
        self.assertTrue([x for x in wave.answers_between(killed) if x[1] == 1], "nothing was posted to B after the kill")
        # B answered every post, before and after A went (an event A left unanswered was sent to B again).
        bad = [(x[4], x[6][:200]) for x in wave.answers if x[1] == 1 and (x[4] is None or not 200 <= x[4] < 300)]
        self.assertEqual(bad, [], "B refused writes")
        before_kill = [x for x in wave.answers_between(0, killed) if x[1] == 0 and x[4] in (200, 201)]
        self.assertTrue(before_kill, "A acknowledged nothing before it was killed")
        wave.check_stored(b, "B after A was killed")
        self.assertEqual([e["event_id"] for e in timeline(b, did)["events"]], ["after-kill-%d" % i for i in range(5)])


# --- (e), (f) PostgreSQL down for a while ----------------------------------------------

class DatabaseOutage(unittest.TestCase):
    def setUp(self):
        self.addCleanup(self.ensure_postgres)

    @staticmethod
    def ensure_postgres():
        if not PG.running():
            PG.start()

    def test_reads_go_on_writes_503_then_resume_and_nothing_acknowledged_is_lost(self):
        cluster = Cluster(self, self.addCleanup, n=2)
        nodes = cluster.nodes
        wave = Wave(self, cluster, sample_serials(3)).start()
        self.addCleanup(wave.stop)
        time.sleep(1.0)

        down = time.time()
        PG.stop("fast")
        stopped = time.time()
        reads = []
        try:
            while time.time() - stopped < OUTAGE_S:
                for i, svc in enumerate(nodes):
                    st, _, raw = svc.get("/getcomputer?serial=SDK86P3")
                    reads.append(("getcomputer", i, st, json.loads(raw).get("computerName") if st == 200 else raw))
                    st, _, raw = svc.request("POST", "/api/v1/endpoint/plan", body=KNOWN)
                    reads.append(("plan", i, st, json.loads(raw).get("computer_name") if st == 200 else raw))
                time.sleep(0.25)
            refused = [(x[4], x[5], x[6]) for x in wave.answers_between(stopped + 0.5)]
        finally:
            PG.start()
        up = time.time()

        # Reads served throughout.
        wrong = [r for r in reads if r[2] != 200 or r[3] != "FR-LIL-LT-0001"]
        self.assertEqual(wrong, [], "reads failed while PostgreSQL was down")
        self.assertGreater(len(reads), 8)
        # Writes refused with 503 + Retry-After + problem+json while it was down.
        self.assertTrue(refused, "no event was posted while PostgreSQL was down")
        self.assertTrue(any(st == 503 for st, _, _ in refused), [(st, b[:200]) for st, _, b in refused[:5]])
        # Writes work again by themselves (no restart of the instances).
        for i, svc in enumerate(nodes):
            def write_ok():
                st, _, _ = try_post(svc, events_path(wave.deployments[0][0]),
                                     {"event_id": "probe-%d-%s" % (i, uuid.uuid4().hex[:8]), "message": "probe"},
                                     headers=wave.deployments[0][1])
                return st is not None and 200 <= st < 300
            self.assertTrue(wait_for(write_ok, RECONNECT_S - (time.time() - up), step=0.2),
                            "instance %d still refuses writes %.0f s after PostgreSQL came back:\n%s"
                            % (i, RECONNECT_S, svc.logs()[-3000:]))
        back = time.time()
        # And the wave goes on through both.
        time.sleep(1.0)
        wave.stop()
        self.assertTrue([x for x in wave.answers_between(back) if x[4] in (200, 201)])

        # Every answer that was not an acknowledgement is the documented 503.
        others = [(time.strftime("%H:%M:%S", time.localtime(x[0])), x[1], x[4], x[5].get("retry-after"),
                   x[5].get("content-type"), x[6][:160]) for x in wave.answers
                  if not (x[4] is not None and 200 <= x[4] < 300) and not is_503_problem(x[4], x[5], x[6])]
        self.assertEqual(others, [], "event posts answered other than 2xx or 503 + Retry-After + problem+json")
        for svc, label in zip(nodes, "AB"):
            wave.check_stored(svc, "instance " + label)
        acked_before = [x for x in wave.answers_between(0, down) if x[4] in (200, 201)]
        self.assertTrue(acked_before, "nothing acknowledged before the outage")

    def test_readyz_reports_the_database(self):
        cluster = Cluster(self, self.addCleanup, n=2)

        def db_check(svc):
            st, h, body = svc.get("/readyz")
            checks = json.loads(body).get("checks", [])
            named = [c for c in checks if re.search(r"database|store|postgres", c.get("name", ""), re.I)]
            return st, (named[0] if named else None), checks

        for svc in cluster.nodes:
            st, check, checks = db_check(svc)
            self.assertEqual(st, 200, checks)
            self.assertIsNotNone(check, "no database check in /readyz: %s" % checks)
            self.assertTrue(check["ok"], check)
        PG.stop("fast")
        try:
            for svc in cluster.nodes:
                got = wait_for(lambda: (lambda st, c, cs: (st, c) if st == 503 and c and not c["ok"] else None)(
                    *db_check(svc)), OUTAGE_S, step=0.1)
                self.assertTrue(got, "/readyz does not report the database down: %s" % (db_check(svc),))
                st, check = got
                self.assertTrue(check.get("detail"), "the failing database check says nothing: %s" % check)
                # Still alive, only not ready.
                self.assertEqual(svc.get("/healthz")[0], 200)
        finally:
            PG.start()
        for svc in cluster.nodes:
            got = wait_for(lambda: (lambda st, c, cs: st == 200 and c and c["ok"])(*db_check(svc)),
                           RECONNECT_S, step=0.2)
            self.assertTrue(got, "/readyz does not report the database back: %s" % (db_check(svc),))


if __name__ == "__main__":
    unittest.main()

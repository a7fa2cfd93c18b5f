"""One validation on every path, against the real binary (issue 16, "One
validation", "Computer names", "Catalogue names").

Each invalid value class is sent through every path that exists for it: the
HTTP write routes (legacy /setcomputer, endpoint confirm, admin settings),
`provisiond import` of a file, a hand edit picked up by the running service
(hot reload, seen in /api/v1/admin/status) and `provisiond check`. The
verdict is the same everywhere: a write is refused naming the field, an
import is refused with file/line/column, a hand edit is a warning with file
and line (or, for what cannot be read at all, a refused file).
"""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.parse

from harness import BIN, SAMPLE_DATA, Service

BAD_NAME = "BE-R\u00e9ception"

# class: (file, row appended, column name, column index, load verdict, HTTP writes)
# load verdict "warning": served with a warning; "refused": the file is refused.
# HTTP writes: (method, path, body, status, field) on the sample data.
CASES = {
    "unknown type": (
        "computers.csv", "ZZ0000001,PC-01,BUREAU,fr-FR,FR,fr-FR,Romance Standard Time,,,,,", "postype", 3, "warning",
        [("POST", "/setcomputer", {"serial": "ZZ0000001", "type": "BUREAU"}, 400, "type"),
         ("POST", "/api/v1/endpoint/confirm",
          {"serial": "ZZ0000001", "name": "PC-01", "type": "BUREAU"}, 400, "type")]),
    "bad name": (
        "computers.csv", "ZZ0000002," + BAD_NAME + ",ACCUEIL,fr-FR,FR,fr-FR,Romance Standard Time,,,,,",
        "computername", 2, "warning",
        [("POST", "/setcomputer", {"serial": "ZZ0000002", "computerName": BAD_NAME}, 400, "computerName"),
         ("POST", "/api/v1/endpoint/confirm",
          {"serial": "ZZ0000002", "name": BAD_NAME, "type": "ACCUEIL"}, 400, "name")]),
    "bad regex": (
        "drivers.csv", "(unclosed,.*,https://x/d.zip,,,,,,,", "model_regex", 1, "refused", []),
    "duplicate": (
        "postype.csv", "ACCUEIL,vlc", "application", 2, "warning", []),
    "dangling reference": (
        "postype.csv", "KIOSK,NoSuchApp", "application", 2, "warning", []),
    # The loader cannot read a control byte: the file is refused (the column
    # is the character's, the codec's); every write refuses it naming the field.
    "control char": (
        "computers.csv", "ZZ0000003,PC-03,ACCUEIL,fr-FR,FR,fr\u0001FR,Romance Standard Time,,,,,", None, 36,
        "refused",
        [("POST", "/setcomputer", {"serial": "ZZ0000003", "language": "fr\u0001FR"}, 400, "language"),
         ("POST", "/api/v1/endpoint/confirm",
          {"serial": "ZZ0000003", "name": "PC-03", "type": "ACCUEIL", "keyboard": "fr\u0001"}, 400, "keyboard")]),
    # Settings are checked against their schema where they are read: a hand
    # edit is a settings warning (status route, check), the default is used.
    "unknown setting": (
        "config.csv", "default_bundleid,1234", "key", 1, "setting",
        [("PUT", "/api/v1/admin/settings/default_bundleid", {"value": "1234"}, 400, "key")]),
    "out-of-range value": (
        "drivers.csv", ".*,.*,https://x/e.zip,,,,-1,,,", "min_cpu_count", 7, "warning",
        [("PUT", "/api/v1/admin/settings/ReportingTLSMode", {"value": 7}, 400, "ReportingTLSMode")]),
}


def run(*args):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=60)


def line_count(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def append_row(path, row):
    with open(path, "ab") as f:
        f.write(row.encode("utf-8") + b"\n")


class OneVerdictTest(unittest.TestCase):
    """Every class through every path; one service per class (hot reload)."""

    def test_every_class_gets_the_same_verdict_on_every_path(self):
        for name, (file, row, column, index, verdict, writes) in CASES.items():
            with self.subTest(name):
                self.check_class(file, row, column, index, verdict, writes)

    def check_class(self, file, row, column, index, verdict, writes):
        with Service(data=SAMPLE_DATA) as svc:
            data = svc.data_dir
            line = line_count(os.path.join(data, file)) + 1

            # 1. HTTP writes: refused naming the field, nothing stored.
            for method, path, body, status, field in writes:
                code, _, raw = svc.request(method, path, body=body)
                self.assertEqual(code, status, (path, raw))
                doc = json.loads(raw)
                self.assertTrue(doc["detail"].startswith(field + ": "), doc)
                if "field" in doc:
                    self.assertEqual(doc["field"], field)

            # 2. Import of the file with the row: refused with file, line, column.
            src = tempfile.mkdtemp(prefix="pvd-src-")
            try:
                shutil.copy(os.path.join(data, file), os.path.join(src, file))
                append_row(os.path.join(src, file), row)
                r = run("import", "--data-dir", data, src, "--dry-run")
                self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                where = "%s: line %d, column %d: " % (file, line, index)
                if column:
                    where += "(%s)" % column
                self.assertIn(where, r.stderr)
                self.assertIn("nothing was imported", r.stderr)
            finally:
                shutil.rmtree(src)

            # 3. The same row edited by hand: the running service reloads it.
            append_row(os.path.join(data, file), row)
            if verdict == "setting":
                warnings = self.wait_for_settings_warning(svc, "config.csv:%d: " % line)
                c = run("check", "--data-dir", data)
                self.assertEqual(c.returncode, 0, c.stderr)
                self.assertIn("warning: config.csv: line %d: %s" % (line, warnings[0].split(": ", 1)[1]), c.stdout)
                self.assertIn("loads, with warnings", c.stdout)
                return
            store = self.wait_for_store(svc, file)
            # 4. `check` says the same as the status route.
            c = run("check", "--data-dir", data)
            if verdict == "warning":
                ws = [w for w in store["warnings"] if w["file"] == file]
                self.assertEqual(len(ws), 1, store)
                self.assertEqual(ws[0]["line"], line)
                self.assertTrue(ws[0]["message"].startswith("(%s) " % column), ws[0])
                self.assertEqual(store["errors"], [])
                self.assertEqual(c.returncode, 0, c.stderr)
                self.assertIn("warning: %s: line %d: %s" % (file, line, ws[0]["message"]), c.stdout)
                self.assertIn("loads, with warnings", c.stdout)
                self.assertNotIn(": ok (", c.stdout)
            else:
                errs = [e for e in store["errors"] if e["file"] == file]
                self.assertEqual(len(errs), 1, store)
                self.assertEqual((errs[0]["line"], errs[0]["column"]), (line, index))
                self.assertEqual(c.returncode, 1)
                self.assertIn("error: %s: line %d, column %d: " % (file, line, index), c.stderr)

    def wait_for_settings_warning(self, svc, prefix, timeout=10):
        deadline = time.time() + timeout
        while True:
            code, st = svc.get_json("/api/v1/admin/status")
            self.assertEqual(code, 200)
            found = [w for w in st["settings_warnings"] if w.startswith(prefix)]
            if found:
                return found
            if time.time() > deadline:
                self.fail("the hand edit of config.csv was not noticed: %s" % st["settings_warnings"])
            time.sleep(0.1)

    def wait_for_store(self, svc, file, timeout=10):
        deadline = time.time() + timeout
        while True:
            code, st = svc.get_json("/api/v1/admin/status")
            self.assertEqual(code, 200)
            store = st["store"]
            if any(w["file"] == file for w in store["warnings"]) or any(
                    e["file"] == file for e in store["errors"]):
                return store
            if time.time() > deadline:
                self.fail("the hand edit of %s was not noticed: %s" % (file, store))
            time.sleep(0.1)


class ComputerNameTest(unittest.TestCase):
    """A stored invalid name: every route answers the same value and flag."""

    def test_every_route_answers_the_same_cleaned_name_and_flags_it(self):
        with Service(data=SAMPLE_DATA) as svc:
            append_row(os.path.join(svc.data_dir, "computers.csv"),
                       "ZZ0000009," + BAD_NAME + ",ACCUEIL,fr-FR,FR,fr-FR,Romance Standard Time,,,,,")
            deadline = time.time() + 10
            while svc.get_json("/getcomputer?serial=ZZ0000009")[1]["type"] is None:
                self.assertLess(time.time(), deadline, "hand edit not loaded")
                time.sleep(0.1)

            _, legacy = svc.get_json("/getcomputer?serial=ZZ0000009")
            _, plan = svc.post_json("/api/v1/endpoint/plan", {"serial": "ZZ0000009", "model": "Latitude 5420"})
            code, headers, body = svc.get("/api/v1/endpoint/variables?serial=ZZ0000009")
            self.assertEqual(code, 200, body)
            variables = json.loads(body)
            code, one_headers, one = svc.get("/api/v1/endpoint/variables/ComputerName?serial=ZZ0000009")
            self.assertEqual(code, 200, one)

            want = "BE-Rception"
            self.assertEqual(legacy["computerName"], want)
            self.assertEqual(plan["computer_name"], want)
            self.assertEqual(variables["ComputerName"], want)
            self.assertEqual(one.decode(), want)

            flag = plan["name_violation"]
            self.assertIn("computer name '" + BAD_NAME + "' has byte 0xC3", flag)
            self.assertIn("endpoints are given 'BE-Rception'", flag)
            self.assertEqual(legacy["nameViolation"], flag)
            self.assertEqual(urllib.parse.unquote(headers["provisiond-name-violation"]), flag)
            self.assertEqual(urllib.parse.unquote(one_headers["provisiond-name-violation"]), flag)

            # A valid name carries no flag anywhere (the original's shape).
            _, ok = svc.get_json("/getcomputer?serial=PFRAMTG7")
            self.assertNotIn("nameViolation", ok)
            _, h, _ = svc.get("/api/v1/endpoint/variables?serial=PFRAMTG7")
            self.assertNotIn("provisiond-name-violation", h)

            # The status route lists it; a write must fix the name.
            _, st = svc.get_json("/api/v1/admin/status")
            self.assertTrue(any(w["file"] == "computers.csv" and BAD_NAME in w["message"]
                                for w in st["store"]["warnings"]), st)
            code, doc = svc.post_json("/setcomputer", {"serial": "ZZ0000009", "keyboard": "fr-BE"})
            self.assertEqual(code, 400)
            self.assertTrue(doc["detail"].startswith("computerName: "), doc)
            code, doc = svc.post_json("/setcomputer",
                                      {"serial": "ZZ0000009", "keyboard": "fr-BE", "computerName": "BE-RECEPTION"})
            self.assertEqual(code, 200, doc)
            _, st = svc.get_json("/api/v1/admin/status")
            self.assertFalse(any(BAD_NAME in w["message"] for w in st["store"]["warnings"]), st)
            _, legacy = svc.get_json("/getcomputer?serial=ZZ0000009")
            self.assertEqual(legacy["computerName"], "BE-RECEPTION")
            self.assertNotIn("nameViolation", legacy)


class CatalogueSpellingTest(unittest.TestCase):
    """Types are matched case-insensitively and stored as the catalogue spells them."""

    def test_confirm_setcomputer_and_import_store_the_catalogue_spelling(self):
        with Service(data=SAMPLE_DATA) as svc:
            code, doc = svc.post_json("/api/v1/endpoint/confirm",
                                      {"serial": "ZZ0000011", "name": "PC-11", "type": "Accueil", "country": "fr"})
            self.assertEqual(code, 201, doc)
            self.assertEqual((doc["computer"]["type"], doc["computer"]["country"]), ("ACCUEIL", "FR"))
            code, doc = svc.post_json("/setcomputer", {"serial": "ZZ0000012", "type": "accueil"})
            self.assertEqual(code, 200, doc)
            self.assertEqual(doc["type"], "ACCUEIL")
            _, got = svc.get_json("/getcomputer?serial=ZZ0000011")
            self.assertEqual(got["type"], "ACCUEIL")

        tmp = tempfile.mkdtemp(prefix="pvd-import-")
        try:
            data, src = os.path.join(tmp, "data"), os.path.join(tmp, "src")
            shutil.copytree(SAMPLE_DATA, data)
            os.makedirs(src)
            with open(os.path.join(src, "computers.csv"), "w") as f:
                f.write("serial,computername,postype,setkeyboard,country,language,timezone\n"
                        "ZZ0000013,PC-13,Accueil,fr-FR,fr,fr-FR,Romance Standard Time\n")
            r = run("import", "--data-dir", data, src, "--apply")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            with open(os.path.join(data, "computers.csv")) as f:
                self.assertIn("\nZZ0000013,PC-13,ACCUEIL,fr-FR,FR,", f.read())
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()

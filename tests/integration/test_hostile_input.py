"""Hostile values on every write route, against the real binary (issue 10,
"Input at the edge"): control characters, DEL, NUL and invalid UTF-8 are
refused with 400 naming the field, by JSON, form and query; identifiers that
start like a spreadsheet formula are refused; free text that does is stored
neutralised in the files and answered as sent. After all of it the service
starts again from its own files and `provisiond check` finds nothing wrong.

Run: PROVISIOND_BIN=$PWD/build/provisiond python3 -m unittest discover -s tests/integration -p test_hostile_input.py -v
"""
import json
import os
import subprocess
import unittest
import urllib.parse

from harness import BIN, SAMPLE_DATA, Service

# Bad values as JSON strings (escapes the JSON parser turns into bytes).
CONTROL = "a\u0001b"
DEL = "a\u007fb"
NUL = "a\u0000b"
NEWLINE = "a\nb"
FORMULA = '=HYPERLINK("http://evil")'

# (method, path, body builder(value) -> JSON object, the field the 400 names)
JSON_WRITES = [
    ("POST", "/setcomputer", lambda v: {"serial": "HX1", "computerName": v}, "computerName"),
    ("POST", "/setcomputer", lambda v: {"serial": "HX1", "language": v}, "language"),
    ("POST", "/setcomputer", lambda v: {"serial": "HX1", "timezone": v}, "timezone"),
    ("POST", "/setcomputer", lambda v: {"serial": v, "type": "ACCUEIL"}, "serial"),
    ("POST", "/api/v1/endpoint/confirm",
     lambda v: {"serial": "HX2", "name": "PC-HX2", "type": "DEV", "keyboard": v}, "keyboard"),
    ("POST", "/api/v1/endpoint/confirm",
     lambda v: {"serial": "HX2", "name": "PC-HX2", "type": "DEV", "notes": v}, "notes"),
    ("POST", "/api/v1/endpoint/confirm",
     lambda v: {"serial": "HX2", "name": "PC-HX2", "type": v}, "type"),
    ("PUT", "/api/v1/admin/settings/x-site-note", lambda v: {"value": v}, "x-site-note"),
    ("POST", "/message", lambda v: {"message": "[SDK86P3] " + v}, "message"),
]


def run(*args):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=60)


class HostileValues(unittest.TestCase):
    def setUp(self):
        self.svc = Service(data=None).start()
        self.addCleanup(self.svc.cleanup)

    def files_text(self):
        out = {}
        for root, _, names in os.walk(self.svc.data_dir):
            for n in names:
                with open(os.path.join(root, n), "rb") as f:
                    out[os.path.relpath(os.path.join(root, n), self.svc.data_dir)] = f.read()
        return out

    def assert_400_naming(self, status, body, field, what):
        self.assertEqual(status, 400, what + ": " + repr(body))
        doc = json.loads(body)
        text = doc.get("detail") or doc.get("error") or ""
        self.assertTrue(text.startswith(field + ": "), what + ": " + text)

    def deployment_id(self):
        s, d = self.svc.post_json("/api/v1/endpoint/deployments", {"serial": "SDK86P3", "model": "Latitude 5420"})
        self.assertIn(s, (200, 201), d)
        return d["deployment"]["id"]

    def test_every_write_route_refuses_bad_bytes_naming_the_field_and_the_service_restarts(self):
        before = self.files_text()
        dep = self.deployment_id()
        writes = JSON_WRITES + [
            ("POST", "/api/v1/endpoint/deployments/%s/events" % dep,
             lambda v: {"event_id": "e-" + str(len(v)), "message": v}, "message"),
            ("POST", "/api/v1/endpoint/deployments/%s/events" % dep,
             lambda v: {"event_id": "p-" + str(len(v)), "phase": v}, "phase"),
        ]
        for method, path, body, field in writes:
            values = [CONTROL, DEL, NUL]
            if field != "message":
                values.append(NEWLINE)  # messages may quote a script's output over several lines
            if field in ("computerName", "serial", "type", "language", "timezone", "keyboard"):
                values.append(FORMULA)  # identifiers: a formula start is refused too
            for v in values:
                what = "%s %s %s=%r" % (method, path, field, v)
                status, _, data = self.svc.request(method, path, body=json.dumps(body(v)),
                                                   headers={"Content-Type": "application/json"})
                self.assert_400_naming(status, data, field, what)

        # Form and query: decoded bytes, checked the same way (invalid UTF-8 included).
        for raw in [b"%01", b"%7F", b"%00", b"%C3"]:
            body = b"message=%5BSDK86P3%5D+x" + raw + b"y"
            status, _, data = self.svc.request("POST", "/message", body=body,
                                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            self.assert_400_naming(status, data, "message", "form message " + raw.decode())
        for q in ["a%01b", "a%7Fb", "a%C3", urllib.parse.quote(FORMULA)]:
            status, _, data = self.svc.get("/getcomputer?serial=" + q)
            self.assert_400_naming(status, data, "serial", "getcomputer serial " + q)
        # A JSON body that is not UTF-8 at all is refused as a body.
        status, _, data = self.svc.request("POST", "/setcomputer", body=b'{"serial":"HX9","language":"\xff"}',
                                           headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400, data)

        # Nothing of it reached a data file (the deployment started above did;
        # the audit log records the refused admin writes, as it should).
        after = self.files_text()
        for name, text in before.items():
            if not name.startswith("deployments") and not name.startswith("audit"):
                self.assertEqual(after.get(name), text, name)
        for name, text in after.items():
            for bad in (b"\x01", b"\x7f", b"\x00", b"HYPERLINK"):
                self.assertNotIn(bad, text, name)

        # It starts again from its own files, and check agrees.
        self.svc.stop()
        self.svc.start()
        self.assertEqual(self.svc.get("/readyz")[0], 200, self.svc.logs())
        c = run("check", "--data-dir", self.svc.data_dir)
        self.assertEqual(c.returncode, 0, c.stdout + c.stderr)

    def test_free_text_starting_like_a_formula_is_neutralised_in_the_file_and_answered_as_sent(self):
        notes = "=1+2 see ticket"
        s, d = self.svc.post_json("/api/v1/endpoint/confirm",
                                  {"serial": "HX3", "name": "PC-HX3", "type": "DEV", "notes": notes})
        self.assertEqual(s, 201, d)
        self.assertEqual(d["computer"]["notes"], notes)
        s, _, data = self.svc.request("PUT", "/api/v1/admin/settings/x-site-note", body={"value": "@SUM(A1)"})
        self.assertEqual(s, 200, data)
        dep = self.deployment_id()
        s, d = self.svc.post_json("/api/v1/endpoint/deployments/%s/events" % dep,
                                  {"event_id": "f-1", "message": "-ERR failed step"})
        self.assertIn(s, (200, 201), d)
        self.svc.stop()  # flushes computers.csv

        with open(os.path.join(self.svc.data_dir, "computers.csv"), encoding="utf-8") as f:
            computers = f.read()
        self.assertIn(",'=1+2 see ticket,", computers)
        with open(os.path.join(self.svc.data_dir, "config.csv"), encoding="utf-8") as f:
            self.assertIn("x-site-note,'@SUM(A1)", f.read())
        events = ""
        for n in os.listdir(os.path.join(self.svc.data_dir, "deployments")):
            if n.startswith("events-"):
                with open(os.path.join(self.svc.data_dir, "deployments", n), encoding="utf-8") as f:
                    events += f.read()
        self.assertIn(",'-ERR failed step,", events)

        # Loaded back as sent.
        self.svc.start()
        s, d = self.svc.get_json("/api/v1/admin/settings/x-site-note")
        self.assertEqual(d["value"], "@SUM(A1)")
        s, d = self.svc.get_json("/api/v1/admin/deployments/" + dep)
        self.assertIn("-ERR failed step", json.dumps(d))
        s, d = self.svc.get_json("/api/v1/admin/preview?serial=HX3")
        self.assertEqual(s, 200, d)
        self.assertIn(notes, json.dumps(d))


class HandEditedFile(unittest.TestCase):
    def test_serve_refusing_a_hand_edited_file_names_check_the_line_and_the_column(self):
        svc = Service(data=None)
        self.addCleanup(svc.cleanup)
        path = os.path.join(svc.data_dir, "computers.csv")
        with open(path, "rb") as f:
            text = f.read()
        lines = text.count(b"\n")
        with open(path, "ab") as f:
            f.write(b"HX7,PC-\x01HX7,DEV,,FR,,,,,,,\n")
        with self.assertRaises(RuntimeError) as e:
            svc.start()
        msg = str(e.exception)
        self.assertIn("computers.csv: line %d, column 8" % (lines + 1), msg)
        self.assertIn("provisiond check --data-dir " + svc.data_dir, msg)


if __name__ == "__main__":
    unittest.main()

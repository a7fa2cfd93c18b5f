"""The admin API and the UI's serving against the real binary: CRUD with
versions (409 carries the current row), referrers, a CSV import whose
errors name file/line/column and apply nothing, export, pending devices
confirmed from the admin side reaching the endpoint's next plan, the live
event stream (directly and through nginx at /provision, resumed with
Last-Event-ID), the UI at / and /ui/ with the prefix, and the OpenAPI
document against `provisiond routes`."""
import json
import os
import re
import socket
import threading
import time
import unittest
import zipfile
import io

from harness import NginxServiceTest, SAMPLE_DATA, ServiceTest


def read_sse(port, path, headers, want, timeout=10, host="127.0.0.1"):
    """Opens an event stream, runs `want(events)` until it returns True or the
    timeout; returns the events [(id, type, data)]."""
    s = socket.create_connection((host, port), timeout=timeout)
    req = "GET %s HTTP/1.1\r\nHost: t\r\nAccept: text/event-stream\r\n" % path
    for k, v in headers.items():
        req += "%s: %s\r\n" % (k, v)
    s.sendall((req + "\r\n").encode())
    buf = b""
    events = []
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            s.settimeout(max(0.1, deadline - time.time()))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            buf += chunk
            body = buf.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in buf else b""
            events = []
            for block in body.decode().split("\n\n"):
                fields = {}
                for line in block.split("\n"):
                    if ":" in line and not line.startswith(":"):
                        k, v = line.split(":", 1)
                        fields.setdefault(k, []).append(v.strip())
                if "event" in fields:
                    events.append((int(fields["id"][0]), fields["event"][0], json.loads("\n".join(fields["data"]))))
            if want(events):
                break
    finally:
        s.close()
    return events, buf


class AdminApiTest(ServiceTest):
    DATA = SAMPLE_DATA

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.svc.ensure_admin_token()

    def test_crud_conflict_keeps_the_stored_row_and_names_it(self):
        s, c = self.svc.post_json("/api/v1/admin/computers", {"serial": "IT-1", "computer_name": "FR-IT-1", "type": "DEV"})
        self.assertEqual(s, 201, c)
        st, h, body = self.svc.request("PUT", "/api/v1/admin/computers/IT-1", body={"computer_name": "FR-IT-2", "version": 1})
        self.assertEqual(st, 200, body)
        st, h, body = self.svc.request("PUT", "/api/v1/admin/computers/IT-1", body={"computer_name": "FR-IT-3", "version": 1})
        self.assertEqual(st, 409)
        problem = json.loads(body)
        self.assertEqual(problem["current"]["computer_name"], "FR-IT-2")
        self.assertEqual(h["content-type"], "application/problem+json")
        s, row = self.svc.get_json("/api/v1/admin/computers/IT-1")
        self.assertEqual(row["computer_name"], "FR-IT-2")
        # A referenced type cannot be deleted; the computers are named.
        s, t = self.svc.get_json("/api/v1/admin/types/DEV")
        st, h, body = self.svc.request("DELETE", "/api/v1/admin/types/DEV?version=%d" % t["version"])
        self.assertEqual(st, 409)
        refused = json.loads(body)
        self.assertEqual(refused["referrer_count"], t["computers"])
        self.assertEqual(len(refused["referrers"]), min(20, t["computers"]))

    def test_import_with_errors_applies_nothing_then_applies(self):
        header = "serial,computername,postype,setkeyboard,country,language,timezone\n"
        good = "IMP-1,FR-IMP-1,DEV,fr-FR,FR,fr-FR,Romance Standard Time\n"
        bad = header + good + "IMP-2,BAD NAME,NOPE,,FR,,\n"
        s, r = self.svc.post_json("/api/v1/admin/import", {"csv": bad, "file": "wave.csv", "dry_run": False})
        self.assertEqual(s, 422, r)
        places = {(e["file"], e["line"], e["column"]) for e in r["errors"]}
        self.assertEqual(places, {("wave.csv", 3, 2), ("wave.csv", 3, 3)})
        self.assertEqual(self.svc.get_json("/api/v1/admin/computers/IMP-1")[0], 404)
        s, plan = self.svc.post_json("/api/v1/admin/import", {"csv": header + good, "file": "wave.csv"})
        self.assertEqual(s, 200, plan)
        self.assertFalse(plan["applied"])
        self.assertEqual(plan["tables"][0]["added"], ["IMP-1"])
        self.assertEqual(self.svc.get_json("/api/v1/admin/computers/IMP-1")[0], 404)
        s, done = self.svc.post_json("/api/v1/admin/import", {"csv": header + good, "dry_run": False})
        self.assertEqual(s, 200, done)
        self.assertEqual(self.svc.get_json("/api/v1/admin/computers/IMP-1")[1]["computer_name"], "FR-IMP-1")
        # Export: the row is in the CSV and in the zip; no users or credentials.
        st, h, csv = self.svc.get("/api/v1/admin/export/computers.csv")
        self.assertIn(b"IMP-1,FR-IMP-1", csv)
        st, h, z = self.svc.get("/api/v1/admin/export.zip")
        names = zipfile.ZipFile(io.BytesIO(z)).namelist()
        self.assertIn("computers.csv", names)
        self.assertNotIn("users.csv", names)
        self.assertNotIn("credentials.csv", names)

    def test_pending_device_confirmed_by_a_person_reaches_the_next_plan(self):
        facts = {"serial": "PEND-1", "model": "Latitude 7440", "os_name": "Windows 11 Pro"}
        s, plan = self.svc.post_json("/api/v1/endpoint/plan", facts)
        self.assertTrue(plan["needs_confirmation"])
        s, pending = self.svc.get_json("/api/v1/admin/pending")
        self.assertIn("PEND-1", [p["serial"] for p in pending["items"]])
        s, c = self.svc.post_json("/api/v1/admin/pending/PEND-1/confirm",
                                  {"computer_name": "FR-PEND-1", "type": "DEV", "country": "FR"})
        self.assertEqual(s, 201, c)
        s, plan = self.svc.post_json("/api/v1/endpoint/plan", facts)
        self.assertFalse(plan["needs_confirmation"])
        self.assertEqual(plan["computer_name"], "FR-PEND-1")

    def test_event_stream_carries_deployments_live_and_resumes(self):
        auth = {"Authorization": "Bearer " + self.svc.admin_token}
        result = {}

        def listen():
            result["events"], _ = read_sse(self.svc.port, "/api/v1/admin/events", auth,
                                           lambda ev: any(e[1] == "deployment" and e[2]["kind"] == "finished" for e in ev))
        t = threading.Thread(target=listen)
        t.start()
        time.sleep(0.5)
        s, d = self.svc.post_json("/api/v1/endpoint/deployments", {"serial": "SDK86P3", "model": "Latitude 5420"})
        did = d["id"]
        self.svc.post_json("/api/v1/endpoint/deployments/%s/events" % did, {"event_id": "a", "phase": "winpe", "percent": 30})
        self.svc.post_json("/api/v1/endpoint/deployments/%s/events" % did, {"event_id": "b", "status": "success"})
        t.join(15)
        kinds = [(e[2]["kind"], e[2]["deployment"]["percent"]) for e in result["events"]
                 if e[1] == "deployment" and e[2]["deployment"]["id"] == did]
        self.assertEqual([k for k, p in kinds], ["started", "progress", "finished"], result["events"])
        self.assertEqual(kinds[1][1], 30)
        ids = [e[0] for e in result["events"]]
        self.assertEqual(ids, sorted(ids))
        # Resume after the first of them: only what came later.
        first = [e[0] for e in result["events"] if e[1] == "deployment" and e[2]["deployment"]["id"] == did][0]
        resumed, _ = read_sse(self.svc.port, "/api/v1/admin/events", dict(auth, **{"Last-Event-ID": str(first)}),
                              lambda ev: any(e[1] == "deployment" and e[2]["kind"] == "finished" for e in ev))
        self.assertTrue(resumed and all(e[0] > first for e in resumed), resumed)
        # Without credentials: refused before any stream.
        st, h, body = self.svc.request("GET", "/api/v1/admin/events", auth=False)
        self.assertEqual(st, 401)

    def test_event_stream_tells_of_data_changes_and_refused_edits(self):
        auth = {"Authorization": "Bearer " + self.svc.admin_token}
        result = {}

        def listen():
            result["events"], _ = read_sse(self.svc.port, "/api/v1/admin/events", auth,
                                           lambda ev: any(e[1] == "data" and e[2]["kind"] == "refused" for e in ev))
        t = threading.Thread(target=listen)
        t.start()
        time.sleep(0.5)
        s, c = self.svc.post_json("/api/v1/admin/locales", {"country": "LU", "language": "fr-LU"})
        self.assertEqual(s, 201, c)
        time.sleep(1.5)
        # An external edit the store refuses (a repeated key) is told too.
        with open(os.path.join(self.svc.data_dir, "locales.csv"), "a") as f:
            f.write("LU,fr-LU,,\nLU,de-LU,,\n")
        t.join(15)
        kinds = [e[2]["kind"] for e in result["events"] if e[1] == "data"]
        self.assertIn("reloaded", kinds, result["events"])
        self.assertIn("refused", kinds, result["events"])
        refused = [e[2] for e in result["events"] if e[1] == "data" and e[2]["kind"] == "refused"][0]
        self.assertEqual(refused["source"], "locales.csv")
        # Put the file back for the other tests.
        with open(os.path.join(self.svc.data_dir, "locales.csv")) as f:
            lines = f.read().splitlines()
        with open(os.path.join(self.svc.data_dir, "locales.csv"), "w") as f:
            f.write("\n".join(lines[:-2]) + "\n")

    def test_ui_is_served_and_openapi_lists_every_route(self):
        st, h, body = self.svc.request("GET", "/", headers={"Accept": "text/html"}, auth=False)
        self.assertEqual(st, 302)
        self.assertTrue(h["location"].endswith("/ui/"))
        st, h, body = self.svc.request("GET", "/", auth=False)
        self.assertTrue(h["location"].endswith("/api/v1"))
        st, h, page = self.svc.request("GET", "/ui/", auth=False)
        self.assertEqual(st, 200)
        self.assertIn("script-src 'self'", h["content-security-policy"])
        assets = re.findall(r'(?:src|href)="\./([^"]+)"', page.decode())
        self.assertTrue(assets)
        for a in assets:
            st, h, body = self.svc.request("GET", "/ui/" + a, headers={"Accept-Encoding": "gzip"}, auth=False)
            self.assertEqual(st, 200, a)
        # No URL outside the service in the page or its scripts.
        self.assertNotRegex(page.decode(), r'(src|href)="https?://')
        # OpenAPI: every route of `provisiond routes`, no other.
        r = self.svc.cli("routes")
        self.assertEqual(r.returncode, 0, r.stderr)
        listed = set()
        for line in r.stdout.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] in ("GET", "POST", "PUT", "DELETE"):
                listed.add((parts[0].lower(), re.sub(r"\{\*(\w+)\}", r"{\1}", parts[1])))
        s, doc = self.svc.get_json("/api/v1/openapi.json", auth=False)
        self.assertEqual(doc["openapi"], "3.1.0")
        documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
        self.assertEqual(listed - documented, set(), "routes missing from OpenAPI")
        self.assertEqual(documented - listed, set(), "stale OpenAPI paths")
        self.assertIn("requestBody", doc["paths"]["/api/v1/admin/computers"]["post"])


class AdminApiBehindNginxTest(NginxServiceTest):
    DATA = SAMPLE_DATA

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.svc.ensure_admin_token()

    def test_prefix_reaches_the_ui_and_the_event_stream(self):
        st, h, body = self.nginx.request("GET", "/provision/", headers={"Accept": "text/html"})
        self.assertEqual(st, 302)
        self.assertIn("/provision/ui/", h["location"])
        st, h, page = self.nginx.request("GET", "/provision/ui/")
        self.assertIn('<meta name="provisiond-base" content="/provision">', page.decode())
        auth = {"Authorization": "Bearer " + self.svc.admin_token}
        result = {}

        def listen():
            result["events"], result["raw"] = read_sse(
                self.nginx.port, "/provision/api/v1/admin/events", auth,
                lambda ev: any(e[1] == "pending" for e in ev))
        t = threading.Thread(target=listen)
        t.start()
        time.sleep(0.5)
        self.svc.post_json("/api/v1/endpoint/plan", {"serial": "NGX-1", "model": "X"})
        t.join(15)
        self.assertTrue(any(e[1] == "pending" and e[2]["device"]["serial"] == "NGX-1" for e in result["events"]),
                        result["raw"][:500])


if __name__ == "__main__":
    unittest.main()

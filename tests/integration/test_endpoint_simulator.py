"""The endpoint simulator: one deployment as the launchers and scripts make it,
hook by hook, against a real provisiond, taken from scripts/contract.json
(the calls, the fields the scripts read, and each hook's sequence).

PowerShell cannot run here, so this does what the scripts do, over the wire:
the launcher downloads Provisiond.psm1 and the hook's script (through the 302
to /file/raw/, checked against /file/sha256/), WinPE facts -> deployment ->
plan -> an unknown device confirmed from the admin API while the endpoint
polls -> drivers -> full OS -> apps with a reboot in the middle and resume
from the ledger -> events while the server is down (queued, then flushed in
order) -> final status. Then the server's deployment record, timeline and
computer record are checked. The same run goes through nginx at /provision
over TLS (mode 2) with the root pinned. The transport rules (modes 0/1/2,
fallback after N TLS failures, doubling backoff) are those of the launcher
and the module, checked in their own test.
"""
import hashlib
import http.client
import json
import os
import re
import ssl
import subprocess
import time
import unittest
import uuid
from urllib.parse import urlsplit, quote

from harness import BIN, ROOT, Nginx, Service, free_port

CONTRACT = json.load(open(os.path.join(ROOT, "scripts", "contract.json")))
CALLS = {c["id"]: c for c in CONTRACT["calls"]}
SUBJECT = ["--subject", "CN=localhost", "--san", "DNS:localhost", "--san", "IP:127.0.0.1"]
HOOKS = ["Customer-PE-Pre.ps1", "Customer-PE.ps1", "Customer-Pre.ps1", "Customer.ps1"]


class NetworkError(Exception):
    """No HTTP answer: refused, reset, TLS failure (what the scripts retry)."""


def fields_present(value, field):
    """True when `field` ("a.b", "a[].b") is in `value`; an empty array holds every item field."""
    head, _, rest = field.partition(".")
    items = head.endswith("[]")
    key = head[:-2] if items else head
    if not isinstance(value, dict) or key not in value:
        return False
    inner = value[key]
    if items:
        if not isinstance(inner, list):
            return False
        return all(fields_present(i, rest) for i in inner) if rest else True
    if not rest:
        return True
    return inner is None or fields_present(inner, rest)


def collapse(ids):
    """Consecutive repeats as one: a poll loop or a run of events is one step of a sequence."""
    out = []
    for i in ids:
        if not out or out[-1] != i:
            out.append(i)
    return out


def sha256_der(der):
    return hashlib.sha256(der).hexdigest()


def pem_certs(pem):
    return [ssl.PEM_cert_to_DER_cert(m.group(0)) for m in
            re.finditer(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", pem, re.S)]


class Transport:
    """The launchers' and the module's transport: ReportingTLSMode 0/1/2 (local
    value wins over Server_<name>), fallback to plaintext after
    OptionalTLSMinAttemptCount TLS failures, TLS again after a backoff that
    doubles up to OptionalTLSMaxBackoffSeconds; with TLS the certificate must
    chain to a pinned root; the bundle key and the deployment token sent."""

    def __init__(self, ws_base, pins=(), bundle_key="", local=None, clock=time.time):
        self.ws_base = ws_base.rstrip("/")
        self.pins = [p.replace(":", "").lower() for p in pins]
        self.bundle_key = bundle_key
        self.local = dict(local or {})
        self.settings = {}
        self.state = {"tlsFailures": 0, "nextTlsAttempt": 0, "backoffSeconds": 0}
        self.clock = clock
        self.roots_pem = None
        self.deployment_token = ""
        self.log = []          # (scheme, method, path, status|error)

    def setting(self, name, default):
        if name in self.local:
            return int(self.local[name])
        if "Server_" + name in self.settings:
            return int(self.settings["Server_" + name])
        return default

    def mode(self):
        return self.setting("ReportingTLSMode", 2 if self.ws_base.startswith("https://") else 0)

    def scheme(self):
        m = self.mode()
        if m == 0:
            return "http"
        if m == 1:
            return "https"
        return "http" if self.state["nextTlsAttempt"] > self.clock() else "https"

    def after(self, scheme, ok):
        """Mode 2 bookkeeping; True when the caller should retry at once over plaintext."""
        if self.mode() != 2 or scheme != "https":
            return False
        if ok:
            self.state.update(tlsFailures=0, nextTlsAttempt=0, backoffSeconds=0)
            return False
        self.state["tlsFailures"] += 1
        if self.state["tlsFailures"] < self.setting("OptionalTLSMinAttemptCount", 3):
            return False
        first = self.setting("OptionalTLSBackoffIntervalSeconds", 1)
        top = self.setting("OptionalTLSMaxBackoffSeconds", 3600)
        b = self.state["backoffSeconds"]
        self.state["backoffSeconds"] = first if b <= 0 else min(b * 2, top)
        self.state["nextTlsAttempt"] = self.clock() + self.state["backoffSeconds"]
        self.state["tlsFailures"] = 0
        return True

    def context(self, trust_any):
        if trust_any:
            c = ssl.create_default_context()
            c.check_hostname = False
            c.verify_mode = ssl.CERT_NONE
            return c
        c = ssl.create_default_context(cadata=self.roots_pem) if self.pins else ssl.create_default_context()
        c.minimum_version = ssl.TLSVersion.TLSv1_2
        return c

    def once(self, method, url, body, trust_any, redirects=5):
        u = urlsplit(url)
        port = u.port or (443 if u.scheme == "https" else 80)
        if u.scheme == "https":
            conn = http.client.HTTPSConnection(u.hostname, port, timeout=10, context=self.context(trust_any))
        else:
            conn = http.client.HTTPConnection(u.hostname, port, timeout=10)
        headers = {"User-Agent": "provisiond-endpoint-simulator"}
        if self.bundle_key:
            headers["X-Provision-Key"] = self.bundle_key
        if self.deployment_token:
            headers["X-Deployment-Token"] = self.deployment_token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, u.path + ("?" + u.query if u.query else ""), body=data, headers=headers)
            r = conn.getresponse()
            payload = r.read()
        except (OSError, ssl.SSLError, http.client.HTTPException) as e:
            raise NetworkError("%s %s: %s" % (method, url, e)) from e
        finally:
            conn.close()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        if r.status in (301, 302, 307, 308) and redirects > 0:  # as HttpWebRequest follows them
            return self.once(method, hdrs["location"], body, trust_any, redirects - 1)
        return r.status, hdrs, payload

    def request(self, method, target, body=None, trust_any=False, attempts=5, pause=0.05):
        last = None
        for _ in range(attempts):
            scheme = self.scheme()
            url = "%s://%s%s" % (scheme, self.ws_base.split("://", 1)[1], target)
            try:
                status, hdrs, payload = self.once(method, url, body, trust_any)
            except NetworkError as e:
                last = e
                self.log.append((scheme, method, target, "error"))
                if not self.after(scheme, False):
                    time.sleep(pause)
                continue
            self.after(scheme, True)
            self.log.append((scheme, method, target, status))
            if status in (502, 503, 504):  # the proxy in front, while provisiond is down: retried
                last = NetworkError("%s %s: HTTP %d from the proxy" % (method, target, status))
                time.sleep(pause)
                continue
            return status, hdrs, payload
        raise last

    def load_roots(self):
        """The pinned roots: /api/v1/tls/root.crt fetched without trusting the
        connection, kept only where the SHA-256 is pinned."""
        status, _, pem = self.request("GET", CALLS["root"]["path"], trust_any=True)
        assert status == 200, status
        kept = [ssl.DER_cert_to_PEM_cert(d) for d in pem_certs(pem.decode()) if sha256_der(d) in self.pins]
        if not kept:
            raise NetworkError("no root matches the pinned SHA-256")
        self.roots_pem = "".join(kept)


class Endpoint:
    """One simulated PC: its facts, its disk (ledger, queue, deployment), and
    the calls it made, by hook."""

    def __init__(self, test, transport, facts):
        self.t = test
        self.tx = transport
        self.facts = facts
        self.ledger = {"apps": {}, "drivers": {}}
        self.queue = []
        self.deployment = None
        self.calls = []
        self.sent_ids = []
        self.downloads = {}

    # -- contract-checked calls ---------------------------------------
    def call(self, call_id, values=None, query=None, body=None, accept=(), attempts=5):
        c = CALLS[call_id]
        path = c["path"]
        for k, v in (values or {}).items():
            path = path.replace("{%s}" % k, "/".join(quote(s, safe="") for s in v.split("/")))
        if query:
            for k in query:
                self.t.assertIn(k, c.get("query", []), "query %s of %s is not in the contract" % (k, call_id))
            path += "?" + "&".join("%s=%s" % (k, quote(str(v), safe="")) for k, v in sorted(query.items()) if v)
        if isinstance(body, dict) and "request" in c:
            extra = set(body) - set(c["request"])
            self.t.assertFalse(extra, "%s sends fields the contract does not list: %s" % (call_id, extra))
        status, hdrs, payload = self.tx.request(c["method"], path, body=body, attempts=attempts)
        self.calls.append(call_id)
        if status >= 400 and status not in accept:
            self.t.fail("%s %s -> %s %s" % (c["method"], path, status, payload[:300]))
        if c.get("body") in ("pem", "file", "text"):
            return status, hdrs, payload
        if status >= 300:  # an accepted refusal: the problem document the scripts read
            return status, hdrs, json.loads(payload) if "json" in hdrs.get("content-type", "") else payload
        answer = json.loads(payload) if payload else None
        for f in c["response"]:
            if f in c.get("optional", []):
                continue
            self.t.assertTrue(fields_present(answer, f), "%s answer lacks '%s' (the scripts read it): %s"
                              % (call_id, f, json.dumps(answer)[:400]))
        return status, hdrs, answer

    # -- the launcher --------------------------------------------------
    def launcher(self, hook):
        """Downloads Provisiond.psm1 and the hook's script, each checked against its SHA-256."""
        start = len(self.calls)
        if self.tx.pins and self.tx.ws_base.startswith("https://") and self.tx.roots_pem is None:
            self.tx.load_roots()
            self.calls.append("root")
        for name in ("Provisiond.psm1", hook):
            status, hdrs, body = self.call("file", {"path": "Provision/" + name})
            self.t.assertEqual(status, 200)
            _, _, line = self.call("file_sha256", {"path": "Provision/" + name})
            self.t.assertEqual(line.decode().split()[0], hashlib.sha256(body).hexdigest(), name)
            self.downloads[name] = (hdrs, body.decode())
        return collapse(self.calls[start:])

    # -- events and the offline queue ----------------------------------
    def event(self, phase, message, **extra):
        ev = {"event_id": str(uuid.uuid4()), "phase": phase, "level": extra.pop("level", "info"), "message": message}
        ev.update(extra)
        self.queue.append(ev)
        self.flush(attempts=1)

    def flush(self, attempts=1):
        while self.queue and self.deployment:
            ev = self.queue[0]
            try:
                status, _, answer = self.call("event", {"id": self.deployment["id"]}, body=ev, accept=(409,),
                                              attempts=attempts)
            except NetworkError:
                return len(self.queue)
            self.sent_ids.append(ev["event_id"])
            self.queue.pop(0)
        return len(self.queue)

    def settings(self):
        _, _, s = self.call("settings")
        self.tx.settings = dict(s["server_variables"])

    # -- hooks ---------------------------------------------------------
    def pe_pre(self, confirm_from_admin):
        start = len(self.calls)
        self.settings()
        _, _, started = self.call("start", body=self.facts)
        self.deployment = {"id": started["id"]}
        self.tx.deployment_token = started.get("deployment_token", "")
        self.event("winpe", "START PROVISIONING %s" % self.facts["serial"], step=1, step_count=4, percent=5)
        _, _, plan = self.call("plan", body=self.facts)
        polls = 0
        while plan["needs_confirmation"]:
            if polls == 0:
                self.event("winpe", "unknown device %s: waiting for a confirmation" % self.facts["serial"],
                           level="warning")
            polls += 1
            if polls == 2:
                if confirm_from_admin:
                    confirm_from_admin(plan)
                else:
                    # The person first accepts the suggested name, cleaned as the module does:
                    # the sample's template gives '0000002' without a country, which the
                    # server refuses (all digits); the dialog says why, the person types one.
                    name = re.sub(r"[^-A-Za-z0-9]", "", plan["choices"]["suggested_name"] or "")[:15].strip("-")
                    body = {"serial": self.facts["serial"], "name": name, "type": plan["choices"]["types"][0]["name"]}
                    status, _, refused = self.call("confirm", body=body, accept=(400, 409))
                    self.t.assertEqual((status, refused["status"]), (400, 400), refused)
                    self.t.assertIn("only digits", refused["detail"])
                    self.event("winpe", "confirmation refused: %s" % refused["detail"], level="warning")
                    _, _, plan = self.call("plan", body=self.facts)
                    body["name"] = "SIM-" + name
                    status, _, made = self.call("confirm", body=body, accept=(409,))
                    self.t.assertEqual((status, made["computer"]["computer_name"]), (201, body["name"]))
            self.t.assertLess(polls, 20, "the device was never confirmed")
            _, _, plan = self.call("plan", body=self.facts)
        self.t.assertTrue(plan["hardware"]["allowed"], plan["hardware"]["reason"])
        self.plan = plan
        self.event("winpe", "plan: %s, type %s" % (plan["computer_name"], plan["type"]["value"]),
                   step=2, step_count=4, percent=10)
        return collapse(self.calls[start:])

    def drivers(self, phase):
        _, _, answer = self.call("drivers", query={"serial": self.facts["serial"], "model": self.facts["model"],
                                                   "os": self.facts.get("os_name", "")})
        for i, d in enumerate(answer["drivers"], 1):
            key = "rule-%s" % d["rule_id"]
            if key in self.ledger["drivers"]:
                continue
            self.fetch(d)
            self.ledger["drivers"][key] = "installed"
            self.event("drivers", "driver package %d of %d: %s" % (i, len(answer["drivers"]), d["url"]),
                       step=i, step_count=len(answer["drivers"]))
        return answer["drivers"]

    def fetch(self, item):
        """A hub source: downloaded (302 to /file/raw/) and checked against /file/sha256/."""
        self.t.assertEqual(item["source_kind"], "service-relative", item)
        base_path = urlsplit(self.tx.ws_base).path
        path = urlsplit(item["path"]).path
        self.t.assertTrue(path.startswith(base_path + "/file/"), "%s is outside %s" % (path, self.tx.ws_base))
        rel = path[len(base_path + "/file/"):]
        status, _, body = self.call("file", {"path": rel})
        self.t.assertEqual(status, 200)
        _, _, line = self.call("file_sha256", {"path": rel})
        self.t.assertEqual(line.decode().split()[0], hashlib.sha256(body).hexdigest())
        return body

    def pe(self):
        start = len(self.calls)
        self.settings()
        n = len(self.drivers("drivers"))
        self.event("drivers", "%d driver package(s) handled in WinPE; rebooting into Windows" % n,
                   step=3, step_count=4, percent=30)
        return collapse(self.calls[start:])

    def pre(self):
        start = len(self.calls)
        self.settings()
        self.drivers("drivers")
        _, _, plan = self.call("plan", body=self.facts)
        self.event("specialize", "language %s, keyboard %s" % (plan["language"]["value"], plan["keyboard"]["value"]),
                   step=4, step_count=4, percent=40)
        return collapse(self.calls[start:])

    def customer(self, on_install=None):
        """One pass; returns ('reboot'|'done', sequence)."""
        start = len(self.calls)
        self.settings()
        _, _, answer = self.call("apps", query={"serial": self.facts["serial"], "model": self.facts["model"],
                                                "os": self.facts.get("os_name", "")})
        apps = answer["apps"]
        failed = []
        for i, app in enumerate(apps, 1):
            if app["name"] in self.ledger["apps"]:
                continue
            self.event("apps", "installing %s (%d of %d)" % (app["name"], i, len(apps)), step=i, step_count=len(apps))
            self.fetch(app)
            code = on_install(app) if on_install else 0
            if code not in app["success_codes"]:
                self.ledger["apps"][app["name"]] = "failed"
                failed.append(app["name"])
                self.event("apps", "%s failed: exit %d (policy: %s)" % (app["name"], code, answer["on_app_failure"]),
                           level="error", step=i, step_count=len(apps))
                if answer["on_app_failure"] == "stop":
                    break
                continue
            self.ledger["apps"][app["name"]] = "installed"
            self.event("apps", "%s installed (exit %d)" % (app["name"], code), step=i, step_count=len(apps))
            if app["reboot"]:
                self.event("apps", "rebooting after %s" % app["name"])
                return "reboot", collapse(self.calls[start:])
        ok = not failed
        self.event("done", "END PROVISIONING: %s" % ("%d app(s) installed" % len(apps) if ok else "failed: " + ", ".join(failed)),
                   status="success" if ok else "error", level="info" if ok else "error", percent=100)
        self.t.assertEqual(self.flush(attempts=5), 0)
        return "done", collapse(self.calls[start:])


def make_keys(keys_dir):
    for args in (["root-init"], ["tls-request", *SUBJECT], ["tls-issue", "reporting.csr", "reporting.crt"]):
        p = subprocess.run([BIN, "keys", *args, "--keys-dir", keys_dir], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError("provisiond keys %s: %s%s" % (" ".join(args), p.stdout, p.stderr))


def root_sha256(svc):
    status, root = svc.get_json("/api/v1/tls/root")
    assert status == 200, root
    return root["sha256"]


class SimulatedDeployment:
    """Shared by the direct and the nginx runs: data, the run, the checks."""
    MODEL = "SimBook 14 G3"
    OS = "Microsoft Windows 11 Enterprise"
    APPS = [("SimAgent", "agent.cmd", False), ("SimDriverSuite", "suite.cmd", True), ("SimOffice", "office.cmd", False)]

    def files(self):
        out = {"Drivers/Sim/simbook-14-g3.zip": b"PK\x05\x06" + b"\0" * 18}
        for name, script, _ in self.APPS:
            out["Apps/%s/%s" % (name, script)] = ("@echo installing %s\r\n" % name).encode()
        return out

    def configure(self, svc):
        for name, script, reboot in self.APPS:
            s, body = svc.post_json("/api/v1/admin/apps", {"name": name, "url": "[baseurl]/file/Apps/%s/%s" % (name, script),
                                                           "script": script, "reboot": reboot})
            self.assertEqual(s, 201, body)
        s, body = svc.post_json("/api/v1/admin/types", {"name": "SIMLAB", "applications": [a[0] for a in self.APPS]})
        self.assertEqual(s, 201, body)
        s, body = svc.post_json("/api/v1/admin/drivers", {"model_regex": r"(?i)^SimBook\s+14", "os_regex": r"(?i)Windows\s+11",
                                                          "url": "[baseurl]/file/Drivers/Sim/simbook-14-g3.zip"})
        self.assertEqual(s, 201, body)

    def facts(self, serial):
        return {"serial": serial, "make": "SimCorp", "model": self.MODEL, "uuid": str(uuid.uuid4()).upper(),
                "macs": ["02-00-00-00-00-%02X" % (len(serial) % 256)], "ram_gb": 16, "disk_gb": 512, "cpu_count": 8,
                "firmware": "UEFI", "os_name": self.OS, "client_version": "simulator"}

    def admin_confirm(self, svc, serial, name):
        def confirm(plan):
            status, pending = svc.get_json("/api/v1/admin/pending")
            self.assertEqual(status, 200)
            self.assertIn(serial, [p["serial"] for p in pending["items"]], "the waiting device is not listed as pending")
            s, body = svc.post_json("/api/v1/admin/pending/%s/confirm" % serial,
                                    {"computer_name": name, "type": "SIMLAB", "country": "FR"})
            self.assertEqual(s, 201, body)
        return confirm

    def run_deployment(self, svc, endpoint, restart):
        serial = endpoint.facts["serial"]
        seqs = CONTRACT["sequences"]
        tls_pinned = bool(endpoint.tx.pins) and endpoint.tx.ws_base.startswith("https://")
        for hook in HOOKS:
            first = hook == HOOKS[0] and tls_pinned  # the roots are fetched once, then cached
            self.assertEqual(endpoint.launcher(hook), seqs["launcher"] if first else seqs["launcher"][1:], hook)
            hdrs, text = endpoint.downloads[hook]
            self.assertTrue(hdrs["provisiond-script"].startswith("builtin; version="), hdrs)
            self.assertIn("return $outcome", text)
        # The module the launchers fetched has the service's address in it (the hub fills it in).
        _, module = endpoint.downloads["Provisiond.psm1"]
        self.assertNotIn("{{ScriptVersion}}", module)

        self.assertEqual(endpoint.pe_pre(self.admin_confirm(svc, serial, "SIM-LAB-0001")), seqs["Customer-PE-Pre.ps1"])
        self.assertEqual(endpoint.plan["computer_name"], "SIM-LAB-0001")
        self.assertEqual(endpoint.pe(), seqs["Customer-PE.ps1"])
        self.assertEqual(endpoint.pre(), seqs["Customer-Pre.ps1"])
        outcome, seq = endpoint.customer()
        self.assertEqual((outcome, seq), ("reboot", seqs["Customer.ps1 (reboot)"]))
        self.assertEqual(sorted(endpoint.ledger["apps"]), ["SimAgent", "SimDriverSuite"])

        # The reboot: the service goes down meanwhile; what the endpoint reports is queued.
        restart("stop")
        endpoint.event("apps", "back after the reboot (pass 2)")
        endpoint.event("apps", "resuming from the ledger: 2 of 3 done")
        self.assertEqual(len(endpoint.queue), 2, "the events made while the service is down are queued")
        restart("start")
        endpoint.launcher("Customer.ps1")  # Tanium runs the hook again after the reboot
        outcome, seq = endpoint.customer()
        self.assertEqual((outcome, seq), ("done", seqs["Customer.ps1"]))
        self.check_server(svc, endpoint, serial)

    def check_server(self, svc, endpoint, serial):
        status, detail = svc.get_json("/api/v1/admin/deployments/%s" % endpoint.deployment["id"])
        self.assertEqual(status, 200, detail)
        d = detail["deployment"]
        self.assertEqual((d["status"], d["percent"], d["serial"]), ("success", 100, serial))
        self.assertIn("END PROVISIONING", d["final_message"])
        messages = [e["message"] for e in detail["events"]]
        # Every event the endpoint sent is stored once, in the order it was made.
        self.assertEqual(len(messages), len(endpoint.sent_ids), messages)
        self.assertEqual(len(set(endpoint.sent_ids)), len(endpoint.sent_ids))
        self.assertEqual(messages[0], "START PROVISIONING %s" % serial)
        i = messages.index("back after the reboot (pass 2)")
        self.assertEqual(messages[i + 1], "resuming from the ledger: 2 of 3 done")
        self.assertGreater(i, messages.index("rebooting after SimDriverSuite"))
        # The ledger: each app installed once, across the reboot.
        for name, _, _ in self.APPS:
            self.assertEqual(sum(m.startswith("installing %s " % name) for m in messages), 1, messages)
        self.assertLess(messages.index("rebooting after SimDriverSuite"), messages.index("installing SimOffice (3 of 3)"))
        status, computer = svc.get_json("/api/v1/admin/computers/%s" % serial)
        self.assertEqual(status, 200, computer)
        self.assertEqual((computer["computer_name"], computer["type"], computer["country"]), ("SIM-LAB-0001", "SIMLAB", "FR"))


class DirectRunTest(SimulatedDeployment, unittest.TestCase):
    """The whole deployment against provisiond itself, plaintext (mode 0)."""

    def test_deployment_end_to_end(self):
        port = free_port()
        svc = Service(files=self.files(), args=["--port", str(port)])
        try:
            svc.start()
            self.assertEqual(svc.port, port)
            self.configure(svc)
            tx = Transport("http://127.0.0.1:%d" % port)
            endpoint = Endpoint(self, tx, self.facts("SIM0000001"))

            def restart(what):
                svc.stop() if what == "stop" else svc.start()
            self.run_deployment(svc, endpoint, restart)
            self.assertTrue(all(scheme == "http" for scheme, *_ in tx.log))
        finally:
            svc.cleanup()

    def test_device_confirms_itself(self):
        """The other branch: a person confirms on the device (POST confirm)."""
        svc = Service(files=self.files())
        try:
            svc.start()
            self.configure(svc)
            endpoint = Endpoint(self, Transport("http://127.0.0.1:%d" % svc.port), self.facts("SIM0000002"))
            self.assertEqual(endpoint.pe_pre(None), CONTRACT["sequences"]["Customer-PE-Pre.ps1 (confirmed on the device)"])
            status, computer = svc.get_json("/api/v1/admin/computers/SIM0000002")
            self.assertEqual((status, computer["created_by"]), (200, "endpoint"))
        finally:
            svc.cleanup()

    def test_app_failure_policy(self):
        """A failing app: reported with its exit code; 'stop' ends the sequence with an error."""
        svc = Service(files=self.files())
        try:
            svc.start()
            self.configure(svc)
            self.assertEqual(svc.request("PUT", "/api/v1/admin/settings/app_failure_policy", body={"value": "stop"})[0], 200)
            endpoint = Endpoint(self, Transport("http://127.0.0.1:%d" % svc.port), self.facts("SIM0000003"))
            endpoint.pe_pre(self.admin_confirm(svc, "SIM0000003", "SIM-LAB-0003"))
            outcome, _ = endpoint.customer(on_install=lambda app: 1603 if app["name"] == "SimAgent" else 0)
            self.assertEqual(outcome, "done")
            status, detail = svc.get_json("/api/v1/admin/deployments/%s" % endpoint.deployment["id"])
            self.assertEqual(detail["deployment"]["status"], "error")
            messages = [e["message"] for e in detail["events"]]
            self.assertIn("SimAgent failed: exit 1603 (policy: stop)", messages)
            self.assertFalse(any(m.startswith("installing SimDriverSuite") for m in messages), messages)
            self.assertEqual(svc.request("PUT", "/api/v1/admin/settings/app_failure_policy", body={"value": "later"})[0], 400)
        finally:
            svc.cleanup()


class NginxTlsRunTest(SimulatedDeployment, unittest.TestCase):
    """The same deployment through nginx at /provision over TLS: mode 2 from
    the server's settings, the service certificate chained to the pinned root."""

    def test_deployment_through_nginx_tls_pinned(self):
        port = free_port()
        svc = Service(files=self.files(), args=["--port", str(port)])
        nginx = None
        try:
            make_keys(os.path.join(svc.data_dir, "keys"))
            svc.start()
            self.assertEqual(svc.request("PUT", "/api/v1/admin/settings/ReportingTLSMode", body={"value": "2"})[0], 200)
            self.configure(svc)
            keys = os.path.join(svc.data_dir, "keys")
            nginx = Nginx(port, tls=(os.path.join(keys, "reporting.crt"), os.path.join(keys, "reporting.pvk"))).start()
            base = "https://localhost:%d/provision" % nginx.port
            tx = Transport(base, pins=[root_sha256(svc)])
            endpoint = Endpoint(self, tx, self.facts("SIM0000004"))

            def restart(what):
                svc.stop() if what == "stop" else svc.start()
            self.run_deployment(svc, endpoint, restart)
            self.assertEqual(tx.mode(), 2)
            # Every answer came over TLS (the pin held, no fallback); the hub filled in the prefix.
            self.assertTrue(all(scheme == "https" for scheme, _, _, s in tx.log if s != "error"), tx.log[:5])
            # The roots were fetched once (the launcher of the first hook), then cached.
            self.assertEqual(endpoint.calls.count("root"), 1)
        finally:
            if nginx:
                nginx.stop()
            svc.cleanup()


class TransportTest(unittest.TestCase):
    """Mode 2 against provisiond serving TLS and plaintext on one port: a
    wrong pin fails TLS, the third failure falls back to plaintext, TLS is
    tried again after the backoff, which doubles up to its maximum."""

    def test_mode2_fallback_and_backoff(self):
        svc = Service(args=["--tls-mode", "2"])
        try:
            make_keys(os.path.join(svc.data_dir, "keys"))
            svc.start()
            now = [1000.0]
            local = {"OptionalTLSMinAttemptCount": 3, "OptionalTLSBackoffIntervalSeconds": 10, "OptionalTLSMaxBackoffSeconds": 25}
            tx = Transport("https://127.0.0.1:%d" % svc.port, pins=["00" * 32], local=local, clock=lambda: now[0])
            tx.roots_pem = None  # the wrong pin: no root; the TLS checks fail against the system store
            status, _, _ = tx.request("GET", CALLS["settings"]["path"], attempts=5, pause=0)
            self.assertEqual(status, 200)
            self.assertEqual([(s, r) for s, _, _, r in tx.log], [("https", "error")] * 3 + [("http", 200)])
            self.assertEqual(tx.state["backoffSeconds"], 10)
            # Within the backoff: plaintext at once.
            tx.log.clear()
            tx.request("GET", CALLS["settings"]["path"], pause=0)
            self.assertEqual([s for s, *_ in tx.log], ["http"])
            # After it: TLS again; three more failures double the backoff, capped at 25.
            for expected in (20, 25):
                now[0] += 1000
                tx.log.clear()
                tx.request("GET", CALLS["settings"]["path"], pause=0)
                self.assertEqual([s for s, *_ in tx.log], ["https"] * 3 + ["http"])
                self.assertEqual(tx.state["backoffSeconds"], expected)
            # The right pin: TLS holds and the state is reset.
            now[0] += 1000
            tx.pins = [root_sha256(svc).replace(":", "").lower()]
            tx.load_roots()
            tx.log.clear()
            tx.request("GET", CALLS["settings"]["path"], pause=0)
            self.assertEqual([s for s, *_ in tx.log][-1], "https")
            self.assertEqual(tx.state, {"tlsFailures": 0, "nextTlsAttempt": 0, "backoffSeconds": 0})
        finally:
            svc.cleanup()


class ContractRoutesTest(unittest.TestCase):
    """Every contract call is a route of `provisiond routes`."""

    def test_contract_calls_are_routes(self):
        out = subprocess.run([BIN, "routes"], capture_output=True, text=True, timeout=60).stdout
        routes = set()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] in ("GET", "POST", "PUT", "DELETE", "PATCH"):
                routes.add((parts[0], re.sub(r"\{\*?[^}]+\}", "{}", parts[1])))
        self.assertGreater(len(routes), 20, out[:500])
        for c in CONTRACT["calls"]:
            self.assertIn((c["method"], re.sub(r"\{[^}]+\}", "{}", c["path"])), routes, c["id"])


if __name__ == "__main__":
    unittest.main()

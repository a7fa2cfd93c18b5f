"""GET /metrics (doc/metrics.md): who may scrape it, a scripted run whose
counters are checked exactly in a scrape parsed by prometheus_client's
text-format parser, store reload/refusal counters, TLS handshake counters
and certificate expiry gauges, metrics.enabled = false (404, no route),
and the Grafana dashboard naming only metrics a scrape has."""
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import http.client
import unittest

from harness import BIN, ROOT, SAMPLE_DATA, Service, ServiceTest

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:  # a Python of its own (pyenv) does not see Debian's packages
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        from prometheus_client.parser import text_string_to_metric_families
    except ImportError as e:
        raise ImportError("prometheus_client is missing: apt-get install python3-prometheus-client "
                          "(tools/deps.sh installs it)") from e

DASHBOARD = os.path.join(ROOT, "doc", "grafana-provisiond.json")
METRICS_TOKEN = "scrape-" + "5f" * 20
FILE_BYTES = bytes(range(256)) * 20  # 5120 bytes


def parse(text):
    """{(sample name, frozenset(labels)): value} of a scrape, through the real parser."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples, name, **labels):
    """Sum over every series of `name` whose labels include `labels`."""
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= set(ls))


class MetricsTest(ServiceTest):
    DATA = SAMPLE_DATA
    FILES = {"Apps/tool.bin": FILE_BYTES}

    @classmethod
    def setUpClass(cls):
        cls.token_dir = tempfile.mkdtemp(prefix="pvd-it-metrics-")
        token_file = os.path.join(cls.token_dir, "metrics.token")
        with open(token_file, "w") as f:
            f.write(METRICS_TOKEN + "\n")
        cls.CONFIG = '[metrics]\ntoken_file = "%s"\nmax_models = 3\n' % token_file
        super().setUpClass()
        r = cls.svc.cli("tokens", "create", "--role", "viewer")
        assert r.returncode == 0, r.stderr
        cls.viewer_token = r.stdout.strip()
        cls.wait_for_token(cls.viewer_token)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.token_dir, ignore_errors=True)

    @classmethod
    def wait_for_token(cls, token):
        """A token made by the CLI reaches the running server with its next data reload."""
        deadline = time.time() + 10
        while time.time() < deadline:
            st, _, _ = cls.svc.get("/api/v1/auth/me", headers={"Authorization": "Bearer " + token})
            if st == 200:
                return
            time.sleep(0.1)
        raise AssertionError("the viewer token never became valid")

    def scrape(self, token=METRICS_TOKEN):
        st, h, body = self.svc.get("/metrics", headers={"Authorization": "Bearer " + token})
        self.assertEqual(st, 200, body)
        self.assertEqual(h["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        return body.decode()

    def scrape_until(self, done):
        """The first scrape for which done(samples) holds. A request is counted
        once its answer is written, which a fast client can overtake by a hair."""
        deadline = time.time() + 10
        while True:
            samples = parse(self.scrape())
            if done(samples) or time.time() > deadline:
                return samples
            time.sleep(0.05)

    def test_only_an_admin_or_the_metrics_token_may_scrape(self):
        st, h, body = self.svc.get("/metrics", auth=False)
        self.assertEqual(st, 401, body)
        self.assertIn("bearer", h.get("www-authenticate", "").lower())
        st, _, body = self.svc.get("/metrics", headers={"Authorization": "Bearer " + self.viewer_token})
        self.assertEqual(st, 403, body)
        self.assertIn("admin", json.loads(body)["detail"])
        st, _, body = self.svc.get("/metrics", headers={"Authorization": "Bearer wrong-" + METRICS_TOKEN})
        self.assertEqual(st, 401, body)
        self.assertIn("provisiond_build_info", self.scrape())
        self.assertIn("provisiond_build_info", self.scrape(self.svc.admin_token))
        # The scrape token opens /metrics only.
        st, _, body = self.svc.get("/api/v1/admin/status", headers={"Authorization": "Bearer " + METRICS_TOKEN})
        self.assertEqual(st, 401, body)

    def test_the_route_is_listed_and_documented(self):
        r = self.svc.cli("routes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"GET\s+/metrics\s+admin\s+admin\|metrics-token")
        st, doc = self.svc.get_json("/api/v1/openapi.json", auth=False)
        self.assertEqual(doc["paths"]["/metrics"]["get"]["x-permission"], "admin|metrics-token")

    def test_a_scripted_run_is_counted_exactly(self):
        model = "Metrics Model 1"
        before = parse(self.scrape())

        for _ in range(5):
            st, _, _ = self.svc.get("/getcomputer?serial=SDK86P3")
            self.assertEqual(st, 200)
        st, _, _ = self.svc.get("/no/such/route")
        self.assertEqual(st, 404)
        st, _, body = self.svc.get("/file/raw/Apps/tool.bin")
        self.assertEqual((st, body), (200, FILE_BYTES))

        types = []  # the type the computer record gives each deployment (its label)

        def deploy(event_phases, final_status):
            st, d = self.svc.post_json("/api/v1/endpoint/deployments", {"serial": "SDK86P3", "model": model})
            self.assertEqual(st, 201, d)
            dep_id = d["deployment"]["id"]
            types.append(d["deployment"]["type"])
            hdr = {"X-Deployment-Token": d["deployment_token"]} if d.get("deployment_token") else {}
            for i, phase in enumerate(event_phases):
                ev = {"event_id": "e%d" % i, "phase": phase, "message": phase}
                if i == len(event_phases) - 1:
                    ev["status"] = final_status
                st, body = self.svc.post_json("/api/v1/endpoint/deployments/%s/events" % dep_id, ev, headers=hdr)
                self.assertLess(st, 300, body)
            # A retried final event is stored once and counted once.
            st, body = self.svc.post_json("/api/v1/endpoint/deployments/%s/events" % dep_id, ev, headers=hdr)
            self.assertLess(st, 300, body)

        deploy(["apps", "drivers", "done"], "success")
        deploy(["winpe", "os-apply"], "error")
        ctype = types[0]
        self.assertEqual(types, [ctype, ctype])
        self.assertTrue(ctype)

        gc = dict(route="/getcomputer", method="GET", code="200")
        after = self.scrape_until(lambda s: value(s, "provisiond_http_requests_total", **gc) -
                                  value(before, "provisiond_http_requests_total", **gc) >= 5 and
                                  value(s, "provisiond_content_bytes_served_total") >
                                  value(before, "provisiond_content_bytes_served_total"))

        def delta(name, **labels):
            return value(after, name, **labels) - value(before, name, **labels)

        self.assertEqual(delta("provisiond_http_requests_total", **gc), 5)
        self.assertEqual(delta("provisiond_http_request_duration_seconds_count", route="/getcomputer", method="GET"), 5)
        self.assertEqual(delta("provisiond_http_request_duration_seconds_bucket", route="/getcomputer", method="GET",
                               le="+Inf"), 5)
        self.assertGreater(delta("provisiond_http_request_duration_seconds_sum", route="/getcomputer", method="GET"), 0)
        self.assertEqual(delta("provisiond_http_requests_total", route="unmatched", method="GET", code="404"), 1)
        self.assertEqual(delta("provisiond_http_requests_total", route="/api/v1/endpoint/deployments", method="POST",
                               code="201"), 2)
        # Never the raw path: no series names a request's own path.
        self.assertFalse([ls for (n, ls) in after if dict(ls).get("route") == "/no/such/route"])
        self.assertEqual(delta("provisiond_content_bytes_served_total"), len(FILE_BYTES))
        self.assertEqual(delta("provisiond_deployments_started_total", type=ctype, model=model), 2)
        self.assertEqual(delta("provisiond_deployments_finished_total", type=ctype, model=model, status="success"), 1)
        self.assertEqual(delta("provisiond_deployments_finished_total", type=ctype, model=model, status="error"), 1)
        self.assertEqual(delta("provisiond_deployment_events_total"), 5)
        # A phase is timed when the next event leaves it (the final event
        # included); the final event's own phase ("done", "os-apply" where it
        # failed) has no length.
        for phase in ("apps", "drivers", "winpe"):
            self.assertEqual(delta("provisiond_deployment_phase_duration_seconds_count", model=model, phase=phase), 1,
                             phase)
        for phase in ("done", "os-apply"):
            self.assertEqual(delta("provisiond_deployment_phase_duration_seconds_count", model=model, phase=phase), 0,
                             phase)
        self.assertGreaterEqual(value(after, "provisiond_open_connections"), 1)  # this scrape's own
        self.assertGreater(value(after, "provisiond_store_generation"), 0)

    # Runs after test_a_scripted_run (unittest sorts by name), whose model
    # must still have its own series: 3 models, that one among them.
    def test_models_past_the_cap_count_as_other(self):
        before = parse(self.scrape())
        models = ["Cap Model %d" % i for i in range(6)]
        for m in models:
            st, d = self.svc.post_json("/api/v1/endpoint/deployments", {"serial": "SDK86P3", "model": m})
            self.assertEqual(st, 201, d)
        after = parse(self.scrape())
        seen = {dict(ls)["model"] for (n, ls) in after if n == "provisiond_deployments_started_total"}
        self.assertLessEqual(len(seen - {"other"}), 3, seen)  # max_models = 3
        self.assertIn("other", seen)
        self.assertEqual(total(after, "provisiond_deployments_started_total") -
                         total(before, "provisiond_deployments_started_total"), len(models))

    def test_external_edits_count_as_reloads_and_refusals(self):
        path = os.path.join(self.svc.data_dir, "computers.csv")
        with open(path, "rb") as f:
            original = f.read()
        nl = b"\r\n" if original.endswith(b"\r\n") else b"\n"
        before = parse(self.scrape())
        try:
            with open(path, "ab") as f:
                f.write(b"METRICS1,FR-MET-0001,BUREAUTIQUE,fr-FR,FR,fr-FR,Romance Standard Time,,,,,1" + nl)
            # Each family is sampled on its own: wait until the scrape shows both.
            s = self.scrape_until(lambda s: value(s, "provisiond_store_reloads_total") >
                                  value(before, "provisiond_store_reloads_total") and
                                  value(s, "provisiond_store_generation") > value(before, "provisiond_store_generation"))
            self.assertEqual(value(s, "provisiond_store_reloads_total") -
                             value(before, "provisiond_store_reloads_total"), 1)
            self.assertGreater(value(s, "provisiond_store_generation"), value(before, "provisiond_store_generation"))
            with open(path, "ab") as f:
                f.write(b'BROKEN"ROW,"unterminated' + nl)
            s = self.scrape_until(lambda s: value(s, "provisiond_store_refused_sources") == 1 and
                                  value(s, "provisiond_store_refusals_total") > value(before, "provisiond_store_refusals_total"))
            self.assertEqual(value(s, "provisiond_store_refusals_total") -
                             value(before, "provisiond_store_refusals_total"), 1)
            self.assertEqual(value(s, "provisiond_store_refused_sources"), 1)
        finally:
            with open(path, "wb") as f:
                f.write(original)
            self.scrape_until(lambda s: value(s, "provisiond_store_refused_sources") == 0)

    def test_the_grafana_dashboard_uses_only_metrics_that_exist(self):
        with open(DASHBOARD) as f:
            dashboard = json.load(f)
        exprs = []

        def walk(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k in ("expr", "query") and isinstance(v, str):
                        exprs.append(v)
                    else:
                        walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(dashboard)
        self.assertGreater(len(exprs), 10)
        text = self.scrape()
        declared = set(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
        names = {n for n, _ in declared}
        histograms = {n for n, t in declared if t == "histogram"}
        referenced = set()
        for e in exprs:
            referenced |= set(re.findall(r"\bprovisiond_[a-z0-9_]+", e))
        self.assertGreater(len(referenced), 10)
        for name in sorted(referenced):
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            ok = name in names or (base in histograms and base != name)
            self.assertTrue(ok, "the dashboard names %s, which no scrape declares" % name)
        # And every family appears in the dashboard (nothing measured for nobody).
        for name in sorted(names):
            used = any(r == name or re.sub(r"_(bucket|sum|count)$", "", r) == name for r in referenced)
            self.assertTrue(used, "%s is not on the dashboard" % name)


class MetricsDisabledTest(ServiceTest):
    DATA = SAMPLE_DATA
    CONFIG = "[metrics]\nenabled = false\n"

    def test_the_route_is_gone(self):
        st, _, body = self.svc.get("/metrics", headers={"Authorization": "Bearer " + self.svc.admin_token})
        self.assertEqual(st, 404, body)
        r = self.svc.cli("routes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("/metrics", r.stdout)


class MetricsConfigTest(unittest.TestCase):
    def test_an_unreadable_or_short_token_file_stops_the_start(self):
        tmp = tempfile.mkdtemp(prefix="pvd-it-metrics-")
        try:
            short = os.path.join(tmp, "short.token")
            with open(short, "w") as f:
                f.write("abc\n")
            for path, want in ((os.path.join(tmp, "missing.token"), "cannot be read"), (short, "at least 16")):
                svc = Service(data=SAMPLE_DATA, config='[metrics]\ntoken_file = "%s"\n' % path)
                try:
                    with self.assertRaises(RuntimeError) as cm:
                        svc.start()
                    self.assertIn(want, str(cm.exception))
                    self.assertIn("metrics.token_file", str(cm.exception))
                finally:
                    svc.cleanup()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class MetricsTlsTest(unittest.TestCase):
    """Handshakes by version, a failed one, and the certificate gauges."""

    @classmethod
    def setUpClass(cls):
        cls.svc = Service(data=SAMPLE_DATA, args=["--tls-mode", "1"])
        keys_dir = os.path.join(cls.svc.data_dir, "keys")
        for args in (["root-init"],
                     ["tls-request", "--subject", "CN=localhost", "--san", "IP:127.0.0.1"],
                     ["tls-issue", "reporting.csr", "reporting.crt"]):
            p = subprocess.run([BIN, "keys", *args, "--keys-dir", keys_dir], capture_output=True, text=True,
                               timeout=60)
            assert p.returncode == 0, p.stdout + p.stderr
        cls.root = os.path.join(keys_dir, "root.crt")
        cls.cert = os.path.join(keys_dir, "reporting.crt")
        cls.svc.start()

    @classmethod
    def tearDownClass(cls):
        cls.svc.cleanup()

    def https(self, path, max_version=None, token=None):
        ctx = ssl.create_default_context(cafile=self.root)
        if max_version:
            ctx.maximum_version = max_version
        c = http.client.HTTPSConnection("127.0.0.1", self.svc.port, context=ctx, timeout=10)
        try:
            c.request("GET", path, headers={"Authorization": "Bearer " + token} if token else {})
            r = c.getresponse()
            return r.status, r.read().decode(), c.sock.version()
        finally:
            c.close()

    def scrape(self):
        st, body, _ = self.https("/metrics", token=self.svc.admin_token)
        self.assertEqual(st, 200, body)
        return parse(body)

    def test_handshakes_by_version_and_failures(self):
        before = self.scrape()  # counts its own handshake
        st, _, version = self.https("/healthz")
        self.assertEqual((st, version), (200, "TLSv1.3"))
        st, _, version = self.https("/healthz", max_version=ssl.TLSVersion.TLSv1_2)
        self.assertEqual((st, version), (200, "TLSv1.2"))
        # Plain HTTP on a TLS-only port: a failed handshake.
        c = http.client.HTTPConnection("127.0.0.1", self.svc.port, timeout=10)
        try:
            with self.assertRaises((http.client.HTTPException, ConnectionError, OSError)):
                c.request("GET", "/healthz")
                c.getresponse().read()
        finally:
            c.close()
        # The server counts the failure before it closes, so before the client sees the close.
        after = self.scrape()

        def delta(name, **labels):
            return value(after, name, **labels) - value(before, name, **labels)
        # The TLS 1.3 request and the second scrape; the TLS 1.2 request.
        self.assertEqual(delta("provisiond_tls_handshakes_total", version="TLSv1.3"), 2)
        self.assertEqual(delta("provisiond_tls_handshakes_total", version="TLSv1.2"), 1)
        self.assertEqual(total(after, "provisiond_tls_handshake_failures_total") -
                         total(before, "provisiond_tls_handshake_failures_total"), 1)

    def test_certificate_expiry_gauges_count_down_to_the_certificates_end(self):
        samples = self.scrape()
        now = time.time()
        for kind, path in (("service", self.cert), ("root", self.root)):
            not_after = ssl.cert_time_to_seconds(ssl._ssl._test_decode_cert(path)["notAfter"])
            got = [v for (n, ls), v in samples.items()
                   if n == "provisiond_certificate_expiry_seconds" and dict(ls)["cert"] == kind]
            self.assertEqual(len(got), 1, (kind, samples))
            self.assertAlmostEqual(got[0], not_after - now, delta=120)


if __name__ == "__main__":
    unittest.main()

"""TLS through the real binary (issue 5): the ten-suite TLS 1.2 policy and
TLS 1.3 checked with `openssl s_client` and Debian's `testssl`, listener
modes 0/1/2, RequireIncomingEncryption, two listeners, hot reload under load,
a refused bad pair, the keys CLI round trip with rotation, the TLS info
route/page, the root download, "Using TLS" on deployments and the ranged
endpoint TLS settings.

Needs `openssl` on PATH; the testssl test is skipped without `testssl`
(package testssl.sh) and takes about a minute.
"""
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
from datetime import datetime, timedelta, timezone

from harness import BIN, ORIGINAL_DATA, SAMPLE_DATA, Service, status_of

POLICY = [
    "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA384",
    "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256",
]
POLICY_IDS = {"c02c", "c030", "cca9", "cca8", "c02b", "c02f", "c024", "c028", "c023", "c027"}
# Suites outside the policy: a sample of CBC-SHA1, RSA key exchange, DHE.
REFUSED_SUITES = ["AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA",
                  "DHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-SHA", "AES128-SHA256"]
SUBJECT = ["--subject", "CN=localhost", "--san", "DNS:localhost", "--san", "IP:127.0.0.1"]

KEYS = None  # module key set: root + ECDSA pair + RSA pair


def keys(*args, keys_dir):
    """Runs `provisiond keys ...`; returns stdout, fails the test run on error."""
    p = subprocess.run([BIN, "keys", *args, "--keys-dir", keys_dir], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("provisiond keys %s: %s%s" % (" ".join(args), p.stdout, p.stderr))
    return p.stdout


def make_keys(keys_dir, rsa=True):
    keys("root-init", keys_dir=keys_dir)
    keys("tls-request", *SUBJECT, keys_dir=keys_dir)
    keys("tls-issue", "reporting.csr", "reporting.crt", keys_dir=keys_dir)
    if rsa:
        keys("tls-request", "--key-type", "rsa", "reporting-rsa.pvk", "reporting-rsa.csr", *SUBJECT,
             keys_dir=keys_dir)
        keys("tls-issue", "reporting-rsa.csr", "reporting-rsa.crt", keys_dir=keys_dir)


def setUpModule():
    global KEYS
    KEYS = tempfile.mkdtemp(prefix="pvd-it-keys-")
    os.rmdir(KEYS)
    make_keys(KEYS)


def tearDownModule():
    shutil.rmtree(KEYS, ignore_errors=True)


def s_client(port, *args, timeout=15):
    """`openssl s_client` against the service: (return code, all output)."""
    p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, *args],
                       input=b"", capture_output=True, timeout=timeout)
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")


def negotiated(out):
    m = re.search(r"Cipher is (\S+)", out)
    return None if not m or m.group(1) == "(NONE)" else m.group(1)


def pem_sha256(path, index=0):
    """SHA-256 of the DER of the index-th certificate in a PEM file, "AB:CD:..."."""
    with open(path) as f:
        blocks = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", f.read(), re.S)
    der = ssl.PEM_cert_to_DER_cert(blocks[index])
    return ":".join("%02X" % b for b in hashlib.sha256(der).digest())


def der_sha256(der):
    return ":".join("%02X" % b for b in hashlib.sha256(der).digest())


def https(port, method, path, cafile, body=None, host="127.0.0.1", timeout=10, token=None):
    """(status, body, served certificate SHA-256) over a new TLS connection;
    `token`: an admin API token to send."""
    ctx = ssl.create_default_context(cafile=cafile)
    c = http.client.HTTPSConnection(host, port, context=ctx, timeout=timeout)
    try:
        headers = {"Authorization": "Bearer " + token} if token else {}
        if body is not None:
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        return r.status, data, der_sha256(c.sock.getpeercert(True))
    finally:
        c.close()


def https_json(port, method, path, cafile, body=None, token=None):
    st, data, _ = https(port, method, path, cafile, body, token=token)
    return st, json.loads(data) if data else None


class TlsServiceTest(unittest.TestCase):
    """One service per class with the module's key set in <data-dir>/keys."""
    DATA = ORIGINAL_DATA
    ARGS = ()
    CONFIG = None
    WITH_KEYS = True

    @classmethod
    def setUpClass(cls):
        cls.svc = Service(data=cls.DATA, config=cls.CONFIG, args=cls.ARGS)
        cls.keys_dir = os.path.join(cls.svc.data_dir, "keys")
        if cls.WITH_KEYS:
            shutil.copytree(KEYS, cls.keys_dir)
        cls.root = os.path.join(cls.keys_dir, "root.crt")
        cls.svc.start()

    @classmethod
    def tearDownClass(cls):
        cls.svc.cleanup()


def both_pairs_args(keys_dir):
    return ["--tls-cert", os.path.join(keys_dir, "reporting.crt"), "--tls-key", os.path.join(keys_dir, "reporting.pvk"),
            "--tls-cert", os.path.join(keys_dir, "reporting-rsa.crt"),
            "--tls-key", os.path.join(keys_dir, "reporting-rsa.pvk")]


class Policy(TlsServiceTest):
    """Mode 2 with an ECDSA and an RSA pair given as repeated flags."""
    DATA = SAMPLE_DATA

    @classmethod
    def setUpClass(cls):
        cls.ARGS = ["--tls-mode", "2"] + both_pairs_args(KEYS)
        super().setUpClass()

    def test_every_policy_suite_handshakes_with_the_matching_certificate(self):
        for suite in POLICY:
            with self.subTest(suite=suite):
                rc, out = s_client(self.svc.port, "-tls1_2", "-cipher", suite)
                self.assertEqual(rc, 0, out)
                self.assertEqual(negotiated(out), suite, out)
                # ECDSA suites get the P-256 certificate, RSA suites the RSA 3072 one.
                bits = re.search(r"Server public key is (\d+) bit", out).group(1)
                self.assertEqual(bits, "256" if "ECDSA" in suite else "3072", out)

    def test_other_suites_are_refused_by_the_server(self):
        for suite in REFUSED_SUITES:
            with self.subTest(suite=suite):
                rc, out = s_client(self.svc.port, "-tls1_2", "-cipher", suite + "@SECLEVEL=0")
                self.assertNotEqual(rc, 0, out)
                self.assertIsNone(negotiated(out), out)
                # The server's alert 40, not a client-side "no ciphers available".
                self.assertIn("alert handshake failure", out)

    def test_tls10_and_tls11_are_refused_with_protocol_version(self):
        for flag in ["-tls1", "-tls1_1"]:
            with self.subTest(flag=flag):
                rc, out = s_client(self.svc.port, flag, "-cipher", "DEFAULT@SECLEVEL=0")
                self.assertNotEqual(rc, 0, out)
                self.assertIsNone(negotiated(out), out)
                self.assertIn("alert protocol version", out)  # the server's alert 70

    def test_server_preference_wins_over_the_client_order(self):
        rc, out = s_client(self.svc.port, "-tls1_2", "-cipher", ":".join(reversed(POLICY)))
        self.assertEqual(rc, 0, out)
        self.assertEqual(negotiated(out), "ECDHE-ECDSA-AES256-GCM-SHA384")
        # Without the ECDSA suites the RSA half is served in the policy order too.
        rsa = [s for s in POLICY if "-RSA-" in s]
        rc, out = s_client(self.svc.port, "-tls1_2", "-cipher", ":".join(reversed(rsa)))
        self.assertEqual(negotiated(out), "ECDHE-RSA-AES256-GCM-SHA384")

    def test_tls13_works(self):
        rc, out = s_client(self.svc.port, "-tls1_3")
        self.assertEqual(rc, 0, out)
        self.assertIn("TLSv1.3", out)
        self.assertEqual(negotiated(out), "TLS_AES_256_GCM_SHA384")

    def test_sessions_resume_and_every_close_sends_close_notify(self):
        # Whoever closes, the server sends close_notify before its FIN (a
        # bare FIN reads as truncation: clients and OpenSSL's cache then drop
        # the session), so sessions resume by ticket and, without tickets,
        # from the server's session-ID cache.
        def request(ctx, session, server_closes):
            with socket.create_connection(("127.0.0.1", self.svc.port), timeout=10) as raw:
                tls = ctx.wrap_socket(raw, server_hostname="localhost", session=session,
                                      suppress_ragged_eofs=False)
                if server_closes:  # HTTP/1.0: the server closes after the answer
                    tls.sendall(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
                    data = b""
                    while chunk := tls.recv(65536):  # SSLEOFError on a FIN without close_notify
                        data += chunk
                else:  # keep-alive: the client closes with close_notify and waits for the answer
                    tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    data = tls.recv(65536)
                    session, reused = tls.session, tls.session_reused
                    tls.unwrap()  # fails unless the server answers close_notify
                    self.assertIn(b" 200 ", data.split(b"\r\n")[0])
                    return session, reused
                self.assertIn(b" 200 ", data.split(b"\r\n")[0])
                return tls.session, tls.session_reused

        for tickets in (True, False):
            for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
                if version == ssl.TLSVersion.TLSv1_3 and not tickets:
                    continue  # TLS 1.3 resumes by ticket only
                for server_closes in (True, False):
                    with self.subTest(tickets=tickets, version=version.name, server_closes=server_closes):
                        ctx = ssl.create_default_context(cafile=self.root)
                        ctx.options &= ~getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
                        ctx.minimum_version = ctx.maximum_version = version
                        if not tickets:
                            ctx.options |= ssl.OP_NO_TICKET
                        session, reused = None, []
                        for _ in range(3):
                            session, r = request(ctx, session, server_closes)
                            reused.append(r)
                        self.assertEqual(reused, [False, True, True])

    def test_https_and_http_on_one_port(self):
        st, _, _ = https(self.svc.port, "GET", "/healthz", self.root)
        self.assertEqual(st, 200)
        st, _, _ = self.svc.get("/healthz")
        self.assertEqual(st, 200)

    def test_deployment_started_over_tls_records_using_tls(self):
        facts = {"serial": "SDK86P3", "model": "Latitude 5420", "os_name": "Microsoft Windows 11 Enterprise"}
        st, start = https_json(self.svc.port, "POST", "/api/v1/endpoint/deployments", self.root, facts)
        self.assertEqual(st, 201, start)
        st, detail = https_json(self.svc.port, "GET", "/api/v1/admin/deployments/" + start["id"], self.root, token=self.svc.admin_token)
        self.assertEqual(st, 200, detail)
        self.assertIs(detail["deployment"]["tls"], True)
        self.assertIn(detail["deployment"]["tls_version"], ("TLSv1.2", "TLSv1.3"))
        st, plain = self.svc.post_json("/api/v1/endpoint/deployments", dict(facts, serial="IT-PLAIN-1"))
        self.assertEqual(st, 201, plain)
        st, detail = self.svc.get_json("/api/v1/admin/deployments/" + plain["id"])
        self.assertIs(detail["deployment"]["tls"], False)
        self.assertIsNone(detail["deployment"]["tls_version"])

    def test_hsts_over_tls_only(self):
        ctx = ssl.create_default_context(cafile=self.root)
        c = http.client.HTTPSConnection("127.0.0.1", self.svc.port, context=ctx, timeout=10)
        try:
            c.request("GET", "/healthz")
            r = c.getresponse()
            r.read()
            self.assertEqual(r.getheader("Strict-Transport-Security"), "max-age=31536000")
            self.assertEqual(r.getheader("X-Content-Type-Options"), "nosniff")
        finally:
            c.close()
        st, h, _ = self.svc.get("/healthz")  # the same port in plaintext (mode 2)
        self.assertNotIn("strict-transport-security", h)

    def test_info_route_reads_the_live_context(self):
        st, info = https_json(self.svc.port, "GET", "/api/v1/admin/tls", self.root, token=self.svc.admin_token)
        self.assertEqual(st, 200, info)
        self.assertEqual(info["listeners"], [{"bind": "127.0.0.1", "port": self.svc.port, "mode": 2,
                                              "mode_name": "TLS and plaintext on one port",
                                              "tls": True, "plaintext": True}])
        self.assertEqual(info["tls"]["versions"], ["TLSv1.2", "TLSv1.3"])
        self.assertEqual(info["tls"]["tls12_suites"], POLICY)
        self.assertEqual(info["tls"]["tls12_usable_suites"], POLICY)
        self.assertEqual(info["tls"]["tls13_suites"],
                         ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"])
        certs = {c["key_type"]: c for c in info["certificates"]}
        self.assertEqual(set(certs), {"EC P-256", "RSA 3072"})
        self.assertEqual(certs["EC P-256"]["sha256"], pem_sha256(os.path.join(KEYS, "reporting.crt")))
        self.assertEqual(certs["RSA 3072"]["sha256"], pem_sha256(os.path.join(KEYS, "reporting-rsa.crt")))
        self.assertEqual(certs["EC P-256"]["subject"], "CN=localhost")
        self.assertIn("provisiond root", certs["EC P-256"]["issuer"])
        self.assertIn(certs["EC P-256"]["days_to_expiry"], (3649, 3650))
        self.assertIsNone(certs["EC P-256"]["warning"])
        self.assertEqual(info["root"]["sha256"], pem_sha256(os.path.join(KEYS, "root.crt")))
        self.assertEqual(info["warnings"], [])
        st, headers, page = self.svc.get("/admin/tls")
        self.assertEqual(st, 200)
        self.assertTrue(headers["content-type"].startswith("text/html"))
        page = page.decode()
        for needle in [certs["EC P-256"]["sha256"], info["root"]["sha256"], "ECDHE-RSA-AES128-SHA256",
                       "TLSv1.2, TLSv1.3", "TLS and plaintext on one port", str(self.svc.port)]:
            self.assertIn(needle, page)

    def test_root_download_pem_and_fingerprint(self):
        st, headers, pem = self.svc.get("/api/v1/tls/root.crt")
        self.assertEqual(st, 200)
        self.assertEqual(headers["content-type"], "application/x-pem-file")
        self.assertIn('filename="provisiond-root.crt"', headers["content-disposition"])
        self.assertEqual(headers["x-root-count"], "1")
        downloaded = os.path.join(self.svc.tmp, "downloaded-root.crt")
        with open(downloaded, "wb") as f:
            f.write(pem)
        self.assertEqual(pem_sha256(downloaded), pem_sha256(self.root))
        # The downloaded root alone is enough to trust the service.
        st, _, _ = https(self.svc.port, "GET", "/healthz", downloaded, host="localhost")
        self.assertEqual(st, 200)
        st, body = self.svc.get_json("/api/v1/tls/root")
        self.assertEqual(body["sha256"], pem_sha256(self.root))
        self.assertEqual(body["fingerprints"], [pem_sha256(self.root)])
        self.assertIsNone(body["grace_until"])
        self.assertIn("provisiond root", body["roots"][0]["subject"])

    def test_endpoint_tls_settings_defaults_and_ranges(self):
        st, body = self.svc.get_json("/api/v1/endpoint/settings")
        s = body["settings"]
        # ReportingTLSMode is not in config.csv: it follows the listener (--tls-mode 2).
        self.assertEqual((s["ReportingTLSMode"], s["OptionalTLSMinAttemptCount"],
                          s["OptionalTLSBackoffIntervalSeconds"], s["OptionalTLSMaxBackoffSeconds"]),
                         (2, 3, 1, 3600))
        refused = [("OptionalTLSMinAttemptCount", 0, "1..100"), ("OptionalTLSMinAttemptCount", 101, "1..100"),
                   ("OptionalTLSBackoffIntervalSeconds", 0, "1..86400"),
                   ("OptionalTLSMaxBackoffSeconds", 86401, "1..86400"), ("ReportingTLSMode", 3, "0..2"),
                   ("OptionalTLSMinAttemptCount", "many", "1..100")]
        for key, value, rng in refused:
            with self.subTest(key=key, value=value):
                st, h, raw = self.svc.request("PUT", "/api/v1/admin/settings/" + key, body={"value": value})
                self.assertEqual(st, 400, raw)
                self.assertEqual(h["content-type"], "application/problem+json")
                p = json.loads(raw)
                self.assertEqual(p["field"], key)
                self.assertIn(rng, p["detail"])
                self.assertIn(key, p["detail"])
        st, body = self.svc.get_json("/api/v1/endpoint/settings")
        self.assertEqual(body["settings"]["OptionalTLSMinAttemptCount"], 3)  # nothing stored
        st, body = self.svc.request("PUT", "/api/v1/admin/settings/OptionalTLSMinAttemptCount", body={"value": 5})[::2]
        self.assertEqual(st, 200, body)
        st, body = self.svc.request("PUT", "/api/v1/admin/settings/ReportingTLSMode", body={"value": "2"})[::2]
        self.assertEqual(st, 200, body)
        st, body = self.svc.get_json("/api/v1/endpoint/settings")
        self.assertEqual(body["settings"]["OptionalTLSMinAttemptCount"], 5)
        self.assertEqual(body["settings"]["ReportingTLSMode"], 2)
        with open(os.path.join(self.svc.data_dir, "config.csv")) as f:
            self.assertIn("OptionalTLSMinAttemptCount,5", f.read())
        # Blank: the default applies again.
        st, _, _ = self.svc.request("PUT", "/api/v1/admin/settings/OptionalTLSMinAttemptCount", body={"value": ""})
        self.assertEqual(st, 200)
        st, body = self.svc.get_json("/api/v1/endpoint/settings")
        self.assertEqual(body["settings"]["OptionalTLSMinAttemptCount"], 3)


@unittest.skipUnless(shutil.which("testssl"), "testssl (Debian package testssl.sh) not installed")
class Testssl(TlsServiceTest):
    @classmethod
    def setUpClass(cls):
        cls.ARGS = ["--tls-mode", "2"] + both_pairs_args(KEYS)
        super().setUpClass()

    def test_testssl_sees_tls12_tls13_and_exactly_the_ten_suites(self):
        out = os.path.join(self.svc.tmp, "testssl.json")
        p = subprocess.run(["testssl", "--quiet", "--color", "0", "--warnings", "off", "--ip", "one",
                            "-p", "-P", "-E", "--jsonfile", out, "127.0.0.1:%d" % self.svc.port],
                           capture_output=True, text=True, timeout=600)
        self.assertTrue(os.path.exists(out), p.stdout + p.stderr)
        with open(out) as f:
            findings = {x["id"]: x["finding"] for x in json.load(f)}
        for proto in ["SSLv2", "SSLv3", "TLS1", "TLS1_1"]:
            self.assertEqual(findings[proto], "not offered", proto)
        self.assertEqual(findings["TLS1_2"], "offered")
        self.assertTrue(findings["TLS1_3"].startswith("offered"), findings["TLS1_3"])
        self.assertEqual(findings["cipher_order"], "server")
        self.assertEqual(findings["cipherorder_TLSv1_2"].split(), POLICY)
        ids = {k[len("cipher-tls1_2_x"):] for k in findings if k.startswith("cipher-tls1_2_x")}
        self.assertEqual(ids, POLICY_IDS)
        self.assertFalse([k for k in findings if k.startswith(("cipher-tls1_x", "cipher-tls1_1_x", "cipher-ssl"))])


class Mode0(TlsServiceTest):
    ARGS = ["--tls-mode", "0"]

    def test_plaintext_answers_and_tls_handshake_fails(self):
        self.assertEqual(self.svc.get("/healthz")[0], 200)
        rc, out = s_client(self.svc.port, "-tls1_2")
        self.assertNotEqual(rc, 0, out)
        self.assertIsNone(negotiated(out), out)


class Mode1(TlsServiceTest):
    ARGS = ["--tls-mode", "1"]  # default pairs from <data-dir>/keys

    def test_tls_answers_and_plaintext_gets_no_http_answer(self):
        st, _, fp = https(self.svc.port, "GET", "/healthz", self.root)
        self.assertEqual(st, 200)
        self.assertEqual(fp, pem_sha256(os.path.join(self.keys_dir, "reporting.crt")))
        raw = raw_plaintext(self.svc.port)
        self.assertIsNone(status_of(raw), raw[:200])
        self.assertNotIn(b"HTTP/1.", raw)
        # The RSA pair in the keys directory is loaded too.
        rc, out = s_client(self.svc.port, "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384")
        self.assertEqual(negotiated(out), "ECDHE-RSA-AES256-GCM-SHA384", out)


class RequireIncomingEncryption(TlsServiceTest):
    ARGS = ["--tls-mode", "2", "--require-incoming-encryption"]

    def test_plaintext_gets_426_problem_tls_ok(self):
        st, headers, body = self.svc.get("/healthz")
        self.assertEqual(st, 426, body)
        self.assertEqual(headers["content-type"], "application/problem+json")
        detail = json.loads(body)["detail"]
        self.assertIn("requires TLS", detail)
        self.assertIn("RequireIncomingEncryption", detail)
        st, _, _ = https(self.svc.port, "GET", "/healthz", self.root)
        self.assertEqual(st, 200)
        st, info = https_json(self.svc.port, "GET", "/api/v1/admin/tls", self.root, token=self.svc.admin_token)
        self.assertIs(info["require_incoming_encryption"], True)
        self.assertIs(info["listeners"][0]["plaintext"], False)


    def test_uploads_stream_over_tls_and_plaintext_uploads_are_refused(self):
        data = os.urandom(3 * 1024 * 1024 + 5)
        st, _, body = self.svc.request("PUT", "/api/v1/admin/files/Tls/plain.bin", body=data)
        self.assertEqual(st, 426, body)
        self.assertFalse(os.path.exists(os.path.join(self.svc.content_root, "Tls")))
        ctx = ssl.create_default_context(cafile=self.root)
        c = http.client.HTTPSConnection("127.0.0.1", self.svc.port, context=ctx, timeout=30)
        try:
            c.request("PUT", "/api/v1/admin/files/Tls/over-tls.bin", body=data,
                      headers=self.svc.auth_headers("/api/v1/admin/files", {}))
            r = c.getresponse()
            answer = json.loads(r.read())
            self.assertEqual(r.status, 201, answer)
            self.assertEqual(answer["sha256"], hashlib.sha256(data).hexdigest())
            # Downloaded again on the same connection (the TLS copy path).
            c.request("GET", "/file/raw/Tls/over-tls.bin")
            r = c.getresponse()
            self.assertEqual((r.status, r.read()), (200, data))
        finally:
            c.close()
        # Refused while its body is on the way (no Expect: 100-continue, as a
        # browser sends it): the answer still arrives, no reset.
        c = http.client.HTTPSConnection("127.0.0.1", self.svc.port, context=ctx, timeout=30)
        try:
            c.request("PUT", "/api/v1/admin/files/Tls/over-tls.bin?overwrite=0", body=os.urandom(16 * 1024 * 1024),
                      headers=self.svc.auth_headers("/api/v1/admin/files", {}))
            r = c.getresponse()
            self.assertEqual(r.status, 409)
            self.assertIn("overwrite=1", json.loads(r.read())["detail"])
        finally:
            c.close()


class TwoListeners(TlsServiceTest):
    """The main port in mode 2 and a [[server.listener]] in mode 1."""
    ARGS = ["--tls-mode", "2"]
    CONFIG = '[[server.listener]]\nbind = "127.0.0.1"\nport = 0\ntls_mode = 1\n'

    def test_mode2_port_and_mode1_port(self):
        self.assertEqual(len(self.svc.ports), 2)
        both, tls_only = self.svc.ports
        self.assertEqual(self.svc.get("/healthz")[0], 200)
        self.assertEqual(https(both, "GET", "/healthz", self.root)[0], 200)
        self.assertEqual(https(tls_only, "GET", "/healthz", self.root)[0], 200)
        self.assertIsNone(status_of(raw_plaintext(tls_only)))
        st, info = https_json(both, "GET", "/api/v1/admin/tls", self.root, token=self.svc.admin_token)
        self.assertEqual([(l["port"], l["mode"]) for l in info["listeners"]], [(both, 2), (tls_only, 1)])


class HotReload(TlsServiceTest):
    ARGS = ["--tls-mode", "1"]

    def serving_fp(self):
        return https(self.svc.port, "GET", "/healthz", self.root)[2]

    def test_a_reissued_certificate_is_served_without_a_failed_request(self):
        old_fp = pem_sha256(os.path.join(self.keys_dir, "reporting.crt"))
        self.assertEqual(self.serving_fp(), old_fp)
        stop = threading.Event()
        results = []  # (ok, fingerprint or error)

        def new_connections():
            while not stop.is_set():
                try:
                    st, _, fp = https(self.svc.port, "GET", "/healthz", self.root)
                    results.append((st == 200, fp))
                except Exception as e:  # noqa: BLE001 - any failure counts
                    results.append((False, repr(e)))

        kept = []

        def keep_alive():  # one connection across the reload
            ctx = ssl.create_default_context(cafile=self.root)
            c = http.client.HTTPSConnection("127.0.0.1", self.svc.port, context=ctx, timeout=10)
            try:
                while not stop.is_set():
                    try:
                        c.request("GET", "/healthz")
                        r = c.getresponse()
                        r.read()
                        kept.append((r.status == 200, der_sha256(c.sock.getpeercert(True))))
                    except Exception as e:  # noqa: BLE001
                        kept.append((False, repr(e)))
                        return
            finally:
                c.close()

        threads = [threading.Thread(target=new_connections) for _ in range(2)] + [threading.Thread(target=keep_alive)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.7)
            # Same key, new certificate (new serial): written atomically by the keys tool.
            keys("tls-issue", "reporting.csr", "reporting.crt", keys_dir=self.keys_dir)
            new_fp = pem_sha256(os.path.join(self.keys_dir, "reporting.crt"))
            self.assertNotEqual(new_fp, old_fp)
            self.svc.proc.send_signal(signal.SIGHUP)
            deadline = time.time() + 10
            while time.time() < deadline and not (results and results[-1][1] == new_fp):
                time.sleep(0.05)
            time.sleep(0.5)
        finally:
            stop.set()
            for t in threads:
                t.join(20)
        failed = [r for r in results + kept if not r[0]]
        self.assertEqual(failed, [], "failed requests during the reload")
        self.assertGreater(len(results), 20)
        self.assertGreater(len(kept), 20)
        self.assertEqual(results[-1][1], new_fp)
        self.assertIn(old_fp, [r[1] for r in results])
        self.assertEqual({fp for _, fp in kept}, {old_fp})  # the open connection kept its context
        self.assertEqual(self.serving_fp(), new_fp)
        self.assertIn("TLS certificate reloaded", self.svc.logs())
        print("\n  hot reload: %d requests on new connections + %d on one kept connection, 0 failed"
              % (len(results), len(kept)))

    def test_b_bad_pair_is_refused_and_the_old_one_keeps_serving(self):
        before = self.serving_fp()
        # A certificate for another key written over reporting.crt (key unchanged).
        keys("tls-request", "other.pvk", "other.csr", *SUBJECT, keys_dir=self.keys_dir)
        keys("tls-issue", "other.csr", "other.crt", keys_dir=self.keys_dir)
        cert = os.path.join(self.keys_dir, "reporting.crt")
        shutil.copy(os.path.join(self.keys_dir, "other.crt"), cert + ".tmp")
        os.replace(cert + ".tmp", cert)
        self.svc.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while time.time() < deadline and "refused" not in self.svc.logs():
            time.sleep(0.05)
        logs = self.svc.logs()
        self.assertIn("TLS reload refused; the previous certificate keeps serving", logs)
        self.assertRegex(logs, r"(?i)does not match|not the private")
        self.assertIn("reporting.pvk", logs)
        self.assertEqual(self.serving_fp(), before)


class KeysRoundTrip(TlsServiceTest):
    """root-init -> tls-request -> tls-issue through the binary, then serve,
    verify with the root only, then rotate-root with a grace period."""
    WITH_KEYS = False
    ARGS = ["--tls-mode", "1"]

    @classmethod
    def setUpClass(cls):
        cls.svc = Service(data=cls.DATA, args=cls.ARGS)
        cls.keys_dir = os.path.join(cls.svc.data_dir, "keys")
        cls.root = os.path.join(cls.keys_dir, "root.crt")
        d = ["--data-dir", cls.svc.data_dir]
        for cmd in (["root-init"], ["tls-request", *SUBJECT], ["tls-issue", "reporting.csr", "reporting.crt"]):
            p = subprocess.run([BIN, "keys", *cmd, *d], capture_output=True, text=True, timeout=60)
            assert p.returncode == 0, p.stdout + p.stderr
        cls.svc.start()

    def test_a_issued_certificate_verifies_with_the_root_only(self):
        crt = os.path.join(self.keys_dir, "reporting.crt")
        p = subprocess.run(["openssl", "verify", "-CAfile", self.root, crt], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn(": OK", p.stdout)
        p = subprocess.run(["curl", "-sS", "--fail", "--cacert", self.root,
                            "https://localhost:%d/healthz" % self.svc.port], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        # Without the root the chain is not trusted.
        p = subprocess.run(["curl", "-sS", "https://localhost:%d/healthz" % self.svc.port],
                           capture_output=True, text=True, env=dict(os.environ, CURL_CA_BUNDLE="/dev/null"))
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(stat_mode(os.path.join(self.keys_dir, "reporting.pvk")), 0o600)
        self.assertEqual(stat_mode(os.path.join(self.keys_dir, "root.pvk")), 0o600)

    def test_a_default_expiry_is_3650_days(self):
        p = subprocess.run(["openssl", "x509", "-enddate", "-noout", "-in", os.path.join(self.keys_dir, "reporting.crt")],
                           capture_output=True, text=True)
        end = datetime.strptime(p.stdout.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y GMT").replace(tzinfo=timezone.utc)
        days = (end - datetime.now(timezone.utc)) / timedelta(days=1)
        self.assertAlmostEqual(days, 3650, delta=1.01)

    def test_b_rotation_keeps_both_roots_during_the_grace_period(self):
        crt = os.path.join(self.keys_dir, "reporting.crt")
        old_root_fp = pem_sha256(self.root)
        old_leaf = os.path.join(self.svc.tmp, "old-reporting.crt")
        shutil.copy(crt, old_leaf)
        p = subprocess.run([BIN, "keys", "rotate-root", "--grace-days", "30", "--data-dir", self.svc.data_dir],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        bundle = os.path.join(self.keys_dir, "roots.pem")
        new_root_fp = pem_sha256(self.root)
        self.assertNotEqual(new_root_fp, old_root_fp)
        self.assertEqual({pem_sha256(bundle, 0), pem_sha256(bundle, 1)}, {new_root_fp, old_root_fp})

        def verify(cafile, leaf):
            return subprocess.run(["openssl", "verify", "-CAfile", cafile, leaf], capture_output=True).returncode

        self.assertEqual(verify(self.root, crt), 0)          # re-issued by the new root
        self.assertNotEqual(verify(self.root, old_leaf), 0)  # the old leaf needs the old root...
        self.assertEqual(verify(bundle, old_leaf), 0)        # ...which the bundle still holds
        self.svc.proc.send_signal(signal.SIGHUP)
        new_fp = pem_sha256(crt)
        deadline = time.time() + 10
        while time.time() < deadline and https(self.svc.port, "GET", "/healthz", bundle)[2] != new_fp:
            time.sleep(0.1)
        self.assertEqual(https(self.svc.port, "GET", "/healthz", self.root)[2], new_fp)
        st, data, _ = https(self.svc.port, "GET", "/api/v1/tls/root", bundle)
        body = json.loads(data)
        self.assertEqual(body["fingerprints"], [new_root_fp, old_root_fp])
        self.assertEqual(body["file"], "roots.pem")
        grace = datetime.fromisoformat(body["grace_until"].replace("Z", "+00:00"))
        self.assertAlmostEqual((grace - datetime.now(timezone.utc)) / timedelta(days=1), 30, delta=0.1)
        ctx = ssl.create_default_context(cafile=bundle)
        hc = http.client.HTTPSConnection("127.0.0.1", self.svc.port, context=ctx, timeout=10)
        hc.request("GET", "/api/v1/tls/root.crt")
        r = hc.getresponse()
        self.assertEqual(r.status, 200)
        self.assertIn('filename="provisiond-roots.pem"', r.getheader("Content-Disposition"))
        self.assertEqual(r.getheader("X-Root-Count"), "2")
        self.assertEqual(r.read().count(b"BEGIN CERTIFICATE"), 2)
        hc.close()
        st, info = https_json(self.svc.port, "GET", "/api/v1/admin/tls", bundle, token=self.svc.admin_token)
        self.assertEqual(info["root"]["fingerprints"], [new_root_fp, old_root_fp])
        self.assertEqual(info["certificates"][0]["sha256"], new_fp)


def raw_plaintext(port, timeout=5):
    """A plaintext HTTP request on a new connection; everything read until close/timeout."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        return out


def stat_mode(path):
    return os.stat(path).st_mode & 0o777


class StartupRefusals(unittest.TestCase):
    def run_serve(self, data_dir, *args):
        p = subprocess.run([BIN, "serve", "--port", "0", "--bind", "127.0.0.1", "--data-dir", data_dir, *args],
                           capture_output=True, text=True, timeout=30)
        return p.returncode, p.stdout + p.stderr

    def test_tls_without_a_certificate_names_the_three_commands(self):
        tmp = tempfile.mkdtemp(prefix="pvd-it-nocert-")
        try:
            data = os.path.join(tmp, "data_csv")
            shutil.copytree(ORIGINAL_DATA, data)
            for mode in ("1", "2"):
                rc, out = self.run_serve(data, "--tls-mode", mode)
                self.assertGreater(rc, 0, out)  # an exit code, not a signal
                for cmd in ("keys root-init", "keys tls-request", "keys tls-issue"):
                    self.assertIn(cmd, out)
                for crash in ("terminate called", "Aborted", "what():", "Segmentation"):
                    self.assertNotIn(crash, out)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_out_of_range_tls_setting_in_config_csv_warns_with_its_place_and_the_default_serves(self):
        # Issue 16: a hand-edited value the API would refuse is tolerated (drop-in) with a
        # warning naming its line; endpoints get the default, never the invalid value.
        svc = Service(data=SAMPLE_DATA)
        try:
            with open(os.path.join(svc.data_dir, "config.csv"), "a") as f:
                f.write("OptionalTLSMinAttemptCount,0\n")
            with open(os.path.join(svc.data_dir, "config.csv")) as f:
                line = len(f.read().splitlines())
            svc.start()
            self.assertIn("config.csv:%d: OptionalTLSMinAttemptCount: must be an integer 1..100, got '0'" % line,
                          svc.logs())
            st, body = svc.get_json("/api/v1/endpoint/settings")
            self.assertEqual(body["settings"]["OptionalTLSMinAttemptCount"], 3)
            st, body = svc.get_json("/api/v1/admin/status")
            self.assertTrue(any("OptionalTLSMinAttemptCount" in w for w in body["settings_warnings"]))
        finally:
            svc.cleanup()

if __name__ == "__main__":
    unittest.main()

"""Who may do what, against the real binary: every route of `provisiond
routes` refuses anonymous callers and roles too weak for it (so no route can
be added open), sign-in and its cookie, the first-start paths (empty admin
password refused, setup token, PROVISIOND_ADMIN_PASSWORD), old password
hashes upgraded to argon2id, bundle keys and per-deployment tokens, the
networks.csv gate through nginx with X-Forwarded-For, the trusted-proxy user
header, the audit log, security headers, and a scan of every log line and
answer for the secrets the run used."""
import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import time
import unittest

from harness import BIN, NGINX_BIN, ORIGINAL_DATA, SAMPLE_DATA, Nginx, Service

ORIGIN = "http://127.0.0.1:%d"
PARAMS = {"serial": "X1", "id": "nope", "key": "default_bundle_id", "name": "nobody"}


def routes():
    """(method, pattern, group, permission) of every route `provisiond routes` lists."""
    out = subprocess.run([BIN, "routes"], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split()
        rows.append((parts[0], parts[1], parts[2], parts[3]))
    return rows


def concrete(pattern, path_param="Provision/t.txt"):
    def fill(m):
        name = m.group(1)
        return path_param if name.startswith("*") else PARAMS.get(name, "x")
    return re.sub(r"\{([^}]+)\}", fill, pattern)


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def wait_for(predicate, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = predicate()
        if v:
            return v
        time.sleep(0.1)
    return predicate()


def login(svc, user, password, headers=None):
    h = {"Content-Type": "application/json", "Origin": ORIGIN % svc.port}
    h.update(headers or {})
    st, hd, body = svc.request("POST", "/api/v1/auth/login", body=json.dumps({"username": user, "password": password}),
                               headers=h, auth=False)
    return st, hd, json.loads(body) if body else None


class EveryRoute(unittest.TestCase):
    """Keys on, a file token set, three tokens of three roles."""

    @classmethod
    def setUpClass(cls):
        cls.svc = Service(data=SAMPLE_DATA, env={"WS_FILE_TOKEN": "file-token-" + "f" * 20})
        cls.svc.start()
        cls.tokens = {}
        for role in ("viewer", "operator", "admin"):
            r = cls.svc.cli("tokens", "create", "--role", role)
            assert r.returncode == 0, r.stderr
            cls.tokens[role] = r.stdout.strip()
        r = cls.svc.cli("endpoint-keys", "create", "--name", "bundle")
        assert r.returncode == 0, r.stderr
        cls.key = r.stdout.strip()
        cls.routes = routes()
        # The server reads credentials.csv within its reload interval (1 s).
        wait_for(lambda: all(cls.svc.request("GET", "/api/v1/auth/me", auth=False,
                                             headers={"Authorization": "Bearer " + t})[0] == 200
                             for t in cls.tokens.values()))

    @classmethod
    def tearDownClass(cls):
        cls.svc.cleanup()

    def call(self, method, path, token=None):
        h = {"Authorization": "Bearer " + token} if token else {}
        if method in ("POST", "PUT", "PATCH"):
            h["Content-Type"] = "application/json"
        c = self.svc.conn()
        try:
            c.request(method, path, body="{}" if "Content-Type" in h else None, headers=h)
            r = c.getresponse()
            # An event stream never ends: its status and header are the answer.
            if (r.getheader("Content-Type") or "").startswith("text/event-stream"):
                return r.status, b""
            return r.status, r.read()
        finally:
            c.close()

    def test_no_route_is_undeclared(self):
        self.assertGreater(len(self.routes), 40)
        for method, pattern, group, perm in self.routes:
            self.assertNotEqual(perm, "UNDECLARED", (method, pattern))
            if perm == "anyone":
                self.assertEqual(group, "public", (method, pattern))

    def test_every_non_public_route_answers_401_without_credentials(self):
        # The server reads networks/credentials.csv within its reload interval.
        wait_for(lambda: self.call("GET", "/getcomputer?serial=X")[0] == 401)
        for method, pattern, group, perm in self.routes:
            if perm == "anyone":
                continue
            with self.subTest(route=method + " " + pattern):
                st, body = self.call(method, concrete(pattern))
                self.assertEqual(st, 401, body)
                self.assertIn(b"application/problem+json" if False else b'"status":401', body)

    def test_every_admin_route_answers_403_to_a_role_too_weak_for_it(self):
        need = {"viewer": 1, "signed-in": 1, "operator": 2, "admin": 3, "admin|metrics-token": 3}
        rank = {"viewer": 1, "operator": 2, "admin": 3}
        checked = 0
        for method, pattern, group, perm in self.routes:
            if group != "admin":
                continue
            required = 3 if perm.startswith("operator:") else need[perm]  # {*path} = Provision/...: admin
            for role, token in self.tokens.items():
                st, body = self.call(method, concrete(pattern), token)
                with self.subTest(route=method + " " + pattern, role=role):
                    if rank[role] < required:
                        self.assertEqual(st, 403, body)
                        checked += 1
                    else:
                        self.assertNotIn(st, (401, 403), body)
        self.assertGreater(checked, 30)

    def test_operator_writes_under_apps_and_drivers_only(self):
        op = {"Authorization": "Bearer " + self.tokens["operator"]}
        st, _, body = self.svc.request("PUT", "/api/v1/admin/files/Apps/op/a.txt", body=b"x", headers=op, auth=False)
        self.assertEqual(st, 201, body)
        st, _, body = self.svc.request("PUT", "/api/v1/admin/files/Provision/Customer.ps1", body=b"evil", headers=op,
                                       auth=False)
        self.assertEqual(st, 403, body)
        h = dict(op, **{"Content-Type": "application/json"})
        st, _, body = self.svc.request("POST", "/api/v1/admin/files/rename",
                                       body=json.dumps({"from": "Apps/op/a.txt", "to": "Provision/Customer.ps1"}),
                                       headers=h, auth=False)
        self.assertEqual(st, 403, body)
        self.assertFalse(os.path.exists(os.path.join(self.svc.content_root, "Provision", "Customer.ps1")))
        st, _, body = self.svc.request("PUT", "/api/v1/admin/settings/ReportingTLSMode",
                                       body=json.dumps({"value": "0"}), headers=h, auth=False)
        self.assertEqual(st, 403, body)

    def test_machine_routes_take_the_key(self):
        st, _, body = self.svc.request("GET", "/getcomputer?serial=X&key=" + self.key, auth=False)
        self.assertEqual(st, 200, body)
        st, _, body = self.svc.request("GET", "/getcomputer?serial=X", headers={"X-Provision-Key": self.key},
                                       auth=False)
        self.assertEqual(st, 200, body)
        st, _, _ = self.svc.request("GET", "/getcomputer?serial=X", headers={"X-Provision-Key": "pvk_forged"},
                                    auth=False)
        self.assertEqual(st, 401)

    def test_admin_tls_page_shows_nothing_anonymous(self):
        st, _, body = self.svc.request("GET", "/admin/tls", auth=False)
        self.assertEqual(st, 401)
        self.assertNotIn(b".key", body)
        self.assertNotIn(self.svc.data_dir.encode(), body)

    def test_security_headers_on_every_answer(self):
        for path, auth in (("/healthz", False), ("/api/v1/admin/status", True), ("/nowhere", False),
                           ("/file/", False)):
            st, h, _ = self.svc.request("GET", path, auth=auth)
            with self.subTest(path=path):
                self.assertEqual(h.get("x-content-type-options"), "nosniff")
                self.assertEqual(h.get("referrer-policy"), "same-origin")
                self.assertEqual(h.get("x-frame-options"), "DENY")
                self.assertNotIn("strict-transport-security", h)  # plain http
        st, h, _ = self.svc.request("GET", "/admin/tls")
        self.assertEqual(st, 200)
        csp = h.get("content-security-policy", "")
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline'; img", csp.split("script-src")[1].split(";")[0] + "; img")


class DeploymentTokens(unittest.TestCase):
    def test_rotation_and_per_deployment_isolation(self):
        with Service(data=SAMPLE_DATA) as svc:
            k1 = svc.cli("endpoint-keys", "create", "--name", "june").stdout.strip()
            def start(key, serial):
                body = {"serial": serial, "model": "Latitude 5440"}
                st, _, b = svc.request("POST", "/api/v1/endpoint/deployments", body=body,
                                       headers={"X-Provision-Key": key}, auth=False)
                return st, json.loads(b)

            wait_for(lambda: svc.request("GET", "/getcomputer?serial=X", auth=False)[0] == 401)
            st, a = start(k1, "ISO-1")
            self.assertEqual(st, 201, a)
            self.assertTrue(a["deployment_token"].startswith("pvd_"))
            k2 = svc.cli("endpoint-keys", "create", "--name", "december").stdout.strip()
            wait_for(lambda: start(k2, "ISO-2")[0] == 201)
            st, b = start(k2, "ISO-3")
            self.assertEqual(st, 201, b)
            self.assertEqual(start(k1, "ISO-4")[0], 201)  # both keys active during the rollout

            def event(dep, token):
                h = {"X-Deployment-Token": token} if token else {}
                return svc.request("POST", "/api/v1/endpoint/deployments/%s/events" % dep["id"],
                                   body={"event_id": "e1", "phase": "apps", "message": "hi"}, headers=h,
                                   auth=False)[0]
            self.assertEqual(event(a, None), 401)
            self.assertEqual(event(b, a["deployment_token"]), 401)  # A's token cannot post to B
            self.assertEqual(event(a, a["deployment_token"]), 201)
            self.assertEqual(event(b, b["deployment_token"]), 201)
            june = [l.split()[0] for l in svc.cli("endpoint-keys", "list").stdout.splitlines() if "june" in l][0]
            self.assertEqual(svc.cli("endpoint-keys", "revoke", june).returncode, 0)
            wait_for(lambda: start(k1, "ISO-5")[0] == 401)
            self.assertEqual(start(k1, "ISO-6")[0], 401)
            self.assertEqual(start(k2, "ISO-7")[0], 201)


class FirstStart(unittest.TestCase):
    def test_original_empty_admin_is_refused_and_the_log_says_how_to_set_one(self):
        with Service(data=ORIGINAL_DATA) as svc:
            st, _, body = login(svc, "admin", "")
            self.assertEqual(st, 401, body)
            st, _, body = login(svc, "admin", "anything")
            self.assertEqual(st, 401, body)
            log = svc.logs()
            self.assertIn("provisiond users passwd admin", log)
            token = re.search(r"pvsetup_[A-Za-z0-9_-]+", log).group(0)
            h = {"Content-Type": "application/json"}
            st, _, body = svc.request("POST", "/api/v1/auth/setup", body=json.dumps(
                {"token": token, "password": "the first admin pass"}), headers=h, auth=False)
            self.assertEqual(st, 200, body)
            st, _, body = svc.request("POST", "/api/v1/auth/setup", body=json.dumps(
                {"token": token, "password": "a second try pass"}), headers=h, auth=False)
            self.assertEqual(st, 403, body)
            st, hd, body = login(svc, "admin", "the first admin pass")
            self.assertEqual(st, 200, body)
            # Restarted with an admin: no setup token any more.
            svc.stop()
            svc.start()
            self.assertEqual(len(re.findall(r"pvsetup_", svc.logs())), 0)

    def test_admin_password_from_the_environment(self):
        with Service(data=ORIGINAL_DATA, env={"PROVISIOND_ADMIN_PASSWORD": "from the environment"}) as svc:
            self.assertNotIn("pvsetup_", svc.logs())
            self.assertEqual(login(svc, "admin", "from the environment")[0], 200)
            st, status = svc.get_json("/api/v1/admin/status")
            self.assertTrue(any("unkeyed" in w for w in status["access_warnings"]), status["access_warnings"])
            self.assertIn("unkeyed", svc.logs())
            # A setting change is audited with its value before and after.
            self.assertEqual(svc.request("PUT", "/api/v1/admin/settings/default_bundle_id", body={"value": "77"})[0], 200)
            st, audit = svc.get_json("/api/v1/admin/audit?q=settings")
            e = audit["items"][0]
            self.assertEqual((e["target"], e["before"], e["after"], e["outcome"]), ("default_bundle_id", None, "77", "ok"))  # set but empty in the original config.csv


def werkzeug_hashes(password):
    salt = "Ab3dEf6hIj9kLm2n"
    pw = password.encode()
    scrypt = hashlib.scrypt(pw, salt=salt.encode(), n=32768, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=64).hex()
    pbkdf2 = hashlib.pbkdf2_hmac("sha256", pw, salt.encode(), 1000).hex()
    hsalt = os.urandom(16)
    sha = hashlib.pbkdf2_hmac("sha256", pw, hsalt, 100000).hex()
    return {"sc": "scrypt:32768:8:1$%s$%s" % (salt, scrypt), "pb": "pbkdf2:sha256:1000$%s$%s" % (salt, pbkdf2),
            "sh": "sha256:100000$%s$%s" % (hsalt.hex(), sha)}


class SessionsAndUsers(unittest.TestCase):
    def test_cli_users_login_cookie_csrf_and_old_hash_upgrade(self):
        svc = Service(data=ORIGINAL_DATA)
        try:
            hashes = werkzeug_hashes("an old password")
            with open(os.path.join(svc.data_dir, "users.csv"), "a") as f:
                for name, h in hashes.items():
                    f.write("%s,%s\n" % (name, h))
            r = svc.cli("users", "add", "ops", "--role", "operator", input="operator password\n")
            self.assertEqual(r.returncode, 0, r.stderr)
            r = svc.cli("users", "passwd", "admin", input="short\n")
            self.assertEqual(r.returncode, 1)
            self.assertIn("at least 8", r.stderr)
            r = svc.cli("users", "passwd", "admin", input="the admin password\n")
            self.assertEqual(r.returncode, 0, r.stderr)
            svc.start()
            for name in hashes:
                with self.subTest(user=name):
                    self.assertEqual(login(svc, name, "not it at all")[0], 401)
                    st, _, body = login(svc, name, "an old password")
                    self.assertEqual(st, 200, body)
            users = read(os.path.join(svc.data_dir, "users.csv"))
            for name in hashes:
                self.assertRegex(users, r"(?m)^%s,\"?\$argon2id\$" % name)
            st, hd, body = login(svc, "ops", "operator password")
            self.assertEqual(st, 200, body)
            cookie = hd["set-cookie"]
            for attr in ("HttpOnly", "SameSite=Strict", "Path=/"):
                self.assertIn(attr, cookie)
            jar = {"Cookie": cookie.split(";")[0]}
            st, _, me = svc.request("GET", "/api/v1/auth/me", headers=jar, auth=False)
            self.assertEqual((st, json.loads(me)["role"]), (200, "operator"))
            csrf = body["csrf_token"]
            change = dict(jar, **{"Content-Type": "application/json", "Origin": ORIGIN % svc.port})
            st, _, b = svc.request("POST", "/api/v1/admin/files/mkdir", body=json.dumps({"path": "Apps/New"}),
                                   headers=change, auth=False)
            self.assertEqual(st, 403, b)  # no CSRF token
            change["X-CSRF-Token"] = csrf
            st, _, b = svc.request("POST", "/api/v1/admin/files/mkdir", body=json.dumps({"path": "Apps/New"}),
                                   headers=dict(change, Origin="http://evil.example"), auth=False)
            self.assertEqual(st, 403, b)
            st, _, b = svc.request("POST", "/api/v1/admin/files/mkdir", body="path=Apps/New",
                                   headers=dict(change, **{"Content-Type": "text/plain"}), auth=False)
            self.assertEqual(st, 415, b)
            st, _, b = svc.request("POST", "/api/v1/admin/files/mkdir", body=json.dumps({"path": "Apps/New"}),
                                   headers=change, auth=False)
            self.assertEqual(st, 201, b)
            # A password change from the CLI ends the session (the server reloads users.csv).
            self.assertEqual(svc.cli("users", "passwd", "ops", input="a new operator pw\n").returncode, 0)
            self.assertTrue(wait_for(lambda: svc.request("GET", "/api/v1/auth/me", headers=jar, auth=False)[0] == 401))
            # Audit: the sign-ins, the refused and the accepted change.
            st, _, audit = svc.request("GET", "/api/v1/admin/audit?action=login")
            actions = [e["action"] for e in json.loads(audit)["items"]]
            self.assertIn("login.failed", actions)
            self.assertIn("login", actions)
            st, h, csv_text = svc.request("GET", "/api/v1/admin/audit?format=csv&q=files/mkdir")
            self.assertEqual(st, 200)
            self.assertIn("text/csv", h["content-type"])
            self.assertIn(b"Apps/New", csv_text)
            self.assertIn(b"ops", csv_text)
        finally:
            svc.cleanup()


@unittest.skipUnless(os.path.exists(NGINX_BIN), "nginx not installed")
class NetworksThroughNginx(unittest.TestCase):
    NETWORKS = ("network,kind,status,first_seen,last_seen,hits\n"
                "127.0.0.0/8,manual,Allow,2026-11-23 07:28:05,2026-11-23 07:28:05,0\n"
                "198.51.100.0/24,manual,Allow,2026-11-23 07:28:05,2026-11-23 07:28:05,0\n"
                "10.0.0.0/8,subnet,Blocked,2026-11-23 07:28:05,2026-11-23 07:28:05,0\n")

    def test_allow_deny_and_recording_by_forwarded_address(self):
        svc = Service(data=SAMPLE_DATA)
        with open(os.path.join(svc.data_dir, "networks.csv"), "w") as f:
            f.write(self.NETWORKS)
        svc.start()
        nginx = Nginx(svc.port).start()
        try:
            def get(xff, path="/provision/getcomputer?serial=NET1"):
                return nginx.request("GET", path, headers={"X-Forwarded-For": xff})[0]
            self.assertEqual(get("198.51.100.7"), 200)
            self.assertEqual(get("203.0.113.5"), 403)
            self.assertEqual(get("203.0.113.5", "/provision/file/"), 403)
            self.assertEqual(get("10.4.4.4"), 403)  # Blocked row: recorded, not allowed
            self.assertEqual(get("172.16.9.9"), 403)
            # Written in a batch within seconds, the original's recording rule.
            path = os.path.join(svc.data_dir, "networks.csv")
            self.assertTrue(wait_for(lambda: "203.0.113.5/32" in read(path)), path)
            text = read(path)
            self.assertRegex(text, r"203\.0\.113\.5/32,host,Blocked,[^,]+,[^,]+,2")
            self.assertIn("172.16.0.0/12,subnet,Blocked", text)
            self.assertEqual(text.count("10.0.0.0/8"), 1)
            # Directly from loopback (no proxy header believed from elsewhere): allowed.
            self.assertEqual(svc.request("GET", "/getcomputer?serial=NET1", auth=False)[0], 200)
            # An admin approves the network: it passes.
            st, _, b = svc.request("PUT", "/api/v1/admin/networks", body={"network": "203.0.113.5/32",
                                                                           "status": "Allow"})
            self.assertEqual(st, 200, b)
            self.assertEqual(get("203.0.113.5"), 200)
            # Signed in through the proxy: the cookie's Path is the external prefix.
            svc.cli("users", "passwd", "admin", input="proxy admin pass\n")
            wait_for(lambda: login(svc, "admin", "proxy admin pass")[0] == 200)
            st, hd, _ = nginx.request("POST", "/provision/api/v1/auth/login",
                                      body=json.dumps({"username": "admin", "password": "proxy admin pass"}),
                                      headers={"Content-Type": "application/json"})
            self.assertEqual(st, 200)
            self.assertIn("Path=/provision;", hd["set-cookie"])
            # Admin routes are not gated by networks: the admin reaches them to approve.
            st = nginx.request("GET", "/provision/api/v1/admin/networks",
                               headers={"X-Forwarded-For": "10.4.4.4",
                                        "Authorization": "Bearer " + svc.admin_token})[0]
            self.assertEqual(st, 200)
        finally:
            nginx.stop()
            svc.cleanup()


class ProxyUserHeader(unittest.TestCase):
    CONFIG = ('[server]\ntrusted_proxies = ["127.0.0.2/32"]\n'
              '[auth]\nproxy_user_header = "X-Remote-User"\n'
              '[auth.proxy_roles]\n"corp\\\\alice" = "admin"\n')

    def request_from(self, svc, source, path, user):
        c = http.client.HTTPConnection("127.0.0.1", svc.port, timeout=10, source_address=(source, 0))
        try:
            c.request("GET", path, headers={"X-Remote-User": user})
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def test_believed_only_from_a_trusted_proxy(self):
        with Service(data=SAMPLE_DATA, config=self.CONFIG) as svc:
            st, body = self.request_from(svc, "127.0.0.2", "/api/v1/auth/me", "CORP\\alice")
            self.assertEqual(st, 200, body)
            self.assertEqual(json.loads(body)["via"], "proxy-header")
            self.assertEqual(self.request_from(svc, "127.0.0.1", "/api/v1/auth/me", "CORP\\alice")[0], 401)
            self.assertEqual(self.request_from(svc, "127.0.0.2", "/api/v1/auth/me", "CORP\\mallory")[0], 403)


class SecretsNeverLeak(unittest.TestCase):
    def test_no_log_line_or_answer_holds_a_secret_of_the_run(self):
        svc = Service(data=SAMPLE_DATA, env={"WS_FILE_TOKEN": "the-file-token-" + "z" * 16})
        secrets = ["the admin password", "the-file-token-" + "z" * 16]
        answers = []
        try:
            svc.cli("users", "passwd", "admin", input="the admin password\n")
            svc.start()
            secrets.append(svc.admin_token)
            key = svc.cli("endpoint-keys", "create").stdout.strip()
            secrets.append(key)

            def keep(result):
                answers.append(result[2] if len(result) == 3 else b"")
                return result
            st, hd, body = login(svc, "admin", "the admin password")
            answers.append(json.dumps(body).encode())
            cookie = hd["set-cookie"].split(";")[0]
            secrets.append(cookie.split("=", 1)[1])
            keep(login_raw := svc.request("POST", "/api/v1/auth/login", body=json.dumps(
                {"username": "admin", "password": "the admin password!"}), headers={"Content-Type": "application/json"},
                auth=False))
            for path in ("/api/v1/admin/tokens", "/api/v1/admin/endpoint-keys", "/api/v1/admin/users",
                         "/api/v1/admin/audit", "/api/v1/admin/audit?format=csv", "/api/v1/admin/access",
                         "/api/v1/admin/settings", "/api/v1/admin/status"):
                keep(svc.request("GET", path))
            keep(svc.request("GET", "/file/?token=wrong", auth=False))
            keep(svc.request("GET", "/file/raw/x?token=" + secrets[1], auth=False))
            keep(svc.request("GET", "/getcomputer?serial=S&key=" + key, auth=False))
            keep(svc.request("GET", "/getcomputer?serial=S&key=pvk_wrong", auth=False))
            keep(svc.request("POST", "/api/v1/admin/users", body={"username": "eve", "password": "eve's password 1",
                                                                   "role": "viewer"}))
            secrets.append("eve's password 1")
            keep(svc.request("PUT", "/api/v1/admin/users/eve", body={"password": "eve's 2nd password"}))
            secrets.append("eve's 2nd password")
            t = svc.request("POST", "/api/v1/admin/tokens", body={"role": "viewer"})
            secrets.append(json.loads(t[2])["secret"])
            keep(svc.request("GET", "/api/v1/admin/tokens"))
            svc.stop()
            texts = [svc.logs().encode()] + answers
            for root, _, files in os.walk(svc.data_dir):
                for f in files:
                    if not f.endswith(".key"):  # the deployment-token key file is a key, 0600
                        texts.append(read(os.path.join(root, f), "rb"))
            for s in secrets:
                for i, text in enumerate(texts):
                    self.assertNotIn(s.encode(), text, "secret %r found in text %d" % (s[:6] + "...", i))
        finally:
            svc.cleanup()


if __name__ == "__main__":
    unittest.main()

"""Generated launchers: `provisiond launchers` and GET/POST /api/v1/admin/launchers.zip.

The right $WsBase, bundle key and root fingerprint in each of the four hooks,
the same bytes for the same input (CLI twice, CLI and route), bad input
refused with the field named, admin only."""
import io
import os
import re
import subprocess
import tempfile
import unittest
import zipfile

from harness import BIN, Service

HOOKS = ["Customer-PE-Pre.ps1", "Customer-PE.ps1", "Customer-Pre.ps1", "Customer.ps1"]
SUBJECT = ["--subject", "CN=localhost", "--san", "DNS:localhost"]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def assignment(text, name):
    m = re.search(r"^\s*\$%s = '((?:[^']|'')*)'" % name, text, re.M)
    return m.group(1).replace("''", "'") if m else None


class LaunchersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Service()
        keys = os.path.join(cls.svc.data_dir, "keys")
        for args in (["root-init"], ["tls-request", *SUBJECT], ["tls-issue", "reporting.csr", "reporting.crt"]):
            subprocess.run([BIN, "keys", *args, "--keys-dir", keys], check=True, capture_output=True, timeout=60)
        cls.svc.start()
        status, root = cls.svc.get_json("/api/v1/tls/root")
        cls.root = root["sha256"].replace(":", "").lower()
        cls.out = tempfile.mkdtemp(prefix="pvd-launchers-")

    @classmethod
    def tearDownClass(cls):
        cls.svc.cleanup()

    def launchers(self, *args):
        return self.svc.cli("launchers", *args)

    def read_zip(self, data):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.assertEqual(z.namelist(), HOOKS)
            return {n: z.read(n).decode() for n in HOOKS}

    def test_values_in_every_hook_and_byte_stable(self):
        zip_a = os.path.join(self.out, "a.zip")
        zip_b = os.path.join(self.out, "b.zip")
        args = ["--ws-base", "https://Prov.Example.org:12176/provision/", "--bundle-key", "pvk_test_123"]
        for path in (zip_a, zip_b):
            r = self.launchers(*args, "--out", path)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("1 root(s) pinned, with the bundle key", r.stdout)
        a, b = read(zip_a), read(zip_b)
        self.assertEqual(a, b, "the same input gives the same bytes")
        # Also on a machine in another time zone (a zip stores local times).
        zip_c = os.path.join(self.out, "c.zip")
        env = dict(self.svc.env, TZ="America/New_York")
        r = subprocess.run([BIN, "launchers", *args, "--out", zip_c, "--data-dir", self.svc.data_dir],
                           capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(read(zip_c), a)
        self.assertEqual(os.stat(zip_a).st_mode & 0o777, 0o600)
        files = self.read_zip(a)
        for hook, text in files.items():
            self.assertEqual(assignment(text, "Hook"), hook)
            self.assertEqual(assignment(text, "WsBase"), "https://prov.example.org:12176/provision")
            self.assertEqual(assignment(text, "BundleKey"), "pvk_test_123")
            self.assertEqual(assignment(text, "RootSha256"), self.root)
            self.assertNotIn("{{", text)
            self.assertNotRegex(text, r"(?im)^\s*exit\b")
        # A folder gets the same four files.
        folder = os.path.join(self.out, "dir")
        self.assertEqual(self.launchers(*args, "--out", folder).returncode, 0)
        for hook in HOOKS:
            self.assertEqual(read(os.path.join(folder, hook)).decode(), files[hook])
        # The admin route gives the same bytes for the same input.
        status, headers, body = self.svc.request(
            "POST", "/api/v1/admin/launchers.zip",
            body={"ws_base": "https://Prov.Example.org:12176/provision/", "bundle_key": "pvk_test_123"})
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(headers["content-type"], "application/zip")
        self.assertEqual(headers["cache-control"], "no-store")
        self.assertEqual(body, a)

    def test_route_defaults_to_the_callers_address(self):
        status, headers, body = self.svc.get("/api/v1/admin/launchers.zip")
        self.assertEqual(status, 200)
        files = self.read_zip(body)
        self.assertEqual(assignment(files["Customer.ps1"], "WsBase"), "http://127.0.0.1:%d" % self.svc.port)
        self.assertEqual(assignment(files["Customer.ps1"], "BundleKey"), "")
        status, _, body = self.svc.get("/api/v1/admin/launchers.zip?ws_base=https://iis.example.org/provision")
        self.assertEqual(assignment(self.read_zip(body)["Customer-PE.ps1"], "WsBase"), "https://iis.example.org/provision")

    def test_pins_and_no_pin(self):
        other = "ab" * 32
        r = self.launchers("--ws-base", "https://p.example", "--root-sha256", other.upper(), "--out", os.path.join(self.out, "p"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(assignment(read(os.path.join(self.out, "p", "Customer.ps1")).decode(), "RootSha256"), other)
        r = self.launchers("--ws-base", "https://p.example", "--no-pin", "--out", os.path.join(self.out, "n"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("no root pinned", r.stdout)
        self.assertEqual(assignment(read(os.path.join(self.out, "n", "Customer.ps1")).decode(), "RootSha256"), "")

    def test_bad_input_is_refused_with_the_field(self):
        cases = [
            (["--ws-base", "prov.example:12176"], "ws_base: 'prov.example:12176' must start with http:// or https://"),
            (["--ws-base", "https://p.example/'; Remove-Item C:\\"], "ws_base:"),
            (["--ws-base", "https://p.example", "--root-sha256", "abcd"], "root_sha256: 'abcd' has 4 hex digits"),
            (["--ws-base", "https://p.example", "--bundle-key", "a b"], "bundle_key:"),
            (["--ws-base", "https://p.example"], "--out DIR or --out FILE.zip is required"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                out = [] if "required" in message else ["--out", os.path.join(self.out, "bad")]
                r = self.launchers(*args, *out)
                self.assertEqual(r.returncode, 2)
                self.assertIn(message, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "bad")), "nothing written on a refusal")
        status, _, body = self.svc.request("POST", "/api/v1/admin/launchers.zip", body={"ws_base": "ftp://x"})
        self.assertEqual(status, 400)
        self.assertIn(b'"field":"ws_base"', body)
        status, _, body = self.svc.request("POST", "/api/v1/admin/launchers.zip", body={"wsbase": "https://x"})
        self.assertEqual(status, 400)
        self.assertIn(b"unknown field", body)

    def test_admin_only(self):
        status, _, _ = self.svc.get("/api/v1/admin/launchers.zip", auth=False)
        self.assertEqual(status, 401)
        st, made = self.svc.post_json("/api/v1/admin/tokens", {"role": "viewer"})
        self.assertEqual(st, 201, made)
        status, _, _ = self.svc.get("/api/v1/admin/launchers.zip", headers={"Authorization": "Bearer " + made["secret"]})
        self.assertEqual(status, 403)

    def test_builtin_scripts_are_served_and_overridable(self):
        status, listing = self.svc.get_json("/file/Provision/?format=json")
        self.assertEqual(status, 200)
        names = {e["name"]: e for e in listing["entries"]}
        for name in HOOKS + ["Provisiond.psm1"]:
            self.assertTrue(names[name].get("builtin"), name)
        status, headers, body = self.svc.get("/file/raw/Provision/Customer.ps1")
        self.assertEqual(status, 200)
        self.assertRegex(headers["provisiond-script"], r"^builtin; version=\S+\+[0-9a-f]{12}$")
        self.assertIn(b"builtin", body)
        self.assertNotIn(b"{{ScriptVersion}}", body)
        # An admin's upload overrides it, and says so.
        status, _, _ = self.svc.request("PUT", "/api/v1/admin/files/Provision/Customer.ps1",
                                        body=b"# {{ScriptSource}} {{ScriptVersion}}\n$WsBase = 'x'\nreturn @{}\n")
        self.assertIn(status, (200, 201))
        status, headers, body = self.svc.get("/file/raw/Provision/Customer.ps1")
        self.assertTrue(headers["provisiond-script"].startswith("override; version=override+"), headers)
        self.assertTrue(body.startswith(b"# override override+"), body)
        self.assertIn(("$WsBase = 'http://127.0.0.1:%d'" % self.svc.port).encode(), body)
        self.svc.request("DELETE", "/api/v1/admin/files/Provision/Customer.ps1")
        status, headers, _ = self.svc.get("/file/raw/Provision/Customer.ps1")
        self.assertTrue(headers["provisiond-script"].startswith("builtin"))


if __name__ == "__main__":
    unittest.main()

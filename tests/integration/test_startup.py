"""Safe start-up (issue 16): `init`, serve on a missing data directory,
/readyz with the content root, `check` and the status route on an invalid
config.csv value, the settings schema over HTTP, and every command's --help."""
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import BIN, ORIGINAL_DATA, Service


def run(*args, cwd=None):
    env = dict(os.environ)
    env.pop("PROVISIOND_DATA_DIR", None)
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60, cwd=cwd, env=env)


class Startup(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pvd-it-startup-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_serve_on_a_missing_dir_fails_with_the_init_hint_and_creates_nothing(self):
        missing = os.path.join(self.tmp, "data_cvs")  # a typo
        r = run("serve", "--port", "0", "--bind", "127.0.0.1", "--data-dir", missing)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn(missing + " does not exist", r.stderr)
        self.assertIn("provisiond init %s --sample" % missing, r.stderr)
        self.assertFalse(os.path.exists(missing))
        # check would otherwise read a missing directory as empty tables and say "ok".
        r = run("check", "--data-dir", missing)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("provisiond init %s --sample" % missing, r.stderr)
        self.assertNotIn("ok", r.stdout)
        # The printed command works as printed.
        r = run("init", missing, "--sample")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(missing, "computers.csv")))

    def test_init_then_serve_works_with_empty_tables_or_the_sample(self):
        for sample, computers in ((False, 0), (True, 300)):
            with self.subTest(sample=sample):
                svc = Service(data=ORIGINAL_DATA)  # any dir; replaced below
                shutil.rmtree(svc.data_dir)
                args = ["init", svc.data_dir] + (["--sample"] if sample else [])
                r = run(*args)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("next: provisiond serve --data-dir " + svc.data_dir, r.stdout)
                with open(os.path.join(svc.data_dir, "config.csv")) as f:
                    header = f.readline()
                self.assertEqual(header.strip(), "key,value")
                try:
                    svc.start()
                    st, body = svc.get_json("/readyz")
                    self.assertEqual(st, 200, body)
                    self.assertEqual(body["status"], "ready")
                    st, body = svc.get_json("/api/v1/admin/status")
                    self.assertEqual(body["counts"]["computers"], computers)
                finally:
                    svc.cleanup()
        # A second init on the same (non-empty) directory changes nothing.
        d = os.path.join(self.tmp, "d")
        self.assertEqual(run("init", d).returncode, 0)
        r = run("init", d, "--sample")
        self.assertEqual(r.returncode, 1)
        self.assertIn("nothing changed", r.stderr)
        with open(os.path.join(d, "computers.csv")) as f:
            self.assertEqual(len(f.readlines()), 1)
        r = run("init")
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage: provisiond init", r.stderr)

    def test_readyz_is_503_naming_a_missing_content_folder(self):
        svc = Service(data=ORIGINAL_DATA)
        os.rmdir(svc.content_root)
        try:
            svc.start()
            st, body = svc.get_json("/readyz")
            self.assertEqual(st, 503, body)
            self.assertIn("content_root", body["detail"])
            self.assertIn(svc.content_root, body["detail"])
            checks = {c["name"]: c for c in body["checks"]}
            self.assertTrue(checks["data"]["ok"])
            self.assertFalse(checks["content_root"]["ok"])
            os.makedirs(svc.content_root)
            st, body = svc.get_json("/readyz")
            self.assertEqual(st, 200, body)
        finally:
            svc.cleanup()

    def test_check_and_status_report_an_invalid_config_value_and_the_default_is_used(self):
        svc = Service(data=ORIGINAL_DATA)
        with open(os.path.join(svc.data_dir, "config.csv"), "w") as f:
            f.write("key,value\ndefault_bundle_id,7\ndefault_bundle_timeout,abc\ndefault_bundleid,5\n")
        try:
            r = run("check", "--data-dir", svc.data_dir)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("warning: config.csv: line 3: default_bundle_timeout: must be an integer", r.stdout)
            self.assertIn("the default 120 is used", r.stdout)
            self.assertIn("warning: config.csv: line 4: unknown setting 'default_bundleid'", r.stdout)
            svc.start()
            self.assertIn("default_bundle_timeout", svc.logs())  # the start-up warning
            st, body = svc.get_json("/api/v1/admin/status")
            joined = "\n".join(body["settings_warnings"])
            self.assertIn("config.csv:3: default_bundle_timeout", joined)
            self.assertIn("config.csv:4: unknown setting 'default_bundleid'", joined)
            st, body = svc.get_json("/tanium/global?model=NoSuchModel")
            self.assertEqual(body, {"BundleID": 7, "BundleTimeout": 120})
        finally:
            svc.cleanup()

    def test_settings_schema_over_http(self):
        svc = Service(data=ORIGINAL_DATA)
        try:
            svc.start()
            st, h, raw = svc.request("PUT", "/api/v1/admin/settings/default_bundleid", body={"value": "5"})
            self.assertEqual(st, 400, raw)
            self.assertIn(b"default_bundle_id", raw)
            st, _, raw = svc.request("PUT", "/api/v1/admin/settings/default_bundle_timeout", body={"value": "abc"})
            self.assertEqual(st, 400, raw)
            st, _, raw = svc.request("PUT", "/api/v1/admin/settings/x-site", body={"value": "Lille"})
            self.assertEqual(st, 200, raw)
            st, _, raw = svc.request("PUT", "/api/v1/admin/settings/default_bundle_timeout", body={"value": 300})
            self.assertEqual(st, 200, raw)
            st, _, raw = svc.request("DELETE", "/api/v1/admin/settings/default_bundle_timeout")
            self.assertEqual(st, 200, raw)
            st, body = svc.get_json("/api/v1/admin/settings")
            by_key = {s["key"]: s for s in body["settings"]}
            self.assertEqual(by_key["default_bundle_timeout"]["value"], "120")
            self.assertEqual(by_key["default_bundle_timeout"]["source"], "default")
            self.assertEqual(by_key["ReportingTLSMode"]["source"], "listener")  # plaintext listener: 0
            self.assertEqual(by_key["x-site"]["value"], "Lille")
            with open(os.path.join(svc.data_dir, "config.csv")) as f:
                self.assertNotIn("default_bundle_timeout", f.read())
        finally:
            svc.cleanup()

    def test_follow_up_commands_carry_the_directory_options(self):
        data = os.path.join(self.tmp, "my data")
        self.assertEqual(run("init", data).returncode, 0)
        r = run("serve", "--port", "0", "--bind", "127.0.0.1", "--data-dir", data, "--tls-mode", "1")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("provisiond keys root-init --data-dir '%s'" % data, r.stderr)
        # Copied as printed, it creates the root where serve looks.
        r = subprocess.run("%s keys root-init --data-dir '%s'" % (BIN, data), shell=True, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("next: provisiond keys tls-request --subject CN=<server name> --san DNS:<server name> "
                      "--data-dir '%s'" % data, r.stdout)
        self.assertTrue(os.path.exists(os.path.join(data, "keys", "root.crt")))


HELP = {
    ("serve",): ["--config", "--data-dir", "--bind", "--port", "--threads", "--log-format", "--log-level",
                 "--content-root", "--tls-mode", "--tls-cert", "--tls-key", "--require-incoming-encryption",
                 "--print-port-file", "provisiond init"],
    ("init",): ["DIR", "--sample", "--data-dir", "--config"],
    ("routes",): ["--config", "--data-dir"],
    ("config",): ["--config", "--data-dir", "serve"],
    ("check",): ["--config", "--data-dir"],
    ("export",): ["--config", "--data-dir", "--bom", "--semicolon", "DEST_DIR|FILE.zip"],
    ("keys",): ["root-init", "tls-request", "tls-issue", "rotate-root", "show", "verify", "--data-dir",
                "--keys-dir", "--config"],
    ("keys", "root-init"): ["--subject", "--key-type", "--expiration", "--data-dir", "--keys-dir"],
    ("keys", "tls-request"): ["KEY", "CSR", "--subject", "--san", "--key-type", "--force", "--keys-dir"],
    ("keys", "tls-issue"): ["--csr", "--out", "--root-key", "--root-cert", "--expiration", "--keys-dir"],
    ("keys", "rotate-root"): ["--grace-days", "--expiration", "--root-expiration", "--subject", "--force"],
    ("keys", "show"): ["FILE", "--keys-dir"],
    ("keys", "verify"): ["CERT", "--root", "--keys-dir"],
}


class Help(unittest.TestCase):
    def test_every_command_help_names_every_option_with_an_example(self):
        for cmd, words in HELP.items():
            with self.subTest(cmd=" ".join(cmd)):
                r = run(*cmd, "--help")
                self.assertEqual(r.returncode, 0, r.stderr)
                for word in words:
                    self.assertIn(word, r.stdout)
                self.assertRegex(r.stdout, r"(?m)^(examples?:|first setup:)")
                self.assertIn("provisiond " + " ".join(cmd), r.stdout)

    def test_the_top_level_help_names_init(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("init", r.stdout)
        self.assertIn("--help", r.stdout)


if __name__ == "__main__":
    unittest.main()

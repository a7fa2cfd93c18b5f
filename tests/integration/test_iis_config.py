"""`provisiond iis-config` writes a web.config that parses as XML, proxies
the prefix to the backend with the forwarded headers provisiond trusts, has
no outbound rewrite, carries the upload limit, and refuses bad input."""
import os
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

from harness import BIN


class IisConfigTest(unittest.TestCase):
    def test_web_config_rules_variables_and_limit(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "web.config")
            r = subprocess.run([BIN, "iis-config", "--prefix", "/provision", "--backend", "http://10.1.2.3:12176",
                                "--max-upload-bytes", "2147483648", "--out", out], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            root = ET.parse(out).getroot()
        self.assertEqual(root.tag, "configuration")
        rules = root.findall("./system.webServer/rewrite/rules/rule")
        self.assertEqual(len(rules), 2)
        protos = set()
        for rule in rules:
            self.assertEqual(rule.find("match").get("url"), "^provision(/.*)?$")
            self.assertEqual(rule.find("action").get("type"), "Rewrite")
            self.assertEqual(rule.find("action").get("url"), "http://10.1.2.3:12176{R:1}")
            sv = {s.get("name"): s.get("value") for s in rule.findall("./serverVariables/set")}
            self.assertEqual(sv["HTTP_X_FORWARDED_PREFIX"], "/provision")
            self.assertEqual(sv["HTTP_X_FORWARDED_HOST"], "{HTTP_HOST}")
            self.assertEqual(sv["HTTP_X_FORWARDED_PORT"], "{SERVER_PORT}")
            cond = rule.find("./conditions/add")
            protos.add((cond.get("pattern"), sv["HTTP_X_FORWARDED_PROTO"]))
        self.assertEqual(protos, {("^on$", "https"), ("^off$", "http")})
        self.assertIsNone(root.find("./system.webServer/rewrite/outboundRules"))
        limits = root.find("./system.webServer/security/requestFiltering/requestLimits")
        self.assertEqual(limits.get("maxAllowedContentLength"), "2147483648")

    def test_bad_input_is_refused_with_the_option_named(self):
        r = subprocess.run([BIN, "iis-config", "--prefix", "/provision", "--backend", "10.1.2.3:12176"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--backend", r.stderr)
        self.assertIn("e.g. --backend http://", r.stderr)
        self.assertEqual(r.stdout, "")
        r = subprocess.run([BIN, "iis-config"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--backend is required", r.stderr)


if __name__ == "__main__":
    unittest.main()

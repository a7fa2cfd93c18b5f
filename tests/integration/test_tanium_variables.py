"""Tanium Provision's view of the service, on the real binary with the sample
data: the README's "Configure Tanium Provision" examples run literally (each
curl line against the answer written under it), the variables route answers
the same Bundle ID as /tanium/global for every spelling, method and body form
Tanium may use, and a renamed variable answers only under its new name."""
import json
import os
import re
import shutil
import subprocess
import unittest
import urllib.parse

from harness import ROOT, SAMPLE_DATA, Service, ServiceTest

CURL = shutil.which("curl")
README = os.path.join(ROOT, "README.md")


def readme_examples():
    """(command, expected output) of each curl line of the README section."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    section = text.split("## Configure Tanium Provision", 1)[1].split("\n## ", 1)[0]
    examples = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("curl "):
                want = lines[i + 1]
                assert want.startswith("# "), "no answer written under: " + line
                examples.append((line, want[2:]))
    return examples


def same_answer(got, want):
    try:
        return json.loads(got) == json.loads(want)
    except ValueError:
        return got == want


class ReadmeExamples(ServiceTest):
    DATA = SAMPLE_DATA

    @unittest.skipUnless(CURL, "curl not installed")
    def test_documented_examples_answer_as_written(self):
        examples = readme_examples()
        self.assertGreaterEqual(len(examples), 6)
        env = dict(os.environ, PV="http://127.0.0.1:%d" % self.svc.port)
        for command, want in examples:
            with self.subTest(command=command):
                p = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=30)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertTrue(same_answer(p.stdout, want), "got %r, README says %r" % (p.stdout, want))


class SameAnswerAsTaniumGlobal(ServiceTest):
    DATA = SAMPLE_DATA
    MODELS = ["Precision 3581", "VMware Virtual Platform", "Unknown Model"]  # a rule, another rule, the default
    SERIALS = ["serial", "Serial", "SERIAL", "serialNumber", "SerialNumber", "serialnumber"]
    MODEL_NAMES = ["model", "Model", "MODEL", "computerModel", "ComputerModel", "computermodel"]

    def calls(self, serial_name, model_name, model):
        """(description, method, query, body, headers) for each way of sending them."""
        fields = {serial_name: "SDK86P3", model_name: model}
        form = urllib.parse.urlencode(fields)
        return [
            ("GET query", "GET", "?" + form, None, {}),
            ("POST query", "POST", "?" + form, None, {}),
            ("POST JSON", "POST", "", json.dumps(fields), {"Content-Type": "application/json"}),
            ("POST form", "POST", "", form, {"Content-Type": "application/x-www-form-urlencoded"}),
        ]

    def answer(self, method, path, body, headers):
        status, _, raw = self.svc.request(method, path, body=body, headers=headers)
        self.assertEqual(status, 200, raw)
        return json.loads(raw)

    def test_each_spelling_method_and_body_form(self):
        seen = set()
        for serial_name, model_name in zip(self.SERIALS, self.MODEL_NAMES):
            for model in self.MODELS:
                for how, method, query, body, headers in self.calls(serial_name, model_name, model):
                    with self.subTest(serial=serial_name, model=model_name, value=model, how=how):
                        g = self.answer(method, "/tanium/global" + query, body, headers)
                        v = self.answer(method, "/api/v1/endpoint/variables" + query, body, headers)
                        self.assertEqual((v["BundleID"], v["BundleTimeout"]), (g["BundleID"], g["BundleTimeout"]))
                        self.assertEqual(v["ComputerName"], "FR-LIL-LT-0001")  # the serial was read as well
                        status, _, one = self.svc.request(method, "/api/v1/endpoint/variables/BundleID" + query,
                                                          body=body, headers=headers)
                        self.assertEqual((status, one.decode()), (200, str(g["BundleID"])))
                        seen.add(g["BundleID"])
        self.assertEqual(seen, {43, 46, 42})  # the models did reach the rules

    def test_neither_serial_nor_model(self):
        for method in ("GET", "POST"):
            with self.subTest(method=method):
                status, _, raw = self.svc.request(method, "/api/v1/endpoint/variables")
                self.assertEqual(status, 400, raw)
                self.assertIn("serial, serialNumber; model, computerModel", json.loads(raw)["detail"])


class RenamedVariable(unittest.TestCase):
    """config.csv renames BundleID to OSBundle, as a site whose Tanium is set up so."""

    @classmethod
    def setUpClass(cls):
        cls.svc = Service(data=SAMPLE_DATA)
        with open(os.path.join(cls.svc.data_dir, "config.csv"), "a", encoding="utf-8") as f:
            f.write("var_name.BundleID,OSBundle\n")
        cls.svc.start()

    @classmethod
    def tearDownClass(cls):
        cls.svc.cleanup()

    def test_only_the_configured_name_answers(self):
        q = "?SerialNumber=SDK86P3&Model=Precision%203581"
        _, g = self.svc.get_json("/tanium/global" + q)
        self.assertEqual(g, {"BundleID": 43, "BundleTimeout": 120})  # the original's fixed names
        status, v = self.svc.post_json("/api/v1/endpoint/variables",
                                       {"SerialNumber": "SDK86P3", "Model": "Precision 3581"})
        self.assertEqual(status, 200, v)
        self.assertEqual(v["OSBundle"], g["BundleID"])
        self.assertNotIn("BundleID", v)
        status, _, raw = self.svc.get("/api/v1/endpoint/variables/OSBundle" + q)
        self.assertEqual((status, raw), (200, b"43"))
        status, problem = self.svc.get_json("/api/v1/endpoint/variables/BundleID" + q)
        self.assertEqual(status, 404)
        self.assertEqual(problem["detail"], "variable 'BundleID' is renamed 'OSBundle' by config.csv key "
                                            "var_name.BundleID; ask for OSBundle (/api/v1/endpoint/variables/OSBundle)")
        self.assertEqual(problem["renamed_to"], "OSBundle")


if __name__ == "__main__":
    unittest.main()

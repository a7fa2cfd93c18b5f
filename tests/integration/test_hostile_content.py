"""The content hub against hostile content and faults, on the real binary
(issue 10): an uploaded .svg/.html is only ever a sandboxed download; a
kill -9 during an upload leaves a temp file that the next start removes;
SHA-256 of large files is computed off the request path (202, then 200) and
a burst of such requests does not hold up deployment events or settings."""
import glob
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from harness import SAMPLE_DATA, Service, ServiceTest

CURL = shutil.which("curl")
MiB = 1024 * 1024
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)">'
       b'<script>fetch("/api/v1/admin/settings")</script></svg>')


def curl(*args, timeout=60):
    return subprocess.run([CURL, "-sS", *args], capture_output=True, timeout=timeout)


def headers_of(raw):
    """The last response's headers from curl -D - output (after redirects)."""
    blocks = [b for b in raw.replace(b"\r\n", b"\n").split(b"\n\n") if b.startswith(b"HTTP/")]
    lines = blocks[-1].decode().split("\n")
    out = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        out[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), out


def stale_temps(root):
    return glob.glob(os.path.join(root, "**", ".pv-upload-*"), recursive=True)


def zeros_sha256(size):
    h = hashlib.sha256()
    block = b"\0" * MiB
    left = size
    while left:
        n = min(left, MiB)
        h.update(block[:n])
        left -= n
    return h.hexdigest()


def wait_for(predicate, timeout=30, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


@unittest.skipUnless(CURL, "curl not installed")
class ActiveContent(ServiceTest):
    FILES = {"Provision/Customer.ps1": b"$WsBase = 'x'\r\n", "Apps/readme.txt": b"hello\n"}

    def upload(self, rel, data):
        with tempfile.NamedTemporaryFile() as f:
            f.write(data)
            f.flush()
            r = curl("-f", *self.svc.curl_auth(), "-T", f.name, "http://127.0.0.1:%d/api/v1/admin/files/%s" % (self.svc.port, rel))
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_an_uploaded_svg_is_a_sandboxed_attachment_directly_and_through_the_redirect(self):
        self.upload("Apps/logo.svg", SVG)
        self.upload("Apps/index.html", b"<script>alert(1)</script>")
        base = "http://127.0.0.1:%d" % self.svc.port
        for rel, name in [("Apps/logo.svg", "logo.svg"), ("Apps/index.html", "index.html")]:
            for url in [base + "/file/raw/" + rel, base + "/file/" + rel]:  # the second: 302, followed
                with self.subTest(url=url):
                    r = curl("-fL", "-D", "-", "-o", os.devnull, url)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    status, h = headers_of(r.stdout)
                    self.assertEqual(status, 200)
                    self.assertEqual(h.get("content-disposition"),
                                     "attachment; filename=\"%s\"; filename*=UTF-8''%s" % (name, name))
                    self.assertEqual(h.get("content-security-policy"), "sandbox")
                    self.assertEqual(h.get("x-content-type-options"), "nosniff")
        # The bytes are the uploaded ones: a download is unchanged.
        r = curl("-fL", base + "/file/Apps/logo.svg")
        self.assertEqual(r.stdout, SVG)

    def test_scripts_and_other_downloads_keep_their_plain_answer(self):
        base = "http://127.0.0.1:%d" % self.svc.port
        for rel in ["Provision/Customer.ps1", "Apps/readme.txt"]:
            with self.subTest(rel=rel):
                status, h, _ = self.svc.get("/file/raw/" + rel)
                self.assertEqual(status, 200)
                self.assertNotIn("content-disposition", h)
                self.assertNotIn("content-security-policy", h)
        r = curl("-fL", base + "/file/Provision/Customer.ps1")
        self.assertIn(b"$WsBase = 'http://127.0.0.1", r.stdout)


@unittest.skipUnless(CURL, "curl not installed")
class CrashDuringUpload(unittest.TestCase):
    def test_kill_9_mid_upload_then_restart_leaves_no_temp_file(self):
        svc = Service(data=SAMPLE_DATA, files={"Drivers/keep.cab": b"old"})
        try:
            svc.start()
            with tempfile.NamedTemporaryFile() as src:
                src.write(os.urandom(2 * MiB))
                src.flush()
                # 64 KiB/s: the upload lasts ~30 s, the kill lands in its middle.
                uploader = subprocess.Popen(
                    [CURL, "-sS", "--limit-rate", "64k", *svc.curl_auth(), "-T", src.name,
                     "http://127.0.0.1:%d/api/v1/admin/files/Drivers/New/big.cab" % svc.port],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    temps = wait_for(lambda: [t for t in stale_temps(svc.content_root) if os.path.getsize(t) > 0])
                    self.assertTrue(temps, "the upload never reached its temp file")
                    svc.proc.send_signal(signal.SIGKILL)
                    svc.proc.wait(10)
                finally:
                    uploader.kill()
                    uploader.wait()
            left = stale_temps(svc.content_root)
            self.assertEqual(len(left), 1, "the crash should have left the temp file: %s" % left)
            svc.stop()
            os.remove(os.path.join(svc.tmp, "port"))  # else start() takes the old run's port file for ready
            svc.start()
            self.assertEqual(stale_temps(svc.content_root), [])
            rel = os.path.relpath(left[0], svc.content_root)
            logs = svc.logs()
            self.assertIn("removed upload temp files left by an interrupted upload", logs)
            self.assertIn("count=1", logs)
            self.assertIn("/" + rel, logs)
            self.assertFalse(os.path.exists(os.path.join(svc.content_root, "Drivers/New/big.cab")))
            status, _, body = svc.get("/file/raw/Drivers/keep.cab")
            self.assertEqual((status, body), (200, b"old"))
        finally:
            svc.cleanup()


class HashQueue(unittest.TestCase):
    """Files of 24 MiB (sparse: no disk used), over the 1 MiB inline limit."""
    COUNT = 12
    SIZE = 24 * MiB

    @classmethod
    def setUpClass(cls):
        cls.svc = Service(data=SAMPLE_DATA)
        for i in range(cls.COUNT):
            path = os.path.join(cls.svc.content_root, "Big", "f%02d.bin" % i)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.truncate(cls.SIZE + i)
        cls.svc.start()
        cls.want = {i: zeros_sha256(cls.SIZE + i) for i in range(cls.COUNT)}

    @classmethod
    def tearDownClass(cls):
        cls.svc.cleanup()

    def sum(self, i):
        return self.svc.get("/file/sha256/Big/f%02d.bin" % i, timeout=10)

    def wait_for_200(self, i):
        deadline = time.time() + 120
        while time.time() < deadline:
            status, h, body = self.sum(i)
            if status == 200:
                return body
            self.assertIn(status, (202, 503), body)
            time.sleep(min(0.5, float(h["retry-after"])))
        self.fail("no digest for f%02d after 120 s" % i)

    def test_many_hash_requests_answer_at_once_and_writes_go_through(self):
        # Every first request for an uncached large file is 202 (queued) or 503
        # (queue full), never a request thread busy hashing.
        for i in range(self.COUNT):
            status, h, body = self.sum(i)
            self.assertIn(status, (202, 503), body)
            self.assertTrue(h.get("retry-after"), h)
        # The writes that must never wait for hashing.
        status, answer = self.svc.post_json(
            "/api/v1/endpoint/deployments", {"serial": "SDK86P3", "model": "Latitude 5420"})
        self.assertEqual(status, 201, answer)
        status, event = self.svc.post_json(
            "/api/v1/endpoint/deployments/%s/events" % answer["deployment"]["id"],
            {"event_id": "e-1", "phase": "apps", "message": "installing"})
        self.assertIn(status, (200, 201), event)
        status, _, body = self.svc.request(
            "PUT", "/api/v1/admin/settings/OptionalTLSMinAttemptCount", body={"value": 4})
        self.assertEqual(status, 200, body)
        # Then every digest arrives, and is right.
        for i in range(self.COUNT):
            self.assertEqual(self.wait_for_200(i).decode(), "%s  f%02d.bin\n" % (self.want[i], i))
        status, h, _ = self.svc.get("/file/raw/Big/f00.bin", headers={"Range": "bytes=0-0"})
        self.assertEqual(h.get("x-checksum-sha256"), self.want[0])

    def test_202_body_says_it_is_being_computed(self):
        path = os.path.join(self.svc.content_root, "Big", "late.bin")
        with open(path, "wb") as f:
            f.truncate(self.SIZE)
        status, h, body = self.svc.get("/file/sha256/Big/late.bin")
        self.assertEqual(status, 202, body)
        self.assertEqual(h["content-type"], "application/json")
        answer = json.loads(body)
        self.assertEqual(answer["status"], "computing")
        self.assertEqual(answer["path"], "/Big/late.bin")
        self.assertEqual(str(answer["retry_after"]), h["retry-after"])


if __name__ == "__main__":
    unittest.main()

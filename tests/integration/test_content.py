"""The /file/ content hub against the real server: listing parsed like the
deployed scripts do, curl -fSL -C - resume (truncated file, interrupted
transfer, already complete), conditionals, replace during download, the
file token, and all of it behind nginx at /provision."""
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from harness import NginxServiceTest, ServiceTest

CURL = shutil.which("curl")
# The regex of the deployed scripts (PowerShell: case-insensitive, Singleline).
ROW = re.compile(r'<tr\b[^>]*data-entry-href="(?P<href>[^"]+)"[^>]*>(?P<body>.*?)</tr>', re.I | re.S)
PACK = os.urandom(6 * 1024 * 1024 + 123)
SCRIPT = (b"# sample\r\n$WsBase = 'http://placeholder.invalid'\r\n"
          b"Invoke-RestMethod \"$WsBase/getcomputer\"\r\n")
FILES = {
    "Drivers/Dell/pack.zip": PACK,
    "Apps/readme.txt": b"hello\n",
    "Provision/Customer.ps1": SCRIPT,
}


def rows(html):
    return [(m.group("href"), "folder-link" in m.group("body").lower()) for m in ROW.finditer(html)]


def curl(*args, timeout=60):
    return subprocess.run([CURL, "-sS", *args], capture_output=True, timeout=timeout)


class ContentMixin:
    """Checks run both directly and behind nginx; subclasses set base()."""

    def base(self):
        raise NotImplementedError

    def prefix(self):
        return ""

    def fetch(self, path, headers=None, method="GET"):
        raise NotImplementedError

    def test_listing_parses_with_the_scripts_regex(self):
        status, headers, body = self.fetch(self.prefix() + "/file/")
        self.assertEqual(status, 200, body[:300])
        self.assertIn("text/html", headers["content-type"])
        found = dict(rows(body.decode()))
        p = self.prefix()
        self.assertEqual(found, {p + "/file/Apps/": True, p + "/file/Drivers/": True, p + "/file/Provision/": True})
        status, _, body = self.fetch(self.prefix() + "/file/Drivers/Dell")  # no trailing slash
        self.assertEqual(rows(body.decode()), [(p + "/file/Drivers/Dell/pack.zip", False)])

    def test_file_redirects_to_raw_with_external_origin(self):
        status, headers, _ = self.fetch(self.prefix() + "/file/Drivers/Dell/pack.zip")
        self.assertEqual(status, 302)
        self.assertEqual(headers["location"], self.base() + "/file/raw/Drivers/Dell/pack.zip")

    def test_curl_resumes_a_truncated_download(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "pack.zip")
            with open(out, "wb") as f:
                f.write(PACK[:1000001])
            r = curl("-fSL", "-C", "-", "-o", out, self.base() + "/file/Drivers/Dell/pack.zip")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), hashlib.sha256(PACK).hexdigest())
            # Complete already (a re-run after a reboot): curl -f fails on a 416, so
            # "bytes=<size>-" gets the whole body and curl reports it already downloaded.
            r = curl("-fSL", "-C", "-", "-o", out, self.base() + "/file/Drivers/Dell/pack.zip")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(os.path.getsize(out), len(PACK))

    def test_curl_resumes_an_interrupted_download(self):
        # The connection drops mid-body (the client goes away after 1.5 MiB,
        # as a rebooting endpoint would); curl -C - then fetches the rest.
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "pack.zip")
            status, headers, partial = self.fetch_partial(self.prefix() + "/file/raw/Drivers/Dell/pack.zip",
                                                          1536 * 1024)
            self.assertEqual(status, 200)
            self.assertEqual(partial, PACK[:len(partial)])
            self.assertLess(len(partial), len(PACK))
            with open(out, "wb") as f:
                f.write(partial)
            r = curl("-fSL", "-C", "-", "-o", out, self.base() + "/file/Drivers/Dell/pack.zip")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out, "rb") as f:
                self.assertEqual(f.read(), PACK)

    def fetch_partial(self, path, nbytes):
        c = http.client.HTTPConnection("127.0.0.1", self.port_for_partial(), timeout=10)
        c.request("GET", path)
        r = c.getresponse()
        data = r.read(nbytes)
        c.sock.shutdown(socket.SHUT_RDWR)
        c.close()
        return r.status, dict(r.getheaders()), data

    def test_head_range_and_conditionals(self):
        path = self.prefix() + "/file/raw/Drivers/Dell/pack.zip"
        status, headers, body = self.fetch(path, method="HEAD")
        self.assertEqual((status, int(headers["content-length"]), body), (200, len(PACK), b""))
        etag, last_modified = headers["etag"], headers["last-modified"]
        status, headers, body = self.fetch(path, {"Range": "bytes=100-199"})
        self.assertEqual((status, headers["content-range"], body), (206, "bytes 100-199/%d" % len(PACK), PACK[100:200]))
        status, headers, body = self.fetch(path, {"Range": "bytes=-7"})
        self.assertEqual((status, body), (206, PACK[-7:]))
        status, headers, _ = self.fetch(path, {"Range": "bytes=%d-" % (len(PACK) + 1)})
        self.assertEqual((status, headers["content-range"]), (416, "bytes */%d" % len(PACK)))
        self.assertEqual(self.fetch(path, {"If-None-Match": etag})[0], 304)
        self.assertEqual(self.fetch(path, {"If-Modified-Since": last_modified})[0], 304)
        status, _, body = self.fetch(path, {"Range": "bytes=0-9", "If-Range": '"stale"'})
        self.assertEqual((status, len(body)), (200, len(PACK)))

    def test_ws_base_is_the_external_url(self):
        status, headers, body = self.fetch(self.prefix() + "/file/raw/Provision/Customer.ps1")
        self.assertEqual(status, 200)
        self.assertIn(("$WsBase = '%s'" % self.base()).encode(), body)
        status, _, sums = self.fetch(self.prefix() + "/file/sha256/Provision/Customer.ps1")
        self.assertEqual(sums.decode(), hashlib.sha256(body).hexdigest() + "  Customer.ps1\n")

    def test_traversal_is_refused(self):
        for path in ["/file/raw/../etc/passwd", "/file/raw/%2e%2e/%2e%2e/etc/passwd", "/file/raw/..%5c..%5cx",
                     "/file/raw/Apps/readme.txt%00.zip", "/file/raw//etc/passwd", "/file/raw/C:/Windows/win.ini"]:
            status, _, body = self.fetch(self.prefix() + path)
            self.assertTrue(400 <= status < 500, (path, status, body[:200]))
            self.assertNotIn(b"root:", body)


class Direct(ContentMixin, ServiceTest):
    FILES = FILES

    def base(self):
        return "http://127.0.0.1:%d" % self.svc.port

    def fetch(self, path, headers=None, method="GET"):
        return self.svc.request(method, path, headers=headers)

    def port_for_partial(self):
        return self.svc.port

    def test_replace_during_download_serves_the_old_file_whole(self):
        old = os.urandom(8 * 1024 * 1024)
        path = os.path.join(self.svc.content_root, "Apps", "big.bin")
        with open(path, "wb") as f:
            f.write(old)
        c = http.client.HTTPConnection("127.0.0.1", self.svc.port, timeout=30)
        c.request("GET", "/file/raw/Apps/big.bin")
        r = c.getresponse()
        first = r.read(65536)
        new = os.urandom(3 * 1024 * 1024)
        with open(path + ".new", "wb") as f:
            f.write(new)
        os.rename(path + ".new", path)
        rest = r.read()
        c.close()
        self.assertEqual(first + rest, old)
        status, _, body = self.svc.get("/file/raw/Apps/big.bin")
        self.assertEqual(body, new)

    def test_many_concurrent_downloads_complete(self):
        url = self.base() + "/file/raw/Drivers/Dell/pack.zip"
        with tempfile.TemporaryDirectory() as d:
            procs = [subprocess.Popen([CURL, "-sS", "-f", "-o", os.path.join(d, str(i)), url]) for i in range(24)]
            for p in procs:
                self.assertEqual(p.wait(60), 0)
            for i in range(24):
                self.assertEqual(os.path.getsize(os.path.join(d, str(i))), len(PACK))


class TokenRequired(ServiceTest):
    FILES = FILES
    ENV = {"WS_FILE_TOKEN": "t0ken"}

    def test_token_by_query_header_or_bearer(self):
        self.assertEqual(self.svc.get("/file/raw/Apps/readme.txt")[0], 401)
        self.assertEqual(self.svc.get("/file/raw/Apps/readme.txt?token=nope")[0], 401)
        self.assertEqual(self.svc.get("/file/raw/Apps/readme.txt?token=t0ken")[0], 200)
        self.assertEqual(self.svc.get("/file/raw/Apps/readme.txt", headers={"X-File-Token": "t0ken"})[0], 200)
        self.assertEqual(self.svc.get("/file/raw/Apps/readme.txt", headers={"Authorization": "Bearer t0ken"})[0], 200)

    def test_curl_follows_the_redirect_with_the_query_token(self):
        r = curl("-fSL", "http://127.0.0.1:%d/file/Apps/readme.txt?token=t0ken" % self.svc.port)
        self.assertEqual((r.returncode, r.stdout), (0, b"hello\n"), r.stderr)


class BehindNginx(ContentMixin, NginxServiceTest):
    FILES = FILES

    def base(self):
        return "http://127.0.0.1:%d/provision" % self.nginx.port

    def prefix(self):
        return "/provision"

    def fetch(self, path, headers=None, method="GET"):
        return self.nginx.request(method, path, headers=headers, host="127.0.0.1:%d" % self.nginx.port)

    def port_for_partial(self):
        return self.nginx.port

    @unittest.skipUnless(CURL, "curl not installed")
    def test_upload_through_the_proxy_links_with_the_prefix(self):
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "app.msi")
            data = os.urandom(5 * 1024 * 1024 + 1)
            with open(src, "wb") as f:
                f.write(data)
            r = curl("-f", "-i", *self.svc.curl_auth(), "-T", src, self.base() + "/api/v1/admin/files/Apps/Proxy/app.msi")
            self.assertEqual(r.returncode, 0, r.stderr)
            head, _, body = r.stdout.replace(b"\r\n", b"\n").rpartition(b"\n\n")
            answer = json.loads(body)
            self.assertEqual(answer["sha256"], hashlib.sha256(data).hexdigest())
            self.assertEqual(answer["href"], "/provision/file/Apps/Proxy/app.msi")
            location = [line.split(b":", 1)[1].strip() for line in head.split(b"\n")
                        if line.lower().startswith(b"location:")]
            self.assertEqual(location, [(self.base() + "/file/Apps/Proxy/app.msi").encode()])
            down = curl("-fL", self.base() + "/file/Apps/Proxy/app.msi")
            self.assertEqual(down.stdout, data, down.stderr)


if __name__ == "__main__":
    unittest.main()

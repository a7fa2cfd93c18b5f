"""The admin source check against the real binary: a content-hub file's size
and SHA-256 (also through [baseurl] and a full URL of the service), an
HTTP URL checked by HEAD with each redirect shown, a server that refuses
HEAD checked by a one-byte GET, a redirect loop stopped, an HTTPS server
with an untrusted certificate named as such, a dead port, UNC and local
paths answered as endpoint-only, bad input refused, and the viewer refused."""
import hashlib
import http.server
import os
import ssl
import subprocess
import tempfile
import threading
import unittest

from harness import SAMPLE_DATA, ServiceTest, free_port

PAYLOAD = b"x" * 5000


class Origin(http.server.BaseHTTPRequestHandler):
    """A download server with the answers the check must tell apart."""
    seen = []

    def log_message(self, *a):
        pass

    def answer(self, body):
        Origin.seen.append((self.command, self.path, self.headers.get("Range")))
        p = self.path
        if p == "/moved":
            return self.reply(301, {"Location": "/hop"})
        if p == "/hop":
            return self.reply(302, {"Location": "http://127.0.0.1:%d/ok.msi" % self.server.server_port})
        if p == "/loop":
            return self.reply(302, {"Location": "/loop"})
        if p == "/nohead" and self.command == "HEAD":
            return self.reply(405, {"Allow": "GET"})
        if p == "/nohead":
            return self.reply(206, {"Content-Range": "bytes 0-0/%d" % len(PAYLOAD), "Content-Length": "1"}, b"x" if body else b"")
        if p == "/ok.msi":
            return self.reply(200, {"Content-Length": str(len(PAYLOAD)), "Content-Type": "application/x-msi"},
                              PAYLOAD if body else b"")
        return self.reply(404, {"Content-Length": "0"})

    def reply(self, status, headers, body=b""):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):
        self.answer(False)

    def do_GET(self):
        self.answer(True)


def serve(server):
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    return server


class SourceCheckTest(ServiceTest):
    DATA = SAMPLE_DATA
    FILES = {"Apps/VLC/vlc.msi": b"vlc-installer-bytes" * 100, "Apps/VLC/install.cmd": b"msiexec /i vlc.msi /qn\r\n"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.svc.ensure_admin_token()
        cls.origin = serve(http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin))
        # An HTTPS server whose certificate no CA vouches for.
        cls.tmp = tempfile.TemporaryDirectory()
        key, cert = os.path.join(cls.tmp.name, "k.pem"), os.path.join(cls.tmp.name, "c.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1"],
                       check=True, capture_output=True)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        cls.tls_origin = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
        cls.tls_origin.socket = ctx.wrap_socket(cls.tls_origin.socket, server_side=True)
        serve(cls.tls_origin)

    @classmethod
    def tearDownClass(cls):
        cls.origin.shutdown()
        cls.tls_origin.shutdown()
        cls.tmp.cleanup()
        super().tearDownClass()

    def check(self, source, expect=200, **kw):
        st, body = self.svc.post_json("/api/v1/admin/source-check", {"source": source}, **kw)
        self.assertEqual(st, expect, body)
        return body

    def url(self, path, tls=False):
        server = self.tls_origin if tls else self.origin
        return "%s://127.0.0.1:%d%s" % ("https" if tls else "http", server.server_port, path)

    def test_hub_file_has_its_size_and_sha256(self):
        data = self.FILES["Apps/VLC/vlc.msi"]
        for source in ("[baseurl]/file/Apps/VLC/vlc.msi", "/file/Apps/VLC/vlc.msi",
                       "http://127.0.0.1:%d/file/raw/Apps/VLC/vlc.msi" % self.svc.port):
            with self.subTest(source=source):
                c = self.check(source)
                self.assertTrue(c["ok"], c)
                self.assertEqual(c["hub"]["path"], "Apps/VLC/vlc.msi")
                self.assertEqual(c["hub"]["type"], "file")
                self.assertEqual(c["hub"]["size"], len(data))
                self.assertEqual(c["hub"]["sha256"], hashlib.sha256(data).hexdigest())
                self.assertIsNone(c["http"])

    def test_hub_folder_lists_its_entries_and_a_missing_path_says_where_to_fix_it(self):
        c = self.check("[baseurl]/file/Apps/VLC")
        self.assertTrue(c["ok"])
        self.assertEqual(c["hub"]["type"], "folder")
        self.assertEqual(c["hub"]["entries"], ["install.cmd", "vlc.msi"])
        c = self.check("[baseurl]/file/Apps/Firefox/setup.exe")
        self.assertFalse(c["ok"])
        self.assertTrue(c["checkable"])
        self.assertIn("Apps/Firefox/setup.exe", c["message"])
        self.assertIn("Files page", c["message"])

    def test_http_redirects_are_followed_and_shown(self):
        c = self.check(self.url("/moved"))
        self.assertTrue(c["ok"], c)
        self.assertEqual(c["kind"], "http")
        h = c["http"]
        self.assertEqual(h["method"], "HEAD")
        self.assertEqual(h["status"], 200)
        self.assertEqual(h["final_url"], self.url("/ok.msi"))
        self.assertEqual(h["content_length"], len(PAYLOAD))
        self.assertEqual(h["content_type"], "application/x-msi")
        self.assertEqual([(r["status"], r["location"]) for r in h["redirects"]],
                         [(301, "/hop"), (302, self.url("/ok.msi"))])
        self.assertEqual(h["redirects"][1]["url"], self.url("/hop"))  # the relative Location resolved
        self.assertIn("after 2 redirects", c["message"])
        self.assertTrue(any("plain HTTP" in w for w in c["warnings"]))

    def test_head_refused_falls_back_to_a_one_byte_get(self):
        Origin.seen.clear()
        c = self.check(self.url("/nohead"))
        self.assertTrue(c["ok"], c)
        self.assertEqual(c["http"]["method"], "GET")
        self.assertEqual(c["http"]["content_length"], len(PAYLOAD))
        self.assertEqual(Origin.seen, [("HEAD", "/nohead", None), ("GET", "/nohead", "bytes=0-0")])

    def test_redirect_loop_and_not_found_are_failures(self):
        c = self.check(self.url("/loop"))
        self.assertFalse(c["ok"])
        self.assertIn("more than 5 redirects", c["message"])
        self.assertEqual(len(c["http"]["redirects"]), 6)
        c = self.check(self.url("/gone"))
        self.assertFalse(c["ok"])
        self.assertEqual(c["http"]["status"], 404)
        self.assertIn("HTTP 404", c["message"])

    def test_untrusted_certificate_and_dead_port_are_named(self):
        c = self.check(self.url("/ok.msi", tls=True))
        self.assertFalse(c["ok"])
        self.assertIn("certificate not trusted", c["message"])
        self.assertIn("self-signed", c["message"])
        c = self.check("https://127.0.0.1:%d/x.msi" % free_port())
        self.assertFalse(c["ok"])
        self.assertIn("connecting to 127.0.0.1", c["message"])

    def test_unc_local_and_device_variables_are_checked_on_the_endpoint(self):
        for source, kind in ((r"\\fileserver\deploy\apps\7zip", "unc"),
                             (r"C:\provision\OtherFiles\7zip\setup.exe", "local"),
                             ("https://dl.example/%MODEL%/driver.zip", "https")):
            with self.subTest(source=source):
                c = self.check(source)
                self.assertEqual(c["kind"], kind)
                self.assertFalse(c["checkable"])
                self.assertFalse(c["ok"])
                self.assertIn("endpoint", c["message"])
        c = self.check("https://dl.example/%MODEL%/driver.zip")
        self.assertEqual(c["unknown_variables"], ["MODEL"])

    def test_bad_input_is_refused_with_the_field(self):
        st, body = self.svc.post_json("/api/v1/admin/source-check", {"source": ""})
        self.assertEqual(st, 400)
        self.assertEqual(body["field"], "source")
        st, body = self.svc.post_json("/api/v1/admin/source-check", {"source": "x", "url": "y"})
        self.assertEqual(st, 400)
        self.assertIn("url", body["detail"])

    def test_a_viewer_may_not_make_the_server_fetch(self):
        st, made = self.svc.post_json("/api/v1/admin/tokens", {"role": "viewer"})
        self.assertEqual(st, 201, made)
        token = made["secret"]
        st, body = self.svc.post_json("/api/v1/admin/source-check", {"source": self.url("/ok.msi")},
                                      headers={"Authorization": "Bearer " + token})
        self.assertEqual(st, 403, body)


if __name__ == "__main__":
    unittest.main()

"""Hostile network clients against the real binary (issue 10, network
points): big bodies where none is read, a trickle upload, X-Forwarded-For
forged on its own line, request smuggling shapes, huge chunk extensions and
the per-client connection cap.

Run: PROVISIOND_BIN=build/provisiond python3 -m unittest tests/integration/test_hostile_net.py -v
"""
import glob
import os
import socket
import threading
import time
import unittest

from harness import ServiceTest, status_of

MIB = 1024 * 1024


def vm_hwm_kib(pid):
    """Peak resident set size of `pid` (VmHWM), in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM for pid %d" % pid)


def wait_for(predicate, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def send_and_read(port, head, body_bytes, read_timeout=60):
    """Sends `head` then `body_bytes` zero bytes (ignoring a peer that stops
    reading), returns the raw answer."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    try:
        s.sendall(head)
        chunk = b"\0" * (256 * 1024)
        left = body_bytes
        try:
            while left > 0:
                n = min(left, len(chunk))
                s.sendall(chunk[:n])
                left -= n
        except OSError:
            pass
        out = b""
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
                out += data
        except OSError:
            pass
        return out
    finally:
        s.close()


class BigBodiesAreNotRead(ServiceTest):
    def test_200_bodies_of_8_mib_on_unknown_path_and_healthz_keep_memory_low(self):
        pid = self.svc.proc.pid
        self.assertEqual(self.svc.get("/healthz")[0], 200)
        before = vm_hwm_kib(pid)
        size = 8 * MIB
        results = {}

        def one(i):
            path = "/nowhere/%d" % i if i % 2 else "/healthz"
            head = ("POST %s HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % (path, size)).encode()
            if path == "/healthz":
                head = head.replace(b"POST", b"GET", 1)
            results[i] = (path, status_of(send_and_read(self.svc.port, head, size)))

        threads = [threading.Thread(target=one, args=(i,)) for i in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for i, (path, status) in sorted(results.items()):
            self.assertEqual(status, 200 if path == "/healthz" else 404, path)
        self.assertEqual(len(results), 200)
        peak = vm_hwm_kib(pid)
        # Buffered, these bodies would be 1600 MiB; drained 64 KiB at a time
        # per connection they cost a few MiB.
        self.assertLess(peak - before, 128 * 1024, "VmHWM grew from %d to %d KiB" % (before, peak))
        self.assertEqual(self.svc.get("/healthz")[0], 200)


class TrickleUpload(ServiceTest):
    CONFIG = "[content]\nupload_min_rate = 1000\nupload_rate_window_ms = 500\n"

    def test_trickle_upload_is_closed_and_its_temp_file_removed(self):
        folder = os.path.join(self.svc.content_root, "Trickle")
        s = socket.create_connection(("127.0.0.1", self.svc.port), timeout=30)
        try:
            s.sendall(b"PUT /api/v1/admin/files/Trickle/slow.bin HTTP/1.1\r\nHost: t\r\n" + self.svc.auth_line() +
                      b"Content-Length: 100000\r\n\r\n0123456789")
            # The upload has begun: its temp file exists.
            self.assertTrue(wait_for(lambda: glob.glob(os.path.join(folder, ".pv-upload-*"))),
                            self.svc.logs())
            closed = b""
            try:
                while True:
                    data = s.recv(4096)  # one more byte now and then would not save it
                    if not data:
                        break
                    closed += data
            except ConnectionResetError:
                pass
            self.assertEqual(closed, b"")  # closed without an answer, well before the 30 s timeout
        finally:
            s.close()
        self.assertTrue(wait_for(lambda: not glob.glob(os.path.join(folder, ".pv-upload-*"))),
                        self.svc.logs())
        self.assertFalse(os.path.exists(os.path.join(folder, "slow.bin")))
        # The folder was made for this upload only: it goes with the refused upload
        # (just after the temp file, so wait for it too).
        self.assertTrue(wait_for(lambda: not os.path.exists(folder)), self.svc.logs())
        self.assertIn("upload slower than content.upload_min_rate", self.svc.logs())


class ForwardedForOnTwoLines(ServiceTest):
    CONFIG = '[server]\ntrusted_proxies = ["127.0.0.0/8"]\n'

    def test_client_line_does_not_win_over_the_proxy_line(self):
        out = self.svc.raw(b"GET /healthz?probe=xff2 HTTP/1.1\r\nHost: t\r\n"
                           b"X-Forwarded-For: 6.6.6.6\r\n"         # the client's forged line
                           b"X-Forwarded-For: 192.168.7.7\r\n"     # the proxy's line
                           b"Connection: close\r\n\r\n")
        self.assertEqual(status_of(out), 200)

        def line():
            lines = [l for l in self.svc.logs().splitlines() if " access " in l
                     and "path=/healthz" in l]
            return lines[-1] if lines else None

        self.assertTrue(wait_for(line), self.svc.logs())
        self.assertIn("client=192.168.7.7", line())
        self.assertNotIn("6.6.6.6", line())


class SmugglingShapes(ServiceTest):
    def test_content_length_with_transfer_encoding_is_400(self):
        both = (b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n")
        for path in (b"/message", b"/healthz", b"/nowhere"):
            for fields in both:
                out = self.svc.raw(b"POST " + path + b" HTTP/1.1\r\nHost: t\r\n" + fields +
                                   b"\r\n0\r\n\r\n", shutdown_write=True)
                self.assertEqual(status_of(out), 400, (path, fields, out[:200]))

    def test_huge_chunk_extension_is_refused(self):
        ext = b"x" * (2 * MIB)
        out = send_and_read(self.svc.port,
                            b"POST /message HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                            b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
                            b"5;ext=" + ext + b"\r\nhello\r\n0\r\n\r\n", 0, read_timeout=30)
        self.assertIn(status_of(out), (400, 413), out[:300])
        self.assertEqual(self.svc.get("/healthz")[0], 200)


class PerClientConnectionCap(ServiceTest):
    CONFIG = "[server]\nmax_connections_per_client = 4\n"

    def test_over_the_cap_is_503_and_logged(self):
        held = []
        try:
            for _ in range(4):
                s = socket.create_connection(("127.0.0.1", self.svc.port), timeout=10)
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")  # keep-alive: stays open
                self.assertEqual(status_of(s.recv(4096)), 200)
                held.append(s)
            out = self.svc.raw(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            self.assertEqual(status_of(out), 503, out[:200])
            self.assertIn("per-client connection limit reached", self.svc.logs())
        finally:
            for s in held:
                s.close()
        # Once they are closed, the address is served again.
        self.assertTrue(wait_for(lambda: status_of(self.svc.raw(b"GET /healthz HTTP/1.1\r\nHost: t\r\n"
                                                                b"Connection: close\r\n\r\n")) == 200))


if __name__ == "__main__":
    unittest.main()

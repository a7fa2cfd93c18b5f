"""Large transfers against the real server: admin uploads stream into a temp
file (never whole in memory), a broken or refused upload leaves nothing
behind, curl -T works; and clients that stop reading a download neither
hold the server up for others nor keep their connection past the write
timeout."""
import glob
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from harness import ServiceTest

CURL = shutil.which("curl")
MiB = 1024 * 1024
UPLOAD_LIMIT = 300 * MiB


def pattern(n, seed=0):
    """n bytes that differ per MiB, cheap to make and to hash."""
    block = hashlib.sha256(b"%d" % seed).digest() * (MiB // 32)
    out = bytearray()
    i = 0
    while len(out) < n:
        out += block[:8] + (b"%016d" % i) + block[24:]
        i += 1
    return bytes(out[:n])


def vm_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(field + " not in /proc status")


def read_response(sock, timeout=30):
    """Reads one HTTP response (Content-Length bodies) from a raw socket."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head[9:12]) if head.startswith(b"HTTP/1.1 ") else None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, body


def wait_for(predicate, timeout=20, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


class Uploads(ServiceTest):
    CONFIG = "[content]\nmax_upload_bytes = %d\n" % UPLOAD_LIMIT
    FILES = {"Apps/keep.bin": b"the old file\n"}

    def temp_files(self, folder=""):
        return glob.glob(os.path.join(self.svc.content_root, folder, ".pv-upload-*"))

    def put_header(self, path, length, extra=""):
        return ("PUT /api/v1/admin/files/%s HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n%s\r\n"
                % (path, length, self.svc.auth_line().decode() + extra)).encode()

    def test_body_streams_into_a_temp_file_while_it_arrives(self):
        total = 48 * MiB
        data = pattern(total, seed=1)
        with socket.create_connection(("127.0.0.1", self.svc.port), timeout=30) as s:
            s.sendall(self.put_header("Stream/big.bin", total))
            s.sendall(data[:32 * MiB])
            # Two thirds of the body are in: already on disk, and the target does not exist yet.
            def temp_size():
                temps = self.temp_files("Stream")
                return temps and os.path.getsize(temps[0]) >= 24 * MiB
            self.assertTrue(wait_for(temp_size), "no growing temp file: %s" % self.temp_files("Stream"))
            self.assertFalse(os.path.exists(os.path.join(self.svc.content_root, "Stream", "big.bin")))
            s.sendall(data[32 * MiB:])
            status, body = read_response(s)
        self.assertEqual(status, 201, body)
        answer = json.loads(body)
        self.assertEqual(answer["size"], total)
        self.assertEqual(answer["sha256"], hashlib.sha256(data).hexdigest())
        with open(os.path.join(self.svc.content_root, "Stream", "big.bin"), "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(self.temp_files("Stream"), [])

    def test_a_large_upload_does_not_grow_the_process_memory(self):
        total = 256 * MiB
        data = pattern(total, seed=2)
        pid = self.svc.proc.pid
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")  # resets VmHWM, so earlier tests' peaks do not count
        before = vm_kib(pid, "VmRSS")
        c = http.client.HTTPConnection("127.0.0.1", self.svc.port, timeout=120)
        c.request("PUT", "/api/v1/admin/files/Mem/huge.bin", body=data,
                  headers=self.svc.auth_headers("/api/v1/admin/files", {}))
        r = c.getresponse()
        body = r.read()
        c.close()
        self.assertEqual(r.status, 201, body)
        self.assertEqual(json.loads(body)["sha256"], hashlib.sha256(data).hexdigest())
        grown_mib = (vm_kib(pid, "VmHWM") - before) / 1024
        # Buffering the body would add its 256 MiB; streaming holds 1 MiB per upload.
        self.assertLess(grown_mib, 64, "peak RSS grew by %.0f MiB during a 256 MiB upload" % grown_mib)

    def test_an_interrupted_upload_leaves_the_old_file_and_no_temp_file(self):
        with socket.create_connection(("127.0.0.1", self.svc.port), timeout=30) as s:
            s.sendall(self.put_header("Apps/keep.bin", 16 * MiB))
            s.sendall(pattern(5 * MiB, seed=3))
            self.assertTrue(wait_for(lambda: self.temp_files("Apps")))
        self.assertTrue(wait_for(lambda: not self.temp_files("Apps")), self.temp_files("Apps"))
        with open(os.path.join(self.svc.content_root, "Apps", "keep.bin"), "rb") as f:
            self.assertEqual(f.read(), b"the old file\n")

    def test_refusals_come_before_the_body(self):
        cases = [
            # (path, length, extra headers, status, words in the detail)
            ("Apps/keep.bin?overwrite=0", 10 * MiB, "", 409, "overwrite=1"),
            ("Apps/keep.bin", 10 * MiB, "If-None-Match: *\r\n", 409, "exists"),
            ("Apps/too-big.bin", UPLOAD_LIMIT + 1, "", 413, "exceeds the limit"),
            ("Apps/a%5Cb.bin", 10, "", 400, "backslash"),  # passes the server's target check; the content path check refuses it
            ("Apps", 10, "", 409, "folder"),
        ]
        for path, length, extra, status, words in cases:
            with self.subTest(path=path):
                with socket.create_connection(("127.0.0.1", self.svc.port), timeout=10) as s:
                    # Expect: 100-continue: the client sends no body until told to.
                    s.sendall(self.put_header(path, length, extra + "Expect: 100-continue\r\n"))
                    got, body = read_response(s, timeout=10)
                self.assertEqual(got, status, body)
                self.assertIn(words, json.loads(body)["detail"])
        self.assertEqual(self.temp_files("Apps"), [])
        self.assertFalse(os.path.exists(os.path.join(self.svc.content_root, "Apps", "too-big.bin")))
        with open(os.path.join(self.svc.content_root, "Apps", "keep.bin"), "rb") as f:
            self.assertEqual(f.read(), b"the old file\n")

    def test_a_client_sending_the_body_anyway_still_reads_the_refusal(self):
        # No Expect: 100-continue (PowerShell's Invoke-WebRequest, for one):
        # the whole body is on its way when the answer comes. The server reads
        # and drops it before closing, so neither side sees a reset.
        cases = [("Apps/keep.bin?overwrite=0", 24 * MiB, 409),
                 ("Apps/too-big.bin", UPLOAD_LIMIT + MiB, 413)]
        for path, length, status in cases:
            with self.subTest(path=path):
                with socket.create_connection(("127.0.0.1", self.svc.port), timeout=30) as s:
                    s.sendall(self.put_header(path, length))
                    block = b"b" * MiB
                    for _ in range(length // MiB):
                        s.sendall(block)
                    got, body = read_response(s)
                    self.assertEqual(got, status, body)
                    self.assertEqual(s.recv(1), b"")  # then an orderly close
        self.assertEqual(self.temp_files("Apps"), [])

    def test_an_accepted_upload_gets_100_continue_first(self):
        with socket.create_connection(("127.0.0.1", self.svc.port), timeout=10) as s:
            s.sendall(self.put_header("Cont/a.txt", 5, "Expect: 100-continue\r\n"))
            s.settimeout(10)
            interim = s.recv(4096)
            self.assertTrue(interim.startswith(b"HTTP/1.1 100"), interim)
            s.sendall(b"hello")
            status, body = read_response(s)
        self.assertEqual(status, 201, body)

    def test_a_chunked_upload_over_the_limit_is_refused_and_removed(self):
        # No length up front: the limit is found while streaming. The rest of
        # the body is read and dropped, so the client sends it all, then reads 413.
        chunk = b"%x\r\n" % MiB + b"z" * MiB + b"\r\n"
        with socket.create_connection(("127.0.0.1", self.svc.port), timeout=30) as s:
            s.sendall(b"PUT /api/v1/admin/files/Chunked/over.bin HTTP/1.1\r\nHost: t\r\n" + self.svc.auth_line() +
                      b"Transfer-Encoding: chunked\r\n\r\n")
            for _ in range(UPLOAD_LIMIT // MiB + 1):
                s.sendall(chunk)
            s.sendall(b"0\r\n\r\n")
            status, body = read_response(s)
        self.assertEqual(status, 413, body)
        self.assertIn("exceeds the limit", json.loads(body)["detail"])
        self.assertTrue(wait_for(lambda: not self.temp_files("Chunked")), self.temp_files("Chunked"))
        self.assertFalse(os.path.exists(os.path.join(self.svc.content_root, "Chunked", "over.bin")))

    @unittest.skipUnless(CURL, "curl not installed")
    def test_curl_upload_then_download_round_trip(self):
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "driver.cab")
            with open(src, "wb") as f:
                f.write(pattern(9 * MiB + 17, seed=4))
            base = "http://127.0.0.1:%d" % self.svc.port
            up = subprocess.run([CURL, "-sS", "-f"] + self.svc.curl_auth() +
                                ["-T", src, base + "/api/v1/admin/files/Drivers/HP/driver.cab"],
                                capture_output=True, timeout=60)
            self.assertEqual(up.returncode, 0, up.stderr)
            self.assertEqual(json.loads(up.stdout)["size"], 9 * MiB + 17)
            dst = os.path.join(d, "back.cab")
            down = subprocess.run([CURL, "-sS", "-fL", "-o", dst, base + "/file/Drivers/HP/driver.cab"],
                                  capture_output=True, timeout=60)
            self.assertEqual(down.returncode, 0, down.stderr)
            with open(src, "rb") as a, open(dst, "rb") as b:
                self.assertEqual(a.read(), b.read())


class StalledReaders(ServiceTest):
    """One I/O thread, so a stalled client would block everyone on it."""
    WRITE_TIMEOUT_MS = 1500
    CONFIG = "[server]\nthreads = 1\nwrite_timeout_ms = %d\n" % WRITE_TIMEOUT_MS
    BIG = 64 * MiB
    FILES = {"Drivers/big.bin": b"\0" * BIG, "Apps/small.bin": os.urandom(3 * MiB),
             "Apps/medium.bin": os.urandom(16 * MiB)}

    def stalled_downloads(self, n):
        socks = []
        for _ in range(n):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", self.svc.port))
            s.sendall(b"GET /file/raw/Drivers/big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
            socks.append(s)
        return socks

    def test_stalled_readers_do_not_starve_others_and_are_closed(self):
        stalled = self.stalled_downloads(8)
        try:
            time.sleep(0.3)  # their sends are now blocked on full socket buffers
            # Others are served while those eight hold their connections open.
            for _ in range(3):
                status, _, body = self.svc.get("/file/raw/Apps/small.bin", timeout=20)
                self.assertEqual((status, len(body)), (200, 3 * MiB))
            self.assertEqual(self.svc.get("/healthz", timeout=5)[0], 200)
            # Past the write timeout, the server has closed each stalled one:
            # reading now drains what was in flight, then hits the end early.
            time.sleep(self.WRITE_TIMEOUT_MS / 1000 + 1.5)
            for s in stalled:
                s.settimeout(10)
                got = 0
                try:
                    while True:
                        chunk = s.recv(1 << 20)
                        if not chunk:
                            break
                        got += len(chunk)
                except ConnectionResetError:
                    pass
                self.assertLess(got, self.BIG, "a stalled download was not cut off")
        finally:
            for s in stalled:
                s.close()

    def test_a_slow_but_steady_reader_is_not_cut_off(self):
        # Reads slowly (about 5 MiB/s) for longer than the write timeout, but
        # never pauses that long: it gets the whole file. The timeout is about
        # progress, not about how long a download may take.
        started = time.time()
        with socket.create_connection(("127.0.0.1", self.svc.port), timeout=10) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            s.sendall(b"GET /file/raw/Apps/medium.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            data = bytearray()
            while True:
                chunk = s.recv(256 * 1024)
                if not chunk:
                    break
                data += chunk
                time.sleep(0.05)
        self.assertGreater(time.time() - started, self.WRITE_TIMEOUT_MS / 1000)  # the premise
        head, _, body = bytes(data).partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200"), head[:100])
        self.assertEqual(body, self.FILES["Apps/medium.bin"])

if __name__ == "__main__":
    unittest.main()

"""The foundation against the real binary: keep-alive, limits, timeouts,
graceful shutdown, 404/405, bad input, logs, commands."""
import json
import os
import signal
import socket
import subprocess
import time
import unittest

from harness import BIN, ORIGINAL_DATA, Service, ServiceTest, status_of


class KeepAliveAndRoutes(ServiceTest):
    def test_keep_alive_serves_many_requests_on_one_connection(self):
        c = self.svc.conn()
        c.connect()
        sock_id = id(c.sock)
        for _ in range(20):
            c.request("GET", "/healthz")
            r = c.getresponse()
            self.assertEqual(r.status, 200)
            self.assertEqual(json.loads(r.read()), {"status": "ok"})
            self.assertEqual(id(c.sock), sock_id)  # http.client reconnects if the server closed
        c.close()

    def test_pipelined_requests_answered_in_order(self):
        out = self.svc.raw(b"GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\n"
                           b"GET /readyz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        statuses = [int(part[:3]) for part in out.split(b"HTTP/1.1 ")[1:]]
        self.assertEqual(statuses, [200, 404, 200])

    def test_404_and_405_are_problem_json(self):
        status, headers, body = self.svc.get("/no/such/route")
        self.assertEqual(status, 404)
        self.assertEqual(headers["content-type"], "application/problem+json")
        p = json.loads(body)
        self.assertEqual((p["status"], p["title"]), (404, "Not Found"))
        status, headers, body = self.svc.request("DELETE", "/healthz")
        self.assertEqual(status, 405)
        self.assertEqual(headers["allow"], "GET, HEAD")
        self.assertEqual(json.loads(body)["status"], 405)

    def test_head_has_length_but_no_body(self):
        status, headers, body = self.svc.request("HEAD", "/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-length"], str(len(b'{"status":"ok"}')))
        self.assertEqual(body, b"")

    def test_readyz_and_request_id(self):
        status, headers, body = self.svc.get("/readyz")
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["x-request-id"])

    def test_redirect_and_index_use_host_header_without_proxy(self):
        status, headers, _ = self.svc.get("/", headers={"Host": "deploy.lan:12176"})
        self.assertEqual(status, 302)
        self.assertEqual(headers["location"], "http://deploy.lan:12176/api/v1")

    def test_access_log_line_per_request(self):
        self.svc.get("/healthz?probe=accesslog")
        # Other tests share this service (and sanitizer builds log late): wait
        # for the GET line itself rather than taking the last line.
        deadline = time.time() + 5
        while True:
            lines = [l for l in self.svc.logs().splitlines()
                     if " access " in l and "path=/healthz" in l and "method=GET" in l]
            if lines or time.time() > deadline:
                break
            time.sleep(0.05)
        self.assertTrue(lines, self.svc.logs())
        for field in ("request_id=", "client=127.0.0.1", "status=200", "bytes=", "latency_ms="):
            self.assertIn(field, lines[-1])


class ProxyTrust(ServiceTest):
    HEADERS = {"X-Forwarded-Prefix": "/provision", "X-Forwarded-Host": "deploy.example.com",
               "X-Forwarded-Proto": "https", "X-Forwarded-Port": "8443", "X-Forwarded-For": "192.168.5.5"}

    def test_trusted_loopback_proxy_shapes_redirects_and_links(self):
        status, headers, _ = self.svc.get("/", headers=self.HEADERS)
        self.assertEqual(headers["location"], "https://deploy.example.com:8443/provision/api/v1")
        status, index = self.svc.get_json("/api/v1", headers=self.HEADERS)
        self.assertEqual(index["base_url"], "https://deploy.example.com:8443/provision")
        self.assertEqual(index["client_address"], "192.168.5.5")
        urls = [r["url"] for r in index["routes"] if "url" in r]
        self.assertIn("https://deploy.example.com:8443/provision/healthz", urls)


class UntrustedProxy(ServiceTest):
    CONFIG = '[server]\ntrusted_proxies = ["10.99.0.0/16"]\n'

    def test_headers_from_untrusted_peer_are_ignored(self):
        status, headers, _ = self.svc.get("/", headers=dict(ProxyTrust.HEADERS, Host="127.0.0.1:1234"))
        self.assertEqual(headers["location"], "http://127.0.0.1:1234/api/v1")
        status, index = self.svc.get_json("/api/v1", headers=ProxyTrust.HEADERS)
        self.assertEqual(index["client_address"], "127.0.0.1")


class Limits(ServiceTest):
    CONFIG = "[server]\nheader_timeout_ms = 700\nidle_timeout_ms = 1500\nmax_connections = 8\n"

    def test_oversized_header_is_431(self):
        out = self.svc.raw(b"GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        self.assertEqual(status_of(out), 431, out[:200])
        self.assertIn(b"problem+json", out)

    def test_declared_oversized_body_is_413_without_reading_it(self):
        # A route that takes a body (a body-less one never reads it: test_hostile_net.py).
        out = self.svc.raw(b"POST /message HTTP/1.1\r\nHost: a\r\nContent-Length: 9000000\r\n\r\nxx")
        self.assertEqual(status_of(out), 413, out[:200])

    def test_chunked_body_over_limit_is_413(self):
        chunk = b"a" * 1048576
        req = b"POST /message HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        s = socket.create_connection(("127.0.0.1", self.svc.port), timeout=10)
        s.sendall(req)
        out = b""
        try:
            for _ in range(10):
                s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    break
                out += d
        except (socket.timeout, ConnectionResetError):
            pass
        s.close()
        self.assertEqual(status_of(out), 413, out[:200])

    def test_slow_header_is_408(self):
        s = socket.create_connection(("127.0.0.1", self.svc.port), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: a\r\n")  # never finished
        start = time.time()
        out = s.recv(65536)
        s.close()
        self.assertEqual(status_of(out), 408, out)
        self.assertLess(time.time() - start, 4)

    def test_silent_idle_connection_is_closed_without_response(self):
        s = socket.create_connection(("127.0.0.1", self.svc.port), timeout=5)
        self.assertEqual(s.recv(100), b"")
        s.close()

    def test_slow_client_does_not_block_others(self):
        slow = socket.create_connection(("127.0.0.1", self.svc.port), timeout=5)
        slow.sendall(b"GET /healthz HTTP/1.1\r\n")
        for _ in range(20):
            self.assertEqual(self.svc.get("/healthz")[0], 200)
        slow.close()

    def test_connection_limit_answers_503(self):
        # Connections of earlier tests may take a moment to end (a refused body
        # is read to its end before the close); they would take held slots.
        time.sleep(0.3)
        held = [socket.create_connection(("127.0.0.1", self.svc.port)) for _ in range(8)]
        try:
            time.sleep(0.1)
            out = self.svc.raw(b"GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            self.assertEqual(status_of(out), 503, out[:200])
        finally:
            for h in held:
                h.close()
        time.sleep(0.2)
        self.assertEqual(self.svc.get("/healthz")[0], 200)


class BadInput(ServiceTest):
    CASES = [
        ("malformed request line", b"GARBAGE\r\n\r\n", 400),
        ("bad method token", b"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("bad version", b"GET / HTTP/9.9\r\nHost: a\r\n\r\n", 400),
        ("invalid header byte", b"GET /healthz HTTP/1.1\r\nHost: a\r\nX-A: b\x00c\r\n\r\n", 400),
        ("header without colon", b"GET /healthz HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400),
        ("duplicate content-length", b"POST /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", 400),
        ("non-numeric content-length", b"POST /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n", 400),
        ("chunked bad size", b"POST /message HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
        ("non-utf8 path", b"GET /file/%ff%fe HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("dot-dot path", b"GET /file/../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("encoded dot-dot", b"GET /file/%2e%2e/etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("NUL in path", b"GET /file/a%00b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("absolute-form target to elsewhere", b"GET http://evil/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ]

    def test_each_gets_a_4xx_and_a_log_line_and_the_server_lives(self):
        for name, data, want in self.CASES:
            with self.subTest(name):
                out = self.svc.raw(data)
                self.assertEqual(status_of(out), want, out[:300])
        time.sleep(0.2)
        self.assertGreaterEqual(self.svc.logs().count("request refused"), len(self.CASES) - 2)
        self.assertEqual(self.svc.get("/healthz")[0], 200)


class JsonLogs(ServiceTest):
    ARGS = ("--log-format", "json")

    def test_every_log_line_is_a_json_object(self):
        self.svc.get("/healthz")
        time.sleep(0.2)
        lines = [l for l in self.svc.logs().splitlines() if l.strip()]
        self.assertTrue(lines)
        for l in lines:
            obj = json.loads(l)
            self.assertIn(obj["level"], ("debug", "info", "warning", "error"))
        access = [json.loads(l) for l in lines if '"msg":"access"' in l]
        self.assertEqual(access[-1]["path"], "/healthz")


class Shutdown(unittest.TestCase):
    def test_sigterm_finishes_in_flight_request_then_exits_0(self):
        svc = Service(data=ORIGINAL_DATA)
        svc.start()
        try:
            s = socket.create_connection(("127.0.0.1", svc.port), timeout=10)
            s.sendall(b"POST /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n12345")
            time.sleep(0.2)
            svc.proc.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            # New connections are refused while the in-flight one completes.
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", svc.port), timeout=2).close()
            s.sendall(b"67890")
            out = s.recv(65536)
            self.assertEqual(status_of(out), 405)  # the request was answered
            self.assertIn(b"Connection: close", out)
            s.close()
            self.assertEqual(svc.proc.wait(10), 0)
        finally:
            svc.cleanup()

    def test_sigint_with_idle_keepalive_connection_exits_promptly(self):
        svc = Service(data=ORIGINAL_DATA)
        svc.start()
        try:
            c = svc.conn()
            c.request("GET", "/healthz")
            c.getresponse().read()
            start = time.time()
            svc.proc.send_signal(signal.SIGINT)
            self.assertEqual(svc.proc.wait(10), 0)
            self.assertLess(time.time() - start, 5)
            c.close()
        finally:
            svc.cleanup()


class Commands(unittest.TestCase):
    def run_cmd(self, *args, env=None):
        return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=30,
                              env=dict(os.environ, **(env or {})))

    def test_help_texts(self):
        r = self.run_cmd("--help")
        self.assertEqual(r.returncode, 0)
        for word in ("serve", "routes", "keys", "--data-dir", "--config"):
            self.assertIn(word, r.stdout)
        r = self.run_cmd("serve", "--help")
        self.assertEqual(r.returncode, 0)
        for word in ("--port", "WS_PORT", "--tls-mode", "--log-format", "trusted_proxies"):
            self.assertIn(word, r.stdout)

    def test_routes_lists_the_table(self):
        r = self.run_cmd("routes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"GET\s+/healthz\s+public")
        self.assertRegex(r.stdout, r"GET\s+/readyz\s+public")

    def test_ws_port_env_and_bad_values(self):
        r = self.run_cmd("config", env={"WS_PORT": "23456"})
        self.assertIn("port = 23456", r.stdout)
        r = self.run_cmd("config", env={"WS_PORT": "99999"})
        self.assertEqual(r.returncode, 2)
        self.assertIn("WS_PORT", r.stderr)
        r = self.run_cmd("serve", "--log-format", "xml")
        self.assertEqual(r.returncode, 2)
        self.assertIn("log.format", r.stderr)

    def test_port_in_use_is_a_clear_error(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            r = self.run_cmd("serve", "--bind", "127.0.0.1", "--port", str(port), "--data-dir", ORIGINAL_DATA)
            self.assertEqual(r.returncode, 1)
            self.assertIn("Address already in use", r.stderr)

    def test_a_fresh_service_serves_the_initialised_sample(self):
        # serve never creates a data directory (test_startup.py); the harness inits one.
        svc = Service(data=None)
        svc.start()
        try:
            self.assertTrue(os.path.exists(os.path.join(svc.data_dir, "computers.csv")))
            self.assertNotIn("created the data directory", svc.logs())
        finally:
            svc.cleanup()


if __name__ == "__main__":
    unittest.main()

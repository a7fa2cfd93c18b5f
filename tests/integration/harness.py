"""Integration test harness: starts the real provisiond binary on an
ephemeral loopback port with a throw-away data directory, talks HTTP to it,
and stops it. Python 3 standard library only.

Environment:
  PROVISIOND_BIN   path to the binary (default: build/provisiond)
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Absolute, so tests that run the binary from another working directory find it.
BIN = os.path.abspath(os.environ.get("PROVISIOND_BIN", os.path.join(ROOT, "build", "provisiond")))
ORIGINAL_DATA = os.path.join(ROOT, "tests", "data", "original")
SAMPLE_DATA = os.path.join(ROOT, "data", "sample")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """One running provisiond. Use as a context manager or call start/stop."""

    def __init__(self, data=None, config=None, args=(), env=None, files=None):
        self.tmp = tempfile.mkdtemp(prefix="pvd-it-")
        self.data_dir = os.path.join(self.tmp, "data_csv")
        self.content_root = os.path.join(self.tmp, "file")
        os.makedirs(self.content_root)
        if data:
            shutil.copytree(data, self.data_dir)
        elif data is None:
            # serve never creates a data directory: init it, as tools/run.sh does.
            subprocess.run([BIN, "init", self.data_dir, "--sample"], check=True, capture_output=True)
        for rel, content in (files or {}).items():
            path = os.path.join(self.content_root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(content if isinstance(content, bytes) else content.encode())
        self.config_path = None
        if config:
            self.config_path = os.path.join(self.tmp, "provisiond.toml")
            with open(self.config_path, "w") as f:
                f.write(config)
        self.args = list(args)
        self.env = dict(os.environ)
        self.env.pop("WS_PORT", None)
        self.env.update(env or {})
        self.proc = None
        self.port = None
        self.log_path = os.path.join(self.tmp, "service.log")

    def start(self, timeout=15):
        port_file = os.path.join(self.tmp, "port")
        if os.path.exists(port_file):
            os.remove(port_file)  # a restart must wait for the new process's port
        cmd = [BIN, "serve", "--port", "0", "--bind", "127.0.0.1",
               "--data-dir", self.data_dir, "--content-root", self.content_root,
               "--print-port-file", port_file] + self.args
        if self.config_path:
            cmd += ["--config", self.config_path]
        self.ensure_admin_token()
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("provisiond exited %s:\n%s" % (self.proc.returncode, self.logs()))
            if os.path.exists(port_file):
                with open(port_file) as f:
                    self.ports = [int(p) for p in f.read().strip().split(",")]
                self.port = self.ports[0]
                return self
            time.sleep(0.02)
        raise RuntimeError("provisiond did not start:\n" + self.logs())

    def cli(self, *args, input=None):
        """Runs `provisiond ARGS --data-dir <this data dir>` (and --config); returns CompletedProcess."""
        cmd = [BIN] + list(args) + ["--data-dir", self.data_dir]
        if self.config_path:
            cmd += ["--config", self.config_path]
        return subprocess.run(cmd, capture_output=True, text=True, input=input, env=self.env, timeout=60)

    def ensure_admin_token(self):
        """An admin API token (self.admin_token) that request() sends to the
        admin routes, made once with `provisiond tokens create`."""
        if getattr(self, "admin_token", None) or not os.path.isdir(self.data_dir):
            return
        r = self.cli("tokens", "create", "--role", "admin", "--note", "integration tests")
        if r.returncode == 0:
            self.admin_token = r.stdout.strip()

    def auth_headers(self, path, headers):
        """`headers` plus the admin token for admin routes, unless they carry credentials."""
        h = dict(headers or {})
        p = path.split("?")[0]
        admin = p.startswith("/api/v1/admin") or p.startswith("/admin/") or p == "/api/v1/auth/me"
        if admin and getattr(self, "admin_token", None) and not any(
                k.lower() in ("authorization", "cookie") for k in h):
            h["Authorization"] = "Bearer " + self.admin_token
        return h

    def auth_line(self):
        """The admin token as a raw header line (bytes), for hand-made requests."""
        return ("Authorization: Bearer %s\r\n" % self.admin_token).encode()

    def curl_auth(self):
        """curl arguments that send the admin token."""
        return ["-H", "Authorization: Bearer " + self.admin_token]

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
        return self.proc.returncode if self.proc else None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    def logs(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    # --- HTTP helpers -------------------------------------------------
    def conn(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=10, auth=True):
        """Returns (status, headers dict lower-cased, body bytes). Admin routes
        get the admin token unless auth=False or the headers carry credentials."""
        if auth:
            headers = self.auth_headers(path, headers)
        c = self.conn(timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
                headers = dict(headers or {})
                headers.setdefault("Content-Type", "application/json")
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def get_json(self, path, **kw):
        status, headers, body = self.request("GET", path, **kw)
        return status, json.loads(body) if body else None

    def post_json(self, path, obj, **kw):
        status, headers, body = self.request("POST", path, body=obj, **kw)
        return status, json.loads(body) if body else None

    def raw(self, data, read_timeout=5, shutdown_write=False):
        """Sends raw bytes on a new connection, returns everything read until close/timeout."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout)
        try:
            s.sendall(data)
            if shutdown_write:
                s.shutdown(socket.SHUT_WR)
            out = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    break
                if not chunk:
                    break
                out += chunk
            return out
        finally:
            s.close()


def status_of(raw_response):
    """Status code of the first response in raw bytes, or None."""
    if not raw_response.startswith(b"HTTP/1.1 "):
        return None
    return int(raw_response[9:12])


class ServiceTest(unittest.TestCase):
    """Base class: one service per test class (override DATA/CONFIG/ARGS)."""
    DATA = ORIGINAL_DATA
    CONFIG = None
    ARGS = ()
    ENV = None
    FILES = None

    @classmethod
    def setUpClass(cls):
        cls.svc = Service(data=cls.DATA, config=cls.CONFIG, args=cls.ARGS, env=cls.ENV, files=cls.FILES)
        cls.svc.start()

    @classmethod
    def tearDownClass(cls):
        cls.svc.cleanup()


NGINX_BIN = os.environ.get("NGINX_BIN", "/usr/sbin/nginx")


class Nginx:
    """A real nginx on loopback, configured like the IIS ARR rule of the
    original's documentation: /provision/ -> the service, with
    X-Forwarded-Prefix /provision and the host/proto/port headers."""

    def __init__(self, upstream_port, prefix="/provision", extra_locations="", tls=None):
        """tls: (certificate, key) files: nginx terminates TLS on its port."""
        self.tmp = tempfile.mkdtemp(prefix="pvd-nginx-")
        listen = f"listen 127.0.0.1:{{port}};"
        if tls:
            listen = (f"listen 127.0.0.1:{{port}} ssl;\n    ssl_certificate {tls[0]};\n"
                      f"    ssl_certificate_key {tls[1]};\n    ssl_protocols TLSv1.2 TLSv1.3;")
        self.port = free_port()
        conf = f"""
daemon off;
master_process off;
worker_processes 1;
pid {self.tmp}/nginx.pid;
error_log {self.tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {self.tmp}/body;
  proxy_temp_path {self.tmp}/proxy;
  fastcgi_temp_path {self.tmp}/fastcgi;
  uwsgi_temp_path {self.tmp}/uwsgi;
  scgi_temp_path {self.tmp}/scgi;
  client_max_body_size 0;
  server {{
    {listen.format(port=self.port)}
    location {prefix}/ {{
      proxy_pass http://127.0.0.1:{upstream_port}/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Prefix {prefix};
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Port $server_port;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_redirect off;
      proxy_buffering off;
      proxy_request_buffering off;
    }}
    {extra_locations}
  }}
}}
"""
        self.conf_path = os.path.join(self.tmp, "nginx.conf")
        with open(self.conf_path, "w") as f:
            f.write(conf)
        self.proc = None

    def start(self, timeout=10):
        self.proc = subprocess.Popen([NGINX_BIN, "-c", self.conf_path, "-p", self.tmp],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited: " + self.proc.stderr.read().decode())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def request(self, method, path, body=None, headers=None, host=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            h = dict(headers or {})
            if host:
                h["Host"] = host
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()


class NginxServiceTest(ServiceTest):
    """ServiceTest with a real nginx in front of the service at /provision
    (cls.nginx), started and stopped with the class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.nginx = Nginx(cls.svc.port).start()
        except Exception:
            cls.svc.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()
        super().tearDownClass()

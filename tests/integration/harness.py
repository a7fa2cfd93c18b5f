"""Integration test harness: starts the real provisiond binary on an
ephemeral loopback port with a throw-away data directory, talks HTTP to it,
and stops it. Python 3 standard library only.

Environment:
  PROVISIOND_BIN   path to the binary (default: build/provisiond)
  PROVISIOND_PG_BIN  PostgreSQL's server binaries (default: /usr/lib/postgresql/15/bin)
"""
import http.client
import json
import os
import pwd
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
        """upstream_port: one port, or a list of ports (several instances):
        then an `upstream` block with all of them, nginx's default round robin
        (a server that refuses the connection is skipped, the request passed
        to the next one). tls: (certificate, key) files: nginx terminates TLS
        on its port."""
        self.tmp = tempfile.mkdtemp(prefix="pvd-nginx-")
        upstream_block = ""
        if isinstance(upstream_port, (list, tuple)):
            if not upstream_port:
                raise ValueError("Nginx: no upstream port")
            servers = "".join("\n    server 127.0.0.1:%d;" % p for p in upstream_port)
            upstream_block = "\n  upstream provisiond {%s\n  }" % servers
            target = "provisiond"
        else:
            target = "127.0.0.1:%d" % upstream_port
        self.upstream_ports = list(upstream_port) if isinstance(upstream_port, (list, tuple)) else [upstream_port]
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
  client_max_body_size 0;{upstream_block}
  server {{
    {listen.format(port=self.port)}
    location {prefix}/ {{
      proxy_pass http://{target}/;
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
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()
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


PG_BIN = os.environ.get("PROVISIOND_PG_BIN", "/usr/lib/postgresql/15/bin")


class Postgres:
    """A throw-away PostgreSQL 15 on loopback: initdb (trust, user postgres,
    UTF-8) in a fresh temp dir, the server on a free 127.0.0.1 port plus a
    Unix socket in that dir. fsync and synchronous_commit keep their defaults
    (tests restart the server and expect acknowledged writes to be there).
    As root, every server command runs as the `postgres` system user (initdb
    refuses root); the temp dir is owned by that user.

    pg = Postgres().start(); pg.create_db("a"); pg.url("a"); pg.psql("select 1", db="a")
    pg.stop(); pg.start()   # same dir, same port: an outage
    pg.cleanup()            # stop, remove the dir (or use `with Postgres() as pg:`)
    """

    SUPERUSER = "postgres"

    def __init__(self, port=None, bin_dir=None, tmp=None):
        """tmp: attach to an existing dir made by another Postgres (with its port)."""
        self.bin_dir = bin_dir or PG_BIN
        self.port = port
        self.tmp = tmp
        self.data_dir = os.path.join(tmp, "data") if tmp else None
        self.log_path = os.path.join(tmp, "server.log") if tmp else None

    # --- running the server's commands --------------------------------
    def _tool(self, name):
        path = os.path.join(self.bin_dir, name)
        if not os.access(path, os.X_OK):
            raise RuntimeError(
                "PostgreSQL 15 server binaries not found: %s is missing. Install them "
                "(apt-get install postgresql-15) or set PROVISIOND_PG_BIN to the directory "
                "holding initdb, pg_ctl and postgres." % path)
        return path

    @staticmethod
    def _env():
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.setdefault("LANG", "C.UTF-8")
        return env

    def _as_server_user(self, argv):
        if os.geteuid() != 0:
            return argv
        runuser = shutil.which("runuser")
        if runuser:
            return [runuser, "-u", self.SUPERUSER, "--"] + argv
        setpriv = shutil.which("setpriv")
        if setpriv:
            pw = pwd.getpwnam(self.SUPERUSER)
            return [setpriv, "--reuid", str(pw.pw_uid), "--regid", str(pw.pw_gid), "--init-groups"] + argv
        raise RuntimeError("running as root, and neither runuser nor setpriv is there to run "
                           "PostgreSQL as the %s user" % self.SUPERUSER)

    def _run(self, argv, timeout=60, check=True):
        # cwd: the server user must be able to enter it (root's home is 0700).
        r = subprocess.run(self._as_server_user(argv), cwd=self.tmp, env=self._env(),
                           capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError("%s exited %d:\n%s%s\n%s" % (os.path.basename(argv[0]), r.returncode,
                                                             r.stdout, r.stderr, self.logs()[-4000:]))
        return r

    def _init(self):
        initdb = self._tool("initdb")
        self._tool("pg_ctl")
        self.tmp = tempfile.mkdtemp(prefix="pvd-pg-")
        self.data_dir = os.path.join(self.tmp, "data")
        self.log_path = os.path.join(self.tmp, "server.log")
        if os.geteuid() == 0:
            pw = pwd.getpwnam(self.SUPERUSER)
            os.chown(self.tmp, pw.pw_uid, pw.pw_gid)
        self._run([initdb, "-D", self.data_dir, "-A", "trust", "-U", self.SUPERUSER, "--no-sync",
                   "-E", "UTF8", "--locale=C.UTF-8"], timeout=120)

    def start(self, timeout=30):
        """Creates the cluster the first time, then starts the server (same dir
        and port on a later call) and waits until it accepts connections."""
        if self.tmp is None:
            self._init()
        if self.port is None:
            self.port = free_port()
        options = " ".join([
            "-c listen_addresses=127.0.0.1",
            "-c port=%d" % self.port,
            "-c unix_socket_directories=%s" % self.tmp,
            "-c max_connections=200",
        ])
        self._run([self._tool("pg_ctl"), "start", "-D", self.data_dir, "-l", self.log_path,
                   "-w", "-t", str(int(timeout)), "-o", options], timeout=timeout + 10)
        deadline = time.time() + timeout
        while True:
            try:
                if self.psql("select 1", db="postgres", timeout=5).strip() == "1":
                    return self
            except RuntimeError:
                if time.time() > deadline:
                    raise RuntimeError("PostgreSQL on port %d does not accept connections:\n%s"
                                       % (self.port, self.logs()[-4000:]))
            time.sleep(0.1)

    def running(self):
        if not self.data_dir or not os.path.isdir(self.data_dir):
            return False
        return self._run([self._tool("pg_ctl"), "status", "-D", self.data_dir], check=False).returncode == 0

    def stop(self, mode="fast", timeout=60):
        """Stops the server (mode: smart, fast or immediate); the dir stays."""
        if self.running():
            self._run([self._tool("pg_ctl"), "stop", "-D", self.data_dir, "-m", mode, "-w",
                       "-t", str(int(timeout))], timeout=timeout + 10)
        return self

    def restart(self, mode="fast", timeout=30):
        self.stop(mode)
        return self.start(timeout)

    def cleanup(self):
        try:
            self.stop()
        finally:
            if self.tmp:
                shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = self.data_dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    def logs(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except (OSError, TypeError):
            return ""

    # --- clients --------------------------------------------------------
    def url(self, db="provisiond"):
        return "postgresql://%s@127.0.0.1:%d/%s" % (self.SUPERUSER, self.port, db)

    def psql(self, sql, db="provisiond", timeout=30):
        """Runs `sql` (ON_ERROR_STOP) over TCP; returns psql's unaligned,
        tuples-only stdout (one row a line, columns split by '|'). Raises
        RuntimeError with psql's stderr on failure."""
        psql = os.path.join(self.bin_dir, "psql")
        if not os.access(psql, os.X_OK):
            psql = shutil.which("psql") or psql
        cmd = [psql, "-X", "-q", "-A", "-t",
               "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.SUPERUSER,
               "-d", db, "-c", sql]
        r = subprocess.run(cmd, capture_output=True, text=True, env=self._env(), timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError("psql -d %s -c %r exited %d: %s" % (db, sql, r.returncode, r.stderr.strip()))
        return r.stdout

    @staticmethod
    def _ident(name):
        if not name or not all(c.isalnum() or c == "_" for c in name):
            raise ValueError("database name %r: letters, digits and _ only" % name)
        return '"%s"' % name

    def create_db(self, name):
        self.psql("CREATE DATABASE %s" % self._ident(name), db="postgres")
        return self.url(name)

    def drop_db(self, name):
        self.psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % self._ident(name), db="postgres")

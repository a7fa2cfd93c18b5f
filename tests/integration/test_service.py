"""provisiond under systemd (issue 15, Linux service): the sd_notify
messages a Type=notify unit relies on (READY=1 once the port answers,
STOPPING=1 when SIGTERM starts the stop, WATCHDOG=1 pings when
WATCHDOG_USEC is set), read from a NOTIFY_SOCKET the test owns, journald
log lines (a syslog priority, no second timestamp) when stderr is the
journal, and `init --if-missing`, the unit's ExecStartPre."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest
import urllib.request

from harness import BIN, Service

ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


class NotifySocket:
    """A unix datagram socket standing in for systemd's NOTIFY_SOCKET."""

    def __init__(self, directory):
        self.path = os.path.join(directory, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        # A bound for a broken build, not a measured time: a message either
        # comes or the test fails with what did come.
        self.sock.settimeout(30)
        self.seen = []

    def wait_for(self, assignment):
        """Reads datagrams until one holds the line `assignment`; returns that datagram."""
        while True:
            try:
                data = self.sock.recv(4096).decode()
            except socket.timeout:
                raise AssertionError("no %s; received %r" % (assignment, self.seen))
            self.seen.append(data)
            if assignment in data.split("\n"):
                return data

    def close(self):
        self.sock.close()


def get_status(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as r:
        return r.status


class ServiceNotify(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pvd-it-notify-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.notify = NotifySocket(self.tmp)
        self.addCleanup(self.notify.close)

    def start(self, extra_env=None):
        env = {"NOTIFY_SOCKET": self.notify.path}
        env.update(extra_env or {})
        svc = Service(env=env)
        for inherited in ("WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"):  # a CI run under systemd
            if inherited not in env:
                svc.env.pop(inherited, None)
        self.addCleanup(svc.cleanup)
        svc.start()
        return svc

    def test_ready_comes_once_the_port_answers_and_stopping_when_sigterm_starts_the_stop(self):
        svc = self.start()
        ready = self.notify.wait_for("READY=1")
        self.assertIn("STATUS=serving on port(s) %d" % svc.port, ready)
        self.assertEqual(get_status(svc.port, "/healthz"), 200)
        self.assertFalse(any("STOPPING=1" in m for m in self.notify.seen), self.notify.seen)
        # No watchdog asked for (no WATCHDOG_USEC): no pings.
        svc.proc.send_signal(signal.SIGTERM)
        self.notify.wait_for("STOPPING=1")
        self.assertEqual(svc.proc.wait(30), 0, svc.logs())
        self.assertFalse(any("WATCHDOG=1" in m.split("\n") for m in self.notify.seen), self.notify.seen)

    def test_watchdog_pings_repeat_while_serving_when_watchdog_usec_is_set(self):
        svc = self.start({"WATCHDOG_USEC": "200000"})  # 200 ms: a ping every 100 ms
        self.notify.wait_for("READY=1")
        for _ in range(3):
            self.notify.wait_for("WATCHDOG=1")
        self.assertEqual(get_status(svc.port, "/healthz"), 200)
        self.assertEqual(svc.stop(), 0, svc.logs())

    def test_a_watchdog_meant_for_another_process_is_not_pinged(self):
        # systemd sets WATCHDOG_PID to the main process; a child that
        # inherited the variables (here: any other pid) must stay quiet.
        svc = self.start({"WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"})
        self.notify.wait_for("READY=1")
        svc.proc.send_signal(signal.SIGTERM)
        self.notify.wait_for("STOPPING=1")
        self.assertEqual(svc.proc.wait(30), 0, svc.logs())
        self.assertFalse(any("WATCHDOG=1" in m.split("\n") for m in self.notify.seen), self.notify.seen)


class JournalLog(unittest.TestCase):
    """JOURNAL_STREAM names the stream stderr is when systemd connects it to
    the journal; provisiond compares it with its stderr."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pvd-it-journal-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.data_dir = os.path.join(self.tmp, "data_csv")
        os.makedirs(os.path.join(self.tmp, "file"))
        subprocess.run([BIN, "init", self.data_dir, "--sample"], check=True, capture_output=True)

    def serve_log(self, journal_stream_of_stderr):
        """Starts and stops serve with stderr to a file; returns the log text."""
        log_path = os.path.join(self.tmp, "stderr.log")
        port_file = os.path.join(self.tmp, "port")
        notify = NotifySocket(self.tmp)
        self.addCleanup(notify.close)
        with open(log_path, "wb") as log:
            st = os.fstat(log.fileno())
            env = dict(os.environ, NOTIFY_SOCKET=notify.path)
            env.pop("PROVISIOND_DATA_DIR", None)
            if journal_stream_of_stderr:
                env["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
            else:  # inherited from a parent whose stderr was the journal
                env["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino + 1)
            proc = subprocess.Popen([BIN, "serve", "--port", "0", "--bind", "127.0.0.1", "--data-dir", self.data_dir,
                                     "--print-port-file", port_file], stdout=log, stderr=log, env=env)
            try:
                notify.wait_for("READY=1")
            finally:
                proc.send_signal(signal.SIGTERM)
                rc = proc.wait(30)
        os.remove(notify.path)
        with open(log_path) as f:
            text = f.read()
        self.assertEqual(rc, 0, text)
        return text

    def test_lines_carry_a_syslog_priority_and_no_timestamp_when_stderr_is_the_journal(self):
        lines = self.serve_log(True).splitlines()
        listening = [l for l in lines if "provisiond listening" in l]
        self.assertEqual(len(listening), 1, lines)
        self.assertTrue(listening[0].startswith("<6>info    provisiond listening"), listening[0])
        warnings = [l for l in lines if l.startswith("<4>warning ")]
        self.assertTrue(warnings, lines)  # the sample's admin cannot sign in: a warning
        for line in lines:
            self.assertRegex(line, r"^<[3467]>", line)
            self.assertIsNone(ISO_TIME.match(line[3:]), line)

    def test_lines_keep_their_timestamp_when_stderr_is_not_the_journal_stream(self):
        lines = self.serve_log(False).splitlines()
        listening = [l for l in lines if "provisiond listening" in l]
        self.assertEqual(len(listening), 1, lines)
        self.assertRegex(listening[0], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info    provisiond listening")
        self.assertFalse(any(l.startswith("<") for l in lines), lines)


class InitIfMissing(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pvd-it-ifmissing-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.config = os.path.join(self.tmp, "provisiond.toml")
        self.data_dir = os.path.join(self.tmp, "state", "data_csv")
        with open(self.config, "w") as f:
            f.write('[data]\ndir = "%s"\n' % self.data_dir)

    def init(self):
        return subprocess.run([BIN, "init", "--config", self.config, "--if-missing"], capture_output=True,
                              text=True, timeout=60)

    def test_first_run_creates_empty_tables_and_later_runs_keep_the_data(self):
        r = self.init()
        self.assertEqual(r.returncode, 0, r.stderr)
        computers = os.path.join(self.data_dir, "computers.csv")
        with open(computers) as f:
            self.assertEqual(len(f.read().splitlines()), 1)  # the header only: empty tables
        with open(computers, "a") as f:
            f.write("kept\n")
        r = self.init()
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(computers) as f:
            self.assertIn("kept", f.read())
        # Without --if-missing an existing directory stays an error.
        r = subprocess.run([BIN, "init", "--config", self.config], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("already exists", r.stderr)


if __name__ == "__main__":
    unittest.main()

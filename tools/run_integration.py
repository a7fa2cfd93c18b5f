#!/usr/bin/env python3
"""Runs the integration tests (tests/integration/test_*.py) in parallel: each
module is its own `python3 -m unittest -v MODULE` process, longest first, N at
a time. Each module's output is printed as one block when it finishes (never
interleaved), then a summary: counts, wall time against the serial sum, the
slowest modules, the failed ones. Exits 1 if any module failed, ran no test,
or timed out; 2 on a usage error.

The modules are independent: each Service and Nginx of tests/integration/
harness.py takes an ephemeral port (`--port 0` and a port file, or a port
the kernel just handed out) and a mkdtemp() directory of its own, so several
modules can run at once.

  tools/run_integration.py                   every module, 2 x nproc workers (at most 6)
  tools/run_integration.py -j1               one at a time (the old serial run)
  tools/run_integration.py test_tls test_nginx.py   only these modules
  tools/run_integration.py --list            the modules in the order they would start

Environment: PROVISIOND_BIN (default build/provisiond; a relative path is
taken from the current directory), and whatever the tests read (passed on).
"""
import argparse
import concurrent.futures
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "tests", "integration")

# Seconds each module took, serially, with the release build (RelWithDebInfo)
# on a 2-core machine: only the order matters (longest first, so the long ones
# do not start last and leave the other workers idle at the end). A module
# missing here starts first. Re-measure with `-j1` and update when it drifts.
LAST_SECONDS = {
    "test_tls": 26.0,
    "test_transfer": 21.1,
    "test_access": 19.0,
    "test_hostile_content": 17.1,
    "test_one_truth": 9.7,
    "test_metrics": 4.9,
    "test_backup": 4.2,
    "test_admin_api": 4.1,
    "test_foundation": 4.0,
    "test_webhooks": 3.1,
    "test_endpoint_simulator": 2.6,
    "test_hostile_net": 2.5,
    "test_content": 2.1,
    "test_excel_files": 1.6,
    "test_startup": 1.3,
    "test_service": 1.0,
    "test_source_check": 1.0,
    "test_hostile_input": 0.7,
    "test_import": 0.6,
    "test_launchers": 0.6,
    "test_tanium_variables": 0.6,
    "test_endpoint_api": 0.5,
    "test_nginx": 0.4,
    "test_iis_config": 0.3,
}
UNKNOWN_SECONDS = 1e9

RAN = re.compile(r"^Ran (\d+) tests? in ", re.M)
RESULT = re.compile(r"^(OK|FAILED)(?: \((.*)\))?\s*$", re.M)


def default_jobs():
    return max(1, min(6, 2 * (os.cpu_count() or 1)))


def discover():
    return sorted(f[:-3] for f in os.listdir(TESTS) if f.startswith("test_") and f.endswith(".py"))


def module_name(arg):
    name = os.path.basename(arg)
    return name[:-3] if name.endswith(".py") else name


class Result:
    def __init__(self, module):
        self.module = module
        self.rc = None
        self.seconds = 0.0
        self.output = ""
        self.timed_out = False
        self.ran = None  # tests run, None if unittest printed no "Ran N tests"
        self.counts = {}  # failures, errors, skipped, expected failures, unexpected successes

    def parse(self):
        m = RAN.findall(self.output)
        if m:
            self.ran = int(m[-1])
        results = RESULT.findall(self.output)
        if results:
            for part in (results[-1][1] or "").split(","):
                if "=" in part:
                    k, v = part.split("=", 1)
                    self.counts[k.strip()] = int(v)

    @property
    def failed_tests(self):
        return self.counts.get("failures", 0) + self.counts.get("errors", 0) + \
            self.counts.get("unexpected successes", 0)

    @property
    def passed(self):
        return max(0, (self.ran or 0) - self.failed_tests - self.skipped)

    @property
    def skipped(self):
        return self.counts.get("skipped", 0)

    @property
    def ok(self):
        return self.rc == 0 and not self.timed_out and bool(self.ran) and self.failed_tests == 0

    def status(self):
        if self.timed_out:
            return "TIMEOUT"
        if self.ok:
            return "ok"
        if self.rc == 0 and not self.ran:
            return "FAILED (ran no test)"
        return "FAILED (exit %s)" % self.rc


class Runner:
    def __init__(self, env, timeout, quiet):
        self.env = env
        self.timeout = timeout
        self.quiet = quiet
        self.lock = threading.Lock()
        self.procs = set()
        self.done = 0
        self.total = 0
        self.stopping = False

    def run(self, module):
        res = Result(module)
        cmd = [sys.executable, "-m", "unittest", "-v", module]
        start = time.monotonic()
        # A file, not a pipe: a test's server child that inherits the output
        # and outlives the module must not keep us waiting for EOF.
        with tempfile.TemporaryFile() as out:
            with self.lock:
                if self.stopping:
                    res.rc = -1
                    res.output = "not started: stopping\n"
                    return res
                # Own session: a timeout kills the module's servers (provisiond,
                # nginx, openssl) along with it.
                proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
                                        stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
                self.procs.add(proc)
            try:
                proc.wait(self.timeout)
            except subprocess.TimeoutExpired:
                res.timed_out = True
                kill_group(proc, signal.SIGKILL)
                proc.wait()
            with self.lock:
                self.procs.discard(proc)
            res.rc = proc.returncode
            res.seconds = time.monotonic() - start
            out.seek(0)
            res.output = out.read().decode("utf-8", "replace")
        res.parse()
        if res.timed_out:
            res.output += "\n%s: killed after %d s (--timeout)\n" % (module, self.timeout)
        self.report(res)
        return res

    def report(self, res):
        with self.lock:
            self.done += 1
            tests = "%s test%s" % (res.ran if res.ran is not None else "?", "" if res.ran == 1 else "s")
            if res.skipped:
                tests += ", %d skipped" % res.skipped
            head = "---- %s: %s, %s, %.1f s [%d/%d]" % (
                res.module, res.status(), tests, res.seconds, self.done, self.total)
            if self.quiet and res.ok:
                print(head, flush=True)
                return
            print(head + " ----", flush=True)
            sys.stdout.write(res.output if res.output.endswith("\n") or not res.output else res.output + "\n")
            print("---- end of %s" % res.module, flush=True)

    def stop_all(self):
        with self.lock:
            self.stopping = True
            for p in list(self.procs):
                kill_group(p, signal.SIGTERM)


def kill_group(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("modules", nargs="*", help="test modules (test_tls or test_tls.py); default: all")
    ap.add_argument("-j", "--jobs", type=int, default=default_jobs(),
                    help="modules run at once (default: 2 x nproc, at most 6: %(default)s here)")
    ap.add_argument("--timeout", type=int, default=1800,
                    help="seconds one module may take before it is killed and failed (default %(default)s)")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="print the output of failed modules only (one line for each other)")
    ap.add_argument("--list", action="store_true", help="print the modules in start order and exit")
    args = ap.parse_args()
    if args.jobs < 1:
        ap.error("-j must be at least 1")

    available = discover()
    if args.modules:
        modules = [module_name(m) for m in args.modules]
        unknown = [m for m in modules if m not in available]
        if unknown:
            ap.error("no such module in tests/integration: " + ", ".join(unknown))
    else:
        modules = available
    if not modules:
        print("run_integration: no test module in %s" % TESTS, file=sys.stderr)
        return 1
    modules.sort(key=lambda m: (-LAST_SECONDS.get(m, UNKNOWN_SECONDS), m))
    if args.list:
        print("\n".join(modules))
        return 0

    env = dict(os.environ)
    # The harness resolves PROVISIOND_BIN from the working directory, which is
    # the repository root here: resolve a relative one from ours first.
    binary = os.path.abspath(env.get("PROVISIOND_BIN") or os.path.join(ROOT, "build", "provisiond"))
    if not os.access(binary, os.X_OK):
        print("run_integration: %s is not an executable (set PROVISIOND_BIN)" % binary, file=sys.stderr)
        return 1
    env["PROVISIOND_BIN"] = binary
    env["PYTHONPATH"] = TESTS + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONUNBUFFERED"] = "1"

    def on_signal(signum, frame):
        raise KeyboardInterrupt(signum)
    # test.sh stopped (TERM, HUP): the modules run in sessions of their own,
    # so they must be stopped from here.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    jobs = min(args.jobs, len(modules))
    runner = Runner(env, args.timeout, args.quiet)
    runner.total = len(modules)
    print("== integration: %d modules, %d at a time, %s" % (len(modules), jobs, binary), flush=True)
    start = time.monotonic()
    results = []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = [pool.submit(runner.run, m) for m in modules]
        for f in futures:
            results.append(f.result())
    except KeyboardInterrupt as e:
        runner.stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        signum = e.args[0] if e.args else signal.SIGINT
        print("run_integration: stopped by signal %d" % signum, file=sys.stderr)
        return 128 + signum
    pool.shutdown()
    wall = time.monotonic() - start

    ran = sum(r.ran or 0 for r in results)
    passed = sum(r.passed for r in results)
    failed_tests = sum(r.failed_tests for r in results)
    skipped = sum(r.skipped for r in results)
    bad = [r for r in results if not r.ok]
    # A module that died before unittest counted (import error, crash,
    # timeout) counts as one failed test, so the totals never read as a pass.
    failed_tests += sum(1 for r in bad if r.failed_tests == 0)
    serial = sum(r.seconds for r in results)
    slowest = sorted(results, key=lambda r: -r.seconds)[:5]
    print("== integration: %d modules, %d tests, wall %.1f s with %d workers (modules' sum %.1f s)"
          % (len(results), ran, wall, jobs, serial))
    print("== slowest: " + ", ".join("%s %.1f s" % (r.module, r.seconds) for r in slowest))
    if bad:
        print("== failed modules: " + ", ".join("%s (%s)" % (r.module, r.status()) for r in bad))
    print("integration: %d passed, %d failed, %d skipped" % (passed, failed_tests, skipped), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

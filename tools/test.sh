#!/usr/bin/env bash
# One command for every test: installs what is missing, builds with
# -Wall -Wextra -Werror, runs unit tests (GoogleTest) and integration tests
# (the real binary, nginx, openssl, testssl), the web UI's unit and browser
# tests (chromium), and then the unit and integration
# tests again under AddressSanitizer + UndefinedBehaviorSanitizer, and again
# under ThreadSanitizer (any data race report fails the run; every unit and
# integration test runs there, none is excluded).
# Exits non-zero on any failure. Quick when nothing changed (ninja + ccache).
#   tools/test.sh            everything
#   tools/test.sh --fast     skip the sanitizer passes
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
FAST=0; [ "${1:-}" = "--fast" ] && FAST=1
JOBS=$(nproc)

build() {  # build DIR extra-cmake-args...
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DPROVISIOND_WERROR=ON "$@" >/dev/null
  ninja -C "$dir"
}

run_suite() {  # run_suite DIR label; non-zero if either suite failed (both always run)
  local dir=$1 label=$2 rc=0
  echo "== $label: unit tests"
  ctest --test-dir "$dir" --output-on-failure -j "$JOBS" --timeout 300 || rc=$?
  echo "== $label: integration tests"
  PROVISIOND_BIN="$dir/provisiond" python3 -m unittest discover -s tests/integration -p 'test_*.py' -v 2>&1 \
    | tail -n 400
  local integration=${PIPESTATUS[0]}
  # Explicit: under `run_suite ... || x`, set -e would not stop on a failed ctest.
  [ "$rc" = 0 ] && rc=$integration
  return "$rc"
}

build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_suite build "release"
echo "== Debian package: contents, man page, systemd-analyze verify, start, dpkg install/upgrade/remove/purge"
tests/package/test_deb.sh build
echo "== web UI: unit tests (node --test)"
(cd web && npm test --silent)
echo "== PowerShell launchers and scripts: parse, lint, contract (tree-sitter-powershell)"
(cd tests/scripts && PROVISIOND_BIN="$PWD/../../build/provisiond" npm test --silent)
echo "== web UI: browser tests (chromium + playwright-core; screenshots in build/screenshots)"
tests/browser/run.sh build

if [ "$FAST" = 0 ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  build build-asan -DCMAKE_BUILD_TYPE=Debug -DPROVISIOND_SANITIZE=ON
  run_suite build-asan "asan+ubsan"
  unset ASAN_OPTIONS UBSAN_OPTIONS

  # Every report goes to a file (a race in the server process is not seen by
  # the test that drove it); any report fails the stage.
  build build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROVISIOND_SANITIZE=thread
  rm -rf build-tsan/tsan-reports && mkdir -p build-tsan/tsan-reports
  export TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:log_path=$PWD/build-tsan/tsan-reports/tsan:suppressions=$PWD/tools/tsan.supp"
  tsan_rc=0
  run_suite build-tsan "tsan" || tsan_rc=$?
  if compgen -G "build-tsan/tsan-reports/tsan*" >/dev/null; then
    echo "== tsan: $(ls build-tsan/tsan-reports | wc -l) report file(s):"
    head -n 60 build-tsan/tsan-reports/tsan*
    exit 1
  fi
  [ "$tsan_rc" = 0 ] || exit "$tsan_rc"
  unset TSAN_OPTIONS
fi
echo "== all tests passed"

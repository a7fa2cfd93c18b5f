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
#
# Where the time goes, and what keeps it down. On 2 cores most of a cold run
# is compiling three builds, so the CPU must never be idle:
#  - the two sanitizer builds start at once, in the background, at a low
#    CPU priority (ASan nice 15, TSan 19, their sessions' autogroups too):
#    they take the CPU that the release build leaves at its end (one long
#    file, links), then what the release tests leave (then the ASan tests),
#    and yield it at once to a test that wants it. Their output goes to
#    build-*/test-sh-build.log, printed if one fails;
#  - the integration modules run in parallel (tools/run_integration.py:
#    2 x nproc at a time, at most 6; they mostly wait on sockets, timers and
#    child processes); every module still runs in every pass;
#  - the -O2 -g builds (release, TSan) drop var-tracking-assignments: -g
#    never changes the code GCC generates (the objects' code is byte for
#    byte the same), only the debugger's view of locals in optimized code
#    goes, and a fifth to a quarter of each compile with it. Line tables and
#    inlined frames stay, so sanitizer reports and the frames tools/tsan.supp
#    names are the same. (ASan keeps Debug: -O0 has no var tracking, and -O1
#    compiles 2 to 3 times slower under ASan.)
# Each suite runs under tools/with_postgres.sh when it is there (a throw-away
# PostgreSQL, PROVISIOND_TEST_POSTGRES_URL), so the PostgreSQL tests run in
# every pass.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
FAST=0; [ "${1:-}" = "--fast" ] && FAST=1
JOBS=$(nproc)
ASAN_ENV=(ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)

build() {  # build DIR extra-cmake-args...
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DPROVISIOND_WERROR=ON "$@" >/dev/null
  ninja -C "$dir" ${NINJA_JOBS:+-j "$NINJA_JOBS"}
}

with_pg() {  # with_pg CMD...: CMD with a throw-away PostgreSQL when tools/with_postgres.sh exists
  if [ -x tools/with_postgres.sh ]; then tools/with_postgres.sh "$@"; else "$@"; fi
}

run_suite() {  # run_suite DIR label; non-zero if either suite failed (both always run)
  local dir=$1 label=$2 rc=0 integration=0
  echo "== $label: unit tests"
  with_pg ctest --test-dir "$dir" --output-on-failure -j "$JOBS" --timeout 300 || rc=$?
  echo "== $label: integration tests"
  PROVISIOND_BIN="$dir/provisiond" with_pg python3 tools/run_integration.py || integration=$?
  # Explicit: under `run_suite ... || x`, set -e would not stop on a failed ctest.
  [ "$rc" = 0 ] && rc=$integration
  return "$rc"
}

# --- the sanitizer builds, in the background ------------------------------
declare -A BG_PID=()  # build dir -> pid (and process group) of its background build
stop_background() {
  local pid
  for pid in "${BG_PID[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${BG_PID[@]}"; do wait "$pid" 2>/dev/null || true; done
  BG_PID=()
}
trap stop_background EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bg_build() {  # bg_build DIR cmake-args...: build DIR, log to DIR/test-sh-build.log, status to DIR/test-sh-build.rc
  local dir=$1 rc=0 t0=$SECONDS; shift
  build "$dir" "$@" >>"$dir/test-sh-build.log" 2>&1 || rc=$?
  [ "$rc" != 0 ] || echo "built in $((SECONDS - t0)) s, in the background at nice $(nice)" >>"$dir/test-sh-build.log"
  echo "$rc" >"$dir/test-sh-build.rc"
  return "$rc"
}
lower_priority() {  # lower_priority NICE: this session's autogroup too
  # With autogroup scheduling (CONFIG_SCHED_AUTOGROUP, on by default on
  # Debian), the CPU is shared between sessions first, and nice counts only
  # inside a session: a build in a session of its own at nice 19 would still
  # take half the CPU from the tests. The session's own nice value fixes that
  # (no privilege needed to lower it; a non-root writer is rate-limited).
  [ -w /proc/self/autogroup ] || return 0
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    echo "$1" 2>/dev/null >/proc/self/autogroup && return 0
    sleep 0.2
  done
  echo "test.sh: could not lower the autogroup priority of the background build" >&2
}
start_bg_build() {  # start_bg_build NICE DIR [VAR=VALUE...] cmake-args...
  local niceness=$1 dir=$2 envs=(); shift 2
  while [ $# -gt 0 ] && [[ $1 != -* ]]; do envs+=("$1"); shift; done
  mkdir -p "$dir"
  rm -f "$dir/test-sh-build.rc" "$dir/test-sh-build.log"
  # Its own process group (setsid), so that stop_background ends ninja and
  # the compilers too, whatever makes this script stop. ninja -j nproc: the
  # builds only fill the CPU the others leave, more jobs would only hold memory.
  env "${envs[@]}" NINJA_JOBS="$JOBS" setsid nice -n "$niceness" \
    bash -c "$(declare -f build bg_build lower_priority); set -euo pipefail
      lower_priority $niceness 2>>\"$dir/test-sh-build.log\"; bg_build \"\$@\"" _ "$dir" "$@" \
    </dev/null >/dev/null 2>&1 &
  BG_PID[$dir]=$!
}
wait_build() {  # wait_build DIR: waits for DIR's background build; fails, with its log, if it failed
  local dir=$1 t0=$SECONDS rc
  echo "== $dir: waiting for its background build"
  until [ -s "$dir/test-sh-build.rc" ]; do
    if ! kill -0 "${BG_PID[$dir]}" 2>/dev/null && [ ! -s "$dir/test-sh-build.rc" ]; then
      echo "== $dir: the background build stopped without a result"; tail -n 100 "$dir/test-sh-build.log" 2>/dev/null
      return 1
    fi
    sleep 1
  done
  wait "${BG_PID[$dir]}" 2>/dev/null || true
  unset "BG_PID[$dir]"
  rc=$(cat "$dir/test-sh-build.rc")
  if [ "$rc" != 0 ]; then
    echo "== $dir: build failed (exit $rc):"; tail -n 150 "$dir/test-sh-build.log"
    return 1
  fi
  echo "== $dir: $(tail -n 1 "$dir/test-sh-build.log"); waited $((SECONDS - t0)) s for it"
}

# --- release ---------------------------------------------------------------
# RelWithDebInfo's flags, less the location lists of locals (see above).
O2G="-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g -DNDEBUG -fno-var-tracking-assignments"
if [ "$FAST" = 0 ]; then
  # ASan before TSan (nice 15 against 19): its tests run first. The ASan
  # build runs its unit tests' discovery with the options its tests run under.
  start_bg_build 15 build-asan "${ASAN_ENV[@]}" -DCMAKE_BUILD_TYPE=Debug -DPROVISIOND_SANITIZE=ON
  start_bg_build 19 build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo "$O2G" -DPROVISIOND_SANITIZE=thread
fi
build build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$O2G"
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
  wait_build build-asan
  export "${ASAN_ENV[@]}"
  run_suite build-asan "asan+ubsan"
  unset ASAN_OPTIONS UBSAN_OPTIONS

  # Every report goes to a file (a race in the server process is not seen by
  # the test that drove it); any report fails the stage.
  wait_build build-tsan
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

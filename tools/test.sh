#!/usr/bin/env bash
# One command for every test: installs what is missing, builds with
# -Wall -Wextra -Werror, runs unit tests (GoogleTest) and integration tests
# (the real binary, nginx, openssl, testssl) and then the unit and integration
# tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
# Exits non-zero on any failure. Quick when nothing changed (ninja + ccache).
#   tools/test.sh            everything
#   tools/test.sh --fast     skip the sanitizer pass
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

run_suite() {  # run_suite DIR label
  local dir=$1 label=$2
  echo "== $label: unit tests"
  ctest --test-dir "$dir" --output-on-failure -j "$JOBS" --timeout 300
  echo "== $label: integration tests"
  PROVISIOND_BIN="$dir/provisiond" python3 -m unittest discover -s tests/integration -p 'test_*.py' -v 2>&1 \
    | tail -n 400
  return "${PIPESTATUS[0]}"
}

build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_suite build "release"

if [ "$FAST" = 0 ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  build build-asan -DCMAKE_BUILD_TYPE=Debug -DPROVISIOND_SANITIZE=ON
  run_suite build-asan "asan+ubsan"
fi
echo "== all tests passed"

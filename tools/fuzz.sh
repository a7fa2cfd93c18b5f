#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, in build-fuzz/) and runs
# one or all of them, each seeded from tests/fuzz/<target>/ (and the sample
# data for the CSV codec). Not part of tools/test.sh: a fuzz run is open-ended.
#   tools/fuzz.sh                    every target, 600 s each
#   tools/fuzz.sh TARGET [SECONDS]   one target (csv_codec_fuzz, json_in_fuzz,
#                                    legacy_message_fuzz, http_request_fuzz)
#   tools/fuzz.sh all 60             every target, 60 s each
# Prints one line per target: executions, rate, coverage, corpus size.
# A crash leaves build-fuzz/findings/<target>/crash-* and exits non-zero;
# replay it with build-fuzz/<target> FILE, then add it as a unit test case.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
TARGETS=(csv_codec_fuzz json_in_fuzz legacy_message_fuzz http_request_fuzz)
WHICH=${1:-all}
SECONDS_EACH=${2:-600}
[ "$WHICH" = all ] || TARGETS=("$WHICH")

CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPROVISIOND_FUZZ=ON -DPROVISIOND_TESTS=OFF >/dev/null
ninja -C build-fuzz "${TARGETS[@]}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0
for t in "${TARGETS[@]}"; do
  seeds=("tests/fuzz/$t")
  [ "$t" = csv_codec_fuzz ] && seeds=(tests/data/original data/sample)
  dict=(); [ -f "tests/fuzz/$t.dict" ] && dict=("-dict=tests/fuzz/$t.dict")
  corpus="build-fuzz/corpus/$t"; findings="build-fuzz/findings/$t"
  mkdir -p "$corpus" "$findings"
  log="build-fuzz/$t.log"
  rc=0
  "build-fuzz/$t" -max_total_time="$SECONDS_EACH" -print_final_stats=1 -max_len=65536 \
    -artifact_prefix="$findings/" "${dict[@]}" "$corpus" "${seeds[@]}" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last"); ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
  files=$(find "$corpus" -type f | wc -l)
  printf '%-20s %6ss  %10s execs  %7s exec/s  cov %5s  ft %6s  corpus %5s  %s\n' "$t" "$SECONDS_EACH" \
    "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$files" "$([ $rc = 0 ] && echo ok || echo "FAILED, see $log")"
  [ "$rc" = 0 ] || failed=1
done
exit "$failed"

#!/usr/bin/env bash
# The cost of metrics (figures, not a test): GET /getcomputer?serial=<known>
# req/s against two servers on the same data (100k computers) in the same
# run, one with metrics on (the default) and one with PROVISIOND_METRICS=0
# (metrics.enabled = false), measured in turns (on, off, on, off, ...) so
# drift of a shared machine hits both alike. Prints each run, the medians
# and the on/off ratio (target: >= 0.97x), then the size of one scrape.
#   bench/metrics_bench.sh [RELEASE_BUILD_DIR]     (default: builds build-release)
#   ROUNDS=5 DURATION=10 CONNS=64 bench/metrics_bench.sh build
source "$(dirname "$0")/lib.sh"
if [ -n "${1:-}" ]; then
  BUILD=$(cd "$1" && pwd)
  [ -x "$BUILD/provisiond" ] || { echo "no provisiond in $BUILD" >&2; exit 2; }
else
  build_release
fi
command -v wrk >/dev/null || { echo "wrk is missing (tools/deps.sh installs it)" >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-64}

WORK=$(mktemp -d /tmp/pvd-bench-metrics.XXXX)
ON_PID= OFF_PID=
cleanup() {
  for p in $ON_PID $OFF_PID; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 "$ROOT/tools/gen_data.py" --out "$WORK/on" --computers 100000 >/dev/null
cp -r "$WORK/on" "$WORK/off"
SERIAL=$(awk -F, 'NR==50001 { print $1 }' "$WORK/on/computers.csv")
TOKEN=$("$BUILD/provisiond" tokens create --role admin --data-dir "$WORK/on" --note bench)

start_service "$WORK/on"; ON_PID=$SVC_PID; ON_PORT=$SVC_PORT
PROVISIOND_METRICS=0 start_service "$WORK/off"; OFF_PID=$SVC_PID; OFF_PORT=$SVC_PORT
for port in $ON_PORT $OFF_PORT; do
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
done
code_on=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$ON_PORT/metrics")
code_off=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$OFF_PORT/metrics")
echo "100000 computers; serial $SERIAL; $CONNS connections; ${DURATION:-5}s per run, $ROUNDS rounds;" \
     "/metrics answers $code_on (on) and $code_off (off)"
printf "%-8s %6s %10s %9s\n" metrics round req/s p99_ms
on=() off=()
for r in $(seq "$ROUNDS"); do
  read -r rps _ p99 < <(wrk_run "http://127.0.0.1:$ON_PORT/getcomputer?serial=$SERIAL" "$CONNS")
  printf "%-8s %6s %10s %9s\n" on "$r" "$rps" "$p99"; on+=("$rps")
  read -r rps _ p99 < <(wrk_run "http://127.0.0.1:$OFF_PORT/getcomputer?serial=$SERIAL" "$CONNS")
  printf "%-8s %6s %10s %9s\n" off "$r" "$rps" "$p99"; off+=("$rps")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR]=$1 } END { print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2) }'; }
mon=$(median "${on[@]}"); moff=$(median "${off[@]}")
awk -v a="$mon" -v b="$moff" 'BEGIN { printf "median req/s: on %.0f, off %.0f; ratio on/off %.3fx (target >= 0.97x)\n", a, b, (b>0?a/b:0) }'
curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$ON_PORT/metrics" >"$WORK/scrape.txt"
echo "one scrape: $(wc -c <"$WORK/scrape.txt") bytes, $(grep -vc '^#' "$WORK/scrape.txt") series lines;" \
     "getcomputer requests counted: $(grep '^provisiond_http_requests_total{route="/getcomputer"' "$WORK/scrape.txt" | awk '{ s+=$2 } END { print s+0 }')"

#!/usr/bin/env bash
# The cost of metrics (figures, not a test): GET /getcomputer?serial=<known>
# req/s against two servers on the same data (100k computers) in the same
# run, one with metrics on (the default) and one with PROVISIOND_METRICS=0
# (metrics.enabled = false), measured in turns (on-off, off-on, ...) so
# drift of a shared machine hits both alike. Prints each run, the medians,
# each round's on/off ratio and their median (target: >= 0.97x), the same
# for the server's CPU time per request (steadier on a shared machine),
# then what recording one answer costs in process (bench/net_metrics_bench.cc)
# and its share of a request's CPU, and the size of one scrape.
#   bench/metrics_bench.sh [RELEASE_BUILD_DIR]     (default: builds build-release)
#   ROUNDS=5 DURATION=10 CONNS=64 bench/metrics_bench.sh build
source "$(dirname "$0")/lib.sh"
if [ -n "${1:-}" ]; then
  BUILD=$(cd "$1" && pwd)
  [ -x "$BUILD/provisiond" ] || { echo "no provisiond in $BUILD" >&2; exit 2; }
  [ -x "$BUILD/net_metrics_bench" ] || ninja -C "$BUILD" net_metrics_bench >/dev/null
else
  build_release net_metrics_bench
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
on=() off=() ratios=() cpu_ratios=() off_us=()
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # utime + stime of a process, in clock ticks
run() {  # run on|off ROUND: one wrk run, printed; sets RPS and US (server CPU microseconds per request)
  local port=$ON_PORT pid=$ON_PID; [ "$1" = off ] && port=$OFF_PORT pid=$OFF_PID
  local t0 t1 out n p99
  t0=$(cpu_ticks "$pid")
  out=$(wrk -t2 -c"$CONNS" -d"${DURATION:-5}s" --latency "http://127.0.0.1:$port/getcomputer?serial=$SERIAL" 2>/dev/null)
  t1=$(cpu_ticks "$pid")
  n=$(awk '/requests in/ { print $1 }' <<<"$out")
  RPS=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  p99=$(awk 'function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
             /^ +99%/ { printf "%.3f", ms($2) }' <<<"$out")
  US=$(awk -v d="$((t1 - t0))" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (n>0 ? d*1e6/hz/n : 0) }')
  printf "%-8s %6s %10s %9s %12s\n" "$1" "$2" "$RPS" "$p99" "$US"
}
printf "%-8s %6s %10s %9s %12s\n" metrics round req/s p99_ms cpu_us/req
for r in $(seq "$ROUNDS"); do
  # Turns swap each round (on-off, off-on, ...): a load that grows or
  # shrinks meanwhile favours neither; each round's ratio compares
  # neighbours in time.
  if [ $((r % 2)) -eq 1 ]; then run on "$r"; a=$RPS ua=$US; run off "$r"; b=$RPS ub=$US
  else run off "$r"; b=$RPS ub=$US; run on "$r"; a=$RPS ua=$US; fi
  on+=("$a"); off+=("$b")
  ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", (b>0?a/b:0) }')")
  cpu_ratios+=("$(awk -v a="$ua" -v b="$ub" 'BEGIN { printf "%.4f", (a>0?b/a:0) }')")
  off_us+=("$ub")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR]=$1 } END { print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2) }'; }
mon=$(median "${on[@]}"); moff=$(median "${off[@]}")
awk -v a="$mon" -v b="$moff" -v r="$(median "${ratios[@]}")" -v all="${ratios[*]}" \
    -v c="$(median "${cpu_ratios[@]}")" -v call="${cpu_ratios[*]}" 'BEGIN {
  printf "median req/s: on %.0f, off %.0f (ratio of medians %.3fx)\n", a, b, (b>0?a/b:0)
  printf "per-round req/s on/off: %s -> median %.3fx (target >= 0.97x)\n", all, r
  printf "per-round server CPU per request off/on: %s -> median %.3fx\n", call, c
  printf "(on a machine others load, CPU time per request is the steadier figure: the throughput a CPU-bound\n"
  printf " server reaches is inversely proportional to it)\n" }'
# In process, without the network: the CPU one answer's recording costs,
# against the server CPU of a whole /getcomputer request (metrics off).
"$BUILD/net_metrics_bench" | tee "$WORK/record.txt"
ns=$(awk '/getcomputer 200, 2 threads/ { print $(NF-1) }' "$WORK/record.txt")
awk -v ns="$ns" -v us="$(median "${off_us[@]}")" 'BEGIN {
  printf "recording share of a /getcomputer request: %.1f ns of %.1f us = %.2f%% (in-process ratio %.4fx)\n",
         ns, us, ns/(us*10), 1/(1+ns/(us*1000)) }'
curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$ON_PORT/metrics" >"$WORK/scrape.txt"
echo "one scrape: $(wc -c <"$WORK/scrape.txt") bytes, $(grep -vc '^#' "$WORK/scrape.txt") series lines;" \
     "getcomputer requests counted: $(grep '^provisiond_http_requests_total{route="/getcomputer"' "$WORK/scrape.txt" | awk '{ s+=$2 } END { print s+0 }')"

#!/usr/bin/env bash
# Endpoint lookups under load (figures, not a test): 100k computers loaded,
# wrk at 64 and 256 connections against
#   GET  /getcomputer?serial=<known>
#   POST /api/v1/endpoint/plan        (facts of the same device, wrk lua)
#   GET  /tanium/global?serial=<known>&model=<model>
# next to nginx (Debian) answering the same JSON bodies from static files in
# the same run. Prints req/s, p99 and the provisiond/nginx ratios
# (target: req/s >= 0.9x, p99 <= 1.5x).
#   bench/endpoint_bench.sh [RELEASE_BUILD_DIR]     (default: builds build-release)
#   DURATION=10 bench/endpoint_bench.sh build-endpoint-release
source "$(dirname "$0")/lib.sh"
if [ -n "${1:-}" ]; then
  BUILD=$(cd "$1" && pwd)
  [ -x "$BUILD/provisiond" ] || { echo "no provisiond in $BUILD" >&2; exit 2; }
else
  build_release
fi
command -v wrk >/dev/null || { echo "wrk is missing (tools/deps.sh installs it)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/pvd-bench-endpoint.XXXX)
cleanup() { stop_nginx 2>/dev/null || true; stop_service 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

python3 "$ROOT/tools/gen_data.py" --out "$WORK/data" --computers 100000 >/dev/null
# A known serial from the middle of the table (not the first row: no lucky cache line).
SERIAL=$(awk -F, 'NR==50001 { print $1 }' "$WORK/data/computers.csv")
MODEL="Latitude 5420"
OS="Microsoft Windows 11 Enterprise"
export PLAN_BODY="{\"serial\":\"$SERIAL\",\"model\":\"$MODEL\",\"os_name\":\"$OS\",\"ram_gb\":16,\"disk_gb\":512,\"cpu_count\":8}"
MODEL_Q=${MODEL// /%20}

start_service "$WORK/data"
BASE="http://127.0.0.1:$SVC_PORT"
for _ in $(seq 100); do curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

# The same bodies as static files for nginx (POST served via error_page 405).
mkdir -p "$WORK/static/tanium"
curl -fsS "$BASE/getcomputer?serial=$SERIAL" >"$WORK/static/getcomputer"
curl -fsS -X POST -H 'Content-Type: application/json' -d "$PLAN_BODY" "$BASE/api/v1/endpoint/plan" >"$WORK/static/plan"
curl -fsS "$BASE/tanium/global?serial=$SERIAL&model=$MODEL_Q" >"$WORK/static/tanium/global"
NGX_EXTRA='location / { error_page 405 =200 $uri; }' start_nginx "$WORK/static"
NBASE="http://127.0.0.1:$NGX_PORT"

echo "100000 computers; serial $SERIAL; bodies: getcomputer $(wc -c <"$WORK/static/getcomputer")B," \
     "plan $(wc -c <"$WORK/static/plan")B, tanium/global $(wc -c <"$WORK/static/tanium/global")B;" \
     "${DURATION:-5}s per run"
printf "%-34s %6s %10s %9s\n" target conns req/s p99_ms
for c in 64 256; do
  for t in getcomputer plan tanium; do
    case $t in
      getcomputer) url="/getcomputer?serial=$SERIAL"; nurl="/getcomputer"; args=() ;;
      plan) url="/api/v1/endpoint/plan"; nurl="/plan"; args=(-s "$ROOT/bench/endpoint_bench.lua") ;;
      tanium) url="/tanium/global?serial=$SERIAL&model=$MODEL_Q"; nurl="/tanium/global"; args=() ;;
    esac
    read -r rps _ p99 < <(wrk_run "$BASE$url" "$c" "${args[@]}")
    read -r nrps _ np99 < <(wrk_run "$NBASE$nurl" "$c" "${args[@]}")
    printf "%-34s %6s %10s %9s\n" "provisiond $t" "$c" "$rps" "$p99"
    printf "%-34s %6s %10s %9s\n" "nginx static $t" "$c" "$nrps" "$np99"
    awk -v a="$rps" -v b="$nrps" -v x="$p99" -v y="$np99" -v n="$c" -v t="$t" 'BEGIN {
      printf "%-34s %6s %9.2fx %8.2fx\n", "ratio " t " provisiond/nginx", n, (b>0?a/b:0), (y>0?x/y:0) }'
  done
done

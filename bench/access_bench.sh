#!/usr/bin/env bash
# What access control costs the machine routes (figures, not a test): two
# services on the same 100k-computer data in the same run, one with the
# network gate off and no bundle key (the drop-in default), one with the gate
# on (networks.csv with 1000 rows, the client's in an Allow one) and a bundle
# key required (X-Provision-Key; both get the same requests, the off service
# ignores the header), wrk at 64 and 256 connections against
#   GET  /getcomputer?serial=<known>
#   POST /api/v1/endpoint/plan
# Prints req/s, p99 (best of three runs each, interleaved) and the on/off
# ratios (target: req/s >= 0.95x), then the
# cost of one sign-in (argon2id verify + session write) over HTTP, and the
# checks' CPU per request measured in process (bench/access_check_bench.cc).
#   bench/access_bench.sh [RELEASE_BUILD_DIR]
source "$(dirname "$0")/lib.sh"
if [ -n "${1:-}" ]; then BUILD=$(cd "$1" && pwd); ninja -C "$BUILD" access_check_bench >/dev/null; else build_release access_check_bench; fi
command -v wrk >/dev/null || { echo "wrk is missing (tools/deps.sh installs it)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/pvd-bench-access.XXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

python3 "$ROOT/tools/gen_data.py" --out "$WORK/off" --computers 100000 >/dev/null
printf 'network,kind,status,first_seen,last_seen,hits\n' >"$WORK/off/networks.csv"
cp -r "$WORK/off" "$WORK/on"
python3 - "$WORK/on/networks.csv" <<'PY'
import sys
with open(sys.argv[1], "a") as f:
    for i in range(999):  # other sites' networks, the client's last
        f.write("10.%d.%d.0/24,subnet,%s,2026-11-23 07:28:05,2026-11-23 07:28:05,0\n"
                % (i // 250, i % 250, "Allow" if i % 2 else "Blocked"))
    f.write("127.0.0.0/8,manual,Allow,2026-11-23 07:28:05,2026-11-23 07:28:05,0\n")
PY
KEY=$("$BUILD/provisiond" endpoint-keys create --name bench --data-dir "$WORK/on" 2>/dev/null)
echo "bench password" | "$BUILD/provisiond" users passwd admin --data-dir "$WORK/on" >/dev/null

start_service "$WORK/off"; OFF_PORT=$SVC_PORT; PIDS+=("$SVC_PID")
start_service "$WORK/on"; ON_PORT=$SVC_PORT; PIDS+=("$SVC_PID")
for p in $OFF_PORT $ON_PORT; do
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$p/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
done

SERIAL=$(awk -F, 'NR==50001 { print $1 }' "$WORK/off/computers.csv")
export PLAN_BODY="{\"serial\":\"$SERIAL\",\"model\":\"Latitude 5420\",\"os_name\":\"Microsoft Windows 11 Enterprise\",\"ram_gb\":16,\"disk_gb\":512,\"cpu_count\":8}"
# Both answer the same (the key does not change the body).
for p in $OFF_PORT $ON_PORT; do
  curl -fsS -H "X-Provision-Key: $KEY" "http://127.0.0.1:$p/getcomputer?serial=$SERIAL" >"$WORK/body.$p"
done
cmp -s "$WORK/body.$OFF_PORT" "$WORK/body.$ON_PORT" || { echo "the two services answer differently" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ON_PORT/getcomputer?serial=$SERIAL")" = 401 ] ||
  { echo "the keyed service answered without the key" >&2; exit 1; }

echo "100000 computers; networks.csv: off 0 rows / on 1000 rows; bundle key: off none / on required;" \
     "${DURATION:-5}s per run"
printf "%-30s %6s %10s %9s\n" target conns req/s p99_ms
for c in 64 256; do
  for t in getcomputer plan; do
    case $t in
      getcomputer) url="/getcomputer?serial=$SERIAL"; args=() ;;
      plan) url="/api/v1/endpoint/plan"; args=(-s "$ROOT/bench/endpoint_bench.lua") ;;
    esac
    # off, on, on, off, off, on: the best of three runs each, interleaved,
    # so neither side gets the machine's quiet or noisy moments (2 cores
    # serve and run wrk at once); "noise" is off's worst/best, the spread
    # an identical service shows between runs.
    offs=(); ons=()
    for side in off on on off off on; do
      if [ $side = off ]; then
        # The same bytes on the wire: the off service ignores the key header.
        read -r r _ p < <(wrk_run "http://127.0.0.1:$OFF_PORT$url" "$c" -H "X-Provision-Key: $KEY" "${args[@]}"); offs+=("$r $p")
      else
        read -r r _ p < <(wrk_run "http://127.0.0.1:$ON_PORT$url" "$c" -H "X-Provision-Key: $KEY" "${args[@]}"); ons+=("$r $p")
      fi
    done
    read -r orps op99 < <(printf '%s\n' "${offs[@]}" | sort -n -r | head -1)
    read -r nrps np99 < <(printf '%s\n' "${ons[@]}" | sort -n -r | head -1)
    read -r oworst _ < <(printf '%s\n' "${offs[@]}" | sort -n | head -1)
    printf "%-30s %6s %10s %9s\n" "off $t" "$c" "$orps" "$op99"
    printf "%-30s %6s %10s %9s\n" "gate+key $t" "$c" "$nrps" "$np99"
    awk -v a="$nrps" -v b="$orps" -v x="$np99" -v y="$op99" -v n="$c" -v t="$t" 'BEGIN {
      printf "%-30s %6s %9.2fx %8.2fx\n", "ratio " t " on/off", n, (b>0?a/b:0), (y>0?x/y:0) }'
    awk -v w="$oworst" -v b="$orps" -v n="$c" -v t="$t" 'BEGIN {
      printf "%-30s %6s %9.2fx\n", "noise " t " off worst/best", n, (b>0?w/b:0) }'
  done
done

# One sign-in: argon2id (t=3, m=64 MiB, p=1) verify plus the session write.
N=10
start=$(date +%s%N)
for _ in $(seq $N); do
  curl -fsS -o /dev/null -H 'Content-Type: application/json' -H "Origin: http://127.0.0.1:$ON_PORT" \
    -d '{"username":"admin","password":"bench password"}' "http://127.0.0.1:$ON_PORT/api/v1/auth/login"
done
end=$(date +%s%N)
awk -v ns=$((end - start)) -v n=$N 'BEGIN { printf "sign-in (argon2id t=3 m=64MiB p=1, session write): %.0f ms per attempt (%d attempts)\n", ns/n/1e6, n }'

# The same checks in process, without the network: CPU per request.
"$BUILD/access_check_bench" 1000000

#!/usr/bin/env bash
# The PostgreSQL store under load (figures, not a test), next to the CSV
# backend in the same run:
#   events   1000 concurrent simulated endpoints (wrk, bench/events_bench.lua)
#            posting progress events across 1000 deployments: CSV on one
#            instance; PostgreSQL through two instances on one database
#            (half the connections on each)
#   reads    /getcomputer and the plan at 64 connections, postgres vs CSV
#            (both answer from the in-memory snapshot: target >= 0.95x)
# A throwaway PostgreSQL 15 is started on loopback (tools/with_postgres.sh).
#   bench/pg_bench.sh [RELEASE_BUILD_DIR]      DURATION=10 CONNS=1000 DEPLOYMENTS=1000
source "$(dirname "$0")/lib.sh"
if [ -z "${PROVISIOND_TEST_POSTGRES_URL:-}" ]; then
  exec "$ROOT/tools/with_postgres.sh" "$0" "$@"
fi
if [ -n "${1:-}" ]; then
  BUILD=$(cd "$1" && pwd)
  [ -x "$BUILD/provisiond" ] || { echo "no provisiond in $BUILD" >&2; exit 2; }
else
  build_release
fi
CONNS=${CONNS:-1000}
DEPLOYMENTS=${DEPLOYMENTS:-1000}
ulimit -n 65536 2>/dev/null || true

WORK=$(mktemp -d /tmp/pvd-bench-pg.XXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

DB=pvd_bench_$$
psql -q "$PROVISIOND_TEST_POSTGRES_URL" -c "CREATE DATABASE $DB" >/dev/null
URL=${PROVISIOND_TEST_POSTGRES_URL%/*}/$DB
# The simulated endpoints all come from 127.0.0.1: lift the per-client cap
# (256) that a real wave, one address per endpoint, never reaches.
SERVER='[server]\nmax_connections_per_client = 0\n'
printf "$SERVER" >"$WORK/csv.toml"
printf "$SERVER"'[data]\nbackend = "postgres"\npostgres_url = "%s"\npostgres_pool = 32\n' "$URL" >"$WORK/pg.toml"

# start NAME DATA_DIR [args...]: sets PORT_<NAME>
start() {
  local name=$1 data=$2; shift 2
  local pf="$WORK/$name.port"
  [ -e "$data" ] || "$BUILD/provisiond" init "$data" --sample >/dev/null
  "$BUILD/provisiond" serve --bind 127.0.0.1 --port 0 --data-dir "$data" --log-level warning \
      --print-port-file "$pf" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 300); do [ -s "$pf" ] && break; sleep 0.05; done
  [ -s "$pf" ] || { echo "$name did not start:"; cat "$WORK/$name.log"; exit 1; }
  printf -v "PORT_$name" '%s' "$(cut -d, -f1 "$pf")"
}

python3 "$ROOT/tools/gen_data.py" --out "$WORK/csv" --computers 10000 >/dev/null
"$BUILD/provisiond" db import --config "$WORK/pg.toml" --from "$WORK/csv" >/dev/null
start csv "$WORK/csv" --config "$WORK/csv.toml"
start a "$WORK/a" --config "$WORK/pg.toml"
start b "$WORK/b" --config "$WORK/pg.toml"

SERIAL=$(awk -F, 'NR==5001 { print $1 }' "$WORK/csv/computers.csv")
export PLAN_BODY="{\"serial\":\"$SERIAL\",\"model\":\"Latitude 5420\",\"os_name\":\"Microsoft Windows 11 Enterprise\",\"ram_gb\":16,\"disk_gb\":512,\"cpu_count\":8}"

python3 "$ROOT/bench/make_deployments.py" "http://127.0.0.1:$PORT_csv" "$DEPLOYMENTS" CSV >"$WORK/csv.ids"
python3 "$ROOT/bench/make_deployments.py" "http://127.0.0.1:$PORT_a" "$DEPLOYMENTS" PG >"$WORK/pg.ids"

echo "10000 computers; $DEPLOYMENTS deployments; $CONNS connections; ${DURATION:-5}s per run; $(nproc) cores"
printf "%-40s %10s %9s %9s\n" target req/s p50_ms p99_ms
ev() {  # ev IDS PORT CONNS TAG -> "req/s p50 p99 non2xx" (non-2xx answers are not events stored)
  local threads=2
  DEPLOYMENT_IDS=$1 RUN_TAG=$4 wrk -t"$threads" -c"$3" -d"${DURATION:-5}s" --latency \
      -s "$ROOT/bench/events_bench.lua" "http://127.0.0.1:$2/" 2>&1 | tee "$WORK/wrk-$4.txt" | awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 }
    /^ +50%/ { p50=ms($2) }
    /^ +99%/ { p99=ms($2) }
    /Non-2xx/ { bad=$NF }
    /Socket errors/ { bad=bad "+sock(" $0 ")" }
    END { printf "%.0f %.3f %.3f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }'
}
read -r c_rps c_p50 c_p99 c_bad < <(ev "$WORK/csv.ids" "$PORT_csv" "$CONNS" csv)
printf "%-40s %10s %9s %9s  non-2xx: %s\n" "events csv (1 instance)" "$c_rps" "$c_p50" "$c_p99" "$c_bad"
half=$((CONNS / 2))
ev "$WORK/pg.ids" "$PORT_a" "$half" pga >"$WORK/ev_a" &
ev_pid=$!
ev "$WORK/pg.ids" "$PORT_b" "$half" pgb >"$WORK/ev_b"
wait "$ev_pid"
read -r a_rps a_p50 a_p99 a_bad <"$WORK/ev_a"
read -r b_rps b_p50 b_p99 b_bad <"$WORK/ev_b"
p_rps=$((a_rps + b_rps))
p_p99=$(awk -v x="$a_p99" -v y="$b_p99" 'BEGIN { print (x > y ? x : y) }')
p_p50=$(awk -v x="$a_p50" -v y="$b_p50" 'BEGIN { print (x > y ? x : y) }')
printf "%-40s %10s %9s %9s  non-2xx: %s + %s\n" "events postgres (2 instances, 1 db)" "$p_rps" "$p_p50" "$p_p99" "$a_bad" "$b_bad"
awk -v a="$p_rps" -v b="$c_rps" 'BEGIN { printf "%-40s %9.2fx\n", "ratio events postgres/csv", (b > 0 ? a / b : 0) }'
stored=$(psql -qtA "$URL" -c "SELECT count(*) FROM deployment_events")
csv_stored=$(cat "$WORK"/csv/deployments/events-*.csv 2>/dev/null | wc -l)
echo "events stored: postgres $stored, csv $csv_stored (journal lines, headers included)"

for t in getcomputer plan; do
  case $t in
    getcomputer) url="/getcomputer?serial=$SERIAL"; args=() ;;
    plan) url="/api/v1/endpoint/plan"; args=(-s "$ROOT/bench/endpoint_bench.lua") ;;
  esac
  read -r crps _ cp99 < <(wrk_run "http://127.0.0.1:$PORT_csv$url" 64 "${args[@]}")
  read -r prps _ pp99 < <(wrk_run "http://127.0.0.1:$PORT_a$url" 64 "${args[@]}")
  printf "%-40s %10s %9s %9s\n" "$t csv" "$crps" "" "$cp99"
  printf "%-40s %10s %9s %9s\n" "$t postgres" "$prps" "" "$pp99"
  awk -v a="$prps" -v b="$crps" -v t="$t" 'BEGIN { printf "%-40s %9.2fx\n", "ratio " t " postgres/csv", (b > 0 ? a / b : 0) }'
done

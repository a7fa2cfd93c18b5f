#!/usr/bin/env bash
# Content hub throughput next to nginx, same machine, same run (not a test).
#   bench/content_bench.sh [provisiond-binary]   (default: a Release build in build-release/)
# Env: BIG_MIB (1024), MID_MIB (100), CONC (64), RUNS (3), KEEP_DATA=1 keeps files.
# Measures, for provisiond's /file/raw/ and for nginx serving the same folder
# (sendfile on, as Debian ships it):
#   single: one download of the BIG_MIB file (best of RUNS), MiB/s
#   concurrent: CONC parallel downloads of the MID_MIB file, aggregate MiB/s
# and prints the ratio provisiond / nginx. Clients are curl to /dev/null on
# loopback, so client CPU is shared with the servers equally for both.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
[ -n "${1:-}" ] || build_release
BIN=${1:-$BUILD/provisiond}
BIG_MIB=${BIG_MIB:-1024}
MID_MIB=${MID_MIB:-100}
CONC=${CONC:-64}
RUNS=${RUNS:-3}
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 2; }

WORK=$(mktemp -d /tmp/pv-content-bench.XXXXXX)
PV_PID=""; NG_PID=""
cleanup() {
  [ -n "$PV_PID" ] && kill "$PV_PID" 2>/dev/null && wait "$PV_PID" 2>/dev/null || true
  [ -n "$NG_PID" ] && kill -QUIT "$NG_PID" 2>/dev/null && wait "$NG_PID" 2>/dev/null || true
  if [ "${KEEP_DATA:-0}" = 1 ]; then echo "data kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir -p "$WORK/file/Bench" "$WORK/nginx"
chmod 755 "$WORK" "$WORK/file" "$WORK/file/Bench"  # nginx workers run unprivileged
echo "== generating ${BIG_MIB} MiB and ${MID_MIB} MiB files (random data)"
head -c $((BIG_MIB * 1048576)) /dev/urandom > "$WORK/file/Bench/big.bin"
head -c $((MID_MIB * 1048576)) /dev/urandom > "$WORK/file/Bench/mid.bin"
# Warm the page cache so both servers read from memory.
cat "$WORK/file/Bench/big.bin" "$WORK/file/Bench/mid.bin" > /dev/null

PV_PORT_FILE="$WORK/pv.port"
"$BIN" init "$WORK/data_csv" --sample >/dev/null  # serve never creates the data directory
"$BIN" serve --bind 127.0.0.1 --port 0 --data-dir "$WORK/data_csv" --content-root "$WORK/file" \
  --print-port-file "$PV_PORT_FILE" > "$WORK/pv.log" 2>&1 &
PV_PID=$!
for _ in $(seq 100); do [ -s "$PV_PORT_FILE" ] && break; sleep 0.05; done
[ -s "$PV_PORT_FILE" ] || { echo "provisiond did not start:"; cat "$WORK/pv.log"; exit 1; }
PV_PORT=$(cut -d, -f1 < "$PV_PORT_FILE")

NG_PORT=$(free_port)
cat > "$WORK/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server {
    listen 127.0.0.1:$NG_PORT;
    location /file/raw/ { alias $WORK/file/; }
  }
}
EOF
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NG_PID=$!
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$NG_PORT/file/raw/Bench/mid.bin" -r 0-0 && break; sleep 0.05; done

now() { date +%s.%N; }

# single URL -> best MiB/s over RUNS
single() {
  local url=$1 best=0 s
  for _ in $(seq "$RUNS"); do
    s=$(curl -fsS -o /dev/null -w '%{speed_download}' "$url")
    best=$(python3 -c "print(max($best, $s / 1048576))")
  done
  printf '%.0f' "$best"
}

# concurrent URL -> aggregate MiB/s (bytes of all downloads / wall time), best of RUNS
concurrent() {
  local url=$1 best=0 t0 t1
  for _ in $(seq "$RUNS"); do
    t0=$(now)
    seq "$CONC" | xargs -P "$CONC" -I{} curl -fsS -o /dev/null "$url"
    t1=$(now)
    best=$(python3 -c "print(max($best, $CONC * $MID_MIB / ($t1 - $t0)))")
  done
  printf '%.0f' "$best"
}

# Check both serve identical bytes before timing anything.
for url in "http://127.0.0.1:$PV_PORT/file/raw/Bench/mid.bin" "http://127.0.0.1:$NG_PORT/file/raw/Bench/mid.bin"; do
  got=$(curl -fsS "$url" | sha256sum | cut -d' ' -f1)
  want=$(sha256sum < "$WORK/file/Bench/mid.bin" | cut -d' ' -f1)
  [ "$got" = "$want" ] || { echo "wrong bytes from $url"; exit 1; }
done

echo "== single download, ${BIG_MIB} MiB (best of $RUNS)"
PV_SINGLE=$(single "http://127.0.0.1:$PV_PORT/file/raw/Bench/big.bin")
NG_SINGLE=$(single "http://127.0.0.1:$NG_PORT/file/raw/Bench/big.bin")
echo "== ${CONC} concurrent downloads, ${MID_MIB} MiB each (best of $RUNS)"
PV_CONC=$(concurrent "http://127.0.0.1:$PV_PORT/file/raw/Bench/mid.bin")
NG_CONC=$(concurrent "http://127.0.0.1:$NG_PORT/file/raw/Bench/mid.bin")

ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
printf '%-34s %12s %12s %8s\n' "case" "provisiond" "nginx" "ratio"
printf '%-34s %6s MiB/s %6s MiB/s %8s\n' "single ${BIG_MIB} MiB" "$PV_SINGLE" "$NG_SINGLE" "$(ratio "$PV_SINGLE" "$NG_SINGLE")"
printf '%-34s %6s MiB/s %6s MiB/s %8s\n' "${CONC} x ${MID_MIB} MiB concurrent" "$PV_CONC" "$NG_CONC" "$(ratio "$PV_CONC" "$NG_CONC")"
echo "(cores: $(nproc); provisiond threads: server default; nginx workers: auto)"

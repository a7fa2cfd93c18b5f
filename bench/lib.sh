# Shared helpers for bench/*.sh (sourced). Not tests: they print figures.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-release}
OUT=${OUT:-$ROOT/bench/out}
mkdir -p "$OUT"

build_release() {
  "$ROOT/tools/deps.sh"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPROVISIOND_TESTS=OFF >/dev/null
  ninja -C "$BUILD" provisiond "$@" >/dev/null
}

# start_service DATA_DIR [args...]: sets SVC_PID and SVC_PORT.
start_service() {
  local data=$1; shift
  local pf; pf=$(mktemp -u /tmp/pvd-bench-port.XXXX)
  [ -e "$data" ] || "$BUILD/provisiond" init "$data" --sample >/dev/null  # serve never creates it
  "$BUILD/provisiond" serve --bind 127.0.0.1 --port 0 --data-dir "$data" --log-level warning \
      --print-port-file "$pf" "$@" >"$OUT/service.log" 2>&1 &
  SVC_PID=$!
  for _ in $(seq 200); do [ -s "$pf" ] && break; sleep 0.05; done
  SVC_PORT=$(cut -d, -f1 "$pf"); rm -f "$pf"
}

stop_service() { kill -TERM "$SVC_PID" 2>/dev/null || true; wait "$SVC_PID" 2>/dev/null || true; }

# wrk_run URL CONNECTIONS [wrk args...] -> prints "req/s p50 p99" (latencies in ms)
wrk_run() {
  local url=$1 conns=$2; shift 2
  local threads=$(( conns < 2 ? 1 : 2 ))
  wrk -t"$threads" -c"$conns" -d"${DURATION:-5}s" --latency "$@" "$url" 2>/dev/null | awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 }
    /^ +50%/ { p50=ms($2) }
    /^ +99%/ { p99=ms($2) }
    END { printf "%.0f %.3f %.3f\n", rps, p50, p99 }'
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_nginx ROOT_DIR: serves ROOT_DIR statically on loopback; sets NGX_PORT NGX_DIR.
start_nginx() {
  NGX_DIR=$(mktemp -d /tmp/pvd-bench-nginx.XXXX)
  NGX_PORT=$(free_port)
  cat >"$NGX_DIR/nginx.conf" <<CONF
daemon off; worker_processes $(nproc); pid $NGX_DIR/nginx.pid; error_log $NGX_DIR/error.log warn;
user root;
events { worker_connections 4096; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  default_type application/json;
  client_body_temp_path $NGX_DIR/b; proxy_temp_path $NGX_DIR/p; fastcgi_temp_path $NGX_DIR/f;
  uwsgi_temp_path $NGX_DIR/u; scgi_temp_path $NGX_DIR/s;
  server { listen 127.0.0.1:$NGX_PORT; root $1; ${NGX_EXTRA:-} } }
CONF
  /usr/sbin/nginx -c "$NGX_DIR/nginx.conf" -p "$NGX_DIR" &
  NGX_PID=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$NGX_PORT) 2>/dev/null && break; sleep 0.05; done
}

stop_nginx() { kill -QUIT "$NGX_PID" 2>/dev/null || true; wait "$NGX_PID" 2>/dev/null || true; rm -rf "$NGX_DIR"; }

#!/usr/bin/env bash
# Browser tests of the admin UI: tests/browser/run.sh BUILD_DIR
# Starts provisiond (sample data, loopback, temp dirs) and nginx at /provision/ in front
# of it, runs `node --test tests/browser/` (one chromium), stops everything.
# Screenshots (en + fr, 1280x800) and paint.txt go to BUILD_DIR/screenshots/.
# PVD_UI_DIST=DIR (node web/build.mjs --out DIR): test a web/src change before the binary embeds it.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD_DIR=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BIN="$BUILD_DIR/provisiond"
[ -x "$BIN" ] || { echo "run.sh: $BIN missing" >&2; exit 2; }
[ -x /usr/bin/chromium ] || { echo "run.sh: /usr/bin/chromium missing" >&2; exit 2; }
NGINX=${NGINX:-/usr/sbin/nginx}
T0=$(date +%s)

TMP=$(mktemp -d /tmp/pvd-browser.XXXXXX)
SRV_PID=""; NGX_PID=""
cleanup() {
  [ -n "$NGX_PID" ] && kill "$NGX_PID" 2>/dev/null && wait "$NGX_PID" 2>/dev/null || true
  [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

"$BIN" init "$TMP/data" --sample >/dev/null
mkdir -p "$TMP/file/Apps" "$TMP/file/Drivers"
echo 'bt-installer-bytes' > "$TMP/file/Apps/bt.msi"  # for the source check
echo 'viewer-pass-1' | "$BIN" users add viewer1 --role viewer --data-dir "$TMP/data" >/dev/null

PROVISIOND_ADMIN_PASSWORD='admin-pass-1' "$BIN" serve --data-dir "$TMP/data" --content-root "$TMP/file" \
  --port 0 --bind 127.0.0.1 --print-port-file "$TMP/port" >"$TMP/server.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 1 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
[ -s "$TMP/port" ] || { echo "run.sh: provisiond did not start" >&2; cat "$TMP/server.log" >&2; exit 1; }
PORT=$(head -n1 "$TMP/port" | tr -dc '0-9')
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

NPORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:$NPORT;
    location /provision/ {
      proxy_pass http://127.0.0.1:$PORT/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-Prefix /provision;
      proxy_set_header X-Forwarded-Host \$host;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Port \$server_port;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_redirect off;
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
CONF
"$NGINX" -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" >"$TMP/nginx/stdout" 2>&1 &
NGX_PID=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$NPORT/provision/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

mkdir -p "$BUILD_DIR/screenshots"
rc=0
PVD_BASE="http://127.0.0.1:$PORT" PVD_PREFIX_BASE="http://127.0.0.1:$NPORT/provision" \
PVD_ADMIN_PASSWORD='admin-pass-1' PVD_VIEWER_PASSWORD='viewer-pass-1' \
PVD_SHOTS="$BUILD_DIR/screenshots" PVD_WEB="$REPO/web" \
  node --test "$HERE/" || rc=$?
if [ $rc -ne 0 ]; then echo "--- server log (tail)"; tail -n 30 "$TMP/server.log"; fi
echo "browser tests: rc=$rc in $(( $(date +%s) - T0 )) s"
exit $rc

#!/usr/bin/env bash
# GET /healthz with wrk at 1, 64 and 256 connections: req/s, p50, p99,
# next to nginx answering the same body from a static file in the same run.
source "$(dirname "$0")/lib.sh"
build_release
DATA=$(mktemp -d /tmp/pvd-bench-data.XXXX)
start_service "$DATA/data_csv"
STATIC=$(mktemp -d /tmp/pvd-bench-static.XXXX)
printf '{"status":"ok"}' >"$STATIC/healthz"
start_nginx "$STATIC"
printf "%-28s %6s %12s %10s %10s\n" target conns req/s p50_ms p99_ms
for c in 1 64 256; do
  read -r rps p50 p99 < <(wrk_run "http://127.0.0.1:$SVC_PORT/healthz" "$c")
  read -r nrps np50 np99 < <(wrk_run "http://127.0.0.1:$NGX_PORT/healthz" "$c")
  printf "%-28s %6s %12s %10s %10s\n" "provisiond /healthz" "$c" "$rps" "$p50" "$p99"
  printf "%-28s %6s %12s %10s %10s\n" "nginx static" "$c" "$nrps" "$np50" "$np99"
  awk -v a="$rps" -v b="$nrps" -v c="$p99" -v d="$np99" -v n="$c" \
    'BEGIN { printf "%-28s %6s %11.2fx %21.2fx\n", "ratio provisiond/nginx", n, a/b, (d>0?c/d:0) }'
done
stop_nginx; stop_service
rm -rf "$DATA" "$STATIC"

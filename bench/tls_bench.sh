#!/usr/bin/env bash
# TLS handshakes per second, provisiond next to nginx, same machine, same run
# (not a test).   bench/tls_bench.sh
# Env: BUILD (release build dir, default build-release), DURATION (5 s per
# figure), CONC (wrk connections, 32).
# Both servers get the same ECDSA P-256 certificate and key (issued here by
# `provisiond keys`), TLS 1.2 + 1.3, the ten TLS 1.2 suites in the same order
# with server preference, a session cache. Figures:
#   s_time new    full handshakes/s, one client (`openssl s_time -new -www
#                 /healthz`: each connection fetches a page, so TLS 1.3
#                 session tickets arrive and -reuse really resumes)
#   s_time reuse  resumed handshakes/s, one client (`openssl s_time -reuse`)
#   wrk close     requests/s with "Connection: close" (a handshake per
#                 request, CONC connections; wrk resumes sessions when it can)
# each for TLS 1.3 and TLS 1.2 (ECDHE-ECDSA-AES256-GCM-SHA384), and the
# ratio provisiond / nginx. The clients share the 2 cores with the servers,
# the same way for both.
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-5}
CONC=${CONC:-32}
SUITES="ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:\
ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:\
ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256"

build_release
WORK=$(mktemp -d /tmp/pvd-tls-bench.XXXX)
chmod 755 "$WORK"
trap 'stop_service; stop_nginx 2>/dev/null || true; rm -rf "$WORK"' EXIT

K=$WORK/keys
PV="$BUILD/provisiond"
"$PV" keys root-init --keys-dir "$K" >/dev/null
"$PV" keys tls-request --keys-dir "$K" --subject CN=localhost --san DNS:localhost --san IP:127.0.0.1 >/dev/null
"$PV" keys tls-issue --keys-dir "$K" reporting.csr reporting.crt >/dev/null

start_service "$WORK/data_csv" --tls-mode 1 --tls-cert "$K/reporting.crt" --tls-key "$K/reporting.pvk"
mkdir -p "$WORK/www" && echo ok > "$WORK/www/healthz" && chmod -R 755 "$WORK/www"
NGX_TLS_PORT=$(free_port)
NGX_EXTRA="listen 127.0.0.1:$NGX_TLS_PORT ssl;
  ssl_certificate $K/reporting.crt; ssl_certificate_key $K/reporting.pvk;
  ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers $SUITES; ssl_prefer_server_ciphers on;
  ssl_ecdh_curve X25519:prime256v1:secp384r1;
  ssl_session_cache shared:SSL:20m; ssl_session_timeout 1h; ssl_session_tickets on;"
start_nginx "$WORK/www"
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$NGX_TLS_PORT) 2>/dev/null && break; sleep 0.05; done

# s_time_rate PORT MODE(-new|-reuse) PROTO_ARGS... -> connections per real second
s_time_rate() {
  local port=$1 mode=$2; shift 2
  openssl s_time -connect "127.0.0.1:$port" "$mode" -time "$DURATION" -www /healthz "$@" 2>/dev/null |
    awk '/connections in [0-9.]+ real seconds/ { n=$1; t=$4 } END { if (t > 0) printf "%.0f", n / t; else print 0 }'
}

wrk_close() {
  wrk_run "https://127.0.0.1:$1/healthz" "$CONC" -H "Connection: close" | cut -d' ' -f1
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# Sanity: both negotiate the same thing.
for p in "$SVC_PORT" "$NGX_TLS_PORT"; do
  out=$(openssl s_client -connect 127.0.0.1:$p -tls1_2 </dev/null 2>&1 | grep -m1 "Cipher is")
  echo "port $p TLS 1.2 default: $out"
done

printf "\n%-34s %12s %12s %8s\n" "handshakes/s (${DURATION}s each)" provisiond nginx ratio
row() {
  local name=$1; shift
  local a b
  a=$("$@" "$SVC_PORT"); b=$("$@" "$NGX_TLS_PORT")
  printf "%-34s %12s %12s %8s\n" "$name" "$a" "$b" "$(ratio "$a" "$b")"
}
s13_new() { s_time_rate "$1" -new -tls1_3; }
s13_reuse() { s_time_rate "$1" -reuse -tls1_3; }
s12_new() { s_time_rate "$1" -new -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384; }
s12_reuse() { s_time_rate "$1" -reuse -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384; }
row "TLS 1.3 full (s_time -new)" s13_new
row "TLS 1.3 resumed (s_time -reuse)" s13_reuse
row "TLS 1.2 full (s_time -new)" s12_new
row "TLS 1.2 resumed (s_time -reuse)" s12_reuse
row "wrk Connection: close, c=$CONC" wrk_close

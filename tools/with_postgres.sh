#!/usr/bin/env bash
# with_postgres.sh CMD [ARGS...]: runs CMD with a throw-away PostgreSQL 15 on
# loopback, then stops it and removes its directory, whatever CMD did.
#
# The server is the integration harness's (tests/integration/harness.py,
# class Postgres): initdb -A trust -U postgres -E UTF8 in a fresh temp dir,
# 127.0.0.1 on a free port plus a Unix socket in that dir, fsync and
# synchronous_commit left at their defaults; as root it runs as the
# `postgres` system user. CMD gets
#   PROVISIOND_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:PORT/postgres
# (the maintenance database: tests create their own databases from it) and
# the exit status is CMD's. Works from any directory.
#
#   tools/with_postgres.sh sh -c 'psql "$PROVISIOND_TEST_POSTGRES_URL" -c "select version()"'
#   tools/with_postgres.sh ctest --test-dir build -R postgres
# Environment: PROVISIOND_PG_BIN (default /usr/lib/postgresql/15/bin).
set -uo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]   (runs CMD with PROVISIOND_TEST_POSTGRES_URL set)" >&2
  exit 2
fi

harness_dir="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../tests/integration" && pwd)" || exit 1
pg_dir=""
pg_port=""

pg() {  # pg start | pg stop: the harness's Postgres class, from python3
  PYTHONDONTWRITEBYTECODE=1 python3 - "$harness_dir" "$@" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from harness import Postgres
if sys.argv[2] == "start":
    pg = Postgres()
    try:
        pg.start()
    except BaseException:
        pg.cleanup()
        raise
    print(pg.tmp, pg.port)
else:
    Postgres(tmp=sys.argv[3], port=int(sys.argv[4])).cleanup()
EOF
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  if [ -n "$pg_dir" ]; then
    pg stop "$pg_dir" "$pg_port" || {
      echo "with_postgres.sh: could not stop the server in $pg_dir" >&2
      [ "$status" -ne 0 ] || status=1
    }
  fi
  exit "$status"
}
child=""
on_signal() {  # passes the signal on to CMD, waits for it, then cleans up
  if [ -n "$child" ]; then
    kill -"$1" "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  exit "$2"
}
trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

# The server's commands run in its temp dir (the postgres user may not enter
# the caller's); CMD runs in the caller's working directory.
out="$(pg start)" || { echo "with_postgres.sh: PostgreSQL did not start" >&2; exit 1; }
read -r pg_dir pg_port <<<"$out"
if [ -z "$pg_dir" ] || [ -z "$pg_port" ]; then
  echo "with_postgres.sh: unexpected answer from the harness: $out" >&2
  exit 1
fi
export PROVISIOND_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:${pg_port}/postgres"
echo "with_postgres.sh: PostgreSQL on 127.0.0.1:${pg_port} (${pg_dir}), PROVISIOND_TEST_POSTGRES_URL=${PROVISIOND_TEST_POSTGRES_URL}" >&2

# In the background so a signal to this script is handled at once (bash runs
# traps only between foreground commands); <&0 keeps CMD's standard input.
"$@" <&0 &
child=$!
wait "$child"
status=$?
child=""
exit "$status"

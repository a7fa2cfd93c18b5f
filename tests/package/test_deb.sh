#!/usr/bin/env bash
# The Debian package (issue 15): builds it from BUILD_DIR with
# tools/package.sh, then checks
#   1. its contents and control data (binary, unit, conffile, man page,
#      maintainer scripts, dependencies),
#   2. the man page (groff -ww: no warning; every command the binary lists
#      is described; its version is the binary's),
#   3. the unit with `systemd-analyze verify` (alone and with the port-443
#      drop-in), ExecStart pointed at the extracted binary, and its
#      hardening score (`systemd-analyze security --offline`, at most 2.0),
#   4. the extracted package: the unit's own ExecStartPre and ExecStart,
#      with the packaged config moved to a temp state dir and a loopback
#      port, create the data and serve /healthz and /readyz,
#   5. the maintainer scripts through real dpkg runs into a throw-away root
#      (dpkg --root, --force-script-chrootless: scripts see $DPKG_ROOT),
#      user and service commands replaced by stubs that log their calls:
#      install (user, dirs, start), upgrade (one restart, no stop, no second
#      user), remove (stop; data, keys and config kept), purge (all gone,
#      user deleted).
# Each check prints what it found when it fails. Usage:
#   tests/package/test_deb.sh [BUILD_DIR]     (default build/; tools/test.sh runs it)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-build}

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

deb=$(tools/package.sh "$dir" | tail -n 1)
[ -f "$deb" ] || fail "tools/package.sh printed no .deb ($deb)"
ok "built $deb"

tmp=$(mktemp -d /tmp/pvd-deb-XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- 1. contents and control data -------------------------------------
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/provisiond ./usr/lib/systemd/system/provisiond.service ./etc/provisiond/provisiond.toml \
            ./usr/share/man/man8/provisiond.8.gz ./usr/share/doc/provisiond/examples/bind-privileged-port.conf; do
  grep -q " $path\$" <<<"$contents" || fail "$path is not in the package:"$'\n'"$contents"
done
if grep -Eq ' \./(usr/bin/[a-z_]+_test|usr/(local|include)/)' <<<"$contents"; then
  fail "tests or headers are packaged:"$'\n'"$contents"
fi
grep -q '^-rwxr-xr-x root/root .* \./usr/bin/provisiond$' <<<"$contents" || fail "binary not root-owned 0755"
ok "contents: binary, unit, config, man page, drop-in example"

mkdir -p "$tmp/control"
dpkg-deb -e "$deb" "$tmp/control"
for s in postinst prerm postrm; do
  [ -x "$tmp/control/$s" ] || fail "maintainer script $s missing or not executable"
  sh -n "$tmp/control/$s" || fail "$s is not valid sh"
done
[ "$(cat "$tmp/control/conffiles")" = /etc/provisiond/provisiond.toml ] ||
  fail "conffiles: $(cat "$tmp/control/conffiles")"
depends=$(dpkg-deb -f "$deb" Depends)
for d in adduser libc6 libssl3 libsystemd0; do
  grep -q "\b$d\b" <<<"$depends" || fail "Depends lacks $d: $depends"
done
[ "$(dpkg-deb -f "$deb" Package)" = provisiond ] || fail "Package: $(dpkg-deb -f "$deb" Package)"
ok "control: conffile, postinst/prerm/postrm, Depends: $depends"

# --- 2. man page --------------------------------------------------------
x="$tmp/x"
dpkg-deb -x "$deb" "$x"
bin="$x/usr/bin/provisiond"
version=$("$bin" version | awk '{print $2}')
[ "$version" = "$(dpkg-deb -f "$deb" Version | cut -d- -f1)" ] || fail "binary version $version vs package"
man="$tmp/provisiond.8"
zcat "$x/usr/share/man/man8/provisiond.8.gz" >"$man"
warnings=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
[ -z "$warnings" ] || fail "groff warnings in provisiond.8:"$'\n'"$warnings"
grep -q "^\.TH PROVISIOND 8 .*\"provisiond $version\"" "$man" || fail "provisiond.8 .TH does not name version $version"
# The commands `provisiond --help` lists: two-space indent, then the name.
commands=$("$bin" --help | sed -n '/^commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}')
[ "$(wc -l <<<"$commands")" -ge 10 ] || fail "could not read the commands from --help: $commands"
for c in $commands; do
  roff=${c//-/\\\\-}
  grep -Eq "^\.B $roff( |\$)" "$man" || fail "provisiond.8 does not describe the command '$c' (.B $c)"
done
ok "man page: no groff warning, version $version, $(wc -l <<<"$commands") commands described"

# --- 3. systemd-analyze verify -----------------------------------------
units="$tmp/units"
mkdir -p "$units"
sed "s|/usr/bin/provisiond|$bin|g" "$x/usr/lib/systemd/system/provisiond.service" >"$units/provisiond.service"
verify() {
  local out
  out=$(systemd-analyze verify --man=no "$@" 2>&1) || fail "systemd-analyze verify $*:"$'\n'"$out"
  # Unknown or misspelt directives are only warnings: any output is a failure.
  [ -z "$out" ] || fail "systemd-analyze verify $* printed:"$'\n'"$out"
}
verify "$units/provisiond.service"
# The hardening as systemd scores it (0 best, 10 worst): above 2.0 means a
# protection was dropped.
exposure=$(systemd-analyze security --offline=yes --no-pager "$units/provisiond.service" 2>&1 |
           grep -o 'Overall exposure level for provisiond.service: [0-9.]*' || true)
systemd-analyze security --offline=yes --threshold=20 --no-pager "$units/provisiond.service" >/dev/null 2>&1 ||
  fail "hardening weakened: ${exposure:-no exposure level} (want <= 2.0)"
mkdir -p "$units/provisiond.service.d"
cp "$x/usr/share/doc/provisiond/examples/bind-privileged-port.conf" "$units/provisiond.service.d/"
verify "$units/provisiond.service"
ok "unit verified (alone and with the port-443 drop-in); ${exposure#Overall }"
grep -q '^AmbientCapabilities=$' "$units/provisiond.service" || fail "the unit grants capabilities by default"
grep -q '^AmbientCapabilities=CAP_NET_BIND_SERVICE$' "$units/provisiond.service.d/bind-privileged-port.conf" ||
  fail "the drop-in does not grant CAP_NET_BIND_SERVICE"

# --- 4. the unit's commands on the extracted package ---------------------
state="$tmp/state"
mkdir -p "$state/file"  # StateDirectory=provisiond provisiond/file
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
config="$tmp/provisiond.toml"
sed -e "s|/var/lib/provisiond|$state|g" -e "s|^port = 12176|port = $port|" -e 's|^bind = "0.0.0.0"|bind = "127.0.0.1"|' \
  "$x/etc/provisiond/provisiond.toml" >"$config"
grep -q "^port = $port" "$config" || fail "could not set the port in the packaged config"
unit_cmd() {  # the unit's ExecStartPre/ExecStart, pointed at the temp config and binary
  sed -n "s|^$1=||p" "$units/provisiond.service" | sed "s|/etc/provisiond/provisiond.toml|$config|"
}
pre=$(unit_cmd ExecStartPre)
start=$(unit_cmd ExecStart)
[ -n "$pre" ] && [ -n "$start" ] || fail "no ExecStartPre/ExecStart in the unit"
# shellcheck disable=SC2086 # the unit's command line, split as systemd splits it (no quotes in it)
$pre || fail "ExecStartPre failed: $pre"
[ -f "$state/data_csv/computers.csv" ] || fail "ExecStartPre made no data in $state/data_csv"
[ "$(wc -l <"$state/data_csv/computers.csv")" = 1 ] || fail "the first start's tables are not empty"
$pre || fail "ExecStartPre failed on the second start (data present)"
# shellcheck disable=SC2086
$start >"$tmp/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || fail "serve exited:"$'\n'"$(cat "$tmp/serve.log")"
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || fail "/healthz did not answer:"$'\n'"$(cat "$tmp/serve.log")"
ready=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")
[ "$ready" = 200 ] || fail "/readyz answered $ready:"$'\n'"$(curl -sS "http://127.0.0.1:$port/readyz")"
kill -TERM "$server_pid"
wait "$server_pid" || fail "serve did not exit 0 on SIGTERM:"$'\n'"$(cat "$tmp/serve.log")"
server_pid=""
ok "the unit's ExecStartPre + ExecStart on the packaged config: empty tables, /healthz and /readyz 200, exit 0"

# --- 5. maintainer scripts through dpkg --root ---------------------------
root="$tmp/root"
stubs="$tmp/stubs"
calls="$tmp/calls.log"
users="$tmp/users"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/run/systemd/system" "$stubs"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available" "$calls" "$users"
# Each stub logs its command line; the user database is $users.
for cmd in deb-systemd-helper deb-systemd-invoke systemctl; do
  printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$cmd" "$calls" >"$stubs/$cmd"
done
cat >"$stubs/getent" <<EOF
#!/bin/sh
grep -qx "\$2" "$users"
EOF
cat >"$stubs/adduser" <<EOF
#!/bin/sh
echo "adduser \$*" >>"$calls"
for last; do :; done
echo "\$last" >>"$users"
EOF
cat >"$stubs/deluser" <<EOF
#!/bin/sh
echo "deluser \$*" >>"$calls"
for last; do :; done
sed -i "/^\$last\\\$/d" "$users"
EOF
cat >"$stubs/delgroup" <<EOF
#!/bin/sh
echo "delgroup \$*" >>"$calls"
EOF
cat >"$stubs/chown" <<EOF
#!/bin/sh
# The owner must exist: the user is created before any chown.
owner=\${1%%:*}
[ "\$owner" = root ] || grep -qx "\$owner" "$users" || { echo "chown: no user \$owner" >&2; exit 1; }
echo "chown \$*" >>"$calls"
EOF
chmod +x "$stubs"/*
# dpkg wants root (it chowns what it unpacks); fakeroot pretends for a user.
as_root=()
[ "$(id -u)" = 0 ] || as_root=(fakeroot)
dpkg_root() {
  PATH="$stubs:$PATH" "${as_root[@]}" dpkg --root="$root" --force-script-chrootless --force-depends --force-unsafe-io "$@" \
    >>"$tmp/dpkg.log" 2>&1 || fail "dpkg $*:"$'\n'"$(cat "$tmp/dpkg.log")"
}
count() { grep -c -- "$1" "$calls" || true; }

dpkg_root -i "$deb"
dpkg --root="$root" -s provisiond | grep -q '^Status: install ok installed' || fail "not installed"
dpkg --root="$root" -s provisiond | grep -q '^ /etc/provisiond/provisiond.toml [0-9a-f]' ||
  fail "the config is not registered as a conffile"
[ -x "$root/usr/bin/provisiond" ] && [ -f "$root/usr/lib/systemd/system/provisiond.service" ] || fail "files missing"
[ -d "$root/var/lib/provisiond/file" ] || fail "postinst made no /var/lib/provisiond/file"
[ "$(stat -c %a "$root/var/lib/provisiond")" = 750 ] || fail "/var/lib/provisiond mode $(stat -c %a "$root/var/lib/provisiond")"
[ "$(stat -c %a "$root/etc/provisiond/provisiond.toml")" = 640 ] || fail "the config is not 0640"
[ "$(count '^adduser --system --group .* provisiond$')" = 1 ] || fail "no system user created:"$'\n'"$(cat "$calls")"
grep -q "^chown provisiond:provisiond $root/var/lib/provisiond " "$calls" || fail "state dir not chowned"
[ "$(count '^deb-systemd-invoke start provisiond.service$')" = 1 ] || fail "not started:"$'\n'"$(cat "$calls")"
[ "$(count '^deb-systemd-invoke restart')" = 0 ] || fail "restarted on a first install"
[ "$(count '^deb-systemd-helper enable provisiond.service$')$(count '^deb-systemd-helper update-state')" != 00 ] ||
  fail "unit state not recorded"
ok "install: user, /var/lib/provisiond 0750, config 0640 conffile, enabled, started once"

# What an admin changes and the service writes must survive an upgrade and a remove.
echo '# edited by the admin' >>"$root/etc/provisiond/provisiond.toml"
mkdir -p "$root/var/lib/provisiond/data_csv" "$root/var/lib/provisiond/keys"
echo "serial,name" >"$root/var/lib/provisiond/data_csv/computers.csv"
echo "secret" >"$root/var/lib/provisiond/keys/root.key"
: >"$calls"
dpkg_root -i "$deb"  # the same version again: dpkg runs the upgrade path (postinst configure OLD)
[ "$(count '^deb-systemd-invoke restart provisiond.service$')" = 1 ] || fail "upgrade: not restarted once:"$'\n'"$(cat "$calls")"
[ "$(count '^deb-systemd-invoke start')$(count '^deb-systemd-invoke stop')" = 00 ] ||
  fail "upgrade: a stop or second start (two copies, or a gap):"$'\n'"$(cat "$calls")"
[ "$(count '^adduser')" = 0 ] || fail "upgrade: the user was created again"
grep -q 'edited by the admin' "$root/etc/provisiond/provisiond.toml" || fail "upgrade: the config edit was lost"
ok "upgrade: one restart, no stop, no second start, config edit kept"

: >"$calls"
dpkg_root -r provisiond
[ "$(count '^deb-systemd-invoke stop provisiond.service$')" = 1 ] || fail "remove: not stopped:"$'\n'"$(cat "$calls")"
[ ! -e "$root/usr/bin/provisiond" ] || fail "remove: binary left"
[ -f "$root/var/lib/provisiond/data_csv/computers.csv" ] || fail "remove: the data were deleted"
[ -f "$root/var/lib/provisiond/keys/root.key" ] || fail "remove: the keys were deleted"
grep -q 'edited by the admin' "$root/etc/provisiond/provisiond.toml" || fail "remove: the config was deleted"
[ "$(count '^deluser')" = 0 ] && grep -qx provisiond "$users" || fail "remove: the user was deleted"
dpkg --root="$root" -s provisiond | grep -q '^Status: deinstall ok config-files' || fail "remove: state"
ok "remove: stopped; data, keys, config and user kept"

: >"$calls"
dpkg_root -P provisiond
[ ! -e "$root/var/lib/provisiond" ] || fail "purge: /var/lib/provisiond left: $(ls -R "$root/var/lib/provisiond")"
[ ! -e "$root/etc/provisiond" ] || fail "purge: /etc/provisiond left"
[ "$(count '^deluser --system .*provisiond$')" = 1 ] && ! grep -qx provisiond "$users" ||
  fail "purge: user not deleted:"$'\n'"$(cat "$calls")"
[ "$(count '^deb-systemd-helper purge provisiond.service$')" = 1 ] || fail "purge: unit state not purged"
! dpkg --root="$root" -s provisiond >/dev/null 2>&1 || fail "purge: package still known"
ok "purge: data, keys, config, unit state and user deleted"
echo "== package tests passed"

#!/usr/bin/env bash
# Installs the Debian 12 packages provisiond needs to build, run and test,
# only those missing (quick when everything is there). Needs root or sudo.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build ccache pkg-config clang
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libargon2-dev libre2-dev libtomlplusplus-dev libzip-dev libgtest-dev libgmock-dev
  # sd_notify (the systemd unit is Type=notify); systemd-analyze and groff for the .deb's test
  # (cpack's dpkg-shlibdeps comes with build-essential's dpkg-dev)
  libsystemd-dev systemd groff-base
  # the PostgreSQL store: libpq to build; the server for its tests (started by the tests)
  libpq-dev postgresql-15
  # tests and benchmarks
  python3 python3-prometheus-client curl openssl nginx-light testssl.sh wrk zip unzip procps
  # browser tests of the admin UI (driven by playwright-core from web/node_modules)
  chromium
)
if [ "${1:-}" = "--list" ]; then printf '%s\n' "${PACKAGES[@]}"; exit 0; fi

# The admin UI's npm packages (web/package-lock.json): again only when the
# lockfile changed since the last install. Node.js 20 with npm comes with
# the machine image; Debian's nodejs/npm only where it is missing.
# The same for the PowerShell checks (tests/scripts: tree-sitter-powershell).
web_deps() {
  command -v node >/dev/null && command -v npm >/dev/null || return 0
  local dir
  for dir in web tests/scripts; do
    local stamp=$dir/node_modules/.package-lock.json
    if [ ! -e "$stamp" ] || [ $dir/package-lock.json -nt "$stamp" ]; then
      echo "deps.sh: npm ci in $dir/"
      (cd $dir && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}
cd "$(dirname "$0")/.."
command -v node >/dev/null || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then web_deps; exit 0; fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Debian's postgresql-15 would create and start a system cluster on port
# 5432; the tests start their own throwaway server (tools/with_postgres.sh).
if printf '%s\n' "${missing[@]}" | grep -qx postgresql-15; then
  $SUDO mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/provisiond.conf >/dev/null
fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian starts nginx on install; the tests run their own on loopback.
if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
  $SUDO systemctl disable --now nginx || true
elif pgrep -x nginx >/dev/null 2>&1; then
  $SUDO service nginx stop >/dev/null 2>&1 || $SUDO pkill -x nginx || true
fi
web_deps

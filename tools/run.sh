#!/usr/bin/env bash
# One command to try provisiond: installs what is missing, builds Release,
# and serves the built-in sample data at http://localhost:12176 (Ctrl-C stops).
# Extra arguments go to `provisiond serve` (e.g. --port 8080, --tls-mode 2).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DPROVISIOND_TESTS=OFF >/dev/null
ninja -C build-release provisiond
mkdir -p var/file  # the /file/ content hub (empty until you add scripts and payloads)
# First run: var/data_csv from the sample data built into the binary (serve never
# creates a data directory itself).
[ -e var/data_csv ] || build-release/provisiond init var/data_csv --sample
exec build-release/provisiond serve --data-dir var/data_csv --content-root var/file "$@"

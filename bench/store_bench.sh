#!/usr/bin/env bash
# Store benchmark: generates 100k computers, 2k apps, 1k driver rules and
# measures load time, durable update latency (p50/p99) and RSS.
# Usage: bench/store_bench.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$root/tools/gen_data.py" --out "$work/data" --computers 100000 --apps 2000 --drivers 1000
ninja -C "$build" store_bench >/dev/null
"$build/store_bench" "$work/data" 200

#!/usr/bin/env bash
# Store benchmark: generates 100k computers, 2k apps, 1k driver rules and
# measures load time, durable update latency (p50/p99) and RSS.
# Usage: bench/store_bench.sh [BUILD_DIR]   (default: a Release build in build-release/)
# A Debug build measures about 2.5x slower: give a Release or RelWithDebInfo dir.
source "$(dirname "$0")/lib.sh"
if [ -n "${1:-}" ]; then
  BUILD=$(cd "$1" && pwd)
  ninja -C "$BUILD" store_bench >/dev/null
else
  build_release store_bench
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$ROOT/tools/gen_data.py" --out "$work/data" --computers 100000 --apps 2000 --drivers 1000
grep CMAKE_BUILD_TYPE: "$BUILD/CMakeCache.txt" | sed 's/^CMAKE_BUILD_TYPE:STRING=/build type: /'
"$BUILD/store_bench" "$work/data" 200

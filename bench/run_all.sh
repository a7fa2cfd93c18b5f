#!/usr/bin/env bash
# Runs every benchmark (bench/*_bench.sh) in turn. Figures, not pass/fail.
cd "$(dirname "$0")"
for b in ./*_bench.sh; do
  echo "=== $b"
  bash "$b" || echo "($b failed)"
done

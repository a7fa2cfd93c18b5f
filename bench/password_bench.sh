#!/usr/bin/env bash
# Login cost: median time of one password verification per hash scheme
# (argon2id defaults for new hashes, the original's werkzeug formats).
# Usage: bench/password_bench.sh [RUNS]   (Release build in build-release/)
source "$(dirname "$0")/lib.sh"
build_release password_bench
"$BUILD/password_bench" "${1:-9}"

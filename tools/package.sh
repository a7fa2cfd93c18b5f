#!/usr/bin/env bash
# Builds the Debian package: a Release build of provisiond (in build-release/,
# the directory tools/run.sh uses) and `cpack -G DEB`. Prints the .deb path.
#   tools/package.sh              Release build in build-release/
#   tools/package.sh BUILD_DIR    package an already configured build (tests/package/test_deb.sh)
# Install: sudo apt install ./build-release/provisiond_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-release}
if [ $# -eq 0 ]; then
  tools/deps.sh
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPROVISIOND_TESTS=OFF >/dev/null
fi
ninja -C "$dir" provisiond provisiond_man  # what the package installs, nothing more
rm -f "$dir"/provisiond_*.deb
(cd "$dir" && cpack -G DEB >cpack.log 2>&1) || { cat "$dir/cpack.log" >&2; exit 1; }
ls "$(cd "$dir" && pwd)"/provisiond_*.deb

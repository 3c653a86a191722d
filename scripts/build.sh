#!/bin/sh
# build.sh: configure (once) and build into ./build with warnings as errors.
set -e
cd "$(dirname "$0")/.."
[ -d build ] || meson setup build -Dwerror=true >/dev/null
ninja -C build >/dev/null

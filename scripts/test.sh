#!/bin/sh
# test.sh: install dependencies, build, run every test suite (unit and
# integration; the integration suite needs root for network namespaces).
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh
meson test -C build --print-errorlogs --num-processes 1 "$@"

#!/bin/sh
# sanitize.sh: build with AddressSanitizer and UndefinedBehaviorSanitizer
# (in ./build-san, apart from ./build) and run test suites under them: any
# memory error, leak or undefined behaviour fails the test that met it.
#
#   sh scripts/sanitize.sh [meson test arguments, e.g. --suite unit]
set -e
cd "$(dirname "$0")/.."
# Warnings are not errors here: the plain build (scripts/build.sh) holds
# them to -Werror, and gcc's instrumentation makes false ones
# (-Wmaybe-uninitialized) that are no finding.
if [ ! -d build-san ]; then
	meson setup build-san -Dwerror=false -Db_sanitize=address,undefined \
	    -Db_lundef=false -Dc_args=-fno-sanitize-recover=all >/dev/null
fi
ninja -C build-san >/dev/null
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
meson test -C build-san --print-errorlogs --num-processes 1 "$@"

#!/bin/sh
# fuzz.sh: build the libFuzzer targets of tests/fuzz with clang, ASan and
# UBSan (in ./build-fuzz, apart from ./build) and run each for a bounded
# time on its seed corpus and dictionary.  Any crash, sanitizer report,
# leak, hang (10 s) or broken invariant fails the run; the input that did it
# is kept in build-fuzz/crashes/ and is added to tests/fuzz/corpus/<target>/
# (as crash-<name>) once fixed, so every later run replays it first.
#
#   FUZZ_SECONDS=20 sh scripts/fuzz.sh [target...]
#
# The targets enter a network namespace of their own (tests/fuzz/fuzz.h):
# run as root, or where unprivileged user namespaces are allowed.
set -e
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-20}
if [ ! -d build-fuzz ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Dwerror=false \
	    -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dc_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" \
	    >/dev/null
fi
ninja -C build-fuzz >/dev/null
targets="$*"
[ -n "$targets" ] || targets=$(ls tests/fuzz/*.c | sed 's|.*/||; s|\.c$||')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p build-fuzz/crashes
fail=0
for t in $targets; do
	mkdir -p "$work/$t"
	dict=
	[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
	# new inputs go to the first directory (scratch); the tree's corpus
	# is only read
	if build-fuzz/tests/fuzz/fuzz-"$t" -max_total_time="$secs" \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$work/$t-" $dict "$work/$t" \
	    "tests/fuzz/corpus/$t" >"$work/$t.log" 2>&1; then
		awk -v t="$t" '/stat::number_of_executed_units/ { n = $2 }
		    /stat::average_exec_per_sec/ { r = $2 }
		    /stat::new_units_added/ { u = $2 }
		    END { printf "fuzz-%s: %s runs, %s/s, %s new inputs, ok\n",
		    t, n, r, u }' "$work/$t.log"
	else
		fail=1
		echo "fuzz-$t: FAILED" >&2
		grep -E "ERROR|SUMMARY|runtime error|^ +#[0-9]+ |Test unit" \
		    "$work/$t.log" | head -40 >&2
		cp "$work"/"$t"-* build-fuzz/crashes/ 2>/dev/null || true
	fi
done
[ "$fail" = 0 ] || echo "fuzz: failing inputs kept in build-fuzz/crashes/" >&2
exit "$fail"

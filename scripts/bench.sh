#!/bin/sh
# bench.sh: install what the benchmarks need, build, run them.  Root.
#
#	scripts/bench.sh [--quick] [bench/run.sh options...]
#	scripts/bench.sh --ct [bench/ctbench.sh options...]
#
# Prints the flow-table benchmark (updates per second, memory per flow)
# and the forwarding benchmark (bench/run.sh: CPU per forwarded packet of
# nft-netflowd, a bare NFLOG reader, softflowd, fprobe and uacctd on the
# same traffic through a namespace router).  About 10 minutes; --quick
# about 2.  With --ct it runs bench/ctbench.sh instead (capture =
# conntrack against nflog mode and against conntrack alone; about 5
# minutes, --quick about 1.5).  The numbers are measurements, never
# pass/fail.
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh bench/deps.sh
[ -d build-bench ] || meson setup build-bench >/dev/null
ninja -C build-bench >/dev/null
if [ "${1:-}" = --ct ]; then
	shift
	exec bash bench/ctbench.sh "$@"
fi
echo "== flow table (in process, one core)"
case " $* " in
*" --quick "*)	./build-bench/bench/bench-flow 20000000 ;;
*)		./build-bench/bench/bench-flow ;;
esac
echo
echo "== forwarding through a namespace router"
exec bash bench/run.sh "$@"

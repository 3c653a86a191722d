#!/bin/bash
# ctbench.sh: the conntrack benchmark: nft-netflowd in capture = conntrack
# against capture = nflog and against conntrack alone, on the same traffic
# in the same run.  Root (without it: exit 77, meson's skip); prints
# figures and ratios, never asserts on speed.
#
#	bench/ctbench.sh [--quick] [--seconds N] [--rounds N] [--rate PPS]
#	                 [--flows N] [--conn-rates "25000 50000 0"]
#	                 [--conns N] [--expire-rates "50000"] [--parts "1 2"]
#	                 [--conn-modes "ctfloor nfnd-ct nfnd-ctr nfnd"]
#	                 [--build DIR] [--out FILE]
#
# The topology of tests/lib/netns.sh with bench/lib-bench.sh's additions
# (namespaces A -> R -> B, 198.18.0.0/15, removed on exit).  On R one
# configuration at a time:
#
#   ct       the shipped table minus its log rules: conntrack tracking, no
#            exporter (the stateful-router baseline)
#   nfnd-ct  the same rules + nft-netflowd with capture = conntrack and
#            conntrack_reliable = 0: events that do not fit are dropped (it
#            turns on nf_conntrack_acct and _timestamp in R itself; before
#            every run both are reset to 0, so "ct" runs with the defaults)
#   nfnd     the shipped table (conntrack + NFLOG) + nft-netflowd with
#            capture = nflog
#   nfnd-ctr (part 2 only) nfnd-ct with conntrack_reliable = 1 (the default)
#   ctfloor  (part 2 only) the same rules + bench/ct-floor, the cheapest
#            reader of the same events (NEW and DESTROY, the same receive
#            buffer, batches and 1 ms hold; counts them and discards them):
#            the floor of any exporter built on conntrack events
#
# Part 1, long-lived flows: FLOWS (1,000) UDP flows of 60-byte frames at
# RATE pps and at the highest rate the generator reaches, each mode ROUNDS
# times in rotating order.  Warm-up (one packet per flow), then the daemon
# is told to "flush" (export everything) and its stats read; then traffic
# for N seconds, then "flush" again inside the measured window.  The
# daemon's CPU is shown for the traffic (and TAIL s after it) alone, and
# with that flush added (a full export every N seconds: in real use
# active_timeout exports a connection once per 30 min).  Between
# the two flushes: forwarded = R's IP ForwDatagrams; accounted = packets in
# the records exported (stats json export.packets; in conntrack mode both
# directions are exported, the reply direction is empty here because B
# never answers, so the exported packets are the original-direction ones,
# which are the forwarded A->B packets).
#
# Part 2, new connections: N connections of one UDP packet each (distinct
# 5-tuples: blast -n N -c N), at each offered rate of CONN_RATES (0 = as
# fast as the generator goes), N = rate x seconds, at most CONNS (R's
# conntrack table holds 262,144 and is not resizable from a namespace).
# After the traffic of each rate of CONN_RATES every connection ends at
# once by `conntrack -F` in R: the hardest burst of DESTROY events (on a
# router they come spread out, by timeouts).  At EXPIRE_RATES (full run:
# 50,000/s; none in --quick) they end as on a router instead: R's UDP
# timeouts are 1 s in part 2, and the kernel's garbage collector destroys
# expired connections in batches, while new ones are created; it is shared
# by all namespaces and comes late when others hold long-lived connections,
# so whatever is left after 20 s is flushed ("left").  The daemon is given up to 15 s to settle, then "flush".  Its
# CPU in that window is its cost per connection (NEW event, DESTROY event,
# export; in nflog mode also the packet).  Nothing is lost when exported
# packets == forwarded packets and exported records == connections (each
# one-packet connection is exactly one record).  Note that conntrack's
# NEW events carry no counters (only DESTROY events and dumps do): a
# connection whose DESTROY event is lost in an overrun is known only from
# its NEW event or the last resync dump.
#
# Figures go to a results file (--out, key=value lines) and
# bench/cttable.py prints the tables and the ratios.

set -u

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$SRCDIR/build-bench
QUICK=0 SECS= ROUNDS= RATE=50000 FLOWS=1000 CONN_RATES= CONNS= OUT= EXPIRE_RATES=- PARTS="1 2"
CONN_MODES="ctfloor nfnd-ct nfnd-ctr nfnd"

while [ $# -gt 0 ]; do
	case $1 in
	--quick)	QUICK=1 ;;
	--seconds)	SECS=$2; shift ;;
	--rounds)	ROUNDS=$2; shift ;;
	--rate)		RATE=$2; shift ;;
	--flows)	FLOWS=$2; shift ;;
	--conn-rates)	CONN_RATES=$2; shift ;;
	--conns)	CONNS=$2; shift ;;
	--expire-rates)	EXPIRE_RATES=$2; shift ;;
	--parts)	PARTS=$2; shift ;;
	--conn-modes)	CONN_MODES=$2; shift ;;
	--build)	BUILD=$2; shift ;;
	--out)		OUT=$2; shift ;;
	-h|--help)	sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*)		echo "ctbench.sh: unknown option $1 (try --help)"; exit 2 ;;
	esac
	shift
done

# Durations: the full run about 5 minutes, --quick about 1.5.
if [ "$QUICK" = 1 ]; then
	: "${SECS:=2}" "${ROUNDS:=1}" "${CONNS:=100000}"
	: "${CONN_RATES:=50000 0}"
	[ "$EXPIRE_RATES" = - ] && EXPIRE_RATES=
	TAIL=1 SETTLE=0.3 QUIET=1
else
	: "${SECS:=5}" "${ROUNDS:=2}" "${CONNS:=200000}"
	: "${CONN_RATES:=25000 50000 100000 0}"
	[ "$EXPIRE_RATES" = - ] && EXPIRE_RATES=50000
	TAIL=1 SETTLE=0.5 QUIET=1
fi

. "$SRCDIR/bench/lib-bench.sh"
bench_init nfn-ctbench conntrack
BLAST=$BUILD/bench/blast
CTFLOOR=$BUILD/bench/ct-floor
NFND=$NFT_NETFLOWD
for f in "$BLAST" "$CTFLOOR" "$NFND"; do
	[ -x "$f" ] || { echo "ctbench.sh: $f not built (scripts/bench.sh builds it)"; exit 1; }
done

# ---- the daemon ----------------------------------------------------------

ctstats() {	# ctstats PREFIX [flush]: "PREFIXkey=value ..." (bench/ctstats.py)
	python3 -I -S "$SRCDIR/bench/ctstats.py" "$T/control" "$@" 2>> "$T/ctstats.err"
}

# mode_start MODE: clean conntrack table and sysctls, rules, daemon
# (EXP_PID; empty for "ct")
mode_start() {
	EXP_PID=
	inR nft flush ruleset
	inR conntrack -F >/dev/null 2>&1
	inR sysctl -qw net.netfilter.nf_conntrack_acct=0 \
		net.netfilter.nf_conntrack_timestamp=0 2>/dev/null
	case $1 in
	ct)	rules ct ;;
	nfnd-ct) rules ct &&
		bench_conf "$T/nfnd.conf" capture=conntrack conntrack_reliable=0 ;;
	nfnd-ctr) rules ct &&
		bench_conf "$T/nfnd.conf" capture=conntrack conntrack_reliable=1 ;;
	nfnd)	rules nflog-ct &&
		bench_conf "$T/nfnd.conf" capture=nflog conntrack=on ;;
	ctfloor) rules ct && floor_start; return ;;
	esac || return 1
	[ "$1" = ct ] && return 0
	bench_daemon "$T/nfnd.conf"
}

mode_stop() {
	if [ -n "$EXP_PID" ] && [ "$EXP_PID" = "$FLOOR_PID" ]; then
		stop_pid "$EXP_PID" TERM 5
	elif [ -n "$EXP_PID" ]; then
		stop_daemon 10
	fi
	EXP_PID= FLOOR_PID=
}

# ---- the floor: bench/ct-floor -------------------------------------------

FLOOR_PID=
# floor_start: the reader in R with the daemon's defaults (receive buffer
# 4 MiB, unreliable as nfnd-ct) and the sysctls the daemon turns on in
# capture = conntrack, so the kernel sends the same events, counters and
# timestamps included
floor_start() {
	local i
	inR sysctl -qw net.netfilter.nf_conntrack_acct=1 \
		net.netfilter.nf_conntrack_timestamp=1 || return 1
	: > "$T/ctfloor.out"
	ip netns exec "$NS_R" "$CTFLOOR" -R 4194304 >> "$T/ctfloor.out" \
		2>> "$T/ctfloor.err" &
	FLOOR_PID=$! EXP_PID=$!
	for i in $(seq 50); do
		grep -q '^ready' "$T/ctfloor.out" && return 0
		sleep 0.1
	done
	return 1
}

# floor_stats PREFIX: its counters as PREFIXf_new=... (SIGUSR1 makes it
# print a line; the new one is taken)
floor_stats() {
	local n
	n=$(wc -l < "$T/ctfloor.out")
	kill -USR1 "$FLOOR_PID" 2>/dev/null || return 1
	wait_for 3 test "$(wc -l < "$T/ctfloor.out")" -gt "$n" || return 1
	tail -n 1 "$T/ctfloor.out" | tr ' ' '\n' | sed -n "s/^/$1f_/p" | tr '\n' ' '
}

# floor_settled: its DESTROY count no longer grows (every event read)
floor_settled() {
	local a b
	a=$(floor_stats x_) || return 1
	sleep 0.3
	b=$(floor_stats x_) || return 1
	[ "$a" = "$b" ]
}

blast() {	# blast ARGS...: in A, on CPU 0, to B
	inA taskset -c 0 "$BLAST" -a "$A_IPS" -d $B_IP "$@"
}

field() {	# field NAME "blast output"
	sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<< "$2"
}

# sample PREFIX: R's counters, CPU figures as PREFIXkey=value
sample() {
	local c e m
	c=($(r_counters)) m=($(machine_cpu)) e=(0 0)
	[ -n "$EXP_PID" ] && e=($(tree_cpu "$EXP_PID"))
	echo "$1fwd=${c[2]} $1ra_drop=${c[1]} $1d_ns=${e[0]} $1mach=${m[0]}" \
		"$1ksirq_ns=$(ksoftirqd_ns) $1foreign=$(foreign_cpu)"
}

# ---- part 1: long-lived flows --------------------------------------------

# long_run MODE RATE ROUND: appends one line to $RESULTS
long_run() {
	local mode=$1 rate=$2 round=$3 b= a= s0 s1 s2 out status=ok
	local line="part=long mode=$mode flows=$FLOWS rate=$rate round=$round"

	if ! mode_start "$mode"; then
		mode_stop
		echo "$line status=nostart" >> "$RESULTS"
		return
	fi
	# warm-up: one packet per flow, so every flow exists before measuring
	blast -p 5000 -D 1000 -s 10000 -n "$FLOWS" -r 0 -t 5 -c "$FLOWS" >/dev/null
	sleep "$SETTLE"
	wait_quiet "$QUIET" || echo "  (machine not quiet; measuring anyway)"
	[ -n "$EXP_PID" ] && b=$(ctstats b_ flush)
	s0=$(sample b_)
	out=$(blast -p 5000 -D 1000 -s 10000 -n "$FLOWS" -r "$rate" -t "$SECS")
	sleep "$TAIL"
	# R's counters and the machine before the flush (python is not R's
	# work); the daemon's CPU after it: its export is part of its cost
	s1=$(sample a_)
	[ -n "$EXP_PID" ] && a=$(ctstats a_ flush)
	s2=$(sample e_)
	[ -n "$EXP_PID" ] && ! kill -0 "$EXP_PID" 2>/dev/null && status=died
	[ -n "$EXP_PID" ] && [ -z "$a" ] && status=nostats
	mode_stop
	echo "$line status=$status sent=$(field sent "$out")" \
		"secs=$(field seconds "$out") gen_ns=$(field cpu_ns "$out")" \
		"$s0 $s1 $(tr ' ' '\n' <<< "$s2" | grep '^e_d_ns=') $b $a" >> "$RESULTS"
	tail -n 1 "$RESULTS" | tr ' ' '\n' | awk -F= '
		{ v[$1] = $2 }
		END {
			f = v["a_fwd"] - v["b_fwd"]
			c = (v["e_d_ns"] - v["b_d_ns"]) / 1e9
			printf "  %-8s round %s: sent %s in %s s, forwarded %d, daemon %.4f s CPU",
			    v["mode"], v["round"], v["sent"], v["secs"], f, c
			if ("a_x_pkts" in v)
				printf ", exported %d packets", v["a_x_pkts"] - v["b_x_pkts"]
			printf "\n"
		}'
}

# ---- part 2: new connections ---------------------------------------------

ct_count() {	# connections in R's conntrack table
	inR cat /proc/sys/net/netfilter/nf_conntrack_count
}
ct_empty() { [ "$(ct_count)" -le 2 ]; }	# (the daemon's export may be one)

ct_settled() {	# the conntrack-mode table is empty again
	local s
	s=$(ctstats s_) || return 1
	[[ " $s " == *" s_ct_tracked=0 "* ]]
}

# conn_run MODE RATE END: appends one line to $RESULTS
conn_run() {
	local mode=$1 rate=$2 END=$3 n b= a= s0 s1 s2 out t0 t1 left status=ok
	n=$CONNS
	[ "$rate" != 0 ] && [ $((rate * SECS)) -lt "$n" ] && n=$((rate * SECS))
	local line="part=conn mode=$mode rate=$rate conns=$n"

	if ! mode_start "$mode"; then
		mode_stop
		echo "$line status=nostart" >> "$RESULTS"
		return
	fi
	wait_quiet "$QUIET" || echo "  (machine not quiet; measuring anyway)"
	if [ "$mode" = ctfloor ]; then
		b=$(floor_stats b_)
	elif [ -n "$EXP_PID" ]; then
		b=$(ctstats b_ flush)
	fi
	s0=$(sample b_)
	# n distinct 5-tuples, one packet each (-c n: every flow once)
	out=$(blast -p 6000 -D 10000 -s 20000 -n "$n" -c "$n" -r "$rate" -t 60)
	sleep 0.2
	s1=$(sample a_)
	# every connection ends: by the kernel's timeout (udp 1 s here) and
	# garbage collector, or all at once (--end flush); the few left after
	# 20 s are flushed
	t0=$(date +%s.%N)
	[ "$END" = expire ] && wait_for 20 ct_empty
	left=$(ct_count)
	inR conntrack -F >/dev/null 2>&1
	case $mode in
	nfnd-ct*) wait_for 15 ct_settled || status=unsettled ;;
	nfnd)	sleep 1.5 ;;	# ends are exported within 1 s
	ctfloor) wait_for 15 floor_settled || status=unsettled ;;
	esac
	t1=$(date +%s.%N)
	if [ "$mode" = ctfloor ]; then
		a=$(floor_stats a_)
	elif [ -n "$EXP_PID" ]; then
		a=$(ctstats a_ flush)
	fi
	s2=$(sample e_)
	[ -n "$EXP_PID" ] && ! kill -0 "$EXP_PID" 2>/dev/null && status=died
	[ -n "$EXP_PID" ] && [ -z "$a" ] && status=nostats
	mode_stop
	echo "$line status=$status sent=$(field sent "$out")" \
		"secs=$(field seconds "$out") gen_ns=$(field cpu_ns "$out")" \
		"settle=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" \
		"end=$END left=$left" \
		"$s0 $s1 $(tr ' ' '\n' <<< "$s2" | grep '^e_d_ns=') $b $a" >> "$RESULTS"
	tail -n 1 "$RESULTS" | tr ' ' '\n' | awk -F= '
		{ v[$1] = $2 }
		END {
			f = v["a_fwd"] - v["b_fwd"]
			c = (v["e_d_ns"] - v["b_d_ns"]) / 1e9
			r = v["secs"] > 0 ? f / v["secs"] : 0
			printf "  %-8s %d connections in %s s (%.0f/s), daemon %.4f s CPU",
			    v["mode"], f, v["secs"], r, c
			if ("a_x_pkts" in v) {
				p = v["a_x_pkts"] - v["b_x_pkts"]
				n = v["a_x_recs"] - v["b_x_recs"]
				printf ", exported %d packets in %d records", p, n
			}
			printf ", ended in %s s [%s]\n", v["settle"], v["status"]
		}'
}

# ---- main ----------------------------------------------------------------

RESULTS=$T/results.txt
: > "$RESULTS"
bench_topology || exit 1
# B: a quiet sink for part 2's destination ports too
sink_ports 6000-15999

start=$(date +%s)
echo "nft-netflow conntrack benchmark: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "part 1: $FLOWS long-lived UDP flows, ${SECS}s per run, $RATE pps and max, $ROUNDS round(s)"
MODES="ct nfnd-ct nfnd"
[[ " $PARTS " == *" 1 "* ]] &&
for rate in "$RATE" 0; do
	echo "== $FLOWS flows, offered $([ "$rate" = 0 ] && echo max || echo "$rate pps")"
	for ((r = 1; r <= ROUNDS; r++)); do
		# rotate the order each round: no mode always runs first
		set -- $MODES
		for ((i = 1; i < r; i++)); do set -- "${@:2}" "$1"; done
		for mode in "$@"; do
			long_run "$mode" "$rate" "$r"
		done
	done
done
echo "part 2: new connections of one packet, offered $CONN_RATES (0 = max), at most $CONNS per run, ended by conntrack -F;${EXPIRE_RATES:+ $EXPIRE_RATES/s ended by timeout}"
[[ " $PARTS " == *" 2 "* ]] || CONN_RATES= EXPIRE_RATES=
# short-lived connections end 1 s after their packet (part 1 keeps the
# default 30 s: its warm-up must not expire)
inR sysctl -qw net.netfilter.nf_conntrack_udp_timeout=1 \
	net.netfilter.nf_conntrack_udp_timeout_stream=1
for rate in $CONN_RATES; do
	echo "== new connections, offered $([ "$rate" = 0 ] && echo max || echo "$rate/s")"
	[ "$rate" = 0 ] && conn_run ct 0 flush
	for mode in $CONN_MODES; do
		conn_run "$mode" "$rate" flush
	done
done
for rate in $EXPIRE_RATES; do
	echo "== new connections, offered $rate/s, ended by timeout"
	for mode in $CONN_MODES; do
		conn_run "$mode" "$rate" expire
	done
done
echo "(measured in $(($(date +%s) - start)) s)"
echo

[ -n "$OUT" ] || OUT=/tmp/nfn-ctbench-$(date +%Y%m%d-%H%M%S).txt
cp "$RESULTS" "$OUT"
[ -s "$T/ctstats.err" ] && { echo "stats errors:"; sort "$T/ctstats.err" | uniq -c | head -5; }
python3 "$SRCDIR/bench/cttable.py" --clk-tck "$CLK_TCK" "$RESULTS"
echo
echo "raw figures: $OUT"

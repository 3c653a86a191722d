#!/bin/bash
# run.sh: the forwarding benchmark; scripts/bench.sh
# builds and calls it.  Root (without it: exit 77, meson's skip); prints,
# never asserts on speed.
#
#	bench/run.sh [--quick] [--conntrack] [--sampler N] [--seconds N] [--rate PPS]
#	             [--flows "1000 100000"] [--modes "none ct floor ..."]
#	             [--family 4|6|both] [--qthresh N] [--build DIR] [--out FILE]
#
# --qthresh N: the NFLOG queue threshold of the rules, the daemon and the
# floor (default 1024, the daemon's default, chosen with it: see README).
#
# Real UDP traffic (60-byte frames) goes from namespace A through the
# router namespace R to B, at a fixed offered rate and at the highest rate
# the generator reaches, with 1,000 and 100,000 concurrent flows.  On R,
# one configuration ("mode") at a time:
#
#   none       no ruleset: plain forwarding (the ceiling, and the run
#              with no exporter that the host overheads are taken from)
#   ct         the table of conntrack = on minus its log rules: conntrack
#              only.  The baseline: "machine +" is measured against it.
#   floor      the shipped table (NFLOG, no conntrack) + bench/nflog-floor
#              (receives, discards)
#   nfnd       the shipped table + nft-netflowd (conntrack = off)
#   nfnd-cton  the table of conntrack = on + nft-netflowd with
#              conntrack = on (NFLOG and conntrack events)
#   nfnd9      the table of protocol = 9 (the shipped one with an IPv6 log
#              rule after each IPv4 one) + nft-netflowd with protocol = 9
#              (NetFlow v9)
#   nfnd10     the same with protocol = 10 (IPFIX)
#   softflowd  conntrack rules + softflowd capturing on R's ingress (ra)
#   fprobe     conntrack rules + fprobe capturing on ra
#   uacctd     the shipped table + pmacct's uacctd on the NFLOG group
#   nfnd-ct    (--conntrack) conntrack rules + nft-netflowd with
#              capture = conntrack (see mode_nfnd_ct)
#   nfnd-s     (--sampler N) the shipped table with numgen random mod N == 0
#              in front of each log + nft-netflowd with sampler = random:N
#              ("accounted" is then the sampled packets)
#   nfnd-s0    (--sampler N) the same with no ct expression in the table:
#              conntrack stays off, as SPEC 4 wants it when conntrack =
#              off (compare with "none")
#
# --family 6 sends the same flows over IPv6 (UDP to B's IPv6 address: the
# same source ports and destination ports, 80-byte frames), --family both
# runs each mode on IPv4 and then on IPv6, side by side.  IPv6 is metered
# only under protocol 9 and 10, so on IPv6 only none, ct, floor (with the
# table of protocol 9: it logs IPv6 where the daemon's does), nfnd9 and
# nfnd10 run; the other modes are IPv4 only.
#
# Each run: start the exporter, send one packet per flow (warm-up: the
# flows exist in conntrack and in the exporter before measuring), sample,
# send for N seconds, wait for the exporter to drain, sample, stop it.
# Between samples it measures:
#   forwarded   R's IP ForwDatagrams (/proc/net/snmp in R; IPv6:
#               Ip6OutForwDatagrams in /proc/net/snmp6): what the
#               router really forwarded, independent of every exporter
#   exporter    CPU of the exporter's processes and threads: exact
#               se.sum_exec_runtime from /proc/PID/task/*/sched, and
#               utime+stime from /proc/PID/stat (10 ms ticks) as a check
#   path        the generator's CPU (its sends carry the packet through
#               A, R and B in softirq on the same CPU: forwarding,
#               conntrack, building NFLOG messages) + ksoftirqd's + the
#               exporter's: the cost of the packet's whole path
#   machine     busy time of all CPUs from /proc/stat (includes softirq,
#               where the kernel side of NFLOG and pcap is paid), minus
#               what other processes on the machine used meanwhile
#   accounted   nft-netflowd: flows.metered_pkts + counted drops, and
#               nflog.lost; nfnd-ct: packets exported after a flush;
#               the floor: messages and lost
# and prints one table per scenario and family, with the ratios taken in
# the same run (v9 and IPFIX / v5, IPv6 / IPv4).  Raw numbers go to a TSV
# file (--out).

set -u

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$SRCDIR/build-bench
QUICK=0 CONNTRACK=0 SAMPLE_N=
SECS= RATE=50000 FLOWS="1000 100000" MODES= OUT= FAMILIES=4

while [ $# -gt 0 ]; do
	case $1 in
	--quick)	QUICK=1 ;;
	--conntrack)	CONNTRACK=1 ;;
	--sampler)	SAMPLE_N=$2; shift ;;
	--seconds)	SECS=$2; shift ;;
	--rate)		RATE=$2; shift ;;
	--qthresh)	QTHRESH=$2; shift ;;
	--flows)	FLOWS=$2; shift ;;
	--modes)	MODES=$2; shift ;;
	--family)	case $2 in
			4|6)	FAMILIES=$2 ;;
			both)	FAMILIES="4 6" ;;
			*)	echo "run.sh: --family 4, 6 or both"; exit 2 ;;
			esac
			shift ;;
	--build)	BUILD=$2; shift ;;
	--out)		OUT=$2; shift ;;
	-h|--help)	sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*)		echo "run.sh: unknown option $1 (try --help)"; exit 2 ;;
	esac
	shift
done

# Durations: the full run stays under ~10 minutes, --quick near 2.
if [ "$QUICK" = 1 ]; then
	: "${SECS:=2}"
	TAIL=1 SETTLE=0.3 QUIET=1 WARM=100000
	: "${MODES:=none ct floor nfnd nfnd-cton softflowd fprobe uacctd}"
else
	: "${SECS:=8}"
	TAIL=1.5 SETTLE=0.5 QUIET=10 WARM=
	: "${MODES:=none ct floor nfnd nfnd-cton softflowd fprobe uacctd}"
fi
# warm-up rate: the fixed rate, or faster in --quick (1 s for 100k flows)
: "${WARM:=$RATE}"
[ "$CONNTRACK" = 1 ] && MODES="$MODES nfnd-ct"
[ -n "$SAMPLE_N" ] && MODES="$MODES nfnd-s nfnd-s0"
case " $MODES " in
*" ct "*) ;;
*) MODES="ct $MODES" ;;	# the baseline of "machine +"
esac

. "$SRCDIR/bench/lib-bench.sh"
bench_init nfn-bench
BLAST=$BUILD/bench/blast
FLOOR=$BUILD/bench/nflog-floor
NFND=$NFT_NETFLOWD
for f in "$BLAST" "$FLOOR"; do
	[ -x "$f" ] || { echo "run.sh: $f not built (scripts/bench.sh builds it)"; exit 1; }
done

# Skip what is not there, say so, and go on with the rest.
have_mode() {
	case $1 in
	nfnd|nfnd-ct|nfnd-cton|nfnd9|nfnd10|nfnd-s|nfnd-s0)
		[ -x "$NFND" ] || { echo "skip $1: $NFND not built"; return 1; } ;;
	softflowd)	command -v softflowd >/dev/null && command -v softflowctl >/dev/null ||
				{ echo "skip softflowd: not installed"; return 1; } ;;
	fprobe|uacctd)	command -v "$1" >/dev/null || { echo "skip $1: not installed"; return 1; } ;;
	esac
	return 0
}
m=
for x in $MODES; do have_mode "$x" && m="$m $x"; done
MODES=$m

# on_family MODE FAMILY: does MODE run on FAMILY's traffic?
on_family() {
	[ "$2" = 4 ] && return 0
	case $1 in
	none|ct|floor|nfnd9|nfnd10) return 0 ;;
	esac
	return 1
}
case " $FAMILIES " in
*" 6 "*)
	m=
	for x in $MODES; do on_family "$x" 6 || m="$m $x"; done
	[ -n "$m" ] && echo "IPv4 only (no IPv6 metering):$m" ;;
esac

# ---- exporters: mode_X_start sets EXP_PID (empty: nothing to measure),
# mode_X_stats prints "accounted drops lost", mode_X_stop stops it.

no_stats() { echo "- - -"; }

mode_none_start() { rules none; EXP_PID=; }
mode_none_stats() { no_stats; }
mode_none_stop() { :; }

mode_ct_start() { rules ct; EXP_PID=; }
mode_ct_stats() { no_stats; }
mode_ct_stop() { :; }

mode_floor_start() {
	# on IPv6 the table that logs it, as protocol 9 and 10 load
	if [ "$FAM" = 6 ]; then rules proto9; else rules nflog; fi || return 1
	: > "$T/floor.out"
	ip netns exec "$NS_R" "$FLOOR" -g $GROUP -r 128 -q $QTHRESH -t 10 -n 131072 -R 8388608 \
		>> "$T/floor.out" 2>> "$T/floor.err" &
	EXP_PID=$!
	wait_for 5 nflog_bound $GROUP
}
mode_floor_stats() {	# SIGUSR1 makes it print a line; take the new one
	local n
	n=$(wc -l < "$T/floor.out")
	kill -USR1 "$EXP_PID"
	wait_for 3 test "$(wc -l < "$T/floor.out")" -gt "$n" || { no_stats; return; }
	tail -n 1 "$T/floor.out" | tr ' =' '\n\n' | awk '
		{ k = $0; getline v; s[k] = v }
		END { print s["messages"], 0, s["lost"] }'
}
mode_floor_stop() { stop_pid "$EXP_PID" TERM 5; }

mode_nfnd_start() {
	rules nflog || return 1
	bench_conf "$T/nfnd.conf"
	bench_daemon "$T/nfnd.conf"
}
mode_nfnd_stats() {	# one python process: query and sum (it is slow to start)
	python3 -I -S - "$T/control" <<-'PY' 2>/dev/null || no_stats
	import json, socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	s.settimeout(10)
	s.connect(sys.argv[1])
	s.sendall(b"stats json\n")
	s.shutdown(socket.SHUT_WR)
	data = b""
	while True:
	    chunk = s.recv(65536)
	    if not chunk:
	        break
	    data += chunk
	first, _, body = data.decode().partition("\n")
	st = json.loads(body if first.startswith("OK") and body.strip() else first[3:])
	d = st.get("drops", {})
	drops = sum(d.get(k, 0) for k in
	            ("maxflows_pkts", "alloc_pkts", "truncated", "malformed"))
	print(st["flows"]["metered_pkts"], drops, st.get("nflog", {}).get("lost", 0))
	PY
}
mode_nfnd_stop() { stop_daemon 10; }

# v9 and IPFIX on the same traffic: only the encoder differs from v5, and
# the table, which logs IPv6 too (one more rule IPv4 packets skip)
mode_nfnd9_start() {
	rules proto9 || return 1
	bench_conf "$T/nfnd9.conf" protocol=9
	bench_daemon "$T/nfnd9.conf"
}
mode_nfnd9_stats() { mode_nfnd_stats; }
mode_nfnd9_stop() { mode_nfnd_stop; }
mode_nfnd10_start() {
	rules proto9 || return 1
	bench_conf "$T/nfnd10.conf" protocol=10
	bench_daemon "$T/nfnd10.conf"
}
mode_nfnd10_stats() { mode_nfnd_stats; }
mode_nfnd10_stop() { mode_nfnd_stop; }

# the same daemon with conntrack = on (the former default)
mode_nfnd_cton_start() {
	rules nflog-ct || return 1
	bench_conf "$T/nfnd-cton.conf" conntrack=on
	bench_daemon "$T/nfnd-cton.conf"
}
mode_nfnd_cton_stats() { mode_nfnd_stats; }
mode_nfnd_cton_stop() { mode_nfnd_stop; }
# sampling in the kernel's rule, 1 packet in N to NFLOG
mode_nfnd_s_start() {
	rules sampled || return 1
	bench_conf "$T/nfnd-s.conf" sampler=random:$SAMPLE_N
	bench_daemon "$T/nfnd-s.conf"
}
mode_nfnd_s_stats() { mode_nfnd_stats; }
mode_nfnd_s_stop() { mode_nfnd_stop; }
mode_nfnd_s0_start() {
	rules sampled-noct || return 1
	bench_conf "$T/nfnd-s0.conf" sampler=random:$SAMPLE_N
	bench_daemon "$T/nfnd-s0.conf"
}
mode_nfnd_s0_stats() { mode_nfnd_stats; }
mode_nfnd_s0_stop() { mode_nfnd_stop; }

# the conntrack-event-only mode on the same traffic.  No NFLOG rule
# (the conntrack rule still turns tracking on); the daemon reads conntrack
# events, and nothing is exported during a run (connections export at
# their end or every active_timeout).  So each stats sample first asks it
# to "flush": it dumps the table and exports every connection's delta since
# its last export; "accounted" is then the packets of the records exported
# between the samples (both directions; B never answers, so these are the
# forwarded A->B packets).  The samples lie outside the measured CPU
# window, so the flush is not counted here.  The per-connection figures,
# the ratios to nflog mode and to conntrack alone are bench/ctbench.sh's.
mode_nfnd_ct_start() {
	rules ct || return 1
	# connections made before the daemon turns nf_conntrack_acct on (by
	# earlier modes' runs) carry no counters: start from an empty table
	inR conntrack -F >/dev/null 2>&1
	bench_conf "$T/nfnd-ct.conf" capture=conntrack
	bench_daemon "$T/nfnd-ct.conf"
}
mode_nfnd_ct_stats() {
	python3 -I -S "$SRCDIR/bench/ctstats.py" "$T/control" "" flush \
		2>/dev/null | tr ' ' '\n' | awk -F= '
		{ v[$1] = $2 }
		END {
			if (!("x_pkts" in v)) { print "- - -"; exit }
			print v["x_pkts"], v["drops"] + v["ct_drop_pkts"], v["nflog_lost"]
		}'
}
mode_nfnd_ct_stop() { mode_nfnd_stop; }

mode_softflowd_start() {
	rules ct || return 1
	rm -f "$T/sf.ctl"
	# -m above the flow count (default 8192); -B: the same 8 MiB of
	# buffer the NFLOG readers get.
	ip netns exec "$NS_R" softflowd -d -i ra -m 2000000 -B 8388608 -v 5 -n $SINK:9996 \
		-p "$T/sf.pid" -c "$T/sf.ctl" > "$T/softflowd.log" 2>&1 &
	EXP_PID=$!
	wait_for 5 test -S "$T/sf.ctl"
}
mode_softflowd_stats() { no_stats; }
mode_softflowd_stop() {
	# -d has no SIGTERM handler: ask it over the control socket
	timeout 5 softflowctl -c "$T/sf.ctl" shutdown >/dev/null 2>&1
	stop_pid "$EXP_PID" TERM 5
}

pcap_open() {	# a packet socket exists in R (fprobe has opened ra)
	[ "$(wc -l < "/proc/$HOLD_R/net/packet")" -gt 1 ]
}
mode_fprobe_start() {
	rules ct || return 1
	# -l 2: foreground, log to stdout; -B in KiB (8 MiB as the others)
	ip netns exec "$NS_R" fprobe -l 2 -i ra -B 8192 $SINK:9997 > "$T/fprobe.log" 2>&1 &
	EXP_PID=$!
	wait_for 5 pcap_open
}
mode_fprobe_stats() { no_stats; }
mode_fprobe_stop() { stop_pid "$EXP_PID" TERM 5; }

mode_uacctd_start() {
	rules nflog || return 1
	# threshold ~400 (TESTING.md: more loses silently, 1 costs ~5x); the
	# rule's queue-threshold 256 is the smaller one, so 256 is in effect,
	# as for the other NFLOG readers.  The pipe to the plugin sized per
	# pmacct's CONFIG-KEYS advice (buffer:pipe between 1:100 and 1:1000).
	cat > "$T/uacctd.conf" <<-EOF
	daemonize: false
	uacctd_group: $GROUP
	uacctd_threshold: 400
	uacctd_nl_size: 131072
	snaplen: 128
	plugins: nfprobe[np]
	aggregate[np]: src_host, dst_host, src_port, dst_port, proto, tos
	nfprobe_receiver[np]: $SINK:9998
	nfprobe_version[np]: 5
	nfprobe_maxflows[np]: 2000000
	plugin_pipe_size[np]: 10240000
	plugin_buffer_size[np]: 10240
	EOF
	ip netns exec "$NS_R" uacctd -f "$T/uacctd.conf" > "$T/uacctd.log" 2>&1 &
	EXP_PID=$!
	wait_for 5 nflog_bound $GROUP || return 1
	# the plugin is a child process: give it time to come up
	sleep 0.5
}
mode_uacctd_stats() { no_stats; }
mode_uacctd_stop() { stop_pid "$EXP_PID" INT 5; }	# ignores SIGTERM when idle

# ---- one run -------------------------------------------------------------

blast() {	# blast FLOWS RATE SECONDS [COUNT]: in A, on CPU 0, family $FAM
	local -a to=(-a "$A_IPS" -d "$B_IP")
	[ "$FAM" = 6 ] && to=(-6 -a "$A6_IPS" -d "$B6_IP")
	inA taskset -c 0 "$BLAST" "${to[@]}" -p 5000 -D 1000 -s 10000 \
		-n "$1" -r "$2" -t "$3" ${4:+-c "$4"}
}

delta() {	# delta "a b c" "x y z": prints "x-a<TAB>y-b<TAB>z-c<TAB>"
	local -a u=($1) v=($2)
	local i
	for i in "${!u[@]}"; do
		if [ "${u[i]}" = - ] || [ "${v[i]:--}" = - ]; then
			printf -- '-\t'
		else
			printf '%s\t' $((v[i] - u[i]))
		fi
	done
}

# run_one MODE FLOWS RATE: appends one line to $RESULTS; traffic of family
# $FAM (4 or 6)
run_one() {
	local mode=$1 flows=$2 rate=$3 fn=${1//-/_}
	local c0 c1 m0 m1 e0 e1 s0 s1 f0 f1 k0 k1 out sent secs bcpu
	local status=ok warm=$WARM

	if ! "mode_${fn}_start"; then
		echo "  $mode: did not start" >&2
		status=nostart
		[ -n "$EXP_PID" ] && "mode_${fn}_stop"
		EXP_PID=
		{	# the family stays the 20th column
			printf '%s\t' "$flows" "$rate" "$mode" "$status"
			printf -- '-\t%.0s' {1..15}
			echo "$FAM"
		} >> "$RESULTS"
		return
	fi
	# warm-up: one packet per flow (at most 5 s)
	blast "$flows" "$warm" 5 "$flows" > /dev/null
	sleep "$SETTLE"
	# other work on the machine (builds, tests) pollutes /proc/stat
	wait_quiet "$QUIET" || echo "  (machine not quiet; measuring anyway)"

	s0=$("mode_${fn}_stats") f0=$(foreign_cpu)
	e0="0 0"; [ -n "$EXP_PID" ] && e0=$(tree_cpu "$EXP_PID")
	k0=$(ksoftirqd_ns) c0=$(r_counters "$FAM") m0=$(machine_cpu)
	out=$(blast "$flows" "$rate" "$SECS")
	sleep "$TAIL"
	m1=$(machine_cpu) c1=$(r_counters "$FAM") k1=$(ksoftirqd_ns)
	[ -n "$EXP_PID" ] && e1=$(tree_cpu "$EXP_PID") || e1="0 0"
	f1=$(foreign_cpu) s1=$("mode_${fn}_stats")
	if [ -n "$EXP_PID" ] && ! kill -0 "$EXP_PID" 2>/dev/null; then
		status=died
	fi
	"mode_${fn}_stop"
	EXP_PID=

	sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' <<< "$out")
	secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$out")
	bcpu=$(sed -n 's/.*cpu_ns=\([0-9]*\).*/\1/p' <<< "$out")
	# flows rate mode status sent secs | ra_rx ra_drop forwarded deltas |
	# exporter ns ticks | machine busy softirq ticks | accounted drops lost |
	# foreign ticks | generator ns, ksoftirqd ns | family (4 or 6)
	# deltas of the "a b c" samples; "-" where there is nothing to count
	{
		printf '%s\t' "$flows" "$rate" "$mode" "$status" "${sent:-0}" \
			"${secs:-0}"
		delta "$c0" "$c1"; delta "$e0" "$e1"; delta "$m0" "$m1"
		delta "$s0" "$s1"; delta "$f0" "$f1"
		printf '%s\t%s\t%s\n' "${bcpu:-0}" "$((k1 - k0))" "$FAM"
	} >> "$RESULTS"
	tail -n 1 "$RESULTS" | awk -F'\t' '{
		printf "  %-10s IPv%s sent %s in %s s, forwarded %s, exporter %.3f s CPU\n",
		    $3, $20, $5, $6, $9, $10 / 1e9 }'
}

# ---- main ----------------------------------------------------------------

RESULTS=$T/results.tsv
: > "$RESULTS"
bench_topology || exit 1

start=$(date +%s)
echo "nft-netflow forwarding benchmark: $(nproc) CPUs, $(uname -r), ${SECS}s per run, load average $(cut -d" " -f1-3 /proc/loadavg)"
echo "flows: $FLOWS; offered: $RATE pps and max; modes:$MODES; IPv${FAMILIES// /, IPv}; queue threshold $QTHRESH"
for flows in $FLOWS; do
	for rate in "$RATE" 0; do
		echo "== $flows flows, offered $([ "$rate" = 0 ] && echo max || echo "$rate pps")"
		# each mode on IPv4, then at once on IPv6: the two side by side
		for mode in $MODES; do
			for FAM in $FAMILIES; do
				on_family "$mode" "$FAM" &&
					run_one "$mode" "$flows" "$rate"
			done
		done
	done
done
echo "(measured in $(($(date +%s) - start)) s)"
echo

[ -n "$OUT" ] || OUT=/tmp/nfn-bench-$(date +%Y%m%d-%H%M%S).tsv
cp "$RESULTS" "$OUT"
python3 "$SRCDIR/bench/table.py" --clk-tck "$CLK_TCK" "$RESULTS"
echo
echo "raw figures: $OUT"

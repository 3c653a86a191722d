# lib-bench.sh: what the benchmarks (bench/run.sh, bench/ctbench.sh) add to
# the namespace harness tests/lib/netns.sh: the measurement helpers.
# Sourced, bash, after BUILD is set.
#
# The topology is the harness's, dual-stack (setup_ipv6), in namespaces
# nfb{A,R,B}$$, with a second address of each family on A for the generator:
#
#   A 198.18.1.2,.3    --a0/ra-- R 198.18.1.1    | 198.19.1.1    --rb/b0-- B 198.19.1.2
#     2001:2:0:1::2,::3            2001:2:0:1::1 | 2001:2:0:2::1             2001:2:0:2::2
#
# A runs the traffic generator, R forwards (both families) and runs the
# rules and one exporter at a time, B drops the UDP quietly (no ICMP
# errors).  Traffic goes only to B's addresses, from addresses assigned
# here.  Everything is removed by the harness's EXIT trap.
#
# Measurements never run a command inside R while an exporter is being
# measured: a "holder" process (sleep) lives in R, and R's interface
# counters and NFLOG instances are read through /proc/HOLDER/net, which
# shows the holder's namespace.

set -u

. "$(dirname "${BASH_SOURCE[0]}")/../tests/lib/netns.sh"

HOLD_R= EXP_PID=
# NFLOG queue threshold of the rules, the daemon and the floor (the
# daemon's default; bench/run.sh --qthresh changes it for nflog and proto9)
: "${QTHRESH:=1024}"
CLK_TCK=$(getconf CLK_TCK)
GROUP=2055
# Exporters send to ports on R's loopback where nothing listens: export
# is not what is measured, and nothing expires during a run anyway.
SINK=127.0.0.1

# bench_init NAME TOOL...: root, the harness's tools and TOOLs (or exit 77,
# meson's skip), $T (/tmp/NAME.XXXXXX) and the EXIT trap
bench_init() {
	local name=$1
	shift
	harness_require taskset pgrep python3 "$@"
	harness_init "$name" nfb
	trap "echo '$name: interrupted'; exit 130" INT TERM
	A_IPS=$A_IP,198.18.1.3
	A6_IPS=$A6_IP,2001:2:0:1::3
	NFT_NETFLOWD=$BUILD/src/nft-netflowd
	NFN_GEN_SHIPPED=$BUILD/src/gen-shipped
}

# bench_topology: the harness's topology with IPv6, R's holder, and the
# neighbours resolved once, so that no run pays for ARP or NDP
bench_topology() {
	setup_topology
	setup_ipv6
	bench_quiet_ipv6
	ip netns exec "$NS_R" sleep 100000 &
	HOLD_R=$!
	disown "$HOLD_R"	# killed at cleanup: no job notice
	inA ping -c 1 -W 1 -q "$B_IP" >/dev/null 2>&1
	inB ping -c 1 -W 1 -q "${A_IPS%%,*}" >/dev/null 2>&1
	inA ping -6 -c 1 -W 1 -q "$B6_IP" >/dev/null 2>&1
	inB ping -6 -c 1 -W 1 -q "${A6_IPS%%,*}" >/dev/null 2>&1
	return 0
}

# bench_quiet_ipv6: no IPv6 packet to or from R but the forwarded ones
# during a run.  The tables of protocol 9 and 10 log IPv6 in R's input and
# output too, where neighbour discovery (unlike ARP) is IP: its probes
# (every ~30 s per neighbour in use) and A's and B's router solicitations
# would be metered but not forwarded, and "accounted" would not match.
# So the neighbours are permanent and A and B solicit no router.
bench_quiet_ipv6() {
	local mac_a mac_ra mac_rb mac_b ip
	mac_a=$(inA cat /sys/class/net/a0/address)
	mac_ra=$(inR cat /sys/class/net/ra/address)
	mac_rb=$(inR cat /sys/class/net/rb/address)
	mac_b=$(inB cat /sys/class/net/b0/address)
	inA sysctl -qw net.ipv6.conf.a0.router_solicitations=0
	inB sysctl -qw net.ipv6.conf.b0.router_solicitations=0
	inA ip -6 neigh replace "$RA6_IP" lladdr "$mac_ra" dev a0 nud permanent
	for ip in ${A6_IPS//,/ }; do
		inR ip -6 neigh replace "$ip" lladdr "$mac_a" dev ra nud permanent
	done
	inR ip -6 neigh replace "$B6_IP" lladdr "$mac_b" dev rb nud permanent
	inB ip -6 neigh replace "$RB6_IP" lladdr "$mac_rb" dev b0 nud permanent
}

# rules MODE: R's ruleset is exactly the harness's MODE (load_rules: none,
# ct, nflog or nflog-ct), or proto9: the table nft-netflow loads for
# protocol = 9 or 10 (IPv6 logged too), as gen-shipped writes it
rules() {
	inR nft flush ruleset
	case $1 in
	sampled|sampled-noct)	rules_sampled "$1" ;;
	proto9)	"$NFN_GEN_SHIPPED" nft protocol=9 queue_threshold=$QTHRESH \
		    > "$T/rules.nft" &&
		grep -q 'nfproto ipv6 log' "$T/rules.nft" &&
		inR nft -f "$T/rules.nft" ;;
	nflog)	if grep -q "queue-threshold $QTHRESH\$" \
		    "$NFN_SRCDIR/nft/nft-netflow.nft"; then
			load_rules nflog	# the shipped file itself
		else
			"$NFN_GEN_SHIPPED" nft queue_threshold=$QTHRESH \
			    > "$T/rules.nft" && inR nft -f "$T/rules.nft"
		fi ;;
	*)	load_rules "$1" ;;
	esac
}

# rules_sampled sampled|sampled-noct: the shipped table with sampler =
# random:$SAMPLE_N, numgen random mod N == 0 in front of each log.
# sampled-noct: the same without any ct expression, so conntrack
# stays off, as SPEC 4 wants the rules when conntrack = off and natevents =
# 0 (the exclusion of the export traffic by ct mark goes too: the bench's
# exports are few and go nowhere)
rules_sampled() {
	sed "s/meta nfproto ipv4 log group/meta nfproto ipv4 numgen random mod $SAMPLE_N == 0 log group/" \
		"$NFN_SRCDIR/nft/nft-netflow.nft" > "$T/rules.nft"
	grep -q "numgen random mod $SAMPLE_N == 0 log" "$T/rules.nft" || return 1
	if [ "$1" = sampled-noct ]; then
		sed -i -e '/[[:space:]]ct mark /d' -e '/ ct state /d' "$T/rules.nft"
		! grep -v '^[[:space:]]*#' "$T/rules.nft" | grep -qw ct || return 1
	fi
	inR nft -f "$T/rules.nft"
}

# bench_conf FILE [key=value...]: the daemon's settings in every benchmark
# (big table and buffers, nothing expires during a run), then the given keys
bench_conf() {
	local f=$1; shift
	write_conf "$f" destination=$SINK:9995 inactive_timeout=15 \
		active_timeout=1800 maxflows=2000000 nflog_group=$GROUP \
		copy_range=128 queue_threshold=$QTHRESH flush_timeout=10 \
		nlbufsiz=131072 netlink_rcvbuf=8388608 "$@"
}

# bench_daemon CONF: nft-netflowd started by the harness, measured as the
# exporter (EXP_PID, set even when it does not come up, so it is stopped)
bench_daemon() {
	local rc
	start_daemon "$1"
	rc=$?
	EXP_PID=$DAEMON_PID
	return $rc
}

# r_counters [4|6]: R's counters, "ra_rx ra_drop forwarded", read through
# the holder so that nothing runs inside R.  Forwarded is IP's
# ForwDatagrams (/proc/net/snmp), or for 6 IPv6's Ip6OutForwDatagrams
# (/proc/net/snmp6): unlike rb's tx_packets it never counts R's own ARP or
# NDP probes.
r_counters() {
	{
		sed 's/:/ /' "/proc/$HOLD_R/net/dev"
		if [ "${1:-4}" = 6 ]; then
			cat "/proc/$HOLD_R/net/snmp6"
		else
			cat "/proc/$HOLD_R/net/snmp"
		fi
	} | awk '
		$1 == "ra" { rx = $3; drop = $5 }
		$1 == "Ip6OutForwDatagrams" { fwd = $2 }
		$1 == "Ip:" && $2 !~ /^[0-9]+$/ {
			for (i = 2; i <= NF; i++) if ($i == "ForwDatagrams") col = i
		}
		$1 == "Ip:" && $2 ~ /^[0-9]+$/ && col { fwd = $col }
		END { print rx + 0, drop + 0, fwd + 0 }'
}

# nflog_bound GROUP: is some process bound to the group in R?
nflog_bound() {
	awk -v g="$1" '$1 == g { f = 1 } END { exit !f }' \
		"/proc/$HOLD_R/net/netfilter/nfnetlink_log" 2>/dev/null
}

# tree_cpu PID: "NS TICKS" for PID and its descendants: NS from each
# thread's se.sum_exec_runtime (/proc/.../sched, exact), TICKS from
# utime+stime in /proc/PID/stat (clock ticks, as top and ps count).
tree_cpu() {
	local p f s ns=0 ticks=0
	for p in $(tree_pids "$1"); do
		for f in /proc/"$p"/task/*/sched; do
			s=$(awk '$1 == "se.sum_exec_runtime" {
				printf "%.0f", $3 * 1e6 }' "$f" 2>/dev/null)
			ns=$((ns + ${s:-0}))
		done
		s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		s=${s##*) }
		set -- $s
		ticks=$((ticks + ${12} + ${13}))
	done
	echo "$ns $ticks"
}

# ksoftirqd_ns: CPU (ns) of the ksoftirqd threads, where softirq work goes
# when it cannot run at once (under load: forwarding at the highest rate).
ksoftirqd_ns() {
	local p t=0 v
	for p in $(pgrep '^ksoftirqd/'); do
		v=$(awk '$1 == "se.sum_exec_runtime" { printf "%.0f", $3 * 1e6 }' \
			"/proc/$p/sched" 2>/dev/null)
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

# machine_cpu: busy ticks of all CPUs (user nice system irq softirq steal)
# and softirq alone, from /proc/stat.
machine_cpu() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $8; exit }' \
		/proc/stat
}

# foreign_cpu: ticks (utime+stime+cutime+cstime) of every user process on
# the machine that is not this benchmark: not this shell or its
# descendants (the exporter, the generator), not a kernel thread.  Other
# work on the machine (a build, a test suite) lands in /proc/stat's totals;
# its delta over a run is subtracted from the machine figure and shown.
# Softirq work done for other namespaces' traffic cannot be told apart.
foreign_cpu() {
	local mine
	mine=$(tree_pids $$ | tr '\n' ' ')
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v mine=" $mine " '
		{
			pid = $1
			sub(/^.*\) /, "")	# after "(comm) ": field 3 is $1
			# kernel threads: kthreadd (2) and its children
			if (pid == 2 || $2 == 2 || index(mine, " " pid " "))
				next
			t += $12 + $13 + $14 + $15
		}
		END { print t + 0 }'
}

# wait_quiet SECONDS: wait (at most SECONDS) until other work on the machine
# leaves the CPUs idle for half a second, so runs start on a quiet machine.
wait_quiet() {
	local i a b
	for ((i = 0; i < $1 * 2; i++)); do
		a=$(machine_cpu) && sleep 0.5 && b=$(machine_cpu)
		# under 3 ticks (30 ms) busy in 0.5 s on all CPUs: quiet
		[ $((${b%% *} - ${a%% *})) -lt 3 ] && return 0
	done
	return 1
}

# wait_for SECONDS COMMAND...: poll (every 0.1 s) until COMMAND succeeds.
wait_for() {
	local n=$(($1 * 10)) i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

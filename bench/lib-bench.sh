# lib-bench.sh: topology and measurement helpers of the forwarding benchmark
# (sourced by bench/run.sh; bash).
#
# The topology is TESTING.md's, in namespaces named after this PID:
#
#   A 198.18.1.2,.3 --a0/ra-- R 198.18.1.1 | 198.19.1.1 --rb/b0-- B 198.19.1.2
#
# A runs the traffic generator, R forwards and runs the rules and one
# exporter at a time, B drops the UDP quietly (no ICMP errors).  Traffic
# goes only to B's address, from addresses assigned here.  Everything is
# removed by bench_cleanup, which run.sh installs as the EXIT trap.
#
# Measurements never run a command inside R while an exporter is being
# measured: a "holder" process (sleep) lives in each namespace, and R's
# interface counters and NFLOG instances are read through /proc/HOLDER/net,
# which shows the holder's namespace.

set -u

NS_A=nfbA$$ NS_R=nfbR$$ NS_B=nfbB$$
A_IPS=198.18.1.2,198.18.1.3
RA_IP=198.18.1.1 RB_IP=198.19.1.1 B_IP=198.19.1.2
HOLD_R= EXP_PID=
CLK_TCK=$(getconf CLK_TCK)

# Background processes are started with "ip netns exec" itself, never
# through these functions: "inR cmd &" would fork a subshell, and $! would
# be that subshell (in the root namespace), not the process to measure.
inA() { ip netns exec "$NS_A" "$@"; }
inR() { ip netns exec "$NS_R" "$@"; }
inB() { ip netns exec "$NS_B" "$@"; }

bench_cleanup() {
	if [ -n "$EXP_PID" ]; then
		kill -TERM "$EXP_PID" 2>/dev/null
		sleep 0.3
	fi
	# Only processes inside our own namespaces: the exporter and holders.
	for ns in "$NS_R" "$NS_A" "$NS_B"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
	done
	# reap them here, quietly (no "Killed" job notices)
	{ wait; } 2>/dev/null
	for ns in "$NS_A" "$NS_R" "$NS_B"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ "${KEEP_TMP:-0}" = 1 ]; then
		echo "kept $T"
	else
		rm -rf "$T"
	fi
}

bench_topology() {
	local x ns ip
	ip netns add "$NS_A" && ip netns add "$NS_R" && ip netns add "$NS_B" ||
		{ echo "bench: cannot create network namespaces"; return 1; }
	ip link add a0 netns "$NS_A" type veth peer name ra netns "$NS_R"
	ip link add rb netns "$NS_R" type veth peer name b0 netns "$NS_B"
	for ip in ${A_IPS//,/ }; do
		inA ip addr add "$ip/24" dev a0
	done
	inR ip addr add $RA_IP/24 dev ra
	inR ip addr add $RB_IP/24 dev rb
	inB ip addr add $B_IP/24 dev b0
	for x in "A a0" "R ra" "R rb" "B b0"; do
		set -- $x
		ns=NS_$1
		ip netns exec "${!ns}" ip link set lo up
		ip netns exec "${!ns}" ip link set "$2" up
		# one skb = one wire packet, so counts mean packets
		ip netns exec "${!ns}" ethtool -K "$2" tso off gso off gro off \
			>/dev/null 2>&1
	done
	inA ip route add default via $RA_IP
	inB ip route add default via $RB_IP
	inR sysctl -qw net.ipv4.ip_forward=1
	# B: a quiet sink for the generator's destination ports
	inB nft -f - <<-NFT
	table inet sink {
		chain in {
			type filter hook input priority 0; policy accept;
			udp dport 5000-5999 drop
		}
	}
	NFT
	ip netns exec "$NS_R" sleep 100000 &
	HOLD_R=$!
	disown "$HOLD_R"	# killed at cleanup: no job notice
	# resolve the neighbours once, so no run pays for ARP
	inA ping -c 1 -W 1 -q $B_IP >/dev/null 2>&1
	inB ping -c 1 -W 1 -q "${A_IPS%%,*}" >/dev/null 2>&1
	return 0
}

# rules MODE: R's ruleset.  none: no table at all (plain forwarding); ct:
# the shipped table without its log rules (conntrack only); nflog: the
# shipped table as is (conntrack + NFLOG group 2055, snaplen 128,
# queue-threshold 256).
rules() {
	inR nft flush ruleset
	case $1 in
	none)	;;
	ct)	sed '/ log group /d' "$SRCDIR/nft/nft-netflow.nft" > "$T/rules.nft"
		inR nft -f "$T/rules.nft" ;;
	nflog)	inR nft -f "$SRCDIR/nft/nft-netflow.nft" ;;
	*)	echo "bench: unknown rules $1"; return 1 ;;
	esac
}

# R's counters, "ra_rx ra_drop forwarded", read through the holder so that
# nothing runs inside R.  Forwarded is IP's ForwDatagrams: unlike rb's
# tx_packets it never counts R's own ARP probes.
r_counters() {
	{ sed 's/:/ /' "/proc/$HOLD_R/net/dev"; cat "/proc/$HOLD_R/net/snmp"; } |
	awk '
		$1 == "ra" { rx = $3; drop = $5 }
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

# tree_pids PID: PID and all its descendants (uacctd forks its plugins).
tree_pids() {
	local p
	echo "$1"
	for p in $(pgrep -P "$1" 2>/dev/null); do
		tree_pids "$p"
	done
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

# stop_pid PID SIGNAL SECONDS: signal, wait up to SECONDS, then SIGKILL.
stop_pid() {
	local pid=$1 sig=$2 secs=$3 i
	kill "-$sig" "$pid" 2>/dev/null
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "bench: pid $pid ignored SIG$sig for ${secs}s, killing" >&2
		kill -9 $(tree_pids "$pid") 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

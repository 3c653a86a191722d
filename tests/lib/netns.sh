# netns.sh: the namespace harness shared by the integration tests
# (tests/integration/lib.sh), the benchmarks (bench/run.sh, bench/ctbench.sh)
# and the demo (scripts/demo.sh).  Sourced, bash.
#
# It builds TESTING.md's topology in network namespaces named after the
# caller's PID, runs what R needs and removes everything on exit:
#
#   A 198.18.1.2 --a0/ra-- R 198.18.1.1 | 198.19.1.1 --rb/b0-- B 198.19.1.2
#
# R forwards and holds the rules, nft-netflowd, nfcapd on 127.0.0.1 and the
# capture of ra; B drops the UDP sent to it quietly (no ICMP errors nobody
# counted).  Traffic goes only to these addresses, from namespaces made
# here.  Use:
#
#	. tests/lib/netns.sh
#	harness_init TMPNAME NSPREFIX	# $T, namespace names, EXIT trap
#	harness_require TOOL...		# root and tools, or exit 77 (skip)
#	setup_topology			# A, R, B (or exit 77)
#	load_rules nflog|ct|none	# R's ruleset
#	start_collector / start_daemon / capture_start, ... their stop_*
#
# Background processes that must be waited for or measured are started
# with "ip netns exec" itself, never through inA/inR/inB: "inR cmd &" forks
# a subshell, and $! is that subshell (in the root namespace), not cmd.

set -u

NFN_SRCDIR=${NFN_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NFT_NETFLOWD=${NFT_NETFLOWD:-$NFN_SRCDIR/build/src/nft-netflowd}
# writes the rules of a configuration (load_rules nflog-ct, ct)
NFN_GEN_SHIPPED=${NFN_GEN_SHIPPED:-$(dirname "$NFT_NETFLOWD")/gen-shipped}

A_IP=198.18.1.2 RA_IP=198.18.1.1 RB_IP=198.19.1.1 B_IP=198.19.1.2
# A's addresses (comma-separated, the first is A_IP); the benchmark adds one
A_IPS=$A_IP
DAEMON_PID= TSHARK_PID=

inA() { ip netns exec "$NS_A" "$@"; }
inR() { ip netns exec "$NS_R" "$@"; }
inB() { ip netns exec "$NS_B" "$@"; }

# harness_init TMPNAME NSPREFIX: a fresh directory $T (/tmp/TMPNAME.XXXXXX),
# namespaces NSPREFIX{A,R,B}$$, and cleanup as the EXIT trap
harness_init() {
	T=$(mktemp -d "/tmp/$1.XXXXXX") || exit 1
	NS_A=$2A$$ NS_R=$2R$$ NS_B=$2B$$
	trap cleanup EXIT
}

# harness_require TOOL...: root and every TOOL, or say why and exit 77
# (meson's skip)
harness_require() {
	local tool
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: ${0##*/} needs root (network namespaces)"
		exit 77
	fi
	for tool in ip nft ethtool "$@"; do
		if ! command -v "$tool" >/dev/null; then
			echo "SKIP: $tool is not installed"
			exit 77
		fi
	done
}

# cleanup: every process in our namespaces gets SIGTERM, then SIGKILL; the
# namespaces and $T go (KEEP_TMP=1 keeps $T).  Nothing outside the
# namespaces made here is touched.
cleanup() {
	local ns pids
	pids=$(for ns in "$NS_R" "$NS_A" "$NS_B"; do ip netns pids "$ns" 2>/dev/null; done)
	if [ -n "$pids" ]; then
		kill -TERM $pids 2>/dev/null
		sleep 0.3
		for ns in "$NS_R" "$NS_A" "$NS_B"; do
			ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		done
		# reap our own children quietly (no "Killed" job notices)
		{ wait $pids; } 2>/dev/null
	fi
	for ns in "$NS_A" "$NS_R" "$NS_B"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}

# setup_topology: A, R and B, addresses, routes, R forwarding, offloads
# off, B's quiet UDP sink; RA_IF and RB_IF are R's ifindexes.  Where
# network namespaces cannot be made it says so and exits 77 (skip).
setup_topology() {
	local x ns ip
	ip netns add "$NS_A" && ip netns add "$NS_R" && ip netns add "$NS_B" ||
		{ echo "SKIP: cannot create network namespaces"; exit 77; }
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
		# one skb = one wire packet, so packet counts are comparable
		ip netns exec "${!ns}" ethtool -K "$2" tso off gso off gro off \
			>/dev/null 2>&1
	done
	inA ip route add default via $RA_IP
	inB ip route add default via $RB_IP
	inR sysctl -qw net.ipv4.ip_forward=1
	# B: a quiet UDP sink (no ICMP port unreachable that nobody counted)
	inB nft -f - <<-NFT
	table inet sink {
		chain in {
			type filter hook input priority 0; policy accept;
			udp dport 5000-5999 drop
		}
	}
	NFT
	RA_IF=$(inR cat /sys/class/net/ra/ifindex)
	RB_IF=$(inR cat /sys/class/net/rb/ifindex)
}

# setup_ipv6: the same topology dual-stack, in the IPv6 benchmarking range
#   A 2001:2:0:1::2 -- R 2001:2:0:1::1 | 2001:2:0:2::1 -- B 2001:2:0:2::2
# (nodad: usable at once).  The capture of ra then holds IPv6 too, and
# NDP/MLD noise between link-local addresses, which compare.py leaves out.
A6_IP=2001:2:0:1::2 RA6_IP=2001:2:0:1::1 RB6_IP=2001:2:0:2::1 B6_IP=2001:2:0:2::2
# A's IPv6 addresses, as A_IPS (the first is A6_IP; the benchmark adds one)
A6_IPS=$A6_IP
setup_ipv6() {
	local ip
	for ip in ${A6_IPS//,/ }; do
		inA ip -6 addr add "$ip/64" dev a0 nodad
	done
	inR ip -6 addr add $RA6_IP/64 dev ra nodad
	inR ip -6 addr add $RB6_IP/64 dev rb nodad
	inB ip -6 addr add $B6_IP/64 dev b0 nodad
	inA ip -6 route add default via $RA6_IP
	inB ip -6 route add default via $RB6_IP
	inR sysctl -qw net.ipv6.conf.all.forwarding=1
	CAPTURE_FILTER="ip or ip6"
}

# sink_ports RANGE: B drops UDP to these ports quietly too (e.g. 6000-15999)
sink_ports() {
	inB nft add rule inet sink in udp dport "$1" drop
}

# load_rules [MODE]: R's ruleset, added to what R has.  nflog (default):
# the shipped include file as is (NFLOG group 2055, snaplen 128,
# queue-threshold 1024, no conntrack); nflog6: the same with the IPv6 log
# rule that protocol 9 and 10 add after each IPv4 one; nflog-ct: the table
# of conntrack = on (NFLOG and conntrack), written by gen-shipped; ct: that
# table without its log rules (conntrack only); none: nothing.
load_rules() {
	case ${1:-nflog} in
	nflog)	inR nft -f "$NFN_SRCDIR/nft/nft-netflow.nft" ;;
	nflog6)	sed 's/^\(\s*\)meta nfproto ipv4 log\(.*\)$/&\n\1meta nfproto ipv6 log\2/' \
		    "$NFN_SRCDIR/nft/nft-netflow.nft" > "$T/rules.nft" &&
		inR nft -f "$T/rules.nft" ;;
	nflog-ct) "$NFN_GEN_SHIPPED" nft conntrack=on > "$T/rules.nft" &&
		inR nft -f "$T/rules.nft" ;;
	ct)	"$NFN_GEN_SHIPPED" nft conntrack=on |
			sed '/ log group /d' > "$T/rules.nft" &&
		inR nft -f "$T/rules.nft" ;;
	none)	;;
	*)	echo "load_rules: unknown mode $1" \
		    "(nflog, nflog6, nflog-ct, ct or none)"
		return 1 ;;
	esac
}

# start_collector NAME PORT [RCVBUF]: nfcapd on 127.0.0.1:PORT inside R,
# writing to $T/NAME; RCVBUF (bytes, nfcapd -B) when a burst of datagrams
# is expected.  NFCAPD_ARGS: more options (e.g. "-s -1": never scale the
# counts by the sampling rate an exporter announces)
start_collector() {
	mkdir -p "$T/$1"
	echo "$2" > "$T/nfcapd-$1.port"
	inR nfcapd -b 127.0.0.1 -p "$2" ${3:+-B "$3"} ${NFCAPD_ARGS:-} \
		-w "$T/$1" -D -P "$T/nfcapd-$1.pid" >/dev/null 2>&1
	for _ in $(seq 50); do [ -f "$T/nfcapd-$1.pid" ] && return 0; sleep 0.1; done
	echo "nfcapd $1 did not start"; return 1
}

# start_nfacctd NAME PORT [ADDR]: pmacct's nfacctd, a second collector, on
# ADDR:PORT inside R (default 127.0.0.1; ::1 for an IPv6 destination),
# writing per-5-tuple packets and bytes as CSV to $T/NAME.csv every second
# (appended: a tuple may have several lines)
start_nfacctd() {
	cat > "$T/$1.conf" <<-CONF
	daemonize: true
	pidfile: $T/$1.pid
	logfile: $T/$1.log
	nfacctd_ip: ${3:-127.0.0.1}
	nfacctd_port: $2
	plugins: print
	aggregate: src_host, dst_host, src_port, dst_port, proto
	print_output: csv
	print_output_file: $T/$1.csv
	print_output_file_append: true
	print_refresh_time: 1
	CONF
	inR nfacctd -f "$T/$1.conf" >/dev/null 2>&1
	for _ in $(seq 50); do [ -s "$T/$1.pid" ] && return 0; sleep 0.1; done
	echo "nfacctd $1 did not start"; cat "$T/$1.log"; return 1
}

# stop_nfacctd NAME: after its last refresh, so every flow is in the file
stop_nfacctd() {
	local pid
	sleep 2.5
	pid=$(cat "$T/$1.pid" 2>/dev/null) || return 0
	kill "$pid"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

# udp_queued PORT: datagrams wait in R's socket on 127.0.0.1:PORT
# (/proc/net/udp: local address and port in hex, then tx:rx queue bytes)
udp_queued() {
	inR awk -v a="$(printf '0100007F:%04X' "$1")" \
		'$2 == a && $5 !~ /:00000000$/ { f = 1 } END { exit !f }' /proc/net/udp
}

# stop_collector NAME: stop nfcapd so that its data is in a closed file.
# nfcapd drops on SIGTERM what it has not read yet: the datagrams that
# reached its socket (the daemon's last export) are read first.
stop_collector() {
	local pid
	pid=$(cat "$T/nfcapd-$1.pid" 2>/dev/null) || return 0
	for _ in $(seq 50); do udp_queued "$(cat "$T/nfcapd-$1.port")" || break; sleep 0.1; done
	kill "$pid"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

# write_conf FILE key=value...: a config with the control socket $T/control
write_conf() {
	local f=$1 kv; shift
	{
		echo "[netflow]"
		echo "control = $T/control"
		for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}"; done
	} > "$f"
}

ctl() {	# ctl REQUEST...: talk to the daemon's control socket
	python3 "$NFN_SRCDIR/tests/integration/ctl.py" "$T/control" "$*"
}

# start_daemon CONF: $NFT_NETFLOWD in R, in the foreground (DAEMON_PID),
# its stderr in $T/daemon.log; ready when its control socket answers
start_daemon() {
	rm -f "$T/control"
	ip netns exec "$NS_R" "$NFT_NETFLOWD" -f -c "$1" -p - 2>>"$T/daemon.log" &
	DAEMON_PID=$!
	for _ in $(seq 50); do
		[ -S "$T/control" ] && ctl ping >/dev/null 2>&1 && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || break	# it exited: say why now
		sleep 0.1
	done
	echo "daemon did not start:"; cat "$T/daemon.log"; return 1
}

# stop_daemon [SECONDS]: SIGTERM (the daemon exports every flow, then
# exits); SIGKILL if it is still there after SECONDS (default 120).
# Succeeds only when it exited with status 0.
stop_daemon() {
	local rc
	[ -n "$DAEMON_PID" ] || return 0
	stop_pid "$DAEMON_PID" TERM "${1:-120}"
	rc=$?
	DAEMON_PID=
	[ $rc = 0 ] || { echo "daemon exit status $rc; its log:"; cat "$T/daemon.log"; }
	return $rc
}

# tree_pids PID: PID and all its descendants
tree_pids() {
	local p
	echo "$1"
	for p in $(pgrep -P "$1" 2>/dev/null); do
		tree_pids "$p"
	done
}

# stop_pid PID SIGNAL SECONDS: signal a child of this shell, wait up to
# SECONDS, then SIGKILL it and its descendants.  Returns its exit status.
stop_pid() {
	local pid=$1 sig=$2 secs=$3 i
	kill "-$sig" "$pid" 2>/dev/null
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "pid $pid ignored SIG$sig for ${secs}s, killing" >&2
		kill -9 $(tree_pids "$pid") 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
}

# capture_start: independent ground truth, every IP packet crossing ra,
# in $T/truth.pcap (IPv6 too after setup_ipv6)
capture_start() {
	ip netns exec "$NS_R" dumpcap -q -i ra -f "${CAPTURE_FILTER:-ip}" \
		-w "$T/truth.pcap" 2>"$T/tshark.log" &
	TSHARK_PID=$!
	for _ in $(seq 100); do
		grep -q "Capturing on\\|File:" "$T/tshark.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "tshark did not start"; cat "$T/tshark.log"; return 1
}
capture_stop() {
	sleep 0.5
	kill -TERM "$TSHARK_PID"; wait "$TSHARK_PID" 2>/dev/null; TSHARK_PID=
}

# export_capture_start PORT: what the daemon sends to a collector on R's
# loopback at PORT, into $T/export.pcap (EXPORT_CAP), for tshark's cflow
# checks of the datagrams themselves; export_capture_stop ends it.
export_capture_start() {
	ip netns exec "$NS_R" dumpcap -q -i lo -f "udp port $1" \
		-w "$T/export.pcap" 2>"$T/dumpcap-lo.log" &
	EXPORT_CAP=$!
	for _ in $(seq 100); do
		grep -q "Capturing on\\|File:" "$T/dumpcap-lo.log" 2>/dev/null &&
			return 0
		sleep 0.1
	done
	echo "dumpcap on lo did not start"; cat "$T/dumpcap-lo.log"; return 1
}
export_capture_stop() {
	sleep 0.5
	kill -TERM "$EXPORT_CAP"; wait "$EXPORT_CAP" 2>/dev/null; EXPORT_CAP=
}

traffic() {	# traffic NS ARGS...: tests/integration/traffic.py in a namespace
	ip netns exec "$1" python3 "$NFN_SRCDIR/tests/integration/traffic.py" "${@:2}"
}

# tcp_sink SECONDS [dual]: B's TCP server on port 6000 for at most SECONDS,
# in the background (SRV); dual: for IPv4 and IPv6 clients
tcp_sink() {
	inB python3 "$NFN_SRCDIR/tests/integration/traffic.py" tcp-server 6000 "$1" ${2:-} &
	SRV=$!
	sleep 0.5
}

compare() {	# compare COLLECTOR [extra args]: collector vs capture, per 5-tuple
	python3 "$NFN_SRCDIR/tests/integration/compare.py" \
		--pcap "$T/truth.pcap" --nfdump "$T/$1" \
		--ifindex "$A_IP=$RA_IF" --ifindex "$B_IP=$RB_IF" \
		--ifindex "$A6_IP=$RA_IF" --ifindex "$B6_IP=$RB_IF" "${@:2}"
}

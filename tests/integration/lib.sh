# lib.sh: shared setup of the integration tests (sourced, bash).
#
# Builds the TESTING.md topology in network namespaces named after this
# test's PID, and tears everything down on exit:
#
#   A 198.18.1.2 --a0/ra-- R 198.18.1.1 | 198.19.1.1 --rb/b0-- B 198.19.1.2
#
# R forwards and runs the rules, nft-netflowd and nfcapd on 127.0.0.1.  B
# drops the test's UDP quietly so it never answers with ICMP errors.
# Traffic goes only to these addresses, from namespaces made here.

set -u

: "${NFT_NETFLOWD:?path of the nft-netflowd binary}"
: "${NFN_SRCDIR:?source directory}"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: integration tests need root (network namespaces)"
	exit 77
fi
for tool in ip nft nfcapd nfdump tshark python3 ethtool; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool is not installed"
		exit 77
	fi
done

T=$(mktemp -d /tmp/nfn-test.XXXXXX)
NS_A=nfnA$$ NS_R=nfnR$$ NS_B=nfnB$$
A_IP=198.18.1.2 RA_IP=198.18.1.1 RB_IP=198.19.1.1 B_IP=198.19.1.2
DAEMON_PID= TSHARK_PID=
FAILS=0 PASSES=0

inA() { ip netns exec "$NS_A" "$@"; }
inR() { ip netns exec "$NS_R" "$@"; }
inB() { ip netns exec "$NS_B" "$@"; }

cleanup() {
	[ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null
	[ -n "$TSHARK_PID" ] && kill "$TSHARK_PID" 2>/dev/null
	for f in "$T"/nfcapd*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	sleep 0.2
	ip netns pids "$NS_R" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns pids "$NS_A" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns pids "$NS_B" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_R" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

ok() { PASSES=$((PASSES + 1)); echo "ok: $*"; }
not_ok() { FAILS=$((FAILS + 1)); echo "NOT OK: $*"; }
check() {	# check "description" command...
	local what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" = 0 ]
	exit $?
}

setup_topology() {
	ip netns add "$NS_A" && ip netns add "$NS_R" && ip netns add "$NS_B" ||
		{ echo "SKIP: cannot create network namespaces"; exit 77; }
	ip link add a0 netns "$NS_A" type veth peer name ra netns "$NS_R"
	ip link add rb netns "$NS_R" type veth peer name b0 netns "$NS_B"
	inA ip addr add $A_IP/24 dev a0
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

# load_rules [group] [copy_range] [queue_threshold]: the shipped include
# file, with the values of this test's config.
load_rules() {
	local group=${1:-2055} copy=${2:-128} qt=${3:-256}
	sed -e "s/log group 2055/log group $group/" \
	    -e "s/snaplen 128/snaplen $copy/" \
	    -e "s/queue-threshold 256/queue-threshold $qt/" \
	    "$NFN_SRCDIR/nft/nft-netflow.nft" > "$T/rules.nft"
	inR nft -f "$T/rules.nft"
}

# start_collector NAME PORT [RCVBUF]: nfcapd on 127.0.0.1:PORT inside R;
# RCVBUF (bytes, nfcapd -B) when a burst of datagrams is expected
start_collector() {
	mkdir -p "$T/$1"
	inR nfcapd -b 127.0.0.1 -p "$2" ${3:+-B "$3"} -w "$T/$1" -D \
		-P "$T/nfcapd-$1.pid" >/dev/null 2>&1
	for _ in $(seq 50); do [ -f "$T/nfcapd-$1.pid" ] && return 0; sleep 0.1; done
	echo "nfcapd $1 did not start"; return 1
}

# stop_collector NAME: stop nfcapd so that its data is in a closed file
stop_collector() {
	local pid
	pid=$(cat "$T/nfcapd-$1.pid" 2>/dev/null) || return 0
	kill "$pid"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

# write_conf FILE key=value...: a config with the test's control socket
write_conf() {
	local f=$1; shift
	{
		echo "[netflow]"
		echo "control = $T/control"
		for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}"; done
	} > "$f"
}

start_daemon() {	# start_daemon CONF
	ip netns exec "$NS_R" "$NFT_NETFLOWD" -f -c "$1" -p - 2>>"$T/daemon.log" &
	DAEMON_PID=$!
	for _ in $(seq 50); do
		[ -S "$T/control" ] && ctl ping >/dev/null 2>&1 && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || break	# it exited: say why now
		sleep 0.1
	done
	echo "daemon did not start:"; cat "$T/daemon.log"; return 1
}

stop_daemon() {	# SIGTERM: the daemon exports every flow, then exits
	[ -n "$DAEMON_PID" ] || return 0
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID"
	local rc=$?
	DAEMON_PID=
	[ $rc = 0 ] || { echo "daemon exit status $rc; its log:"; cat "$T/daemon.log"; }
	return $rc
}

ctl() {	# ctl REQUEST...: talk to the daemon's control socket
	python3 "$NFN_SRCDIR/tests/integration/ctl.py" "$T/control" "$*"
}

# capture_start: independent ground truth, every packet crossing ra
capture_start() {
	ip netns exec "$NS_R" dumpcap -q -i ra -f ip -w "$T/truth.pcap" 2>"$T/tshark.log" &
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

traffic() {	# traffic NS ARGS...: tests/integration/traffic.py in a namespace
	ip netns exec "$1" python3 "$NFN_SRCDIR/tests/integration/traffic.py" "${@:2}"
}

compare() {	# compare COLLECTOR [extra args]: collector vs pcap, per 5-tuple
	python3 "$NFN_SRCDIR/tests/integration/compare.py" \
		--pcap "$T/truth.pcap" --nfdump "$T/$1" \
		--ifindex "$A_IP=$RA_IF" --ifindex "$B_IP=$RB_IF" "${@:2}"
}

# jget PATH: one value from the daemon's "stats json" (e.g. drops.maxflows_pkts)
jget() {
	ctl stats json | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1"
}

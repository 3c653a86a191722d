#!/bin/bash
# Collector outage: the collector (nfcapd in its own namespace C, behind
# the veth rc of R) is cut off for 20 s, R's link to it down, while flows
# keep expiring; then the link comes back.  The daemon
# gets "no route" at each send (ENETUNREACH): the datagrams wait in the
# destination's queue, the head is tried again every second, and when the
# route is back the queue leaves in order.
#  1. default queue: nothing lost, the collector has every flow exactly,
#     those of before, during and after the outage;
#  2. a queue of 5 datagrams and a 6 s outage: the overflow is lost, and
#     the flows, packets and bytes counted lost equal exactly what the
#     collector is missing; flows after the return arrive exactly.
. "$(dirname "$0")/lib.sh"

C_IP=198.19.3.2 NS_C=nfnC$$
trap 'ip netns pids $NS_C 2>/dev/null | xargs -r kill -9; ip netns del $NS_C 2>/dev/null; cleanup' EXIT
setup_topology
load_rules
ip netns add "$NS_C" || exit 1
ip link add rc netns "$NS_R" type veth peer name c0 netns "$NS_C"
inR ip addr add 198.19.3.1/24 dev rc
ip netns exec "$NS_C" ip addr add $C_IP/24 dev c0
ip netns exec "$NS_C" ip link set lo up
ip netns exec "$NS_C" ip link set c0 up
inR ip link set rc up

collector() {	# collector NAME PORT: nfcapd on the collector's address
	mkdir -p "$T/$1"
	ip netns exec "$NS_C" nfcapd -b $C_IP -p "$2" -w "$T/$1" -D -P "$T/nfcapd-$1.pid" \
		>/dev/null 2>&1
	for _ in $(seq 50); do [ -f "$T/nfcapd-$1.pid" ] && return 0; sleep 0.1; done
	echo "nfcapd $1 did not start"; return 1
}
collector_stop() {	# after its socket is read empty (/proc/net/udp)
	local pid hex
	hex=$(printf '%02X%02X%02X%02X:%04X' 2 3 19 198 "$2")
	for _ in $(seq 50); do
		ip netns exec "$NS_C" awk -v a="$hex" '$2 == a && $5 !~ /:00000000$/ { f = 1 }
			END { exit !f }' /proc/net/udp || break
		sleep 0.1
	done
	pid=$(cat "$T/nfcapd-$1.pid")
	kill "$pid"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}
wait_queue_empty() {	# every datagram left the queue (20 s at most)
	for _ in $(seq 200); do
		[ "$(jget export.sockets.0.queued)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}
# rounds N FLOWS PORT SPORT: N rounds of FLOWS two-packet flows, 2 s apart
# (inactive_timeout 1: each round is exported during the next)
rounds() {
	local r
	for r in $(seq 0 $(($1 - 1))); do
		traffic "$NS_A" udp $B_IP $(($3 + r * $2)) "$2" 2 40 \
			$(($4 + r * $2)) >/dev/null || return 1
		sleep 2
	done
}
quiet() {	# quiet CMD...: its output only when it fails
	"$@" > "$T/quiet.out" 2>&1 || { grep -v "^ok " "$T/quiet.out" | tail -20; return 1; }
}

# ---- 1: 20 s outage, default queue
collector c1 9995 || exit 1
write_conf "$T/nfn.conf" destination=$C_IP:9995 inactive_timeout=1
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
rounds 1 100 5000 20000 || exit 1
inR ip link set rc down
rounds 10 200 5100 20100 || exit 1	# 20 s
check "outage: sends failed ($(jget export.sockets.0.fail)), datagrams waited" \
	test "$(jget export.sockets.0.fail)" -gt 0 -a \
	"$(jget export.sockets.0.queued)" -gt 0
check "  and none were lost" test "$(jget export.sockets.0.lost_flows)" = 0
inR ip link set rc up
check "the route is back: the queue drained" wait_queue_empty
rounds 1 100 7100 22100 || exit 1
capture_stop
stop_daemon
collector_stop c1 9995
check "collector has every flow of before, during and after, exactly" \
	quiet compare c1 --json "$T/cmp1.json"
check "  all 2200 of them" python3 -c "
import json, sys
j = json.load(open('$T/cmp1.json'))
sys.exit(j['collected_tuples'] != j['tuples'] or j['tuples'] < 2200)"
mv "$T/truth.pcap" "$T/truth1.pcap"

# ---- 2: a queue too small for the outage
collector c2 9996 || exit 1
write_conf "$T/nfn.conf" destination=$C_IP:9996 inactive_timeout=1 \
	export_queue=5
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
inR ip link set rc down
rounds 3 200 5000 20000 || exit 1	# 6 s, ~21 datagrams
LF=$(jget export.sockets.0.lost_flows) LP=$(jget export.sockets.0.lost_packets)
LB=$(jget export.sockets.0.lost_bytes)
check "queue overflow during the outage counted ($LF flows)" test "$LF" -gt 0
inR ip link set rc up
check "the route is back: the queue drained" wait_queue_empty
rounds 1 100 7000 22000 || exit 1
check "  no more lost after the return" \
	test "$(jget export.sockets.0.lost_flows)" = "$LF"
capture_stop
stop_daemon
collector_stop c2 9996
check "missing flows add up to the counted loss, packets and bytes" \
	quiet compare c2 --dropped-pkts "$LP" --dropped-bytes "$LB" --json "$T/cmp2.json"
check "  and in flows: $LF lost, as many missing; the rest arrived" python3 -c "
import json, sys
j = json.load(open('$T/cmp2.json'))
sys.exit(j['tuples'] - j['collected_tuples'] != $LF or j['tuples'] < 700)"
finish

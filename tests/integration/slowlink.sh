#!/bin/bash
# Export bursts over a slow link: the collector sits behind tc tbf at
# 2 Mbit/s and receives a flush of 16,000 flows (534 datagrams, ~0.8 MB,
# ~3 s on that link), far more than the socket's send buffer holds.
#  1. default queue: every flow arrives, exactly, and the queue was used;
#  2. the same at exit (SIGTERM, no flush): the daemon waits for its queue
#     to empty (drain_timeout) and every flow arrives;
#  3. a deliberately small queue (export_queue = 40): datagrams are lost,
#     and the flows, packets and bytes counted lost equal exactly what the
#     collector is missing.
. "$(dirname "$0")/lib.sh"

NF=4000 ROUNDS=4 TOTAL=16000
ulimit -n 8192
setup_topology
load_rules
# the link to the collector (loopback of the router namespace)
inR tc qdisc add dev lo root tbf rate 2mbit burst 16kb limit 8mb

burst() {	# burst PORTBASE [noflush]: TOTAL one-packet flows, then a flush
	local r
	for r in $(seq 0 $((ROUNDS - 1))); do
		traffic "$NS_A" udp $B_IP $(($1 + r * NF)) $NF 1 60 \
			$((20000 + r * NF)) >/dev/null || return 1
	done
	settle "$TOTAL" || return 1
	[ "${2:-}" = noflush ] || ctl flush >/dev/null
}

quiet() {	# quiet CMD...: its output only when it fails
	"$@" > "$T/quiet.out" 2>&1 || { grep -v "^ok " "$T/quiet.out" | tail -20; return 1; }
}

wait_queues_empty() {	# every datagram left the queue (30 s at most)
	for _ in $(seq 300); do
		[ "$(jget export.sockets.0.queued)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# ---- 1: the default queue
start_collector c1 9995
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=600 \
	active_timeout=1800
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
burst 1000 || exit 1
check "flush queued datagrams (peak $(jget export.sockets.0.queue_peak))" \
	test "$(jget export.sockets.0.queue_peak)" -gt 0
check "the queues drained on the slow link" wait_queues_empty
check "nothing lost" test "$(jget export.sockets.0.lost_flows)" = 0
capture_stop
stop_daemon
stop_collector c1
check "collector has every flow, exactly" quiet compare c1 --json "$T/cmp1.json"
check "  all $TOTAL of them (and whatever else crossed)" python3 -c "
import json, sys
j = json.load(open('$T/cmp1.json'))
sys.exit(j['collected_tuples'] != j['tuples'] or j['tuples'] < $TOTAL)"
mv "$T/truth.pcap" "$T/truth1.pcap"

# ---- 2: at exit
start_collector c3 9997
write_conf "$T/nfn.conf" destination=127.0.0.1:9997 inactive_timeout=600 \
	active_timeout=1800
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
burst 10000 noflush || exit 1
capture_stop
check "SIGTERM: exits 0 once its queue is empty" stop_daemon
check "  after waiting for it" grep -q "waiting up to 30 s for" "$T/daemon.log"
stop_collector c3
check "collector has every flow, exactly" quiet compare c3 --json "$T/cmp3.json"
check "  all $TOTAL of them (and whatever else crossed)" python3 -c "
import json, sys
j = json.load(open('$T/cmp3.json'))
sys.exit(j['collected_tuples'] != j['tuples'] or j['tuples'] < $TOTAL)"
mv "$T/truth.pcap" "$T/truth3.pcap"

# ---- 3: a queue too small for the burst
start_collector c2 9996
write_conf "$T/nfn.conf" destination=127.0.0.1:9996 inactive_timeout=600 \
	active_timeout=1800 export_queue=40
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
burst 30000 || exit 1
check "the queues drained" wait_queues_empty
LF=$(jget export.sockets.0.lost_flows) LP=$(jget export.sockets.0.lost_packets)
LB=$(jget export.sockets.0.lost_bytes)
check "datagrams lost and counted ($LF flows)" test "$LF" -gt 0
capture_stop
stop_daemon
stop_collector c2
check "missing flows add up to the counted loss, packets and bytes" \
	quiet compare c2 --dropped-pkts "$LP" --dropped-bytes "$LB" --json "$T/cmp2.json"
check "  and in flows: $LF lost, as many missing" python3 -c "
import json, sys
j = json.load(open('$T/cmp2.json'))
sys.exit(j['tuples'] - j['collected_tuples'] != $LF)"
finish

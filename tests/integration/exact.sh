#!/bin/bash
# UDP flows with known counts and sizes, TCP transfers and ICMP echoes cross
# the router; after SIGTERM (which must export every flow) the collector's
# per-5-tuple packets and bytes equal the capture's, with the right ifindex.
. "$(dirname "$0")/lib.sh"

setup_topology
load_rules
start_collector c1 9995
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=60
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1

tcp_sink 20
traffic "$NS_A" udp $B_IP 5000 20 7 100
traffic "$NS_A" udp $B_IP 5100 5 3 1400 41000
traffic "$NS_A" tcp $B_IP 6000 200000 3
inA ping -c 5 -i 0.2 -s 200 -q $B_IP >/dev/null
kill $SRV 2>/dev/null
capture_stop

ctl stats > "$T/stats-before.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
# the last datagrams are sent as the daemon exits: let nfcapd read them
sleep 0.5
stop_collector c1
check "collector == capture, per 5-tuple, packets and bytes, ifindex" \
	compare c1
grep -E "^(Flows|Drop|NFLOG|Export)" "$T/stats-before.txt"
check "nothing lost or dropped before SIGTERM" \
	grep -q "lost 0 (overruns 0, truncated batches 0)" "$T/stats-before.txt"
finish

#!/bin/bash
# capture = nflog with conntrack correlation: TCP connections that close
# have both directions' flows exported when conntrack sees them end (TCP
# TIME_WAIT), long before inactive_timeout (60 s here), and per 5-tuple the
# collector's packets and bytes equal the capture's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"

setup_topology
load_rules
start_collector c1 9995
capture_start || exit 1
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=60 \
	active_timeout=1800
start_daemon "$T/nfn.conf" || exit 1

inB python3 "$NFN_SRCDIR/tests/integration/traffic.py" tcp-server 6000 20 &
SRV=$!
sleep 0.5
traffic "$NS_A" tcp $B_IP 6000 100000 3
sleep 0.3
kill $SRV 2>/dev/null
capture_stop
# well below inactive_timeout: only the connection ends can export them
sleep 2.5
ctl stats > "$T/stats.txt"
# stop the collector while the daemon still runs: what it has arrived early
stop_collector c1
check "TCP flows exported at connection end, exact per 5-tuple" \
	compare c1 --ifindex "$A_IP=$RA_IF"
grep -E "^Conntrack" "$T/stats.txt"
check "connection ends counted" \
	grep -Eq "^Conntrack ends: connections [1-9]" "$T/stats.txt"
check "no conntrack overrun" grep -q "overruns 0," "$T/stats.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
finish

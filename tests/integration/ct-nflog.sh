#!/bin/bash
# capture = nflog with conntrack = on: TCP connections that close
# have both directions' flows exported when conntrack sees them end (TCP
# TIME_WAIT), long before inactive_timeout (60 s here), and per 5-tuple the
# collector's packets and bytes equal the capture's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"

ct_setup nflog active_timeout=1800 conntrack=on
tcp_sink 20
traffic "$NS_A" tcp $B_IP 6000 100000 3
sleep 0.3
ct_stop_traffic
# well below inactive_timeout, no conntrack -F: only the connection ends
# can export them
ct_collect 2.5
check "TCP flows exported at connection end, exact per 5-tuple" \
	compare c1 --ifindex "$A_IP=$RA_IF"
check "connection ends counted" \
	grep -Eq "^Conntrack ends: connections [1-9]" "$T/stats.txt"
check "no conntrack overrun" grep -q "overruns 0," "$T/stats.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
finish

#!/bin/bash
# capture = conntrack with a tiny event receive buffer (4 KiB, no growth)
# and events not reliable (conntrack_reliable = 0, the default is 1):
# a burst of 3000 new connections and then their destruction (conntrack -F)
# overflow the event socket.  Each overrun is counted and triggers a resync
# (dump); connections whose DESTROY was lost are exported from their last
# known counters.  Every connection is accounted exactly once: per 5-tuple
# one record with the packets and bytes that crossed R.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"
N=3000

ct_setup conntrack active_timeout=600 conntrack_rcvbuf=4096 \
	conntrack_rcvbuf_max=4096 conntrack_reliable=0
# N UDP connections of one datagram each (B drops them quietly)
inA python3 - "$B_IP" "$N" <<-'PY'
import socket, sys
for i in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 20000 + i))
    s.sendto(b"o" * (10 + i % 50), (sys.argv[1], 5000 + i % 1000))
    s.close()
PY
sleep 2
ct_finish_traffic 3
check "every connection exactly once, exact counts" \
	ct_compare --max-records 1 --json "$T/cmp.json" > "$T/cmp.txt"
tail -1 "$T/cmp.txt"
check "$N connections compared" grep -q "^$((N)) tuples, $N records" "$T/cmp.txt"
check "overruns counted" grep -Eq "overruns [1-9]" "$T/stats.txt"
check "resyncs counted" grep -Eq "resyncs [1-9]" "$T/stats.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
finish

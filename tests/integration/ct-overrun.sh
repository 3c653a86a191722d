#!/bin/bash
# capture = conntrack with a tiny event receive buffer (4 KiB, no growth):
# a burst of 3000 new connections and then their destruction (conntrack -F)
# overflow the event socket.  Each overrun is counted and triggers a resync
# (dump); connections whose DESTROY was lost are exported from their last
# known counters.  Every connection is accounted exactly once: per 5-tuple
# one record with the packets and bytes that crossed R.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"
command -v conntrack >/dev/null || { echo "SKIP: conntrack not installed"; exit 77; }
N=3000

setup_topology
inR nft -f - <<-NFT
table inet ct_only {
	chain forward {
		type filter hook forward priority 0; policy accept;
		ct state new counter
	}
}
NFT
start_collector c1 9995
capture_start || exit 1
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 capture=conntrack \
	inactive_timeout=60 active_timeout=600 conntrack_rcvbuf=4096 \
	conntrack_rcvbuf_max=4096
start_daemon "$T/nfn.conf" || exit 1

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
capture_stop
inR conntrack -F >/dev/null 2>&1
sleep 3
ctl stats > "$T/stats.txt"
stop_collector c1
grep -E "^Conntrack" "$T/stats.txt"
check "every connection exactly once, exact counts" \
	python3 "$NFN_SRCDIR/tests/integration/compare.py" --pcap "$T/truth.pcap" \
	--nfdump "$T/c1" --max-records 1 --json "$T/cmp.json" > "$T/cmp.txt"
tail -1 "$T/cmp.txt"
check "$N connections compared" grep -q "^$((N)) tuples, $N records" "$T/cmp.txt"
check "overruns counted" grep -Eq "overruns [1-9]" "$T/stats.txt"
check "resyncs counted" grep -Eq "resyncs [1-9]" "$T/stats.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
finish

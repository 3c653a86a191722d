#!/bin/bash
# capture = conntrack, active_timeout 2 s: a TCP connection that lives
# about 7 s is exported every 2 s as the delta since its last export, so it
# arrives in several records per direction whose sums equal what crossed R.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"

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
	inactive_timeout=60 active_timeout=2
start_daemon "$T/nfn.conf" || exit 1

inB python3 "$NFN_SRCDIR/tests/integration/traffic.py" tcp-server 6000 15 &
SRV=$!
sleep 0.5
# one slow connection: 1000 bytes every 0.1 s for 7 s, then close
inA python3 - "$B_IP" <<-'PY'
import socket, sys, time
s = socket.create_connection((sys.argv[1], 6000), timeout=5)
for _ in range(70):
    s.sendall(b"z" * 1000)
    time.sleep(0.1)
s.shutdown(socket.SHUT_WR)
while s.recv(65536):
    pass
s.close()
PY
sleep 0.5
kill $SRV 2>/dev/null
capture_stop
inR conntrack -F >/dev/null 2>&1
sleep 1.5
ctl stats > "$T/stats.txt"
stop_collector c1
check "several records per direction, sums exact" \
	python3 "$NFN_SRCDIR/tests/integration/compare.py" --pcap "$T/truth.pcap" \
	--nfdump "$T/c1" --min-records 3
grep -E "^Conntrack" "$T/stats.txt"
check "active-timeout exports counted" \
	grep -Eq "active-timeout exports [3-9]" "$T/stats.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
finish

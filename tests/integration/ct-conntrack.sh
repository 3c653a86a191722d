#!/bin/bash
# capture = conntrack (the lightweight mode): no NFLOG rule, only a ct rule
# so that R tracks connections.  A UDP exchange, TCP transfers and an ICMP
# echo cross R; when the connections are destroyed (conntrack -F) each
# yields exactly two records, one per direction, whose packets and bytes
# equal what crossed R (tshark on ra), per 5-tuple.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"
command -v conntrack >/dev/null || { echo "SKIP: conntrack not installed"; exit 77; }

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
	inactive_timeout=60 active_timeout=60
start_daemon "$T/nfn.conf" || exit 1
check "daemon turned on conntrack accounting and timestamps" \
	test "$(inR cat /proc/sys/net/netfilter/nf_conntrack_acct)$(inR cat /proc/sys/net/netfilter/nf_conntrack_timestamp)" = 11

# B: a bounded UDP echo on 7000 and a TCP sink on 6000
inB python3 - <<-'PY' &
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7000)); s.settimeout(0.2)
end = time.monotonic() + 15
while time.monotonic() < end:
    try:
        d, a = s.recvfrom(65536)
    except socket.timeout:
        continue
    s.sendto(d[:len(d) // 2], a)
PY
ECHO=$!
inB python3 "$NFN_SRCDIR/tests/integration/traffic.py" tcp-server 6000 15 &
SRV=$!
sleep 0.5
inA python3 - "$B_IP" <<-'PY'
import socket, sys
for i in range(3):                      # 3 UDP connections, 6 datagrams each
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 41000 + i)); s.settimeout(1)
    for n in range(6):
        s.sendto(b"u" * (100 + 50 * i), (sys.argv[1], 7000))
        s.recvfrom(65536)
PY
traffic "$NS_A" tcp $B_IP 6000 50000 2
inA ping -c 5 -i 0.2 -s 100 -q $B_IP >/dev/null
sleep 0.5
kill $ECHO $SRV 2>/dev/null
capture_stop
check "connections tracked" test "$(ct_stat tracked)" -ge 6
# destroy them all now: DESTROY events carry the final counters
inR conntrack -F >/dev/null 2>&1
sleep 1.5
ctl stats > "$T/stats.txt"
stop_collector c1
check "two records per connection, exact packets and bytes per direction" \
	python3 "$NFN_SRCDIR/tests/integration/compare.py" --pcap "$T/truth.pcap" \
	--nfdump "$T/c1" --max-records 1
grep -E "^Conntrack" "$T/stats.txt"
check "nothing dropped, no overrun" \
	grep -q "overruns 0, resyncs 0" "$T/stats.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
finish

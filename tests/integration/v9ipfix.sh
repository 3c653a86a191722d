#!/bin/bash
# protocol 9 or 10 (the argument): a dual-stack traffic mix (UDP, TCP, ICMP
# and ICMPv6, IPv6 from 2001:2::/48) through the router, exported as
# NetFlow v9 or IPFIX to two collectors.  nfcapd's and pmacct nfacctd's
# per-5-tuple packets and bytes equal the capture's; tshark's cflow dissector decodes every export datagram
# (templates known, nothing malformed) and sees the sequence numbers and
# the template refresh the protocol asks for.
. "$(dirname "$0")/lib.sh"
PROTO=${1:?protocol 9 or 10}
REFRESH=3

command -v nfacctd >/dev/null || { echo "SKIP: nfacctd (pmacct) not installed"; exit 77; }
setup_topology
setup_ipv6
start_collector c1 9995
start_nfacctd pm 9996 || exit 1
write_conf "$T/nfn.conf" destination=127.0.0.1:9995,127.0.0.1:9996 \
	inactive_timeout=60 \
	protocol="$PROTO" refresh_rate=$REFRESH
load_rules nflog6
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
export_capture_start 9995 || exit 1

inB python3 "$NFN_SRCDIR/tests/integration/traffic.py" tcp-server 6000 20 \
	dual &
SRV=$!
sleep 0.5
# enough UDP flows for several datagrams, so refresh and sequence are seen
traffic "$NS_A" udp $B_IP 5000 120 3 100
traffic "$NS_A" udp $B_IP 5200 5 3 1400 41000
traffic "$NS_A" tcp $B_IP 6000 200000 3
inA ping -c 5 -i 0.2 -s 200 -q $B_IP >/dev/null
# the same over IPv6
traffic "$NS_A" udp $B6_IP 5300 60 3 100 42000
traffic "$NS_A" udp $B6_IP 5400 5 3 1400 43000
traffic "$NS_A" tcp $B6_IP 6000 200000 3
inA ping -6 -c 5 -i 0.2 -s 200 -q $B6_IP >/dev/null
kill $SRV 2>/dev/null
capture_stop

check "config says protocol $PROTO" grep -qx "protocol = $PROTO" <(ctl config)
check "daemon exits 0 on SIGTERM" stop_daemon
sleep 0.5
export_capture_stop
stop_collector c1
stop_nfacctd pm
flows=$(grep -c . <(nfdump -R "$T/c1" -N -q -o "fmt:%sa" 2>/dev/null))
check "collector == capture, per 5-tuple, packets and bytes, ifindex" \
	compare c1
v6flows=$(grep -c . <(nfdump -R "$T/c1" -N -q -o "fmt:%sa" 'inet6' 2>/dev/null))
echo "IPv6 records at the collector: $v6flows"
check "IPv6 flows reached the collector (60 + 5 UDP, 3 TCP, 2 ICMPv6 x2)" \
	test "$v6flows" -ge 70
check "pmacct nfacctd == capture, per 5-tuple, packets and bytes" \
	python3 "$NFN_SRCDIR/tests/integration/compare.py" \
	--pcap "$T/truth.pcap" --pmacct "$T/pm.csv"
check "tshark decodes every datagram; sequence and template refresh" \
	python3 "$NFN_SRCDIR/tests/integration/cflow.py" --pcap "$T/export.pcap" \
	--protocol "$PROTO" --refresh $REFRESH --records "$flows" --ifnames ra,rb
check "the daemon logged no warning" \
	bash -c "! grep -qi 'warn\\|error' '$T/daemon.log'"
finish

#!/bin/bash
# gro.sh [nflog|conntrack]: GRO on at the router's ingress veth (ra), as
# real NICs have it, TSO/GSO off at the sender, so that a capture on the
# sender's link (a0) counts the packets that crossed the wire.  A bulk TCP
# transfer through R then reaches NFLOG as fewer, larger super-packets
# (the capture on ra shows them).
#   nflog: the exported packets and bytes equal the sender's link's, per
#          5-tuple: each super-packet counts for the wire packets it stood
#          for (SPEC 4).
#   conntrack: conntrack counts skbs, so the export equals the capture on
#          ra (after GRO), not the wire: this is what it exports.
. "$(dirname "$0")/lib.sh"

MODE=${1:-nflog}
if [ "$MODE" = conntrack ]; then
	. "$(dirname "$0")/ct-lib.sh"
	ct_setup conntrack
else
	setup_topology
	load_rules
	start_collector c1 9995 || exit 1
	write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=60
	start_daemon "$T/nfn.conf" || exit 1
	capture_start || exit 1		# on ra: the skbs, after GRO
fi
NFN=${NFT_NETFLOW:-$(dirname "$NFT_NETFLOWD")/nft-netflow}
check "show: no offload to report while all are off" \
	eval '! inR "$NFN" -c "$T/nfn.conf" | grep -q "^Offloads"'
inR ethtool -K ra gro on >/dev/null 2>&1
check "GRO on at ra" eval 'inR ethtool -k ra | grep -q "^generic-receive-offload: on"'
inR "$NFN" -c "$T/nfn.conf" > "$T/show.txt"
check "show: names ra's GRO and says what it means" eval \
	'grep -q "^Offloads on metered interfaces: ra (GRO)" "$T/show.txt" &&
	 grep -q "wire packets" "$T/show.txt"'
inR "$NFN" -c "$T/nfn.conf" --json > "$T/show.json"
check "show --json: the offloads, valid JSON" python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(d["offloads"] != [{"interface": "ra", "gro": True, "lro": False,
    "tso": False, "gso": False}])' "$T/show.json"
# the wire: the sender's link, TSO/GSO off there
inA dumpcap -q -i a0 -f ip -w "$T/wire.pcap" 2>"$T/a0.log" &
WIRECAP=$!
for _ in $(seq 100); do grep -q "File:" "$T/a0.log" 2>/dev/null && break; sleep 0.1; done

inB python3 "$NFN_SRCDIR/tests/integration/traffic.py" tcp-server 6000 20 &
SRV=$!
sleep 0.5
traffic "$NS_A" tcp $B_IP 6000 5000000 2
sleep 0.5
kill -TERM $WIRECAP; wait $WIRECAP 2>/dev/null
kill $SRV 2>/dev/null
if [ "$MODE" = conntrack ]; then
	ct_stop_traffic
	inR conntrack -F >/dev/null 2>&1
	ct_collect 1.5
else
	capture_stop
	ctl stats > "$T/stats.txt"
	check "daemon exits 0 on SIGTERM" stop_daemon
	sleep 0.5
	stop_collector c1
fi
wire=$(tshark -r "$T/wire.pcap" -Y "ip.src == $A_IP && tcp" 2>/dev/null | wc -l)
skbs=$(tshark -r "$T/truth.pcap" -Y "ip.src == $A_IP && tcp" 2>/dev/null | wc -l)
echo "A -> B: $wire packets on the wire, $skbs skbs after GRO at ra"
check "GRO merged segments at ra ($skbs skbs for $wire wire packets)" \
	test "$skbs" -lt "$wire"
if [ "$MODE" = conntrack ]; then
	check "conntrack mode exports the skbs (the capture after GRO), exact" \
		ct_compare
else
	grep -E "^(Super|Traffic)" "$T/stats.txt"
	check "super-packets counted" \
		grep -Eq "^Super-packets \(GRO/TSO\): [1-9]" "$T/stats.txt"
	check "exported packets and bytes == the sender's link, per 5-tuple" \
		python3 "$NFN_SRCDIR/tests/integration/compare.py" \
		--pcap "$T/wire.pcap" --nfdump "$T/c1" \
		--ifindex "$A_IP=$RA_IF" --ifindex "$B_IP=$RB_IF"
fi
finish

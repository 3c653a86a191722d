#!/bin/bash
# demo.sh: the safe embedded default.  Installs what is needed, builds, then
# in private network namespaces (A -- R -- B, 198.18.0.0/15 only) loads the
# shipped nft rules on the router R, runs nft-netflowd and a real collector
# (nfcapd on 127.0.0.1 inside R), sends some UDP, TCP and ICMP traffic from A
# to B, stops the daemon (which exports every flow) and prints what the
# collector received next to what crossed the router.
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh
export NFT_NETFLOWD=$PWD/build/src/nft-netflowd NFN_SRCDIR=$PWD
set +e
. tests/lib/netns.sh
harness_require nfcapd nfdump tshark python3
harness_init nfn-demo nfn

setup_topology
load_rules
start_collector demo 2055
write_conf "$T/demo.conf" destination=127.0.0.1:2055 inactive_timeout=5
echo "== config"; cat "$T/demo.conf"
start_daemon "$T/demo.conf" || exit 1
capture_start || exit 1
tcp_sink 10
echo "== traffic from A ($A_IP) through R to B ($B_IP)"
traffic "$NS_A" udp $B_IP 5000 3 10 500
traffic "$NS_A" tcp $B_IP 6000 100000 2
inA ping -c 3 -i 0.2 -q $B_IP | tail -2
kill $SRV; wait $SRV 2>/dev/null
capture_stop
echo "== nft-netflowd statistics"; ctl stats
stop_daemon
stop_collector demo
echo "== flows received by nfcapd (nfdump -R)"
nfdump -R "$T/demo" -o "fmt:%ts %pr %sa:%sp -> %da:%dp in %in out %out %pkt pkts %byt bytes"
echo "== collector vs. capture of the router's interface, per 5-tuple"
compare demo

#!/bin/bash
# Live NFLOG changes under traffic (about 50,000 packets/s through R):
# copy_range, queue_threshold and nflog_group are changed with
# "nft-netflow -m enable" while packets flow (the daemon first, then the
# rules, which are changed in place).  Every forwarded packet is accounted
# once: exported packets + the daemon's counted losses == packets R
# forwarded (an nft counter).  A group
# another reader holds is refused, reported as refused, and nothing
# changes.
. "$(dirname "$0")/lib.sh"

NFN=${NFT_NETFLOW:-$(dirname "$NFT_NETFLOWD")/nft-netflow}
ETC=$T/etc
CONF=$ETC/nft-netflow.conf
cli() { inR "$NFN" -c "$CONF" "$@"; }

setup_topology
# ground truth: what R forwarded to the sink's ports
inR nft -f - <<-NFT
table inet fwdcount {
	chain forwarded {
		type filter hook forward priority 100; policy accept;
		udp dport 5000-5999 counter
	}
}
NFT
start_collector c1 9995 2097152 || exit 1
check "install and enable" cli -m enable -d 127.0.0.1:9995 \
	-o control="$T/run/control" --inactive-timeout 60
sleep 0.5

chains() {	# the chains of our table with their handles
	inR nft -a list table inet nft_netflow | grep -E "^\s*chain "
}
chains > "$T/chains-before.txt"
traffic "$NS_A" udp-rate $B_IP 5000 50 50000 7 > "$T/rate.txt" &
TRAFFIC=$!
sleep 1
check "live copy_range 200 under traffic" cli -m enable -o copy_range=200
sleep 1
check "live queue_threshold 64 under traffic" cli -m enable -o queue_threshold=64
# a packet must never cross two copies of a chain (it would be logged twice)
check "the rules were changed in place: same chains, same handles" \
	eval 'chains | diff "$T/chains-before.txt" - && test -s "$T/chains-before.txt"'
sleep 1
check "live nflog_group 2056 under traffic" cli -m enable -o nflog_group=2056
sleep 1
# another reader holds group 2057: the change is refused and says so
inR dumpcap -q -i nflog:2057 -w "$T/other.pcap" 2>"$T/other.log" &
OTHER=$!
for _ in $(seq 50); do grep -q "File:" "$T/other.log" 2>/dev/null && break; sleep 0.1; done
cli -m enable -o nflog_group=2057 2>"$T/refused.txt"; rc=$?
cat "$T/refused.txt"
check "a group held by another reader is refused (exit $rc)" \
	eval 'test $rc != 0 && grep -q "nflog group 2057" "$T/refused.txt"'
check "the config file still says 2056" grep -qx "nflog_group = 2056" "$CONF"
check "the rules still log to 2056" eval \
	'inR nft list table inet nft_netflow | grep -q "log group 2056"'
kill $OTHER 2>/dev/null; wait $OTHER 2>/dev/null
check "back to group 2055 under traffic" cli -m enable -o nflog_group=2055
wait $TRAFFIC
cat "$T/rate.txt"
sleep 3				# the previous group goes quiet and is let go
python3 "$NFN_SRCDIR/tests/integration/ctl.py" "$T/run/control" "stats json" \
	> "$T/stats.json"
check "disable (every flow exported)" cli -m disable
sleep 0.5
stop_collector c1
fwd=$(inR nft list table inet fwdcount | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
exported=$(nfdump -R "$T/c1" -q -N -o "fmt:%pkt" "proto udp and dst port >= 5000 and dst port <= 5999" |
	awk '{ s += $1 } END { print s + 0 }')
lost=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
n, dr = d["nflog"], d["drops"]
print(n["lost"] + dr["truncated"] + dr["malformed"] + dr["maxflows_pkts"] + dr["alloc_pkts"])' "$T/stats.json")
prev=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["nflog"]["previous_group"])' "$T/stats.json")
echo "forwarded $fwd, exported $exported, counted losses $lost, from the previous group $prev"
check "exported + counted losses == forwarded ($exported + $lost == $fwd)" \
	test "$((exported + lost))" = "$fwd"
check "packets reached the previous group after the switch ($prev)" \
	test "$prev" -gt 0
check "the traffic really ran (>= 100,000 forwarded)" test "$fwd" -ge 100000
finish

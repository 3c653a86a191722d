#!/bin/bash
# sampling-ipfix.sh: the sampler under protocol 10 (IPFIX), dual-stack
# (IPv6 from 2001:2::/48), switched live on one daemon, with a real nfcapd
# and tshark's IPFIX dissector reading the export datagrams.
#
#   deterministic:10, hook forward: 1005 IPv4 and 1005 IPv6 UDP packets.
#     The IPv4 and the IPv6 log rule each have their own counter (the
#     nfproto test comes before numgen), so exactly ceil(1005/10) = 101 of
#     each are exported.
#   hash:4: 150 IPv4 and 150 IPv6 UDP flows, TCP connections over both
#     families and pings: every exported tuple has all its packets and
#     bytes, and the UDP flows kept per family are within 5 sigma of 1/4.
#     The IPv6 rules hash ip6 saddr . ip6 daddr . l4proto [. ports]; the
#     include file's table is the one enable loaded (nft -s list).
# Every data record came after a sampler options record (template 263)
# with its rate: samplingAlgorithm 1 and samplingInterval 10, then 2 and 4
# (hash goes as random).
. "$(dirname "$0")/lib.sh"

NFN=${NFT_NETFLOW:-$(dirname "$NFT_NETFLOWD")/nft-netflow}
CONF=$T/etc/nft-netflow.conf
cli() { inR "$NFN" -c "$CONF" "$@"; }
daemon_pid() { cat "$T/run/nft-netflowd.pid" 2>/dev/null; }

setup_topology
setup_ipv6
# nfcapd 1.7.1 stores IPFIX counts as exported, unscaled (and "-s -1"
# would multiply them by 2^32 - 1 there)
start_collector c1 9995 || exit 1
capture_start || exit 1
export_capture_start 9995 || exit 1

# ---- deterministic:10
check "enable --protocol 10 --sampler deterministic:10" cli -m enable \
	-d 127.0.0.1:9995 -o control="$T/run/control" -o hooks=forward \
	--inactive-timeout 60 -o flush_timeout=5 --protocol 10 \
	--sampler deterministic:10
PID1=$(daemon_pid)
inR nft list table inet nft_netflow > "$T/table-det.txt"
check "rules: numgen inc mod 10 in front of the IPv6 log" grep -q \
	"meta nfproto ipv6 numgen inc mod 10 0 log group" "$T/table-det.txt"
traffic "$NS_A" udp $B_IP 5000 15 67 100		# 1005 packets
traffic "$NS_A" udp $B6_IP 5100 15 67 100		# 1005 packets
sleep 1		# the last NFLOG batch reaches the daemon (flush_timeout)

# ---- hash:4, live
check "enable --sampler hash:4: exit 0" cli -m enable --sampler hash:4
check "same daemon (applied live)" test "$(daemon_pid)" = "$PID1"
inR nft list table inet nft_netflow > "$T/table-hash.txt"
check "rules: IPv6 jhash of the 5-tuple" grep -q "jhash ip6 saddr . \
ip6 daddr . meta l4proto . th sport . th dport mod 4 seed 0x6e66736d 0 log" \
	"$T/table-hash.txt"
check "rules: IPv6 packets with ports decided by it return" grep -q \
	"jhash ip6 saddr . ip6 daddr . meta l4proto . th sport . th dport \
mod 4 seed 0x6e66736d != 0 return" "$T/table-hash.txt"
check "rules: any other IPv6 packet by its host pair and protocol" grep -q \
	"jhash ip6 saddr . ip6 daddr . meta l4proto mod 4 seed 0x6e66736d 0 \
log" "$T/table-hash.txt"
inR nft -s list table inet nft_netflow > "$T/table-hash-s.txt"
check "the include file loads the very table enable loaded" bash -c \
	"ip netns exec $NS_R nft -f '$T/etc/nft-netflow.nft' &&
	 ip netns exec $NS_R nft -s list table inet nft_netflow |
	 diff - '$T/table-hash-s.txt'"
inB python3 "$NFN_SRCDIR/tests/integration/traffic.py" tcp-server 6000 20 \
	dual &
SRV=$!
sleep 0.5
traffic "$NS_A" udp $B_IP 5300 150 5 100 42000
traffic "$NS_A" udp $B6_IP 5600 150 5 100 43000
traffic "$NS_A" tcp $B_IP 6000 20000 12
traffic "$NS_A" tcp $B6_IP 6000 20000 12
inA ping -c 6 -i 0.2 -s 100 -q $B_IP >/dev/null
inA ping -6 -c 6 -i 0.2 -s 100 -q $B6_IP >/dev/null
kill $SRV 2>/dev/null
sleep 1

check "nothing lost on the way to the daemon" \
	eval 'cli | grep -q "lost 0 (overruns 0, truncated batches 0)"'
capture_stop
check "disable: every flow exported" cli -m disable
sleep 0.5
export_capture_stop
stop_collector c1

check "IPv4 and IPv6: deterministic exactly 1 in 10 per family, hash \
whole flows; each record after the options with its sampler" \
	python3 "$NFN_SRCDIR/tests/integration/sampling.py" --ipfix \
	--pcap "$T/truth.pcap" --nfdump "$T/c1" --exports "$T/export.pcap" \
	--export-port 9995 \
	--exact "$B_IP:5000-5099:101" --exact "$B6_IP:5100-5199:101" \
	--header "5000-5199:1:10" \
	--whole "$B_IP:5300-5599:4" --whole "$B6_IP:5600-5899:4" \
	--header "5300-5899:2:4" --header "6000-6000:2:4"
finish

#!/bin/bash
# sampling.sh: sampler = deterministic:10, random:10 and hash:4 (SPEC 4.2)
# on the router namespace, each switched to live by "nft-netflow -m enable
# --sampler" on the same running daemon, with a real nfcapd and tshark's
# NetFlow dissector reading the export datagrams.
#
#   deterministic:10, hooks forward and input: 1005 packets forwarded and
#     505 sent to R itself.  Each hook's rule has its own counter, which
#     starts at 0 when the table is loaded and selects the packet that
#     finds it at 0 (this kernel's numgen inc: the 1st, 11th, 21st...), so
#     exactly ceil(1005/10) = 101 and ceil(505/10) = 51 are exported; one
#     counter shared by both hooks would select 151 of the 1510.
#   random:10: 5000 packets forwarded; exported within 5 sigma of the
#     binomial (n = the captured count, p = 1/10)
#   hash:4: 200 UDP flows, TCP connections (both directions) and pings;
#     every exported tuple has all its packets and bytes, and the number of
#     UDP flows kept is within 5 sigma of 200/4
# In every phase no exported tuple was invented, and tshark shows each
# datagram's sampling mode and rate: 1/10, 2/10, 2/4 (hash as random).
. "$(dirname "$0")/lib.sh"

NFN=${NFT_NETFLOW:-$(dirname "$NFT_NETFLOWD")/nft-netflow}
CONF=$T/etc/nft-netflow.conf
cli() { inR "$NFN" -c "$CONF" "$@"; }
daemon_pid() { cat "$T/run/nft-netflowd.pid" 2>/dev/null; }
stats_say() { cli | grep -q "$1"; }

setup_topology
# R: a quiet sink for the UDP sent to R itself (the input hook)
inR nft -f - <<-NFT
table inet sinkR {
	chain in {
		type filter hook input priority 0; policy accept;
		udp dport 5000-5999 drop
	}
}
NFT
# nfcapd multiplies counts by the rate an exporter announces (and keeps
# the first rate it saw): -s -1 keeps what was exported, unscaled
NFCAPD_ARGS="-s -1" start_collector c1 9995 || exit 1
capture_start || exit 1
# the export datagrams, for tshark's NetFlow dissector
export_capture_start 9995 || exit 1

# ---- deterministic:10 on forward and input
check "enable --sampler deterministic:10" cli -m enable \
	-d 127.0.0.1:9995 -o control="$T/run/control" -o hooks=forward,input \
	--inactive-timeout 60 -o flush_timeout=5 --sampler deterministic:10
PID1=$(daemon_pid)
inR nft list table inet nft_netflow > "$T/table-det.txt"
check "rules: numgen inc mod 10 in front of log" grep -q \
	"numgen inc mod 10 0 log group" "$T/table-det.txt"
check "show reports the sampler" stats_say "^sampler = deterministic:10$"
check "statistics report the sampler" stats_say "^Sampler: deterministic:10"
traffic "$NS_A" udp $B_IP 5000 15 67 100		# forward: 1005 packets
traffic "$NS_A" udp $RA_IP 5100 5 101 100		# input: 505 packets
sleep 1		# the last NFLOG batch reaches the daemon (flush_timeout)

# ---- random:10, live
check "enable --sampler random:10: exit 0" cli -m enable --sampler random:10
check "same daemon (applied live)" test "$(daemon_pid)" = "$PID1"
inR nft list table inet nft_netflow > "$T/table-rand.txt"
check "rules: numgen random mod 10 in front of log" grep -q \
	"numgen random mod 10 0 log group" "$T/table-rand.txt"
traffic "$NS_A" udp $B_IP 5200 50 100 100		# 5000 packets
sleep 1

# ---- hash:4, live
check "enable --sampler hash:4: exit 0" cli -m enable --sampler hash:4
check "same daemon (applied live)" test "$(daemon_pid)" = "$PID1"
inR nft list table inet nft_netflow > "$T/table-hash.txt"
check "rules: jhash of the 5-tuple" grep -q "jhash ip saddr . ip daddr . \
meta l4proto . th sport . th dport mod 4 seed 0x6e66736d 0 log" \
	"$T/table-hash.txt"
inR nft -s list table inet nft_netflow > "$T/table-hash-s.txt"
check "the include file loads the very table enable loaded" bash -c \
	"ip netns exec $NS_R nft -f '$T/etc/nft-netflow.nft' &&
	 ip netns exec $NS_R nft -s list table inet nft_netflow |
	 diff - '$T/table-hash-s.txt'"
tcp_sink 20
traffic "$NS_A" udp $B_IP 5300 200 5 100 42000
traffic "$NS_A" tcp $B_IP 6000 20000 12
inA ping -c 6 -i 0.2 -s 100 -q $B_IP >/dev/null
kill $SRV 2>/dev/null
sleep 1

# a bad sampler changes nothing; hash is nft-only
check "enable --sampler hash:1: refused" eval '! cli -m enable --sampler hash:1'
check "enable --rules iptables with hash: refused" \
	eval '! cli -m enable --rules iptables'
check "still hash:4" grep -qx "sampler = hash:4" "$CONF"

check "nothing lost on the way to the daemon" \
	stats_say "lost 0 (overruns 0, truncated batches 0)"
capture_stop
check "disable: every flow exported" cli -m disable
sleep 0.5
export_capture_stop
stop_collector c1

check "deterministic: exactly 1 in 10 per hook; random: 5 sigma; hash: \
whole flows; every datagram's sampling mode and rate" \
	python3 "$NFN_SRCDIR/tests/integration/sampling.py" \
	--pcap "$T/truth.pcap" --nfdump "$T/c1" --exports "$T/export.pcap" \
	--export-port 9995 \
	--exact "$B_IP:5000-5099:101" --exact "$RA_IP:5100-5199:51" \
	--header "5000-5199:1:10" \
	--binomial "$B_IP:5200-5299:10" --header "5200-5299:2:10" \
	--whole "$B_IP:5300-5599:4" --header "5300-5599:2:4" \
	--header "6000-6000:2:4"
finish

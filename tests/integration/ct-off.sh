#!/bin/bash
# capture = nflog with conntrack = off (the default) and the shipped rules:
# - TCP flows end from their flags: connections closed by FIN and by RST
#   are exported within inactive_timeout/2 of their end, exact per 5-tuple;
# - the daemon's own export, to a local and to a remote collector (in B),
#   and the ICMP errors of two down collectors (local and in B), are never
#   metered; a third host's (A's) UDP to a collector's port is, exactly;
# - conntrack stays off: no ct expression in the ruleset, no connection
#   in R's conntrack table after all that traffic.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || { echo "SKIP: conntrack not installed"; exit 77; }

INACTIVE=10
setup_topology
load_rules
start_collector c1 9995 || exit 1
# the remote collector: B, behind R's other veth
mkdir -p "$T/c2"
inB nfcapd -b $B_IP -p 9996 -w "$T/c2" -D -P "$T/nfcapd-c2.pid" >/dev/null 2>&1
for _ in $(seq 50); do [ -f "$T/nfcapd-c2.pid" ] && break; sleep 0.1; done
# 9997 (local) and 9998 (in B) listen nowhere: they answer port unreachable
write_conf "$T/nfn.conf" inactive_timeout=$INACTIVE \
	destination="\"127.0.0.1:9995, $B_IP:9996, 127.0.0.1:9997, $B_IP:9998\""
start_daemon "$T/nfn.conf" || exit 1
check "the daemon opened no conntrack socket" \
	eval '! ctl stats | grep -q "^Conntrack"'

# ---- phase 1: TCP ends by FIN (2 connections) and by RST (1)
capture_start || exit 1
inB python3 "$NFN_SRCDIR/tests/integration/traffic.py" tcp-server 6000 15 &
SRV=$!
sleep 0.5
traffic "$NS_A" tcp $B_IP 6000 100000 2
# apart, so that they leave in two datagrams and the down collectors'
# errors (reported at the next send) are seen
sleep 3
traffic "$NS_A" tcp-rst $B_IP 6000 30000
# well within inactive_timeout/2 of the last end (4 s with the capture stop)
sleep $((INACTIVE / 2 - 2)).5
capture_stop
ctl stats > "$T/stats1.txt"
stop_collector c1
mv "$T/truth.pcap" "$T/truth1.pcap"
check "TCP flows exported within inactive_timeout/2 of FIN/RST, exact" \
	python3 "$NFN_SRCDIR/tests/integration/compare.py" --pcap "$T/truth1.pcap" \
	--nfdump "$T/c1" --ifindex "$A_IP=$RA_IF" --ifindex "$B_IP=$RB_IF"
check "flows closed by their flags counted" \
	grep -Eq "TCP flows closed by flags: [1-9]" "$T/stats1.txt"
check "export datagrams were sent to the remote collector" \
	grep -Eq "^sock1: $B_IP:9996, sndbuf [0-9]+, ok [1-9]" "$T/stats1.txt"
check "the down collectors refused (ICMP errors came back)" eval \
	'grep -Eq "^sock2: .*refused [1-9]" "$T/stats1.txt" &&
	 grep -Eq "^sock3: .*refused [1-9]" "$T/stats1.txt"'

# ---- phase 2: a third host's UDP to a collector's ports, then shutdown
start_collector c1b 9995 || exit 1
capture_start || exit 1
traffic "$NS_A" udp $B_IP 9996 1 20 100 41000
traffic "$NS_A" udp $B_IP 9998 1 5 100 41001 0.3
inA ping -c 2 -i 0.2 -q $B_IP >/dev/null
capture_stop
kill "$SRV" 2>/dev/null
ctl stats > "$T/stats2.txt"
grep -E "^(Own|Traffic|sock)" "$T/stats2.txt"
inR nft list ruleset > "$T/ruleset.txt"
check "no ct expression in the ruleset" eval '! grep -Ew "ct|notrack" "$T/ruleset.txt"'
n=$(inR conntrack -C)
check "no connection in R's conntrack table ($n)" test "$n" = 0
check "own export traffic skipped in userland (ICMP errors)" \
	grep -Eq "^Own export traffic skipped: [1-9]" "$T/stats2.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
sleep 0.5
stop_collector c1b
stop_collector c2
check "A's UDP to the collectors' ports and B's ICMP errors metered, exact" \
	compare c1b
check "the remote collector got the same flows as the local one" bash -c \
	"nfdump -R '$T/c1' -q -N -o 'fmt:%sa %da %sp %dp %pkt %byt' | sort > '$T/l1' &&
	 nfdump -R '$T/c1b' -q -N -o 'fmt:%sa %da %sp %dp %pkt %byt' | sort >> '$T/l1' &&
	 nfdump -R '$T/c2' -q -N -o 'fmt:%sa %da %sp %dp %pkt %byt' | sort > '$T/l2' &&
	 sort -o '$T/l1' '$T/l1' && test -s '$T/l2' && cmp '$T/l1' '$T/l2'"
finish

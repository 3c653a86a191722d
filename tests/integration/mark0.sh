#!/bin/bash
# mark0.sh [off|on]: export_mark = 0 means "no mark" (SPEC 3): no rule
# matches a mark, so input, forward and output traffic are all metered,
# exactly, with conntrack = off and with conntrack = on.  The daemon's own
# export datagrams to the local collector carry no mark then and are
# skipped by the daemon itself (flow/own.h): they must not reach the
# collector as flows either.
. "$(dirname "$0")/lib.sh"

CT=${1:-off}
setup_topology
load_rules_for export_mark=0 conntrack=$CT || exit 1
check "no rule matches a mark" eval '! grep -w mark "$T/rules.nft"'
start_collector c1 9995 || exit 1
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 export_mark=0 \
	conntrack=$CT inactive_timeout=1
start_daemon "$T/nfn.conf" || exit 1
# ground truth: everything on ra, and R's own traffic on rb
capture_start || exit 1
inR dumpcap -q -i rb -f "ip and host $RB_IP" -w "$T/own.pcap" 2>"$T/own.log" &
OWNCAP=$!
for _ in $(seq 100); do grep -q "File:" "$T/own.log" 2>/dev/null && break; sleep 0.1; done

traffic "$NS_A" udp $B_IP 5000 3 10 100		# forward
traffic "$NS_A" udp $RA_IP 5100 2 5 200 41000	# input (R answers port unreachable)
inA ping -c 3 -i 0.2 -q $RA_IP >/dev/null	# input and output
traffic "$NS_R" udp $B_IP 5200 2 7 300 42000	# output
inR ping -c 3 -i 0.2 -q $B_IP >/dev/null	# output and input
sleep 2.5
capture_stop
kill -TERM $OWNCAP; wait $OWNCAP 2>/dev/null
ctl stats > "$T/stats.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
sleep 0.5
stop_collector c1
grep -E "^(Own|Traffic)" "$T/stats.txt"
mergecap -w "$T/all.pcap" "$T/truth.pcap" "$T/own.pcap"
check "input, forward and output metered exactly (conntrack $CT)" \
	python3 "$NFN_SRCDIR/tests/integration/compare.py" --pcap "$T/all.pcap" \
	--nfdump "$T/c1" --ifindex "$A_IP=$RA_IF" --ifindex "$B_IP=$RB_IF" \
	--ifindex "$RA_IP=0" --ifindex "$RB_IP=0"
check "own export datagrams skipped by the daemon" \
	grep -Eq "^Own export traffic skipped: [1-9]" "$T/stats.txt"
finish

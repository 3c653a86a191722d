#!/bin/bash
# capture = conntrack with export_mark = 0, so the daemon's own export
# connections are tracked: they, to a local collector and to a remote one
# (B:5500, which B drops quietly), are never exported, while A's UDP to the
# very same remote collector address and port is, exactly.  Only the
# daemon's own sockets' address and port count as its own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"

CT_DEST="\"127.0.0.1:$CT_PORT, $B_IP:5500\""
ct_setup conntrack export_mark=0 active_timeout=1
# a few export datagrams on both sockets first (active_timeout 1 s)
traffic "$NS_A" udp $B_IP 5000 3 5 100 40000 0.2
sleep 2.5
# a third host's datagrams to the remote collector's address and port
traffic "$NS_A" udp $B_IP 5500 1 12 200 41000 0.1
sleep 0.5
ct_finish_traffic
grep -E "^sock" "$T/stats.txt"
check "exports were sent to both collectors" eval \
	'grep -Eq "^sock0: .*ok [1-9]" "$T/stats.txt" &&
	 grep -Eq "^sock1: .*ok [1-9]" "$T/stats.txt"'
check "the own export connections were skipped" \
	grep -Eq "own export connections skipped [1-9]" "$T/stats.txt"
check "A's UDP to the collector's port exported; own traffic not; exact" \
	ct_compare
check "daemon exits 0 on SIGTERM" stop_daemon
finish

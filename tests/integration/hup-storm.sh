#!/bin/bash
# SIGHUP storm: 50 SIGHUPs in 5 s while 50 flows cross R at ~5,000
# packets/s.  Each re-reads the config and applies it (the NFLOG settings
# go to the kernel again, packets arriving meanwhile are metered): nothing
# is lost, the collector's packets and bytes per 5-tuple equal a capture
# of ra, and the daemon still answers and exits 0.
. "$(dirname "$0")/lib.sh"

setup_topology
load_rules
start_collector c1 9995
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=600
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
ip netns exec "$NS_A" python3 "$NFN_SRCDIR/tests/integration/traffic.py" \
	udp-rate $B_IP 5000 50 5000 7 > "$T/traffic.out" &
TRAFFIC=$!
sleep 1
for _ in $(seq 50); do
	kill -HUP "$DAEMON_PID" || break
	sleep 0.1
done
wait "$TRAFFIC"
SENT=$(sed -n 's/^udp-rate: \([0-9]*\) .*/\1/p' "$T/traffic.out")
settle "$SENT"
R=$(jget reload.ok)
# signals of one kind coalesce while pending: fewer reloads than signals
check "the daemon reloaded ($R times, none rejected)" \
	test "$R" -ge 1 -a "$R" -le 50 -a "$(jget reload.rejected)" = 0
check "it still answers" ctl ping
check "no NFLOG message lost ($(jget nflog.lost))" test "$(jget nflog.lost)" = 0
capture_stop
check "daemon exits 0 on SIGTERM" stop_daemon
stop_collector c1
check "collector == capture, per 5-tuple ($SENT datagrams sent)" \
	compare c1 --json "$T/cmp.json"
check "  all 50 flows" python3 -c "
import json, sys
sys.exit(json.load(open('$T/cmp.json'))['collected_tuples'] < 50)"
finish

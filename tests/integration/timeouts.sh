#!/bin/bash
# Inactive and active timeouts split flows, and the per-5-tuple sums over
# all records stay exact.
. "$(dirname "$0")/lib.sh"

setup_topology
load_rules
start_collector c1 9995
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=1 \
	active_timeout=2
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1

# active: 2 flows, a packet every 0.2 s for 6 s (never idle for 1 s)
traffic "$NS_A" udp $B_IP 5200 2 30 100 42000 0.2 &
ACT=$!
# inactive: 3 flows, two bursts 2.5 s apart on the same 5-tuples
traffic "$NS_A" udp $B_IP 5300 3 4 300 43000
sleep 2.5
traffic "$NS_A" udp $B_IP 5300 3 4 300 43000
wait $ACT
sleep 3		# let the last ones time out: no SIGTERM flush needed
capture_stop

check "flows were exported by the inactive timeout" \
	test "$(jget flows.exported_inactive)" -ge 5
check "flows were exported by the active timeout" \
	test "$(jget flows.exported_active)" -ge 4
check "nothing left for the shutdown flush" test "$(jget flows.active)" = 0
stop_daemon
stop_collector c1
check "every tuple split in >= 2 records, sums exact" compare c1 --min-records 2
finish

#!/bin/bash
# maxflows = 5: five flows are tracked; packets of the other flows are not
# metered and are counted as dropped, exactly (packets and bytes).
. "$(dirname "$0")/lib.sh"

setup_topology
load_rules
start_collector c1 9995
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 maxflows=5 \
	inactive_timeout=60
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
traffic "$NS_A" udp $B_IP 5000 12 4 100
settle 48

check "5 flows active" test "$(jget flows.active)" = 5
DP=$(jget drops.maxflows_pkts) DB=$(jget drops.maxflows_bytes)
check "28 packets dropped by maxflows (7 flows x 4)" test "$DP" = 28
check "28 x 128 bytes dropped by maxflows" test "$DB" = $((28 * 128))
ctl set maxflows 0 >/dev/null
traffic "$NS_A" udp $B_IP 5500 3 2 100 44000
settle 54
check "maxflows 0 (live): unlimited" test "$(jget flows.active)" = 8
capture_stop
stop_daemon
stop_collector c1
check "tracked flows exact, missing flows add up to the counted drops" \
	compare c1 --dropped-pkts "$DP" --dropped-bytes "$DB" --json "$T/cmp.json"
check "collector has 5 + 3 tuples" python3 -c "
import json, sys
sys.exit(json.load(open('$T/cmp.json'))['collected_tuples'] != 8)"
finish

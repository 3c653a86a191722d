#!/bin/bash
# A live change of protocol 5 -> 10 -> 9 under traffic loses nothing: every
# flow leaves in the old protocol first, the new one starts with its
# templates, and no datagram mixes them.  nfcapd, which reads all three on
# one port, holds exactly what crossed the router.
. "$(dirname "$0")/lib.sh"

setup_topology
load_rules
start_collector c1 9995
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=60
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
export_capture_start 9995 || exit 1

# 10 flows, a packet each every 0.1 s for 5 s
traffic "$NS_A" udp $B_IP 5000 10 50 200 45000 0.1 &
TR=$!
sleep 1.5
check "live set protocol 10" ctl set protocol 10
sleep 2
check "live set protocol 9" ctl set protocol 9
check "stats say protocol 9" test "$(jget export.protocol)" = 9
check "a bad protocol is refused" bash -c "! ctl set protocol 8 2>/dev/null"
wait $TR
sleep 0.5
capture_stop
check "daemon exits 0 on SIGTERM" stop_daemon
sleep 0.5
export_capture_stop
stop_collector c1

# every flow spans the three protocols: at least 3 records each
check "collector == capture, per 5-tuple, nothing lost across changes" \
	compare c1 --min-records 3
# versions in capture order, runs collapsed, and whether the first datagram
# of each run carries templates
tshark -r "$T/export.pcap" -d udp.port==9995,cflow -T fields -E "separator=|" \
	-e cflow.version -e cflow.template_id 2>/dev/null |
	awk -F"|" '$1 != last { printf "%s%s ", $1, ($2 != "" ? "t" : ""); last = $1 }' \
	> "$T/runs.txt"
echo "protocol runs: $(cat "$T/runs.txt")"
check "v5, then v10 from its templates, then v9 from its templates" \
	test "$(cat "$T/runs.txt")" = "5 10t 9t "
finish

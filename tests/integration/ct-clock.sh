#!/bin/bash
# One clock for a datagram (capture = conntrack): at flushes under traffic
# and at shutdown, every export datagram's sys_uptime is at least the Last
# of each of its records and never below the previous datagram's, as
# Wireshark's NetFlow dissector reads them.  Hundreds of connections per
# flush, so a flush fills several datagrams.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"

ct_setup conntrack active_timeout=2
export_capture_start $CT_PORT || exit 1
for round in 1 2 3; do
	traffic "$NS_A" udp $B_IP 5000 200 2 100 $((40000 + round * 200))
	ctl flush >/dev/null
	sleep 0.7
done
traffic "$NS_A" udp $B_IP 5000 150 2 100 41000
sleep 2.5			# active_timeout exports in between
ctl flush >/dev/null
traffic "$NS_A" udp $B_IP 5000 150 2 100 41200
check "daemon exits 0 on SIGTERM" stop_daemon
sleep 0.5
export_capture_stop
ct_stop_traffic
tshark -r "$T/export.pcap" -d udp.port==$CT_PORT,cflow -T fields \
	-E separator=' ' -e cflow.count -e cflow.sysuptime -e cflow.timeend \
	> "$T/cflow.txt"
check "tshark decoded the export datagrams" test -s "$T/cflow.txt"
check "sys_uptime >= every Last, monotonic across datagrams" \
	python3 - "$T/cflow.txt" <<'PY'
import sys
ok, prev, n, recs = True, None, 0, 0
for line in open(sys.argv[1]):
    f = line.split()
    count, up = int(f[0]), float(f[1])
    ends = [float(x) for x in f[2].split(",")]
    n += 1
    recs += count
    if max(ends) > up:
        print(f"datagram {n}: Last {max(ends)} > sys_uptime {up}"); ok = False
    if prev is not None and up < prev:
        print(f"datagram {n}: sys_uptime {up} < previous {prev}"); ok = False
    prev = up
print(f"{n} datagrams, {recs} records")
sys.exit(0 if ok and n >= 10 else 1)
PY
finish

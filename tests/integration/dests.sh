#!/bin/bash
# Two collectors receive identical records; a third destination with nothing
# listening does not slow them down, and its errors are counted.  The export
# datagrams themselves are checked with Wireshark's cflow dissector.
. "$(dirname "$0")/lib.sh"

setup_topology
load_rules
start_collector c1 9995
start_collector c2 9996
write_conf "$T/nfn.conf" \
	destination="\"127.0.0.1:9995, 127.0.0.1:9996;127.0.0.1:9997\"" \
	inactive_timeout=1
export_capture_start 9995 || exit 1
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
# 70 flows: more than two full datagrams of 30 records
traffic "$NS_A" udp $B_IP 5000 70 3 60
sleep 2.5
traffic "$NS_A" udp $B_IP 5000 70 2 60
sleep 2.5
capture_stop
ctl stats > "$T/stats.txt"
grep ^sock "$T/stats.txt"
stop_daemon
sleep 0.5
export_capture_stop
stop_collector c1
stop_collector c2

check "collector 1 == capture" compare c1 --min-records 2
check "collector 2 == capture" compare c2 --min-records 2
nfdump -R "$T/c1" -q -N -o "fmt:%sa %da %sp %dp %pkt %byt %in %out" | sort > "$T/c1.txt"
nfdump -R "$T/c2" -q -N -o "fmt:%sa %da %sp %dp %pkt %byt %in %out" | sort > "$T/c2.txt"
check "both collectors hold identical records" cmp -s "$T/c1.txt" "$T/c2.txt"
check "the down destination counted refusals" \
	grep -Eq "^sock2: 127.0.0.1:9997, .*refused [1-9]" "$T/stats.txt"
check "the live destinations had no errors" \
	grep -Eq "^sock0: .*fail 0, refused 0, sndbuf reached 0" "$T/stats.txt"

# every datagram as Wireshark decodes it
tshark -r "$T/export.pcap" -d udp.port==9995,cflow -T fields -E separator=' ' \
	-e cflow.version -e cflow.count -e cflow.sequence -e cflow.sysuptime \
	-e cflow.timestart -e cflow.timeend > "$T/cflow.txt"
check "tshark decoded the export datagrams" test -s "$T/cflow.txt"
check "version 5, count <= 30, sequence continuous, First/Last <= uptime" \
	python3 - "$T/cflow.txt" <<'PY'
import sys
seq = None
ok = True
for line in open(sys.argv[1]):
    f = line.split()
    ver, count, sq, up = int(f[0]), int(f[1]), int(f[2]), float(f[3])
    starts = [float(x) for x in f[4].split(",")]
    ends = [float(x) for x in f[5].split(",")]
    if ver != 5 or not 1 <= count <= 30 or len(starts) != count:
        print("bad header", line); ok = False
    if seq is not None and sq != seq:
        print(f"sequence {sq}, expected {seq}"); ok = False
    seq = sq + count
    if any(s > e or e > up for s, e in zip(starts, ends)):
        print("First/Last after sys_uptime", line); ok = False
print(f"checked datagrams up to sequence {seq}")
sys.exit(0 if ok else 1)
PY
finish

#!/bin/bash
# IPFIX (or v9: the argument, default 10) exporter statistics (template
# 261) carry what did not reach the collector: a flush of 8,000 flows over
# a 2 Mbit/s link through a queue of 40 datagrams loses some; then the
# options record the collector gets says notSentFlowTotalCount 166,
# notSentPacketTotalCount 167 and notSentOctetTotalCount 168 equal to the
# daemon's per-destination loss counters, and those equal what nfcapd is
# missing against a capture.  tshark decodes every export datagram with no
# unknown template and no malformed field.
. "$(dirname "$0")/lib.sh"
PROTO=${1:-10}

NF=4000 ROUNDS=2 TOTAL=8000
ulimit -n 8192
setup_topology
load_rules
inR tc qdisc add dev lo root tbf rate 2mbit burst 16kb limit 8mb
start_collector c1 9995
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=600 \
	active_timeout=1800 export_queue=40 protocol="$PROTO"
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
export_capture_start 9995 || exit 1
for r in $(seq 0 $((ROUNDS - 1))); do
	traffic "$NS_A" udp $B_IP $((30000 + r * NF)) $NF 1 60 \
		$((20000 + r * NF)) >/dev/null || exit 1
done
settle "$TOTAL" || exit 1
ctl flush >/dev/null
for _ in $(seq 300); do
	[ "$(jget export.sockets.0.queued)" = 0 ] && break
	sleep 0.1
done
LF=$(jget export.sockets.0.lost_flows) LP=$(jget export.sockets.0.lost_packets)
LB=$(jget export.sockets.0.lost_bytes)
check "datagrams lost and counted ($LF flows, $LP packets, $LB bytes)" \
	test "$LF" -gt 0
# one more flow and templates with every datagram: the options follow it
ctl set refresh_rate 1 >/dev/null
traffic "$NS_A" udp $B_IP 9000 1 1 60 45000 >/dev/null
settle $((TOTAL + 1)) || exit 1
ctl flush >/dev/null
sleep 1
capture_stop
check "daemon exits 0" stop_daemon
export_capture_stop
stop_collector c1
tshark -r "$T/export.pcap" -d udp.port==9995,cflow -T fields \
	-e cflow.notsent_flows -e cflow.notsent_packets -e cflow.notsent_octets \
	-e cflow.ignore_packets 2>/dev/null |
	awk -F'\t' '$1 != ""' > "$T/opts.txt"
echo "statistics records seen: $(wc -l < "$T/opts.txt"); last: $(tail -1 "$T/opts.txt")"
# the daemon's exit sends nothing more after its last flush: the last record
# the collector got was sent after every loss
read -r nf np no _ < <(tail -1 "$T/opts.txt" | tr '\t' ' ')
check "options: notSentFlowTotalCount $nf = $LF" test "$nf" = "$LF"
check "options: notSentPacketTotalCount $np = $LP" test "$np" = "$LP"
check "options: notSentOctetTotalCount $no = $LB" test "$no" = "$LB"
check "  and earlier records never said more" awk -F'\t' -v f="$LF" \
	'$1 + 0 > f + 0 { bad = 1 } END { exit bad }' "$T/opts.txt"
check "missing flows add up to the counted loss, packets and bytes" \
	compare c1 --dropped-pkts "$LP" --dropped-bytes "$LB" --json "$T/cmp.json"
check "  and in flows: $LF lost, as many missing" python3 -c "
import json, sys
j = json.load(open('$T/cmp.json'))
sys.exit(j['tuples'] - j['collected_tuples'] != $LF)"
check "tshark: no malformed field, no warning in any export datagram" python3 -c "
import subprocess, sys
out = subprocess.run(['tshark', '-r', '$T/export.pcap', '-d', 'udp.port==9995,cflow',
    '-T', 'fields', '-e', '_ws.expert.severity', '-e', '_ws.malformed'],
    capture_output=True, text=True).stdout
bad = [l for l in out.splitlines() if l.strip() and (
    any(int(s) > 4194304 for s in l.split('\t')[0].split(',') if s) or l.split('\t')[1:] != [''])]
print(len(out.splitlines()), 'datagrams,', len(bad), 'bad')
sys.exit(1 if bad else 0)"
finish

#!/bin/bash
# Templates are re-sent on time: with refresh_rate too high to matter and
# timeout_rate = 1 minute, a flow every 5 s for 75 s (each exported 1 s
# later, inactive_timeout 1) gives one datagram each; the templates go in
# the first one and again in the first one sent 60 s or more after them,
# and in no other.  Takes about 80 s.
. "$(dirname "$0")/lib.sh"

setup_topology
load_rules
start_collector c1 9995
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 protocol=10 \
	refresh_rate=65535 timeout_rate=1 inactive_timeout=1
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
export_capture_start 9995 || exit 1

for i in $(seq 0 15); do		# 16 flows, 5 s apart: 75 s
	traffic "$NS_A" udp $B_IP $((5000 + i)) 1 1 100 >/dev/null
	sleep 5
done
capture_stop
check "daemon exits 0 on SIGTERM" stop_daemon
sleep 0.5
export_capture_stop
stop_collector c1

# per IPFIX message: capture time, and whether it has a template set (2)
tshark -r "$T/export.pcap" -d udp.port==9995,cflow -T fields \
	-E "separator=|" -e frame.time_epoch -e cflow.flowset_id 2>/dev/null \
	> "$T/msgs.txt"
python3 - "$T/msgs.txt" <<-'PY'
import sys
msgs = []
for line in open(sys.argv[1]):
    t, sets = line.rstrip("\n").split("|")
    ids = sets.split(",")
    if "3" in ids:
        continue                    # options data, sent after templates
    msgs.append((float(t), "2" in ids))
print(f"{len(msgs)} flow messages, templates in "
      f"{[round(t - msgs[0][0], 1) for t, h in msgs if h]} s")
ok = len(msgs) >= 14 and msgs[0][1]
last = msgs[0][0] if msgs else 0
for t, has in msgs[1:]:
    due = t - last >= 60
    if has != due:
        print(f"message at +{t - msgs[0][0]:.1f} s: templates "
              f"{'present' if has else 'absent'}, due {due}")
        ok = False
    if has:
        last = t
ok = ok and sum(1 for _, h in msgs if h) == 2
sys.exit(0 if ok else 1)
PY
check "templates first, then again in the first message 60 s later" test $? = 0
check "collector == capture, per 5-tuple (16 flows)" compare c1
finish

#!/bin/bash
# NFLOG overrun: the smallest receive buffer (netlink_rcvbuf = 65536) and
# the daemon stopped (SIGSTOP) while 20,000 packets cross R: the kernel
# cannot deliver, the socket overruns (ENOBUFS) and messages are lost.
# Their sequence numbers make the loss exact: the packets the collector
# got plus the messages counted lost equal the packets R forwarded (a
# capture of ra), and afterwards metering goes on exactly.
. "$(dirname "$0")/lib.sh"

N=20000 TAIL=300
setup_topology
load_rules
start_collector c1 9995 1048576
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=600 \
	netlink_rcvbuf=65536
start_daemon "$T/nfn.conf" || exit 1
check "receive buffer is the small one ($(jget nflog.rcvbuf))" \
	test "$(jget nflog.rcvbuf)" -le 262144
capture_start || exit 1
kill -STOP "$DAEMON_PID"
traffic "$NS_A" udp $B_IP 5000 200 $((N / 200)) 60 >/dev/null
kill -CONT "$DAEMON_PID"
# a tail after the overrun: its sequence numbers reveal the gap
traffic "$NS_A" udp $B_IP 5500 $TAIL 1 60 30000 >/dev/null
logged() {	# messages read + counted lost reach what was sent
	for _ in $(seq 100); do
		[ $(($(jget nflog.messages) + $(jget nflog.lost))) -ge $((N + TAIL)) ] &&
			return 0
		sleep 0.1
	done
	return 1
}
check "every logged packet read or counted lost" logged
LOST=$(jget nflog.lost) PK=$(jget traffic.pkts)
check "overruns counted ($(jget nflog.overruns)), $LOST messages lost" \
	test "$(jget nflog.overruns)" -gt 0 -a "$LOST" -gt 0
check "no other drop" test "$(jget drops.alloc_pkts)$(jget drops.truncated)$(jget drops.malformed)$(jget drops.maxflows_pkts)" = 0000
capture_stop
stop_daemon
stop_collector c1
compare c1 --json "$T/cmp.json" > "$T/cmp.txt"
read -r TRUTH GOT < <(python3 -c "
import json
j = json.load(open('$T/cmp.json'))
print(j['truth_pkts'], j['collected_pkts'])")
check "forwarded $TRUTH == collected $GOT + lost $LOST" \
	test "$TRUTH" = $((GOT + LOST))
check "collector has what the daemon metered ($PK)" test "$GOT" = "$PK"
check "forwarded all $((N + TAIL)) test packets" test "$TRUTH" = $((N + TAIL))
check "the tail after the overrun arrived exactly" python3 - "$T/cmp.txt" <<'PY'
import sys
# compare.py's per-tuple lines: "ok ... ('198.18.1.2', '198.19.1.2', 17, SPORT, DPORT)"
ok = sum(1 for l in open(sys.argv[1])
         if l.startswith("ok ") and ", 17, 30" in l)
sys.exit(ok != 300)
PY
finish

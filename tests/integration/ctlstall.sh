#!/bin/bash
# Stuck control clients do not stall the event loop (src/daemon/ctlsrv.h).
# While traffic crosses the router, one client sends its request a byte a
# second and another asks for a flows listing far larger than the socket
# buffers and never reads it.  Meanwhile:
#  - other clients get their answers at once, the big listing included;
#  - both stuck clients are dropped at the 10 s deadline, and counted;
#  - the export still equals a capture of the router, per 5-tuple, and
#    NFLOG lost nothing;
#  - a ninth client beyond the eight served at once is told "ERR busy".
. "$(dirname "$0")/lib.sh"

NF=6000
setup_topology
load_rules
# a bigger receive buffer: the exit flushes all NF flows at once
start_collector c1 9995 8388608
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=600 \
	active_timeout=1800
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1
clients() { python3 "$NFN_SRCDIR/tests/integration/ctlclients.py" "$T/control" "$@"; }

# NF flows in the table: their listing is ~600 KB
traffic "$NS_A" udp $B_IP 10000 $NF 1 60 20000 >/dev/null || exit 1
settle $NF || exit 1
ctl flows > "$T/flows.txt"
check "flows lists all $NF flows (header + one line each)" \
	test "$(grep -c "^[0-9]" "$T/flows.txt")" = "$(jget flows.active)"
check "  and the JSON listing as many" python3 -c "
import json, subprocess, sys
fl = json.loads(subprocess.run(['python3', '$NFN_SRCDIR/tests/integration/ctl.py',
    '$T/control', 'flows json'], capture_output=True, text=True).stdout)
sys.exit(len(fl) != int(sys.argv[1]))" "$(jget flows.active)"

T0=$(date +%s.%N)
clients drip 15 > "$T/drip.out" &
DRIP=$!
clients noread 13 flows > "$T/noread.out" &
NOREAD=$!
# traffic during the stall: 10 flows, a packet each every 0.1 s for 8 s
traffic "$NS_A" udp $B_IP 5000 10 80 200 45000 0.1 &
TR=$!
sleep 1
ok_fast=1
for i in $(seq 8); do
	clients timed ping > "$T/timed.out"
	read -r secs first < "$T/timed.out"
	echo "ping during the stall: ${secs}s ($first)"
	python3 -c "import sys; sys.exit(float('$secs') > 1.0)" || ok_fast=0
	[ "${first%% *}" = OK ] || ok_fast=0
	sleep 0.5
done
check "other clients answered within 1 s while both were stuck" test $ok_fast = 1
clients timed flows > "$T/timed.out"
read -r secs first < "$T/timed.out"
check "a full listing meanwhile took ${secs}s" \
	python3 -c "import sys; sys.exit(float('$secs') > 3.0 or '$first' != 'OK')"
wait $TR
wait $DRIP
wait $NOREAD
echo "drip client: $(cat "$T/drip.out"); noread client: $(cat "$T/noread.out")"
read -r what at < "$T/drip.out"
check "the drip client was dropped at the deadline (${at}s)" \
	python3 -c "import sys; sys.exit('$what' != 'closed' or not 9.5 <= float('$at') <= 12.5)"
read -r _ got state < "$T/noread.out"
check "the non-reading client was dropped before it read" test "$state" = eof
check "  with only part of the listing ($got bytes)" \
	test "$got" -lt "$(stat -c %s "$T/flows.txt")"
check "both counted as dropped at the deadline" \
	test "$(jget control.timed_out)" = 2
check "NFLOG lost nothing" test "$(jget nflog.lost)" = 0

clients busy 8 > "$T/busy.out"
check "a ninth client is told it is busy: $(cat "$T/busy.out")" \
	grep -q "^ERR busy: 8 control clients" "$T/busy.out"
check "  and counted" test "$(jget control.busy)" = 1
sleep 0.3
check "the eight idle ones are gone again" test "$(jget control.clients)" = 1

capture_stop
check "daemon exits 0 (exports every flow)" stop_daemon
stop_collector c1
check "collector == capture, per 5-tuple, packets and bytes" \
	compare c1
finish

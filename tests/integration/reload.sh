#!/bin/bash
# SIGHUP changing the destination and the timeouts under traffic loses
# nothing: the two collectors together hold exactly what crossed the router.
# A bad file or a bad live value is rejected whole and the daemon runs on.
. "$(dirname "$0")/lib.sh"

setup_topology
load_rules
start_collector c1 9995
start_collector c2 9996
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=30
start_daemon "$T/nfn.conf" || exit 1
capture_start || exit 1

# 10 flows, a packet each every 0.1 s for 4 s
traffic "$NS_A" udp $B_IP 5000 10 40 200 45000 0.1 &
TR=$!
sleep 1.5
write_conf "$T/nfn.conf" destination=127.0.0.1:9996 inactive_timeout=1 \
	active_timeout=1
kill -HUP "$DAEMON_PID"
sleep 0.5
check "reload applied: destination" \
	test "$(jget export.sockets.0.destination)" = 127.0.0.1:9996
check "reload applied: active_timeout" \
	grep -qx "active_timeout = 1" <(ctl config)

# a bad file: rejected whole, nothing applied
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=0
kill -HUP "$DAEMON_PID"
sleep 0.5
check "bad reload rejected and counted" test "$(jget reload.rejected)" = 1
check "bad reload left the destination alone" \
	test "$(jget export.sockets.0.destination)" = 127.0.0.1:9996
check "bad reload logged the key, value and range" \
	grep -q 'inactive_timeout.*"0".*1\.\.86400' "$T/daemon.log"

# bad live values: rejected with a reason, state kept
ctl set maxflows -1 2>"$T/err1"; rc1=$?
check "set maxflows -1 fails" test $rc1 != 0
check "and names key and range" grep -q "maxflows" "$T/err1"
ctl set capture conntrack 2>"$T/err2"; rc2=$?
check "set capture under a running daemon fails (restart needed)" test $rc2 != 0
check "live set hashsize 4096 (rehash) works" ctl set hashsize 4096
check "hashsize is 4096" test "$(jget flows.hashsize)" = 4096
wait $TR
sleep 0.5
capture_stop
stop_daemon
stop_collector c1
stop_collector c2
check "c1 + c2 == capture, nothing lost across reloads" \
	python3 "$NFN_SRCDIR/tests/integration/compare.py" --pcap "$T/truth.pcap" \
	--nfdump "$T/c1" --nfdump "$T/c2" --min-records 2
check "daemon still alive until SIGTERM, log has no crash" \
	grep -q "exited" "$T/daemon.log"
finish

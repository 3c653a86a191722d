#!/bin/bash
# kill -9 and restart, through the CLI on a router namespace: enable (table
# and daemon), traffic, then SIGKILL the daemon.  status then tells the
# truth: exit 1, the daemon not running, the table still loaded (the rules
# belong to the ruleset, not to the process), netflow not enabled.
# enable starts a new daemon over the stale pid file and socket, and
# metering resumes: the flows after the restart arrive exactly, and what
# is lost is exactly the flows the killed daemon had not exported yet.
. "$(dirname "$0")/lib.sh"

NFN=${NFT_NETFLOW:-$(dirname "$NFT_NETFLOWD")/nft-netflow}
CONF=$T/etc/nft-netflow.conf PIDFILE=$T/run/nft-netflowd.pid
cli() { inR "$NFN" -c "$CONF" "$@"; }
ctlr() { python3 "$NFN_SRCDIR/tests/integration/ctl.py" "$T/run/control" "$*"; }
alive() { [ -n "$1" ] && [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status"; }
metered() {	# metered N: the daemon has read N packets (5 s at most)
	for _ in $(seq 50); do
		ctlr stats json | python3 -c "import json, sys
sys.exit(json.load(sys.stdin)['traffic']['pkts'] < $1)" && return 0
		sleep 0.1
	done
	return 1
}

setup_topology
start_collector c1 9995 || exit 1
capture_start || exit 1
check "install and enable" cli -m enable -d 127.0.0.1:9995 \
	-o control="$T/run/control" --inactive-timeout 60
PID1=$(cat "$PIDFILE")
check "daemon running" alive "$PID1"
check "status 0" cli -m status
# before the kill: 10 flows x 5 packets of 128 bytes, not exported yet
traffic "$NS_A" udp $B_IP 5000 10 5 100 >/dev/null
check "the daemon metered them" metered 50
kill -9 "$PID1"
for _ in $(seq 50); do alive "$PID1" || break; sleep 0.1; done
check "killed" eval '! alive "$PID1"'
cli -m status -v > "$T/status.txt"
check "status: exit 1 after kill -9" test $? = 1
check "status -v: daemon not running" grep -q "nft-netflowd is not running" "$T/status.txt"
check "status -v: the table is still loaded" grep -q "table inet nft_netflow is loaded" "$T/status.txt"
check "status -v: netflow not enabled" grep -q "netflow is not enabled" "$T/status.txt"
check "show: says not running" eval 'cli | grep -qi "not running"'
# restart over the stale pid file and control socket
check "enable restarts the daemon" cli -m enable
PID2=$(cat "$PIDFILE")
check "a new daemon ($PID1 -> $PID2)" test "$PID2" != "$PID1" -a -n "$PID2"
check "status 0 again" cli -m status
traffic "$NS_A" udp $B_IP 5100 10 7 200 41000 >/dev/null
check "metering resumed" metered 70
capture_stop
check "disable: every flow exported" cli -m disable
stop_collector c1
# lost: the 10 flows of the killed daemon, 50 packets of 128 bytes
check "after the restart exact; missing exactly the killed daemon's flows" \
	compare c1 --dropped-pkts 50 --dropped-bytes $((50 * 128)) --json "$T/cmp.json"
check "  10 flows lost, 10 arrived" python3 -c "
import json, sys
j = json.load(open('$T/cmp.json'))
sys.exit(j['tuples'] != 20 or j['collected_tuples'] != 10)"
finish

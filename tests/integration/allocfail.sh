#!/bin/bash
# Allocation failures injected into a running nft-netflowd
# (tests/lib/failalloc.c, LD_PRELOAD, armed at run time through a shared
# page): the daemon survives, counts what it could not meter, refuses a
# reload it cannot finish whole and keeps the old configuration; once
# memory is back, nfcapd gets exactly what was forwarded minus what the
# daemon counted dropped.
#
# 1. Packet path.  A fresh daemon per step meets the same allocations for
#    F new flows (slabs, the slab index, the hash growing past 4096
#    flows): a count-only run gives K, then the Nth allocation fails for
#    N = 1..K.  Each packet is a new flow or a counted drop.  Then every
#    allocation fails during a burst, and the control socket is used
#    meanwhile: every packet is counted dropped, the daemon lives on.
# 2. Reload.  allocwalk.py fails the Nth allocation of one reload for
#    every N: a SIGHUP, of the daemon's own calls; a `reload` request and
#    a SIGHUP, of every allocation in the process (libc, iniparser, the
#    parsing child); then a SIGHUP with no memory at all for the daemon.  Each is applied whole or
#    refused whole with a message, and the heap the daemon holds in the
#    same configuration is the same before and after each walk (no leak
#    on an error path; failalloc counts the bytes).
# 3. Export.  The collector behind a slow link, a small send buffer:
#    expiring flows must wait in the queue, and with no memory for a
#    queued datagram it is lost and counted (flows, packets, bytes).
. "$(dirname "$0")/lib.sh"

: "${FAILALLOC_SO:?path of tests/lib/failalloc.c built (libfailalloc.so)}"
# ASan replaces malloc itself and must come first in the library list:
# an LD_PRELOAD allocator cannot sit in front of it.
if ldd "$NFT_NETFLOWD" 2>/dev/null | grep -q libasan; then
	echo "SKIP: nft-netflowd is built with ASan; failalloc cannot be preloaded"
	exit 77
fi

F=4600		# new flows per packet-path step: past one slab and the
		# first hash growth (4096)
PAGE=$T/failalloc.page
FA() { python3 "$NFN_SRCDIR/tests/integration/failalloc.py" "$PAGE" "$@"; }
FA init

setup_topology
load_rules
sink_ports 6000-15999
start_collector c1 9995 4194304
start_collector c2 9996 1048576

# start_fa CONF: the daemon as start_daemon does, with failalloc preloaded
start_fa() {
	rm -f "$T/control"
	ip netns exec "$NS_R" env LD_PRELOAD="$FAILALLOC_SO" \
		FAILALLOC_CTL="$PAGE" "$NFT_NETFLOWD" -f -c "$1" -p - \
		2>>"$T/daemon.log" &
	DAEMON_PID=$!
	for _ in $(seq 50); do
		[ -S "$T/control" ] && ctl ping >/dev/null 2>&1 && break
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.1
	done
	ctl ping >/dev/null 2>&1 && FA show | grep -q " loaded$" && return 0
	echo "daemon with failalloc did not start:"; cat "$T/daemon.log"
	return 1
}

# burst SPORT N: N new UDP flows from A:SPORT to B:6000..6000+N-1
burst() {
	ip netns exec "$NS_A" python3 -c '
import socket, sys
sport, n, dst = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", sport))
for p in range(6000, 6000 + n):
    s.sendto(b"x" * 32, (dst, p))' "$1" "$2" "$B_IP"
}

# drained: the kernel holds no NFLOG message for the daemon any more (none
# queued in the group, none in a netfilter netlink socket's receive
# buffer); asks the daemon nothing, so it allocates nothing
drained() {
	local i n=0
	sleep 0.2
	for i in $(seq 100); do
		if inR awk 'FILENAME ~ /nfnetlink_log/ && $3 != 0 { busy = 1 }
		    FILENAME ~ /netlink$/ && $2 == 12 && $5 != 0 { busy = 1 }
		    END { exit busy }' /proc/net/netfilter/nfnetlink_log \
		    /proc/net/netlink; then
			n=$((n + 1))
			[ $n = 3 ] && return 0
		else
			n=0
		fi
		sleep 0.05
	done
	echo "NFLOG not drained after 5 s"
	return 1
}

# settle_total N: wait until the daemon read N packets since it started
settle_total() {
	for _ in $(seq 100); do
		[ "$(jget traffic.pkts)" -ge "$1" ] 2>/dev/null && return 0
		sleep 0.05
	done
	echo "the daemon read $(jget traffic.pkts) packets, not $1"
	return 1
}

write_conf "$T/a.conf" destination=127.0.0.1:9995 inactive_timeout=600 \
	active_timeout=1800 hashsize=0 maxflows=0
write_conf "$T/b.conf" destination=127.0.0.1:9995,127.0.0.1:9996 \
	inactive_timeout=599 active_timeout=1700 hashsize=8192 maxflows=100000
cp "$T/a.conf" "$T/nfn.conf"
capture_start || exit 1

DROP_P=0 DROP_B=0	# counted drops over every daemon of this test
alive() { ctl ping >/dev/null; }

# one_step NTH SPORT [persist]: a fresh daemon, F new flows from SPORT
# with allocation NTH failing (0: count only); SEEN and FAILED of the page
one_step() {
	local sport=$2 ok=1 new dp db pk
	start_fa "$T/nfn.conf" || return 1
	FA arm all "$1" ${3:-}
	burst "$sport" "$F"
	drained || ok=0
	if [ -n "${3:-}" ]; then
		# the control socket while nothing can be allocated: an answer
		# or a closed connection, never a dead daemon
		ctl ping >/dev/null 2>&1
		ctl stats json >/dev/null 2>&1
		kill -0 "$DAEMON_PID" || ok=0
	fi
	FA disarm
	read -r SEEN FAILED _ < <(FA show)
	settle_total "$F" || ok=0
	check "step $1${3:+ (all failing)}: daemon alive after $FAILED failed of $SEEN allocations" \
		alive
	ctl stats json > "$T/stats.json"
	read -r new dp db pk < <(python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
print(j["flows"]["new"], j["drops"]["alloc_pkts"], j["drops"]["alloc_bytes"],
      j["traffic"]["pkts"])' "$T/stats.json")
	check "step $1${3:+ (all failing)}: $pk packets = $new new flows + $dp counted alloc drops" \
		test "$pk" = "$F" -a $((new + dp)) = "$F" -a "$ok" = 1
	check "step $1${3:+ (all failing)}: alloc drops ($dp) <= injected failures ($FAILED)" \
		test "$dp" -le "$FAILED"
	check "step $1${3:+ (all failing)}: $db bytes dropped = $dp x 60" test "$db" = $((dp * 60))
	DROP_P=$((DROP_P + dp)) DROP_B=$((DROP_B + db))
	LAST_DROPS=$dp
	stop_daemon || not_ok "step $1${3:+ (all failing)}: daemon exit"
}

# 1. the packet path
one_step 0 30000
K=$SEEN
check "count-only: $K allocations for $F new flows, none failed" \
	test "$K" -ge 3 -a "$FAILED" = 0 -a "$LAST_DROPS" = 0
for ((n = 1; n <= K && n <= 20; n++)); do
	one_step $n $((30000 + n))
	check "step $n: exactly one allocation failed" test "$FAILED" = 1
done
one_step 1 30100 persist
check "no memory at all: every one of $F packets counted dropped" \
	test "$LAST_DROPS" = "$F"

echo "packet path: ${SECONDS}s"

# 2. reloads, with 3000 live flows that a rehash must move
start_fa "$T/nfn.conf" || exit 1
burst 31000 3000
settle_total 3000
for walk in "hup exe" "reload all" "hup all"; do
	set -- $walk
	python3 "$NFN_SRCDIR/tests/integration/allocwalk.py" $1 \
		"$T/control" "$PAGE" "$T/nfn.conf" $2 "$T/a.conf" "$T/b.conf" \
		> "$T/walk-$1-$2.txt" 2>&1
	rc=$?
	tail -2 "$T/walk-$1-$2.txt"
	grep MISMATCH "$T/walk-$1-$2.txt" | head -5
	check "$1 walk, class $2: every step whole or refused, no leak" \
		test $rc = 0
done
check "the walks hit the rehash" grep -q \
	"rehash failed: Cannot allocate memory" "$T/walk-reload-all.txt"
check "and the parser" grep -q \
	"nfn.conf: cannot be read: Cannot allocate memory" "$T/walk-reload-all.txt"

echo "reload walks: ${SECONDS}s"

# SIGHUP with no memory for any of the daemon's own allocations
REJ=$(jget reload.rejected)
cp "$T/b.conf" "$T/nfn.conf"
FA arm exe 1 persist
kill -HUP "$DAEMON_PID"
sleep 1
FA disarm
check "SIGHUP without memory: rejected and counted" \
	test "$(jget reload.rejected)" = $((REJ + 1))
check "with the file and the cause in the log" grep -q \
	"reload rejected, running configuration kept: $T/nfn.conf: cannot be read: Cannot allocate memory" \
	"$T/daemon.log"
check "the old configuration stays (active_timeout 1800)" \
	grep -qx "active_timeout = 1800" <(ctl config)
cp "$T/a.conf" "$T/nfn.conf"

# memory is back: metering goes on, exactly
burst 31001 500
settle_total 3500
check "after the failures: 3500 flows metered, none dropped" \
	test "$(jget flows.active)" = 3500 -a "$(jget drops.alloc_pkts)" = 0
stop_daemon || not_ok "daemon exit"

# 3. the export queue: the collector behind a slow link (tc tbf on R's
# loopback) and a small send buffer, so that expiring flows wait in the
# queue; with no memory for a queued datagram it is lost, and counted
echo "reloads and SIGHUP: ${SECONDS}s"
inR tc qdisc add dev lo root tbf rate 2mbit burst 16kb limit 8mb
write_conf "$T/q.conf" destination=127.0.0.1:9995 inactive_timeout=1 \
	sndbuf=4096
start_fa "$T/q.conf" || exit 1
burst 32000 "$F"
settle_total "$F"
FA arm exe 1 persist
expired() {	# every flow ended (queued or lost; the control socket works)
	for _ in $(seq 100); do
		[ "$(jget flows.active)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}
check "queue step: every flow expired while no datagram could be queued" \
	expired
FA disarm
read -r _ QFAILED _ < <(FA show)
LOSTP=$(jget export.sockets.0.lost_packets)
LOSTB=$(jget export.sockets.0.lost_bytes)
check "queue step: $QFAILED queue allocations failed, $LOSTP flows' packets counted lost" \
	test "$QFAILED" -gt 0 -a "$LOSTP" -gt 0 -a "$LOSTB" = $((LOSTP * 60))
check "queue step: daemon alive" alive
stop_daemon || not_ok "queue step: daemon exit"
inR tc qdisc del dev lo root
DROP_P=$((DROP_P + LOSTP)) DROP_B=$((DROP_B + LOSTB))
capture_stop
stop_collector c1
stop_collector c2
check "no daemon died (no crash in the log)" \
	test "$(grep -c exited "$T/daemon.log")" = $((K + 4))
check "collectors + $DROP_P counted drops or losses ($DROP_B bytes) == forwarded" \
	compare c1 --nfdump "$T/c2" --dropped-pkts "$DROP_P" \
	--dropped-bytes "$DROP_B" --json "$T/cmp.json" > "$T/cmp.txt"
tail -2 "$T/cmp.txt"
finish

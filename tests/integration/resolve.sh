#!/bin/bash
# Host names in destinations are resolved off the event loop
# (src/daemon/confjob.h).  The daemon runs in a mount namespace of its own
# where /etc/hosts names two collectors and /etc/resolv.conf points at a
# "DNS server" inside R that never answers (nothing leaves R; no real DNS
# server is ever asked).  Under traffic:
#  - "set destination" with a name from /etc/hosts is applied, and so is a
#    reload whose file names the other one;
#  - a name the hosts file does not know waits for the silent server: the
#    request is refused after the resolver's timeout, naming the
#    destination, nothing changed, and other clients got their answers
#    within a fraction of a second meanwhile;
#  - a reload naming it is rejected whole and counted;
#  - the two collectors together hold exactly what crossed the router.
. "$(dirname "$0")/lib.sh"
harness_require unshare mount

setup_topology
load_rules
# the queries to the silent server (R's loopback) are not test traffic:
# marked like the daemon's export, so the metering rules skip them
inR nft -f - <<'NFT' || exit 1
table inet nfn_test_dns {
	chain output {
		type filter hook output priority -200; policy accept;
		udp dport 53 meta mark set 0x00006e66
		tcp dport 53 meta mark set 0x00006e66
	}
}
NFT
printf '127.0.0.1 localhost\n127.0.0.1 col-a.nfn.test\n127.0.0.1 col-b.nfn.test\n' \
	> "$T/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:4 attempts:1\n' > "$T/resolv.conf"
printf 'hosts: files dns\n' > "$T/nsswitch.conf"
chmod 644 "$T/hosts" "$T/resolv.conf" "$T/nsswitch.conf"
# the silent server: reads queries, never answers (at most 60 s)
inR python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53)); s.settimeout(1)
end = time.monotonic() + 60
n = 0
while time.monotonic() < end:
    try:
        s.recv(512); n += 1
        print("query", n, flush=True)
    except socket.timeout:
        pass
' > "$T/dns.log" 2>&1 &

start_collector c1 9995
start_collector c2 9996
write_conf "$T/nfn.conf" destination=127.0.0.1:9995 inactive_timeout=30 active_timeout=1
rm -f "$T/control"
ip netns exec "$NS_R" unshare -m sh -c '
	mount --bind "$1/hosts" /etc/hosts &&
	mount --bind "$1/resolv.conf" /etc/resolv.conf &&
	mount --bind "$1/nsswitch.conf" /etc/nsswitch.conf &&
	exec "$2" -f -c "$1/nfn.conf" -p -' sh "$T" "$NFT_NETFLOWD" \
	2>>"$T/daemon.log" &
DAEMON_PID=$!
for _ in $(seq 50); do
	[ -S "$T/control" ] && ctl ping >/dev/null 2>&1 && break
	sleep 0.1
done
ctl ping >/dev/null || { echo "daemon did not start:"; cat "$T/daemon.log"; exit 1; }
capture_start || exit 1
clients() { python3 "$NFN_SRCDIR/tests/integration/ctlclients.py" "$T/control" "$@"; }

# 10 flows, a packet each every 0.1 s for 8 s
traffic "$NS_A" udp $B_IP 5000 10 80 200 45000 0.1 &
TR=$!
sleep 1
check "set destination col-b.nfn.test:9996 (from /etc/hosts)" \
	ctl set destination col-b.nfn.test:9996
check "  applied: 127.0.0.1:9996" \
	test "$(jget export.sockets.0.destination)" = 127.0.0.1:9996
check "  config keeps the name" \
	grep -qx "destination = col-b.nfn.test:9996" <(ctl config)

# a name only the silent server could know
ctl set destination nowhere.nfn.test:9997 > /dev/null 2> "$T/err.txt" &
SLOW=$!
T0=$(date +%s%N)
sleep 0.3
# asked first: the resolver's timeout (4 s) is far off, even on a slow machine
check "a second change meanwhile is refused: busy" \
	eval 'ctl set destination 127.0.0.1:9995 2>&1 | grep -q "still being prepared"'
ok_fast=1
for _ in 1 2 3; do
	clients timed ping > "$T/timed.out"
	read -r secs first < "$T/timed.out"
	echo "ping while resolving: ${secs}s ($first)"
	python3 -c "import sys; sys.exit(float('$secs') > 0.5)" || ok_fast=0
	[ "$first" != "${first#OK}" ] || ok_fast=0
	sleep 0.3
done
check "other clients answered at once while the name resolved" \
	test $ok_fast = 1 -a -d /proc/$SLOW
wait $SLOW; rc=$?
took=$((($(date +%s%N) - T0) / 1000000))
echo "refused after ${took} ms: $(cat "$T/err.txt")"
check "the unknown name is refused" test $rc != 0
check "  naming the destination" grep -q 'destination "nowhere.nfn.test:9997"' "$T/err.txt"
check "  after the resolver's timeout (${took} ms: the silent server was asked)" \
	test "$took" -ge 3500 -a -s "$T/dns.log"
check "  nothing changed" test "$(jget export.sockets.0.destination)" = 127.0.0.1:9996

# reloads: a name from the hosts file, then one nobody knows
write_conf "$T/nfn.conf" destination=col-a.nfn.test:9995 inactive_timeout=30 active_timeout=1
kill -HUP "$DAEMON_PID"
sleep 0.5
check "reload to col-a.nfn.test:9995 applied" \
	test "$(jget export.sockets.0.destination)" = 127.0.0.1:9995
write_conf "$T/nfn.conf" destination="col-b.nfn.test:9996 nowhere.nfn.test:9997" \
	inactive_timeout=30 active_timeout=1
kill -HUP "$DAEMON_PID"
# rejected once the resolver gives up on the unknown name (4 s)
for _ in $(seq 100); do
	[ "$(jget reload.rejected)" = 1 ] && break
	sleep 0.1
done
check "a reload naming an unknown host is rejected whole and counted" \
	test "$(jget reload.rejected)" = 1 -a "$(jget export.sockets.0.destination)" = 127.0.0.1:9995 \
	-a "$(ctl stats json | python3 -c 'import json, sys
print(len(json.load(sys.stdin)["export"]["sockets"]))')" = 1
check "  logged with the destination" grep -q 'nowhere.nfn.test:9997' "$T/daemon.log"
check "NFLOG lost nothing" test "$(jget nflog.lost)" = 0
wait $TR
sleep 0.5
capture_stop
check "daemon exits 0" stop_daemon
stop_collector c1
stop_collector c2
check "col-b.nfn.test (c2) received flows while it was the destination" \
	test "$(nfdump -R "$T/c2" -q -o csv 2>/dev/null | grep -c "$A_IP")" -gt 0
check "c1 + c2 == capture, nothing lost across the changes" \
	python3 "$NFN_SRCDIR/tests/integration/compare.py" --pcap "$T/truth.pcap" \
	--nfdump "$T/c1" --nfdump "$T/c2"
finish

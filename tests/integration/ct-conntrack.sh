#!/bin/bash
# capture = conntrack (the lightweight mode): no NFLOG rule, only a ct rule
# so that R tracks connections.  A UDP exchange, TCP transfers and an ICMP
# echo cross R; when the connections are destroyed (conntrack -F) each
# yields exactly two records, one per direction, whose packets and bytes
# equal what crossed R (the capture on ra), per 5-tuple.  While a TCP
# connection is held open, the "flows" command lists both its directions
# with the counters so far.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"

ct_setup conntrack active_timeout=60
check "daemon turned on conntrack accounting and timestamps" \
	test "$(inR cat /proc/sys/net/netfilter/nf_conntrack_acct)$(inR cat /proc/sys/net/netfilter/nf_conntrack_timestamp)" = 11

# B: a bounded UDP echo on 7000 and a TCP sink on 6000
inB python3 - <<-'PY' &
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7000)); s.settimeout(0.2)
end = time.monotonic() + 15
while time.monotonic() < end:
    try:
        d, a = s.recvfrom(65536)
    except socket.timeout:
        continue
    s.sendto(d[:len(d) // 2], a)
PY
ECHO=$!
tcp_sink 15
inA python3 - "$B_IP" <<-'PY'
import socket, sys
for i in range(3):                      # 3 UDP connections, 6 datagrams each
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 41000 + i)); s.settimeout(1)
    for n in range(6):
        s.sendto(b"u" * (100 + 50 * i), (sys.argv[1], 7000))
        s.recvfrom(65536)
PY
traffic "$NS_A" tcp $B_IP 6000 50000 2
inA ping -c 5 -i 0.2 -s 100 -q $B_IP >/dev/null

# one TCP connection held open (from port 43000) until $T/release exists
inA python3 - "$B_IP" "$T" <<-'PY' &
import os, socket, sys, time
s = socket.create_connection((sys.argv[1], 6000), timeout=5,
                             source_address=("0.0.0.0", 43000))
for _ in range(20):
    s.sendall(b"h" * 1000)
open(os.path.join(sys.argv[2], "held"), "w").close()
end = time.monotonic() + 10
while time.monotonic() < end and \
        not os.path.exists(os.path.join(sys.argv[2], "release")):
    time.sleep(0.05)
s.shutdown(socket.SHUT_WR)
while s.recv(65536):
    pass
s.close()
PY
HELD=$!
for _ in $(seq 50); do [ -f "$T/held" ] && break; sleep 0.1; done
sleep 0.3
# flows_live: both directions of the open connection, with packets so far
flows_live() {
	ctl flows json | python3 -c '
import json, sys
a, b = sys.argv[1:3]
fl = json.load(sys.stdin)
print(len(fl), "flows listed")
fwd = [f for f in fl if f["src"] == a and f["sport"] == 43000
       and f["dst"] == b and f["dport"] == 6000]
rev = [f for f in fl if f["src"] == b and f["sport"] == 6000
       and f["dst"] == a and f["dport"] == 43000]
for f in fwd + rev:
    print("live:", f)
sys.exit(0 if len(fwd) == 1 and len(rev) == 1 and fwd[0]["packets"] > 0
         and fwd[0]["bytes"] >= 20000 and rev[0]["packets"] > 0 else 1)
' "$A_IP" "$B_IP"
}
check "flows lists the open connection, both directions, counters so far" \
	flows_live
ctl flows > "$T/flows.txt"
check "flows (text) lists it too" \
	grep -Eq "$A_IP +43000 +0 +$B_IP +6000 " "$T/flows.txt"
touch "$T/release"
wait $HELD
sleep 0.5
kill $ECHO 2>/dev/null
check "connections tracked" test "$(jget conntrack.tracked)" -ge 7
ct_finish_traffic
check "two records per connection, exact packets and bytes per direction" \
	ct_compare --max-records 1
check "nothing dropped, no overrun" \
	grep -q "overruns 0, resyncs 0" "$T/stats.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
finish

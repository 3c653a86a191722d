#!/bin/bash
# capture = conntrack, active_timeout 2 s: a TCP connection that lives
# about 7 s is exported every 2 s as the delta since its last export, so it
# arrives in several records per direction whose sums equal what crossed R.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"

ct_setup conntrack active_timeout=2
tcp_sink 15
# one slow connection: 1000 bytes every 0.1 s for 7 s, then close
inA python3 - "$B_IP" <<-'PY'
import socket, sys, time
s = socket.create_connection((sys.argv[1], 6000), timeout=5)
for _ in range(70):
    s.sendall(b"z" * 1000)
    time.sleep(0.1)
s.shutdown(socket.SHUT_WR)
while s.recv(65536):
    pass
s.close()
PY
sleep 0.5
ct_finish_traffic
check "several records per direction, sums exact" ct_compare --min-records 3
check "active-timeout exports counted" \
	grep -Eq "active-timeout exports [3-9]" "$T/stats.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
finish

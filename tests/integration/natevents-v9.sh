#!/bin/bash
# natevents = 1 under protocol 9 or 10 (the argument), with masquerade on R
# (capture = nflog): each NATed connection gives a NAT event record at
# create and at delete carrying the NAT fields (natEvent 230, post-NAT
# addresses 225/226 and ports 227/228), which nfdump shows as event
# ADD/DELETE with the translated source; the metered flows still sum
# exactly per 5-tuple.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"
PROTO=${1:?protocol 9 or 10}

ct_setup nflog natevents=1 protocol="$PROTO"
ct_nat_traffic

nfdump -R "$T/c1" -N -q -o "fmt:%nevt|%sa|%da|%sp|%dp|%pr|%xsa|%xda|%xsp|%xdp" \
	'nat event add or nat event delete' > "$T/events.txt" 2>"$T/nfdump.err"
cat "$T/events.txt"
python3 - "$T/events.txt" "$A_IP" "$B_IP" "$RB_IP" <<-'PY'
import sys
recs = [[x.strip() for x in l.split("|")] for l in open(sys.argv[1]) if "|" in l]
a, b, r = sys.argv[2:5]
ok = True
def want(cond, what):
    global ok
    print(("ok: " if cond else "NOT OK: ") + what)
    ok &= cond
tcp = [x for x in recs if x[5] in ("TCP", "6")]
add = [x for x in tcp if x[0].upper().startswith("ADD")]
dele = [x for x in tcp if x[0].upper().startswith("DEL")]
want(len(add) == 2, "2 TCP NAT create events")
want(len(dele) == 2, "2 TCP NAT delete events")
for x in add + dele:
    want(x[1] == a and x[2] == b and x[4] == "6000" and x[6] == r
         and x[7] == b and 30000 <= int(x[8]) <= 30999 and x[9] == "6000",
         f"pre-NAT {x[1]}:{x[3]} -> {x[2]}:{x[4]}, "
         f"post-NAT {x[6]}:{x[8]} -> {x[7]}:{x[9]}")
icmp = [x for x in recs if x[5] in ("ICMP", "1")]
want(len(icmp) == 2 and all(x[6] == r for x in icmp),
     "ICMP create and delete events with the post-NAT source")
sys.exit(0 if ok else 1)
PY
check "NAT events with the v9/IPFIX NAT fields" test $? = 0
check "metered flows exact per 5-tuple (pre-SNAT source)" ct_compare
check "NAT events counted" grep -q "NAT events sent: 6," "$T/stats.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
finish

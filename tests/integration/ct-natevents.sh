#!/bin/bash
# natevents = 1 with masquerade on R (capture = nflog): each NATed
# connection gives an ipt_NETFLOW-style create record (tcp flags 0x12) and,
# at destroy, one with 0x05; packets and bytes 0, src = pre-NAT source,
# dst = destination, nexthop = post-NAT source and its port in src_as.  The
# metered flows still sum exactly (the forward hook sees the pre-SNAT
# source, as the connection's original tuple does).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"

ct_setup nflog natevents=1
ct_nat_traffic

nfdump -R "$T/c1" -N -q -o "fmt:%sa|%da|%sp|%dp|%pr|%pkt|%byt|%flg|%nh|%sas|%das" \
	> "$T/records.txt"
python3 - "$T/records.txt" "$A_IP" "$B_IP" "$RB_IP" <<-'PY'
import sys
recs = [[x.strip() for x in l.split("|")] for l in open(sys.argv[1]) if "|" in l]
a, b, r = sys.argv[2:5]
nat = [x for x in recs if x[5] == "0" and x[6] == "0"]
ok = True
def want(cond, what):
    global ok
    print(("ok: " if cond else "NOT OK: ") + what)
    ok &= cond
tcp = [x for x in nat if x[4] in ("TCP", "6")]
create = [x for x in tcp if x[7].replace(".", "") == "AS"]
destroy = [x for x in tcp if x[7].replace(".", "") in ("RF", "FR")]
for x in nat:
    print("nat record:", "|".join(x))
want(len(create) == 2, "2 TCP create records (flags SYN|ACK)")
want(len(destroy) == 2, "2 TCP destroy records (flags FIN|RST)")
for x in create + destroy:
    want(x[0] == a and x[1] == b and x[3] == "6000" and x[8] == r
         and 30000 <= int(x[9]) <= 30999,
         f"fields: src pre-NAT {x[0]}:{x[2]}, dst {x[1]}:{x[3]}, "
         f"nexthop post-NAT {x[8]}, src_as post-NAT port {x[9]}")
# (nfdump shows no TCP flags for ICMP)
icmp = [x for x in nat if x[4] in ("ICMP", "1")]
want(len(icmp) == 2 and all(x[8] == r for x in icmp),
     "ICMP create and destroy records with nexthop")
sys.exit(0 if ok else 1)
PY
check "NAT event records as ipt_NETFLOW sends them" test $? = 0
check "metered flows exact per 5-tuple (pre-SNAT source)" ct_compare
check "NAT events counted" grep -q "NAT events sent: 6," "$T/stats.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
finish

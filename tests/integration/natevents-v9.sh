#!/bin/bash
# natevents = 1 under protocol 9 or 10 (the argument), with masquerade on R
# (capture = nflog): each NATed connection gives a NAT event record at
# create and at delete carrying the NAT fields (natEvent 230, post-NAT
# addresses 225/226 and ports 227/228), which nfdump shows as event
# ADD/DELETE with the translated source; the metered flows still sum
# exactly per 5-tuple.  The same over IPv6 with NAT66 (masquerade in an
# ip6 table): the events carry the post-NAT IPv6 addresses (IEs 281 and
# 282), checked with tshark's decoding of the export (nfdump 1.7.1 reads
# the IPv6 events' ports and event type but does not store IEs 281/282:
# it shows their addresses as 0.0.0.0).  The IPv6 flows, which conntrack's ends do not reach
# in nflog mode, are exported by a flush before the comparison.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct-lib.sh"
PROTO=${1:?protocol 9 or 10}

CT_IPV6=1 CT_FLUSH=1
# refresh_rate 1: every datagram has its templates (the capture of the
# export starts after the daemon)
ct_setup nflog natevents=1 protocol="$PROTO" refresh_rate=1
export_capture_start $CT_PORT || exit 1
ct_nat_traffic

nfdump -R "$T/c1" -N -q -o "fmt:%nevt|%sa|%da|%sp|%dp|%pr|%xsa|%xda|%xsp|%xdp" \
	'nat event add or nat event delete' > "$T/events.txt" 2>"$T/nfdump.err"
cat "$T/events.txt"
python3 - "$T/events.txt" "$A_IP" "$B_IP" "$RB_IP" "$A6_IP" "$B6_IP" \
	"$RB6_IP" <<-'PY'
import ipaddress, sys
def norm(v):
    try:
        return ipaddress.ip_address(v).compressed
    except ValueError:
        return v
recs = [[norm(x.strip()) for x in l.split("|")]
        for l in open(sys.argv[1]) if "|" in l]
ok = True
def want(cond, what):
    global ok
    print(("ok: " if cond else "NOT OK: ") + what)
    ok &= cond
for fam, (a, b, r) in (("IPv4", sys.argv[2:5]), ("IPv6", sys.argv[5:8])):
    a, b, r = norm(a), norm(b), norm(r)
    mine = [x for x in recs if x[1] == a]
    tcp = [x for x in mine if x[5] in ("TCP", "6")]
    add = [x for x in tcp if x[0].upper().startswith("ADD")]
    dele = [x for x in tcp if x[0].upper().startswith("DEL")]
    want(len(add) == 2, f"{fam}: 2 TCP NAT create events")
    want(len(dele) == 2, f"{fam}: 2 TCP NAT delete events")
    # (nfdump shows no IPv6 post-NAT address: tshark checks them below)
    v4 = fam == "IPv4"
    for x in add + dele:
        want(x[2] == b and x[4] == "6000" and (not v4 or x[6] == r)
             and (not v4 or x[7] == b) and 30000 <= int(x[8]) <= 30999
             and x[9] == "6000",
             f"{fam}: pre-NAT {x[1]}:{x[3]} -> {x[2]}:{x[4]}, "
             f"post-NAT {x[6] if v4 else '(tshark)'}:{x[8]} -> "
             f"{x[7] if v4 else '(tshark)'}:{x[9]}")
    icmp = [x for x in mine if x[5] in ("ICMP", "1", "ICMP6", "58")]
    want(len(icmp) == 2 and all(not v4 or x[6] == r for x in icmp),
         f"{fam}: ICMP create and delete events"
         + (" with the post-NAT source" if v4 else ""))
want(len(recs) == 12, f"12 NAT events in all ({len(recs)})")
sys.exit(0 if ok else 1)
PY
check "NAT events with the v9/IPFIX NAT fields" test $? = 0
export_capture_stop
# NAT66: postNATSourceIPv6Address 281 and postNATDestinationIPv6Address 282
tshark -r "$T/export.pcap" -d udp.port==$CT_PORT,cflow -T fields \
	-e cflow.post_nat_source_ipv6_address \
	-e cflow.post_nat_destination_ipv6_address 2>/dev/null \
	> "$T/nat66.txt"
python3 - "$T/nat66.txt" "$RB6_IP" "$B6_IP" <<-'PY'
import ipaddress, sys
n = lambda v: ipaddress.ip_address(v).compressed
r, b = n(sys.argv[2]), n(sys.argv[3])
src, dst = [], []
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    src += [n(x) for x in f[0].split(",") if x]
    dst += [n(x) for x in (f[1] if len(f) > 1 else "").split(",") if x]
print("post-NAT IPv6 sources", src, "destinations", dst)
ok = len(src) == 6 and len(dst) == 6 and set(src) == {r} and set(dst) == {b}
print(("ok: " if ok else "NOT OK: ") + "6 NAT66 events, post-NAT source "
      f"{r} (IE 281), destination {b} (IE 282)")
sys.exit(0 if ok else 1)
PY
check "NAT66 events carry the post-NAT IPv6 addresses (tshark)" test $? = 0
check "metered flows exact per 5-tuple (pre-SNAT source)" ct_compare
check "NAT events counted" grep -q "NAT events sent: 12," "$T/stats.txt"
check "daemon exits 0 on SIGTERM" stop_daemon
finish

#!/usr/bin/env python3
"""compare.py: what the collector received vs what crossed the router.

Ground truth is a pcap of every packet that crossed R's interface toward A
(every forwarded packet crosses it exactly once).  The collector side is
nfdump's reading of nfcapd's files, or pmacct nfacctd's CSV (--pmacct).  Per 5-tuple (src, dst, proto, sport,
dport) the sums of packets and bytes over all records must be equal.

Exit 0 when exact; 1 otherwise, with the differing tuples printed.
"""
import argparse
import collections
import ipaddress
import json
import subprocess
import sys

TEST_NETS = [ipaddress.ip_network("198.18.0.0/15"),
             ipaddress.ip_network("2001:2::/48")]
FMT = "fmt:%sa|%da|%sp|%dp|%pr|%pkt|%byt|%in|%out|%flg|%tos|%smk|%dmk|%nh"
PROTO = {"TCP": 6, "UDP": 17, "ICMP": 1, "ICMP6": 58}
# ICMPv6 the namespaces send by themselves (MLD 130-132 and 143, router
# and neighbor discovery 133-137), also on links the capture does not see:
# not the test's traffic, left out on both sides.
ICMP6_NOISE = {130, 131, 132, 133, 134, 135, 136, 137, 143}


def noise(proto, dport):
    return proto == 58 and dport >> 8 in ICMP6_NOISE


def in_test_net(a):
    return any(ipaddress.ip_address(a) in n for n in TEST_NETS)


def norm(a):
    """One spelling per address (tshark and nfdump write IPv6 differently)."""
    return ipaddress.ip_address(a).compressed


def truth(pcap):
    out = subprocess.run(
        ["tshark", "-r", pcap, "-T", "fields", "-E", "separator=|",
         "-e", "ip.src", "-e", "ip.dst", "-e", "ip.proto", "-e", "ip.len",
         "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport",
         "-e", "udp.dstport", "-e", "icmp.type", "-e", "icmp.code",
         "-e", "ip.frag_offset", "-e", "ipv6.src", "-e", "ipv6.dst",
         "-e", "ipv6.nxt", "-e", "ipv6.plen", "-e", "icmpv6.type",
         "-e", "icmpv6.code"],
        check=True, capture_output=True, text=True).stdout
    t = collections.defaultdict(lambda: [0, 0])
    for line in out.splitlines():
        # ICMP errors quote an inner header: keep the outer values only
        f = [x.split(",")[0] for x in line.split("|")]
        if f[0] == "" and f[11] != "":
            # IPv6: bytes are 40 + payload length (SPEC 4)
            src, dst, iplen = f[11], f[12], 40 + int(f[14])
            if not (in_test_net(src) and in_test_net(dst)):
                continue            # NDP, MLD, RS between link-locals
            if f[15] != "":
                proto, dport = 58, int(f[15]) * 256 + int(f[16])
                if noise(proto, dport):
                    continue
                t[(norm(src), norm(dst), proto, 0, dport)][0] += 1
                t[(norm(src), norm(dst), proto, 0, dport)][1] += iplen
                continue
            f[0], f[1], f[3], f[10] = src, dst, str(iplen), ""
            f[2] = "6" if f[4] else "17" if f[6] else f[13]
        src, dst, proto, iplen = norm(f[0]), norm(f[1]), int(f[2]), int(f[3])
        sport = dport = 0
        first = f[10] in ("", "0")
        if proto == 6 and first:
            sport, dport = int(f[4]), int(f[5])
        elif proto == 17 and first:
            sport, dport = int(f[6]), int(f[7])
        elif proto == 1 and first:
            # an ICMP error quoting a header has several type fields
            dport = int(f[8]) * 256 + int(f[9])
        key = (src, dst, proto, sport, dport)
        t[key][0] += 1
        t[key][1] += iplen
    return t


def collected(nfdir):
    out = subprocess.run(["nfdump", "-R", nfdir, "-N", "-q", "-6", "-o", FMT],
                         check=True, capture_output=True, text=True).stdout
    recs = []
    for line in out.splitlines():
        f = [x.strip() for x in line.split("|")]
        if len(f) < 14:
            continue
        proto = PROTO.get(f[4], None)
        if proto is None:
            proto = int(f[4])
        dport = f[3]
        if "." in dport:                      # nfdump shows ICMP as type.code
            a, b = dport.split(".")
            dport = int(a) * 256 + int(b)
        recs.append(dict(src=norm(f[0]), dst=norm(f[1]), sport=int(f[2]),
                         dport=int(dport), proto=proto, pkts=int(f[5]),
                         bytes=int(f[6]), ifin=int(f[7]), ifout=int(f[8]),
                         flags=f[9], tos=int(f[10]), smask=int(f[11]),
                         dmask=int(f[12]), nexthop=f[13]))
    return recs


PM_PROTO = {"tcp": 6, "udp": 17, "icmp": 1, "ipv6-icmp": 58}


def pmacct(path):
    """Records of nfacctd's print plugin, CSV with a title line."""
    recs = []
    with open(path) as f:
        for line in f:
            x = line.strip().split(",")
            if len(x) < 7 or x[0] == "SRC_IP":
                continue
            proto = PM_PROTO.get(x[4])
            proto = int(x[4]) if proto is None else proto
            recs.append(dict(src=norm(x[0]), dst=norm(x[1]), sport=int(x[2]),
                             dport=int(x[3]), proto=proto, pkts=int(x[5]),
                             bytes=int(x[6]), ifin=None, ifout=None))
    return recs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--nfdump", action="append", default=[],
                    help="nfcapd directory; several are summed")
    ap.add_argument("--pmacct", action="append", default=[],
                    help="nfacctd print plugin CSV (no ifindex in it)")
    ap.add_argument("--ifindex", action="append", default=[],
                    help="ADDR=IFINDEX: packets from ADDR enter R there")
    ap.add_argument("--min-records", type=int, default=1,
                    help="every tuple must arrive in at least N records")
    ap.add_argument("--max-records", type=int, default=0)
    ap.add_argument("--json", help="write the per-tuple summary here")
    ap.add_argument("--dropped-pkts", type=int, default=0,
                    help="tuples missing entirely must add up to exactly this")
    ap.add_argument("--dropped-bytes", type=int, default=0)
    ap.add_argument("--gap", type=int, action="append", default=[],
                    help="UDP DPORT of a flow of one packet size that "
                         "crossed a daemon restart: the collector may miss "
                         "whole packets of it (those sent while no daemon "
                         "read NFLOG), never more than were sent; printed "
                         "as 'gap: N pkts'")
    a = ap.parse_args()

    t = truth(a.pcap)
    if not a.nfdump and not a.pmacct:
        ap.error("give --nfdump or --pmacct")
    recs = [r for d in a.nfdump for r in collected(d)]
    recs += [r for p in a.pmacct for r in pmacct(p)]
    c = collections.defaultdict(lambda: [0, 0, 0])
    bad = 0
    ifmap = {norm(k): v for k, v in (x.split("=") for x in a.ifindex)}
    for r in recs:
        if noise(r["proto"], r["dport"]):
            continue
        if not (in_test_net(r["src"]) and in_test_net(r["dst"])):
            print(f"unexpected record (not test traffic): {r}")
            bad += 1
            continue
        key = (r["src"], r["dst"], r["proto"], r["sport"], r["dport"])
        c[key][0] += r["pkts"]
        c[key][1] += r["bytes"]
        c[key][2] += 1
        if ifmap and r["ifin"] is not None:
            want_in = int(ifmap.get(r["src"], -1))
            want_out = int(ifmap.get(r["dst"], -1))
            if (r["ifin"], r["ifout"]) != (want_in, want_out):
                print(f"wrong ifindex in/out {r['ifin']}/{r['ifout']}, "
                      f"want {want_in}/{want_out}: {key}")
                bad += 1
    keys = sorted(set(t) | set(c))
    miss_p = miss_b = 0
    for k in keys:
        tp, tb = t.get(k, (0, 0))
        cp, cb, n = c.get(k, (0, 0, 0))
        status = "ok"
        if n == 0 and (a.dropped_pkts or a.dropped_bytes):
            status = "dropped"
            miss_p += tp
            miss_b += tb
        elif k[2] == 17 and k[4] in a.gap and n > 0 and \
                0 <= tp - cp and 0 <= tb - cb and \
                (tp - cp) * tb == (tb - cb) * tp:
            # one packet size on that flow: what is missing is whole packets
            status = "gap"
            print(f"gap: {tp - cp} pkts of {tp} not metered {k}")
        elif (tp, tb) != (cp, cb):
            status = "MISMATCH"
        if status in ("ok", "gap") and \
                (n < a.min_records or (a.max_records and n > a.max_records)):
            status = f"RECORDS {n}"
        if status not in ("ok", "dropped", "gap"):
            bad += 1
        print(f"{status:9} {k}: sent {tp} pkts {tb} bytes, "
              f"collected {cp} pkts {cb} bytes in {n} records")
    if (miss_p, miss_b) != (a.dropped_pkts, a.dropped_bytes):
        print(f"missing tuples add up to {miss_p} pkts {miss_b} bytes, "
              f"the daemon counted {a.dropped_pkts} pkts "
              f"{a.dropped_bytes} bytes dropped")
        bad += 1
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"tuples": len(keys), "records": len(recs),
                       "truth_pkts": sum(v[0] for v in t.values()),
                       "collected_pkts": sum(v[0] for v in c.values()),
                       "collected_tuples": len(c)}, f)
    print(f"{len(keys)} tuples, {len(recs)} records, {bad} problems")
    sys.exit(1 if bad or not keys else 0)


if __name__ == "__main__":
    main()

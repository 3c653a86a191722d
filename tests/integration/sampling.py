#!/usr/bin/env python3
"""sampling.py: what a collector received under a sampler vs what was sent.

Ground truth is the capture of R's interface toward A (compare.truth()); the
collector side is nfdump's reading of nfcapd's files (compare.collected()),
and tshark's NetFlow dissector reads the export datagrams themselves for
the v5 header's sampling mode and rate (or v9/IPFIX's sampler options).  Counts are exported unscaled.

  --exact DST:P1-P2:K    UDP to DST, dst ports P1..P2: exactly K packets
                         exported in all (and bytes = K x the packet size)
  --binomial DST:P1-P2:N the same, K within 5 sigma of Binomial(sent, 1/N)
  --whole DST:P1-P2:N    hash sampling: the UDP flows to those ports are
                         kept whole or not at all, and the number kept is
                         within 5 sigma of Binomial(flows, 1/N); every
                         other tuple outside the --exact and --binomial
                         ranges (TCP, ICMP...) is also whole or absent
  --header P1-P2:MODE:RATE  every record with a port in P1..P2 came in a
                         datagram with this sampling mode and rate
  --ipfix                v9/IPFIX: MODE and RATE are samplingAlgorithm and
                         samplingInterval of the last sampler options
                         record before the datagram
Every exported tuple must have been sent.  Exit 0 when all holds.
"""
import argparse
import collections
import math
import subprocess
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from compare import collected, in_test_net, truth  # noqa: E402

SIGMAS = 5


def spec(s):
    dst, ports, n = s.rsplit(":", 2)       # dst may be an IPv6 address
    lo, hi = ports.split("-")
    return dst, int(lo), int(hi), int(n)


def in_range(key, dst, lo, hi):
    return key[1] == dst and key[2] == 17 and lo <= key[4] <= hi


def binomial_ok(what, k, n, p):
    mean, sd = n * p, math.sqrt(n * p * (1 - p))
    ok = abs(k - mean) <= SIGMAS * sd
    print(f"{'ok' if ok else 'NOT OK':6} {what}: {k} of {n}, expected "
          f"{mean:.1f} +- {SIGMAS * sd:.1f} ({SIGMAS} sigma)")
    return ok


def headers(pcap, port):
    """[(mode, rate, [(sport, dport), ...])] per export datagram."""
    out = subprocess.run(
        ["tshark", "-r", pcap, "-d", f"udp.port=={port},cflow",
         "-Y", "cflow", "-T", "fields", "-E", "separator=|",
         "-e", "cflow.samplingmode", "-e", "cflow.samplerate",
         "-e", "cflow.srcport", "-e", "cflow.dstport"],
        check=True, capture_output=True, text=True).stdout
    dg = []
    for line in out.splitlines():
        mode, rate, sp, dp = line.split("|")
        ports = list(zip(map(int, sp.split(",")), map(int, dp.split(","))))
        dg.append((int(mode), int(rate), ports))
    return dg


def headers_ipfix(pcap, port):
    """The same for v9/IPFIX: each data datagram's mode and rate are those
    of the last sampler options record (samplingAlgorithm 35,
    samplingInterval 34) sent before it; (0, 0) before any."""
    out = subprocess.run(
        ["tshark", "-r", pcap, "-d", f"udp.port=={port},cflow",
         "-Y", "cflow", "-T", "fields", "-E", "separator=|",
         "-e", "cflow.sampling_algorithm", "-e", "cflow.sampling_interval",
         "-e", "cflow.srcport", "-e", "cflow.dstport"],
        check=True, capture_output=True, text=True).stdout
    dg = []
    mode = rate = 0
    for line in out.splitlines():
        alg, interval, sp, dp = line.split("|")
        if interval:
            mode, rate = int(alg), int(interval)
        if sp:
            ports = list(zip(map(int, sp.split(",")),
                             map(int, dp.split(","))))
            dg.append((mode, rate, ports))
    return dg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--nfdump", required=True)
    ap.add_argument("--exports", required=True)
    ap.add_argument("--export-port", type=int, default=9995)
    ap.add_argument("--exact", action="append", default=[])
    ap.add_argument("--binomial", action="append", default=[])
    ap.add_argument("--whole", action="append", default=[])
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--ipfix", action="store_true",
                    help="v9/IPFIX: the sampler comes in options data")
    a = ap.parse_args()

    t = truth(a.pcap)
    c = collections.defaultdict(lambda: [0, 0])
    bad = 0
    for r in collected(a.nfdump):
        key = (r["src"], r["dst"], r["proto"], r["sport"], r["dport"])
        c[key][0] += r["pkts"]
        c[key][1] += r["bytes"]
    for k, (p, b) in c.items():
        if k not in t or not (in_test_net(k[0]) and in_test_net(k[1])):
            print(f"NOT OK exported but never sent: {k} {p} pkts {b} bytes")
            bad += 1

    def packet_sampled(what, dst, lo, hi):
        """Sent and exported packets to dst:lo..hi, bytes per packet checked."""
        nonlocal bad
        sent = got = 0
        for k, (tp, tb) in t.items():
            if not in_range(k, dst, lo, hi):
                continue
            sent += tp
            cp, cb = c.get(k, (0, 0))
            got += cp
            if cp * tb != cb * tp:      # same-size packets: bytes follow
                print(f"NOT OK {what} {k}: {cp} pkts but {cb} bytes")
                bad += 1
        return sent, got

    for s in a.exact:
        dst, lo, hi, want = spec(s)
        sent, got = packet_sampled("exact", dst, lo, hi)
        ok = got == want
        print(f"{'ok' if ok else 'NOT OK':6} {dst}:{lo}-{hi}: {got} of "
              f"{sent} packets exported, exactly {want} expected")
        bad += not ok
    for s in a.binomial:
        dst, lo, hi, n = spec(s)
        sent, got = packet_sampled("binomial", dst, lo, hi)
        bad += not binomial_ok(f"{dst}:{lo}-{hi} packets", got, sent, 1 / n)

    sampled_ranges = [spec(s) for s in a.exact + a.binomial]
    for s in a.whole:
        dst, lo, hi, n = spec(s)
        flows = kept = 0
        for k, (tp, tb) in t.items():
            if any(in_range(k, d, l, h) for d, l, h, _ in sampled_ranges):
                continue
            cp, cb = c.get(k, (0, 0))
            if (cp, cb) not in ((0, 0), (tp, tb)):
                print(f"NOT OK hash: {k} sent {tp} pkts {tb} bytes, "
                      f"exported {cp} pkts {cb} bytes (not the whole flow)")
                bad += 1
            if in_range(k, dst, lo, hi):
                flows += 1
                kept += cp > 0
        others = sum(1 for k in c if k in t and not any(
            in_range(k, d, l, h) for d, l, h, _ in sampled_ranges)
            and not in_range(k, dst, lo, hi))
        print(f"       hash: {others} other tuples (TCP, ICMP) exported, "
              f"each whole")
        bad += not binomial_ok(f"{dst}:{lo}-{hi} flows kept", kept, flows,
                               1 / n)

    dg = (headers_ipfix if a.ipfix else headers)(a.exports, a.export_port)
    for s in a.header:
        ports, mode, rate = s.split(":")
        lo, hi = map(int, ports.split("-"))
        seen = wrong = 0
        for m, r, recs in dg:
            if any(lo <= sp <= hi or lo <= dp <= hi for sp, dp in recs):
                seen += 1
                wrong += (m, r) != (int(mode), int(rate))
        ok = seen > 0 and wrong == 0
        print(f"{'ok' if ok else 'NOT OK':6} ports {lo}-{hi}: {seen} "
              f"datagrams, {wrong} without sampling mode {mode} rate {rate}")
        bad += not ok
    print(f"{len(t)} tuples sent, {len(c)} exported, {bad} problems")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

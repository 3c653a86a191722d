#!/usr/bin/env python3
"""median.py [--clk-tck N] RESULTS.tsv...: medians over repeated runs.

Reads several bench/run.sh result files (--out), takes per scenario and
mode the median of the forwarding rate (kpps) and of the exporter's CPU
per forwarded packet, and prints them with the sampling ratios:
nfnd-s's (and nfnd-s0's, without conntrack) highest forwarding rate over
the one with no rules ("none"), and their CPU per forwarded packet over
unsampled nft-netflowd's ("nfnd"); with v9 or IPFIX runs, table.py's
table by protocol and family of the traffic, of the medians.
"""
import collections
import statistics
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import table  # noqa: E402
from table import derive, fmt, load, protocols, scenario  # noqa: E402


def main():
    args = sys.argv[1:]
    clk = 100
    if args[:1] == ["--clk-tck"]:
        clk = int(args[1])
        args = args[2:]
    vals = collections.defaultdict(lambda: collections.defaultdict(list))
    order = []
    for path in args:
        runs = load(path)
        derive(runs, 1e9 / clk)
        for r in runs:
            key = (r["flows"], r["rate"], r["mode"], r["fam"])
            if key not in order:
                order.append(key)
            for k in ("kpps", "exp_pp"):
                if r.get(k) is not None:
                    vals[key][k].append(r[k])

    table.SHOW_FAM = any(k[3] != "4" for k in order)

    def med(key, k):
        v = vals[key][k]
        return statistics.median(v) if v else None

    print("Medians of %d runs: forwarding kpps, exporter ns per forwarded "
          "packet (each run's values in brackets)" % len(args))
    for key in order:
        print("  %-38s %-7s %8s %-28s %8s %s" % (
            scenario(key[0], key[1], key[3]), key[2],
            fmt(med(key, "kpps"), ".1f"),
            "[" + " ".join("%.1f" % v for v in vals[key]["kpps"]) + "]",
            fmt(med(key, "exp_pp"), ".1f"),
            "[" + " ".join("%.1f" % v for v in vals[key]["exp_pp"]) + "]"))
    print()
    print("Sampling: fwd nfnd-s / none (target >= 0.90), "
          "CPU per forwarded packet nfnd-s / nfnd (target <= 0.02)")
    for f, r in sorted({(k[0], k[1]) for k in order}):
        n, u = (f, r, "none", "4"), (f, r, "nfnd", "4")
        for mode in ("nfnd-s", "nfnd-s0"):
            s = (f, r, mode, "4")
            if not vals[s]["kpps"]:
                continue
            fwd = cpu = None
            if med(s, "kpps") and med(n, "kpps"):
                fwd = med(s, "kpps") / med(n, "kpps")
            if med(s, "exp_pp") is not None and med(u, "exp_pp"):
                cpu = med(s, "exp_pp") / med(u, "exp_pp")
            print("  %-34s %-7s fwd %6s   cpu %7s" % (
                scenario(f, r), mode, fmt(fwd, ".3f"), fmt(cpu, ".4f")))
    # the medians as runs of their own, for the ratios between them
    meds = [{"flows": k[0], "rate": k[1], "mode": k[2], "fam": k[3],
             "exp_pp": med(k, "exp_pp")} for k in order]
    protocols(meds, [(k[0], k[1], k[3]) for k in order],
              "medians of %d runs" % len(args))

if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""table.py [--clk-tck N] RESULTS.tsv: the benchmark's table (bench/run.sh).

One row per run, grouped by scenario (flows, offered rate, IP family of
the traffic), then the ratios between exporters and between families
measured in the same run.  Columns of RESULTS.tsv (deltas between the two
samples of a run):

  flows rate(0=max) mode status sent seconds ra_rx ra_drop forwarded
  exporter_ns exporter_ticks machine_busy_ticks machine_softirq_ticks
  accounted drops lost foreign_ticks generator_ns ksoftirqd_ns family

family is 4 or 6 (files without it are IPv4).
"""
import sys

PEERS = ["floor", "nfnd", "nfnd-cton", "softflowd", "fprobe", "uacctd",
         "nfnd-ct"]


def num(x):
    try:
        return float(x)
    except ValueError:
        return None


def load(path):
    runs = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        r = {"flows": int(f[0]), "rate": int(f[1]), "mode": f[2],
             "status": f[3], "fam": f[19] if len(f) >= 20 else "4"}
        if len(f) >= 19 and f[3] in ("ok", "died"):
            keys = ["sent", "secs", "ra_rx", "ra_drop", "fwd", "exp_ns",
                    "exp_ticks", "mach", "softirq", "acc", "drops", "lost",
                    "foreign", "gen_ns", "ksirq_ns"]
            for k, v in zip(keys, f[4:19]):
                r[k] = num(v)
        runs.append(r)
    return runs


def derive(runs, tick_ns):
    for r in runs:
        fwd = r.get("fwd")
        if not fwd:
            continue
        r["kpps"] = fwd / r["secs"] / 1e3 if r["secs"] else None
        # the machine minus what other processes used meanwhile
        r["mach_pp"] = max(r["mach"] - r["foreign"], 0) * tick_ns / fwd
        r["foreign_s"] = r["foreign"] * tick_ns / 1e9
        r["path_pp"] = (r["gen_ns"] + r["ksirq_ns"] + r["exp_ns"]) / fwd
        if r["mode"] not in ("none", "ct"):
            r["exp_pp"] = r["exp_ns"] / fwd
            r["exp_tick_pp"] = r["exp_ticks"] * tick_ns / fwd
    for r in runs:
        s = key(r)
        base = find(runs, s, "ct")
        if "mach_pp" in r and base and "mach_pp" in base:
            r["mach_plus"] = r["mach_pp"] - base["mach_pp"]
        if "path_pp" in r and base and "path_pp" in base:
            r["path_plus"] = r["path_pp"] - base["path_pp"]
        floor = find(runs, s, "floor")
        if "exp_pp" in r and floor and floor.get("exp_pp"):
            r["x_floor"] = r["exp_pp"] / floor["exp_pp"]


def key(r):
    """A run's scenario: (flows, rate, family)."""
    return (r["flows"], r["rate"], r["fam"])


def find(runs, s, mode):
    """The run of MODE in scenario S (flows, rate[, family]; IPv4 if
    no family is given)."""
    s = tuple(s) + ("4",) * (3 - len(s))
    for r in runs:
        if key(r) == s and r["mode"] == mode:
            return r
    return None


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


# Name the family in scenarios only where the runs have IPv6 ones too.
SHOW_FAM = False


def scenario(flows, rate, fam=None):
    return "%d flows, %s%s" % (flows, "max rate" if rate == 0 else
                               "%d pps offered" % rate,
                               ", IPv" + fam if fam and SHOW_FAM else "")


def ratio(a, b, k="exp_pp"):
    """a[k] / b[k], None where either is missing"""
    if a and b and a.get(k) is not None and b.get(k):
        return a[k] / b[k]
    return None


def main():
    args = sys.argv[1:]
    clk = 100
    if args[:1] == ["--clk-tck"]:
        clk = int(args[1])
        args = args[2:]
    runs = load(args[0])
    derive(runs, 1e9 / clk)
    global SHOW_FAM
    SHOW_FAM = any(r["fam"] != "4" for r in runs)

    cols = ("mode", "fwd kpps", "exp ns/pkt", "(ticks)", "x floor",
            "path ns", "path +", "mach ns", "mach +", "accounted",
            "acc-fwd", "lost", "other s", "status")
    line = ("%-10s %8s %10s %7s %7s %7s %6s %7s %6s %9s %7s %6s %7s %s")
    seen = []
    for r in runs:
        if key(r) not in seen:
            seen.append(key(r))
    print("Per forwarded packet (fwd = IP ForwDatagrams of the router R):")
    print("  exp = the exporter's processes (sum_exec_runtime; (ticks) from "
          "utime+stime)")
    print("  path = generator (whose sends carry each packet through A, R, "
          "B in softirq) + ksoftirqd + exporter;")
    print("         path + = minus the same figure of the 'ct' run")
    print("  mach = all CPUs busy (/proc/stat) minus other processes' "
          "CPU meanwhile ('other s', seconds);")
    print("         mach + = minus the same figure of the 'ct' run "
          "(conntrack, no exporter)")
    print("  x floor = exp / bare NFLOG reader's; accounted = nfnd metered + "
          "counted drops, floor messages")
    for s in seen:
        print()
        fwd = [r["fwd"] for r in runs if key(r) == s and r.get("fwd")]
        res = ""
        if fwd:
            # /proc/stat counts 1/clk s: one tick over the fewest packets
            res = "  (mach: one tick = %.0f ns/pkt)" % (1e9 / clk / min(fwd))
        print("== " + scenario(*s) + res)
        print(line % cols)
        for r in runs:
            if key(r) != s:
                continue
            acc = diff = None
            if r.get("acc") is not None and r.get("fwd") is not None:
                acc = r["acc"] + (r.get("drops") or 0)
                diff = acc - r["fwd"]
            print(line % (
                r["mode"], fmt(r.get("kpps"), ".1f"),
                fmt(r.get("exp_pp"), ".0f"), fmt(r.get("exp_tick_pp"), ".0f"),
                fmt(r.get("x_floor"), ".2f"), fmt(r.get("path_pp"), ".0f"),
                fmt(r.get("path_plus"), "+.0f"), fmt(r.get("mach_pp"), ".0f"),
                fmt(r.get("mach_plus"), "+.0f"), fmt(acc, ".0f"),
                fmt(diff, "+.0f"), fmt(r.get("lost"), ".0f"),
                fmt(r.get("foreign_s"), ".2f"), r["status"]))

    # Ratios from the same run, one line per scenario.
    present = [m for m in PEERS if any(r["mode"] == m for r in runs)]
    if "nfnd" in present:
        print()
        print("Ratios (same run): exporter CPU per forwarded packet, "
              "nfnd / other; fwd rate / ct's")
        others = [m for m in present if m != "nfnd"]
        hdr = ["scenario"] + ["nfnd/" + m for m in others] + \
            ["fwd nfnd/ct", "fwd nfnd/none"]
        print("  ".join("%-38s" % hdr[0] if i == 0 else "%14s" % h
                        for i, h in enumerate(hdr)))
        for s in seen:
            n = find(runs, s, "nfnd")
            if not n:
                continue
            cells = ["%-38s" % scenario(*s)]
            for m in others:
                o = find(runs, s, m)
                v = None
                if n and o and n.get("exp_pp") and o.get("exp_pp"):
                    v = n["exp_pp"] / o["exp_pp"]
                cells.append("%14s" % fmt(v, ".2f"))
            for m in ("ct", "none"):
                o = find(runs, s, m)
                v = None
                if n and o and n.get("kpps") and o.get("kpps"):
                    v = n["kpps"] / o["kpps"]
                cells.append("%14s" % fmt(v, ".2f"))
            print("  ".join(cells))
    if any(r["mode"] in ("nfnd-s", "nfnd-s0") for r in runs):
        sampling(runs, seen)

    host_overhead(runs, seen)
    protocols(runs, seen)


def host_overhead(runs, seen):
    """Host CPU per forwarded packet above the run with no ruleset and no
    exporter ('none'): nft-netflowd with conntrack off and on, the bare
    NFLOG reader with the same rule, conntrack alone."""
    modes = [("nfnd", "nfnd off"), ("nfnd-cton", "nfnd on"),
             ("floor", "bare reader"), ("ct", "ct alone")]
    if not any(r["mode"] == "none" for r in runs) or \
            not any(r["mode"] == "nfnd" for r in runs):
        return
    print()
    print("Host CPU per forwarded packet above 'none' (mach ns/pkt, same "
          "run); target nfnd off / bare reader <= 1.15")
    hdr = ["scenario"] + [m[1] for m in modes] + ["off/reader", "on/reader"]
    print("%-38s" % hdr[0] + "".join("%13s" % h for h in hdr[1:]))
    for s in seen:
        base = find(runs, s, "none")
        if not find(runs, s, "nfnd"):
            continue
        v = {}
        for m, _ in modes:
            r = find(runs, s, m)
            if base and r and "mach_pp" in r and "mach_pp" in base:
                v[m] = r["mach_pp"] - base["mach_pp"]
        cells = ["%13s" % fmt(v.get(m), "+.0f") for m, _ in modes]
        for m in ("nfnd", "nfnd-cton"):
            x = None
            if v.get(m) is not None and v.get("floor"):
                x = v[m] / v["floor"]
            cells.append("%13s" % fmt(x, ".2f"))
        print("%-38s" % scenario(*s) + "".join(cells))


def sampling(runs, seen):
    """The sampling targets: sampled forwarding rate / no rules at all, and
    the daemon's CPU per forwarded packet, sampled / unsampled."""
    print()
    print("Sampling (same run): fwd rate / none's and / nfnd's; exporter "
          "CPU per forwarded packet / nfnd's (nfnd-s0: no conntrack)")
    for s in seen:
        for mode in ("nfnd-s", "nfnd-s0"):
            ns = find(runs, s, mode)
            if not ns:
                continue
            cells = ["%-38s %-7s" % (scenario(*s), mode)]
            for m in ("none", "nfnd"):
                o = find(runs, s, m)
                v = None
                if o and ns.get("kpps") and o.get("kpps"):
                    v = ns["kpps"] / o["kpps"]
                cells.append("fwd/%-5s %6s" % (m, fmt(v, ".3f")))
            o = find(runs, s, "nfnd")
            v = None
            if o and ns.get("exp_pp") is not None and o.get("exp_pp"):
                v = ns["exp_pp"] / o["exp_pp"]
            cells.append("cpu/nfnd %8s" % fmt(v, ".4f"))
            print("  ".join(cells))

def protocols(runs, seen, what="same run"):
    """The exporter's CPU per forwarded packet by protocol and by family
    of the traffic, next to the bare NFLOG reader's, and the ratios: v9
    and IPFIX / v5 on the same IPv4 traffic, IPv6 / IPv4 of one mode (the
    two runs of a mode follow each other)."""
    if not any(r["mode"] in ("nfnd9", "nfnd10") for r in runs):
        return
    cols = [("floor", "4", "floor v4"), ("nfnd", "4", "v5 v4"),
            ("nfnd9", "4", "v9 v4"), ("nfnd10", "4", "IPFIX v4"),
            ("floor", "6", "floor v6"), ("nfnd9", "6", "v9 v6"),
            ("nfnd10", "6", "IPFIX v6")]
    ratios = [("nfnd9", "4", "nfnd", "4", "v9/v5"),
              ("nfnd10", "4", "nfnd", "4", "IPFIX/v5"),
              ("nfnd9", "6", "nfnd9", "4", "v9 6/4"),
              ("nfnd10", "6", "nfnd10", "4", "IPFIX 6/4"),
              ("floor", "6", "floor", "4", "floor 6/4")]
    pairs = []
    for s in seen:
        if s[:2] not in pairs:
            pairs.append(s[:2])
    print()
    print("Exporter CPU per forwarded packet (exp ns/pkt) by protocol and "
          "family of the traffic, " + what)
    print("%-38s" % "scenario" + "".join("%10s" % c[2] for c in cols))
    for p in pairs:
        print("%-38s" % scenario(*p) + "".join(
            "%10s" % fmt((find(runs, p + (f,), m) or {}).get("exp_pp"), ".0f")
            for m, f, _ in cols))
    print("Ratios: targets v9, IPFIX / v5 <= 1.1 (IPv4); IPv6 / IPv4 <= 1.2")
    print("%-38s" % "scenario" + "".join("%11s" % c[4] for c in ratios))
    for p in pairs:
        print("%-38s" % scenario(*p) + "".join(
            "%11s" % fmt(ratio(find(runs, p + (fa,), a),
                               find(runs, p + (fb,), b)), ".2f")
            for a, fa, b, fb, _ in ratios))


if __name__ == "__main__":
    main()

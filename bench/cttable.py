#!/usr/bin/env python3
"""cttable.py [--clk-tck N] RESULTS: the tables of bench/ctbench.sh.

RESULTS has one run per line, key=value tokens: part (long|conn), mode,
rate, status, sent, secs, gen_ns, and samples with prefixes b_ (before
the traffic), a_ (after it) and e_ (the daemon's CPU after the final
flush): fwd (R's IP ForwDatagrams), d_ns (daemon CPU, sum_exec_runtime),
ksirq_ns, mach, foreign, and the daemon's stats (bench/ctstats.py: x_pkts,
x_recs, drops, nflog_lost, ct_*).  Prints per-run rows, then one table of
the ratios, each with its target; the targets are printed, never asserted.
"""
import statistics
import sys


def load(path):
    runs = []
    for line in open(path):
        r = {}
        for tok in line.split():
            k, _, v = tok.partition("=")
            try:
                r[k] = float(v) if v != "" else None
            except ValueError:
                r[k] = v
        if r:
            runs.append(r)
    return runs


def d(r, k):
    """delta a_k - b_k, or None"""
    a, b = r.get("a_" + k), r.get("b_" + k)
    return None if a is None or b is None else a - b


def derive(r, tick_ns):
    fwd = d(r, "fwd")
    if r.get("status") not in ("ok", "died", "unsettled", "nostats") or \
            not fwd:
        return
    r["n"] = fwd
    secs = r.get("secs") or 0
    r["kpps"] = fwd / secs / 1e3 if secs else None
    dns = None
    if r.get("e_d_ns") is not None and r.get("b_d_ns") is not None:
        dns = r["e_d_ns"] - r["b_d_ns"]
    r["d_pp"] = dns / fwd if dns is not None and r["mode"] != "ct" else None
    # the daemon's CPU until the final flush (part 1: metering alone)
    t = d(r, "d_ns")
    r["t_pp"] = t / fwd if t is not None and r["mode"] != "ct" else None
    ks = d(r, "ksirq_ns") or 0
    r["path_pp"] = ((r.get("gen_ns") or 0) + ks + (dns or 0)) / fwd
    r["other_s"] = (d(r, "foreign") or 0) * tick_ns / 1e9
    r["unsent"] = (r.get("sent") or 0) - fwd
    if r.get("a_x_pkts") is not None and r.get("b_x_pkts") is not None:
        r["acc"] = d(r, "x_pkts") + (d(r, "drops") or 0)
        r["acc_diff"] = r["acc"] - fwd
        r["recs"] = d(r, "x_recs")
        for k in ("ct_overruns", "ct_resyncs", "ct_resynced", "ct_new",
                  "nflog_lost", "x_fail", "ct_drop", "ct_reads",
                  "ct_dgrams"):
            r[k] = d(r, k)
        # levels, not deltas: the table at the end of the run
        r["ct_peak"] = r.get("a_ct_peak")
        r["ct_memory"] = r.get("a_ct_memory")
    if r.get("a_f_destroy") is not None and r.get("b_f_destroy") is not None:
        # bench/ct-floor: one DESTROY event read per connection is all it
        # can account (it exports nothing)
        r["acc"] = r["recs"] = d(r, "f_destroy")
        r["acc_diff"] = r["acc"] - fwd
        r["ct_overruns"] = d(r, "f_overruns")
        r["ct_new"] = d(r, "f_new")
        r["ct_reads"] = d(r, "f_reads")
        r["ct_dgrams"] = d(r, "f_datagrams")


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def med(runs, key):
    v = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(v) if v else None


def ratio(a, b):
    return a / b if a is not None and b else None


def rate_name(rate, unit):
    return "max" if not rate else "%d %s" % (rate, unit)


def part_long(runs):
    lines = ("%-8s %5s %9s %9s %11s %8s %10s %8s %8s %9s %7s %s")
    print("Part 1, long-lived flows: per forwarded packet (fwd = R's IP "
          "ForwDatagrams)")
    print("  daemon = nft-netflowd's CPU (sum_exec_runtime) from before the "
          "traffic to 1 s after it; +flush = to")
    print("  after its final flush (the export of everything)")
    print("  path = generator (its sends carry each packet through A, R, B "
          "in softirq) + ksoftirqd + daemon")
    print("  accounted = packets in the records exported between the two "
          "flushes (+ counted drops); other s =")
    print("  CPU of other processes on the machine meanwhile (noise)")
    scen = []
    for r in runs:
        if (r["flows"], r["rate"]) not in scen:
            scen.append((r["flows"], r["rate"]))
    for s in scen:
        print()
        print("== %d flows, offered %s" % (s[0], rate_name(s[1], "pps")))
        print(lines % ("mode", "round", "fwd kpps", "daemon ns",
                       "+flush ns", "path ns",
                       "accounted", "acc-fwd", "overruns", "nflog lost",
                       "other s", "status"))
        for r in runs:
            if (r["flows"], r["rate"]) != s:
                continue
            print(lines % (r["mode"], "%d" % r["round"],
                           fmt(r.get("kpps"), ".1f"),
                           fmt(r.get("t_pp"), ".2f"),
                           fmt(r.get("d_pp"), ".2f"),
                           fmt(r.get("path_pp"), ".0f"),
                           fmt(r.get("acc"), ".0f"),
                           fmt(r.get("acc_diff"), "+.0f"),
                           fmt(r.get("ct_overruns"), ".0f"),
                           fmt(r.get("nflog_lost"), ".0f"),
                           fmt(r.get("other_s"), ".2f"), r["status"]))
    return scen


def part_conn(runs):
    lines = ("%-8s %9s %6s %8s %10s %7s %12s %9s %8s %6s %8s %8s %8s %7s "
             "%5s %s")
    print()
    print("Part 2, new connections of one UDP packet each (conns = packets "
          "forwarded; every one is a new 5-tuple)")
    print("  daemon = its CPU per connection, from before the traffic to "
          "after every connection ended")
    print("  (conntrack -F in R, or timeout) and the final flush; lost = conns - "
          "exported packets; extra = exported records")
    print("  - conns (each connection must be exactly one record); unfwd = "
          "sent but not forwarded by R;")
    print("  ended = s from the end of the traffic until the daemon had "
          "exported every connection; left = connections")
    print("  still in conntrack then, flushed (conntrack -F); ct new = "
          "connections the daemon's table took in")
    print()
    print(lines % ("mode", "offered/s", "end", "conns", "conns/s", "unfwd",
                   "daemon ns/c", "lost", "extra", "ovrun", "resyncs",
                   "resynced", "ct new", "ended", "left", "status"))
    for r in runs:
        n = r.get("n")
        print(lines % (r["mode"], rate_name(r["rate"], "").strip(),
                       "timeout" if r.get("end") == "expire" else "-F",
                       fmt(n, ".0f"),
                       fmt(n / r["secs"] if n and r.get("secs") else None,
                           ".0f"),
                       fmt(r.get("unsent"), ".0f"),
                       fmt(r.get("d_pp"), ".0f"),
                       fmt(n - r["acc"] if n and r.get("acc") is not None
                           else None, ".0f"),
                       fmt(r["recs"] - n if n and r.get("recs") is not None
                           else None, "+.0f"),
                       fmt(r.get("ct_overruns"), ".0f"),
                       fmt(r.get("ct_resyncs"), ".0f"),
                       fmt(r.get("ct_resynced"), ".0f"),
                       fmt(r.get("ct_new"), ".0f"),
                       fmt(r.get("settle"), ".1f"), fmt(r.get("left"), ".0f"),
                       r["status"]))


def lossless(r):
    n = r.get("n")
    return (n and r.get("status") == "ok" and r.get("acc") is not None and
            r["acc"] == n and r.get("recs") == n)


def main():
    args = sys.argv[1:]
    clk = 100
    if args[:1] == ["--clk-tck"]:
        clk, args = int(args[1]), args[2:]
    runs = load(args[0])
    for r in runs:
        derive(r, 1e9 / clk)
    long_runs = [r for r in runs if r.get("part") == "long"]
    conn_runs = [r for r in runs if r.get("part") == "conn"]
    scen = part_long(long_runs) if long_runs else []
    if conn_runs:
        part_conn(conn_runs)

    rows = []    # (what, value, target)
    for flows, rate in scen:
        sel = [r for r in long_runs if (r["flows"], r["rate"]) == (flows, rate)]
        by = {m: [r for r in sel if r["mode"] == m]
              for m in ("ct", "nfnd-ct", "nfnd")}
        name = "%d flows %s" % (flows, rate_name(rate, "pps"))
        for key, what in (("t_pp", "metering"), ("d_pp", "+ full flush")):
            ct_pp, nf_pp = med(by["nfnd-ct"], key), med(by["nfnd"], key)
            rows.append(("daemon CPU/pkt conntrack/nflog, %s, %s (%s / %s ns)"
                         % (name, what, fmt(ct_pp, ".2f"), fmt(nf_pp, ".1f")),
                         fmt(ratio(ct_pp, nf_pp), ".2%"), "<= 5%"))
        k = {m: med(by[m], "kpps") for m in by}
        rows.append(("fwd rate nfnd-ct/ct, %s (%s / %s kpps)"
                     % (name, fmt(k["nfnd-ct"], ".1f"), fmt(k["ct"], ".1f")),
                     fmt(ratio(k["nfnd-ct"], k["ct"]), ".1%"),
                     ">= 95%" if rate == 0 else "(not at max)"))
        rows.append(("fwd rate nfnd(nflog)/ct, %s (%s kpps)"
                     % (name, fmt(k["nfnd"], ".1f")),
                     fmt(ratio(k["nfnd"], k["ct"]), ".1%"), "(context)"))
    acc = [r for r in long_runs if r["mode"] == "nfnd-ct" and "acc" in r]
    if acc:
        exact = sum(1 for r in acc if r["acc_diff"] == 0)
        rows.append(("conntrack-mode accounting, long-lived: exported / "
                     "forwarded pkts (%d of %d runs exact)"
                     % (exact, len(acc)),
                     "%.0f / %.0f" % (sum(r["acc"] for r in acc),
                                      sum(r["n"] for r in acc)),
                     "equal"))
    if conn_runs:
        ctmax = [r for r in conn_runs if r["mode"] == "ct" and r.get("n")]
        ctrate = max((r["n"] / r["secs"] for r in ctmax), default=None)
        for m in ("ctfloor", "nfnd-ct", "nfnd-ctr", "nfnd"):
            burst = [r for r in conn_runs if r["mode"] == m and
                     r.get("end") != "expire" and r.get("n")]
            ok = [r["n"] / r["secs"] for r in burst if lossless(r)]
            best = max(ok) if ok else None
            rows.append(("new conns/s, highest with nothing lost, %s, "
                         "ended by conntrack -F (%d of %d rates lossless)"
                         % (m, len(ok), len(burst)),
                         fmt(best, ".0f"), "(measured)"))
            if m == "nfnd-ct":
                rows.append(("  ... / conntrack alone at max (%s conns/s)"
                             % fmt(ctrate, ".0f"),
                             fmt(ratio(best, ctrate), ".1%"), "(context)"))
            for r in conn_runs:
                if r["mode"] == m and r.get("end") == "expire" and \
                        r.get("n"):
                    rows.append(("  %s, %d conns/s ended by timeout: "
                                 "exported pkts / records / conns" % (
                                     m, r["n"] / r["secs"]),
                                 "%s / %s / %.0f" % (
                                     fmt(r.get("acc"), ".0f"),
                                     fmt(r.get("recs"), ".0f"), r["n"]),
                                 "equal"))
        cases = []
        for r in conn_runs:
            c = (r.get("end"), r["rate"])
            if r["mode"] != "ct" and c not in cases:
                cases.append(c)
        for end, rate in cases:
            sel = [r for r in conn_runs if (r.get("end"), r["rate"]) ==
                   (end, rate)]
            b = med([r for r in sel if r["mode"] == "nfnd"], "d_pp")
            f = med([r for r in sel if r["mode"] == "ctfloor"], "d_pp")
            how = "timeout" if end == "expire" else "conntrack -F"
            if f is not None:
                rows.append(("  ctfloor, %s, ended by %s: a bare reader's "
                             "CPU per connection" % (
                                 rate_name(rate, "conns/s"), how),
                             fmt(f, ".0f") + " ns", "(floor)"))
            for m in ("nfnd-ct", "nfnd-ctr"):
                a = med([r for r in sel if r["mode"] == m], "d_pp")
                if f is not None:
                    rows.append(("daemon CPU/connection %s/ctfloor, %s, "
                                 "ended by %s (%s / %s ns)" % (
                                     m, rate_name(rate, "conns/s"), how,
                                     fmt(a, ".0f"), fmt(f, ".0f")),
                                 fmt(ratio(a, f), ".2f") + "x",
                                 "(measured)"))
                rows.append(("daemon CPU/connection %s/nflog, %s, ended "
                             "by %s (%s / %s ns)" % (
                                 m, rate_name(rate, "conns/s"),
                                 "timeout" if end == "expire" else
                                 "conntrack -F", fmt(a, ".0f"),
                                 fmt(b, ".0f")),
                             fmt(ratio(a, b), ".1%"), "(measured)"))
                rows.append(("  %s, %s, ended by %s: daemon CPU per "
                             "connection" % (
                                 m, rate_name(rate, "conns/s"),
                                 "timeout" if end == "expire" else
                                 "conntrack -F"),
                             fmt(a, ".0f") + " ns", "<= 1000 ns"))
        for m in ("nfnd-ct", "nfnd-ctr"):
            # the slabs are kept when connections go: memory / peak is
            # what the table held per connection at its fullest
            per = [r["ct_memory"] / r["ct_peak"] for r in conn_runs
                   if r["mode"] == m and r.get("ct_peak")]
            if per:
                rows.append(("conntrack-mode table bytes per connection at "
                             "its peak, %s (largest of %d runs)" %
                             (m, len(per)), "%.1f" % max(per), "<= 100"))
    print()
    print("Ratios (medians over the rounds of this run; targets printed, "
          "not asserted)")
    w = max(len(x[0]) for x in rows) if rows else 10
    print("%-*s  %14s  %s" % (w, "", "value", "target"))
    for what, v, t in rows:
        print("%-*s  %14s  %s" % (w, what, v, t))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""cflow.py: a capture of the daemon's v9/IPFIX datagrams, read by tshark.

Checks, per datagram in capture order (one exporter, one collector):
  - the version is the configured protocol and tshark's cflow dissector
    raises no warning or error (no unknown template, no malformed field);
  - sequence numbers: v9 counts datagrams (0, 1, 2, ...), IPFIX counts the
    data records of the datagrams before (RFC 7011, erratum 4396);
  - templates come in the first flow datagram and then every --refresh-th;
  - every flow data record says ipVersion 4 or 6;
  - options datagrams (exporter statistics, interface names) follow each
    datagram with templates, and name the interfaces given by --ifnames.
Prints a summary; exit 0 when every check holds, 1 otherwise.
"""
import argparse
import subprocess
import sys


def frames(pcap, port):
    out = subprocess.run(
        ["tshark", "-r", pcap, "-d", f"udp.port=={port},cflow",
         "-T", "fields", "-E", "separator=|", "-E", "occurrence=a",
         "-e", "cflow.version", "-e", "cflow.sequence",
         "-e", "cflow.template_id", "-e", "cflow.protocol",
         "-e", "cflow.ip_version", "-e", "_ws.expert.severity",
         "-e", "_ws.expert.message", "-e", "_ws.malformed",
         "-e", "cflow.flowset_id", "-e", "cflow.flowsexp",
         "-e", "cflow.if_name"],
        check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split("|")
        sets = [x for x in f[8].split(",") if x]
        ifn = [x for x in f[10].split(",") if x]
        stats = len([x for x in f[9].split(",") if x])
        yield dict(version=f[0], seq=f[1],
                   tmpl=[x for x in f[2].split(",") if x],
                   nrec=len([x for x in f[3].split(",") if x]),
                   ipver=[x for x in f[4].split(",") if x],
                   sev=f[5], msg=f[6], malformed=f[7],
                   options=("1" in sets or "3" in sets),
                   nopt=stats + len(ifn), ifnames=ifn)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--port", type=int, default=9995)
    ap.add_argument("--protocol", type=int, required=True)
    ap.add_argument("--refresh", type=int, required=True)
    ap.add_argument("--records", type=int, default=-1,
                    help="data records the daemon says it exported")
    ap.add_argument("--ifnames", default="",
                    help="interfaces the options data must name, a,b,...")
    a = ap.parse_args()

    bad = 0
    n = recs = frecs = tmpl_dgrams = opt_dgrams = nflow = 0
    prev_tmpl = False
    names = set()
    for i, f in enumerate(frames(a.pcap, a.port)):
        n += 1
        want_seq = i if a.protocol == 9 else recs
        problems = []
        if f["options"]:
            # options: right after templates, every record decoded
            if not prev_tmpl:
                problems.append("options datagram not after templates")
            if f["seq"] != str(want_seq):
                problems.append(f"sequence {f['seq']}, want {want_seq}")
            sev = [int(x) for x in f["sev"].split(",") if x]
            if any(s > 4194304 for s in sev) or f["malformed"]:
                problems.append(f"dissector: {f['msg']} {f['malformed']}")
            if f["nopt"] == 0 or f["nrec"]:
                problems.append(f"options records {f['nopt']}")
            names.update(f["ifnames"])
            recs += f["nopt"]
            opt_dgrams += 1
            if problems:
                bad += 1
                print(f"datagram {i}: " + "; ".join(problems))
            continue
        if f["version"] != str(a.protocol):
            problems.append(f"version {f['version']}")
        if f["seq"] != str(want_seq):
            problems.append(f"sequence {f['seq']}, want {want_seq}")
        # expert severities: chat 2097152, note 4194304; warn and up is bad
        sev = [int(x) for x in f["sev"].split(",") if x]
        if any(s > 4194304 for s in sev) or f["malformed"]:
            problems.append(f"dissector: {f['msg']} {f['malformed']}")
        has_tmpl = bool(f["tmpl"])
        if has_tmpl != (nflow % a.refresh == 0):
            problems.append(f"templates {'present' if has_tmpl else 'absent'}")
        if f["nrec"] == 0 or len(f["ipver"]) != f["nrec"] or \
                any(v not in ("4", "6") for v in f["ipver"]):
            problems.append(f"records {f['nrec']}, ipVersion {f['ipver']}")
        tmpl_dgrams += has_tmpl
        prev_tmpl = has_tmpl
        nflow += 1
        recs += f["nrec"]
        frecs += f["nrec"]
        if problems:
            bad += 1
            print(f"datagram {i}: " + "; ".join(problems))
    if a.records >= 0 and frecs != a.records:
        print(f"{frecs} flow records decoded, the daemon exported "
              f"{a.records}")
        bad += 1
    want_names = set(x for x in a.ifnames.split(",") if x)
    if not want_names <= names:
        print(f"options data names {sorted(names)}, "
              f"want at least {sorted(want_names)}")
        bad += 1
    if opt_dgrams < tmpl_dgrams:
        print(f"{opt_dgrams} options datagrams for {tmpl_dgrams} templates")
        bad += 1
    print(f"{n} datagrams ({opt_dgrams} options), {recs} data records "
          f"({frecs} flows), "
          f"{tmpl_dgrams} with templates, {bad} problems")
    sys.exit(1 if bad or n == 0 else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""cflow.py: a capture of the daemon's v9/IPFIX datagrams, read by tshark.

Checks, per datagram in capture order (one exporter, one collector):
  - the version is the configured protocol and tshark's cflow dissector
    raises no warning or error (no unknown template, no malformed field);
  - sequence numbers: v9 counts datagrams (0, 1, 2, ...), IPFIX counts the
    data records of the datagrams before (RFC 7011, erratum 4396);
  - templates come in the first datagram and then every --refresh-th;
  - every data record says ipVersion 4 or 6.
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
         "-e", "_ws.expert.message", "-e", "_ws.malformed"],
        check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split("|")
        yield dict(version=f[0], seq=f[1],
                   tmpl=[x for x in f[2].split(",") if x],
                   nrec=len([x for x in f[3].split(",") if x]),
                   ipver=[x for x in f[4].split(",") if x],
                   sev=f[5], msg=f[6], malformed=f[7])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--port", type=int, default=9995)
    ap.add_argument("--protocol", type=int, required=True)
    ap.add_argument("--refresh", type=int, required=True)
    ap.add_argument("--records", type=int, default=-1,
                    help="data records the daemon says it exported")
    a = ap.parse_args()

    bad = 0
    n = recs = tmpl_dgrams = 0
    for i, f in enumerate(frames(a.pcap, a.port)):
        n += 1
        want_seq = i if a.protocol == 9 else recs
        problems = []
        if f["version"] != str(a.protocol):
            problems.append(f"version {f['version']}")
        if f["seq"] != str(want_seq):
            problems.append(f"sequence {f['seq']}, want {want_seq}")
        # expert severities: chat 2097152, note 4194304; warn and up is bad
        sev = [int(x) for x in f["sev"].split(",") if x]
        if any(s > 4194304 for s in sev) or f["malformed"]:
            problems.append(f"dissector: {f['msg']} {f['malformed']}")
        has_tmpl = bool(f["tmpl"])
        if has_tmpl != (i % a.refresh == 0):
            problems.append(f"templates {'present' if has_tmpl else 'absent'}")
        if f["nrec"] == 0 or len(f["ipver"]) != f["nrec"] or \
                any(v not in ("4", "6") for v in f["ipver"]):
            problems.append(f"records {f['nrec']}, ipVersion {f['ipver']}")
        tmpl_dgrams += has_tmpl
        recs += f["nrec"]
        if problems:
            bad += 1
            print(f"datagram {i}: " + "; ".join(problems))
    if a.records >= 0 and recs != a.records:
        print(f"{recs} data records decoded, the daemon exported {a.records}")
        bad += 1
    print(f"{n} datagrams, {recs} data records, {tmpl_dgrams} with "
          f"templates, {bad} problems")
    sys.exit(1 if bad or n == 0 else 0)


if __name__ == "__main__":
    main()

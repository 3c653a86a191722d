#!/usr/bin/env python3
"""ctstats.py SOCKET PREFIX [flush]: nft-netflowd's figures for bench/ctbench.sh.

With "flush", first asks the daemon to export everything it holds (the
control request "flush": in capture = conntrack it dumps the conntrack table
and exports every connection's delta since its last export; in nflog mode it
exports the flow table), then reads "stats json".  Prints one line of
PREFIXkey=value tokens (see FIELDS); on any error it prints nothing and
exits 1.  One python process does both requests (python is slow to start).
"""
import json
import socket
import sys


def request(path, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    s.sendall(line.encode() + b"\n")
    s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    first, _, body = data.decode().partition("\n")
    if not first.startswith("OK"):
        raise RuntimeError(first)
    return body if body.strip() else first[3:]


def main():
    path, prefix = sys.argv[1], sys.argv[2]
    if sys.argv[3:] == ["flush"]:
        request(path, "flush")
    st = json.loads(request(path, "stats json"))
    fl, dr, nl, ex = st["flows"], st["drops"], st["nflog"], st["export"]
    ct = st.get("conntrack", {})
    out = {
        "x_pkts": ex["packets"],            # packets in exported records
        "x_recs": ex["flows"],              # records exported
        "x_dgrams": ex["datagrams"],
        "x_fail": sum(s["fail"] for s in ex["sockets"]),
        "metered": fl["metered_pkts"],      # nflog mode: packets metered
        "drops": sum(dr[k] for k in ("maxflows_pkts", "alloc_pkts",
                                     "truncated", "malformed")),
        "nflog_lost": nl["lost"],
        "ct_new": ct.get("new", 0),         # connections the table took in
        "ct_destroyed": ct.get("destroyed", 0),
        "ct_tracked": ct.get("tracked", 0),
        "ct_peak": ct.get("peak", 0),       # most connections held at once
        "ct_memory": ct.get("memory", 0),   # table bytes (kept at the peak)
        "ct_ev_new": ct.get("events_new", 0),
        "ct_ev_destroy": ct.get("events_destroy", 0),
        "ct_overruns": ct.get("overruns", 0),
        "ct_resyncs": ct.get("resyncs", 0),
        "ct_resynced": ct.get("resynced", 0),
        "ct_records": ct.get("records", 0),
        "ct_drop": ct.get("drop_maxflows", 0),
        "ct_drop_pkts": ct.get("drop_maxflows_pkts", 0),
        "ct_noacct": ct.get("no_accounting", 0),
        "ct_untracked": ct.get("untracked", 0),
        "ct_rcvbuf": ct.get("rcvbuf", 0),
        "ct_reads": ct.get("event_reads", 0),       # recvmmsg calls
        "ct_dgrams": ct.get("event_datagrams", 0),  # events they read
    }
    print(" ".join("%s%s=%s" % (prefix, k, v) for k, v in out.items()))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # the caller records "no figures"
        print("ctstats.py: %s" % e, file=sys.stderr)
        sys.exit(1)

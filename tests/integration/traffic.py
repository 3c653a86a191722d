#!/usr/bin/env python3
"""traffic.py: bounded test traffic for the integration tests.

Run inside a namespace the test created, towards addresses the test gave.
Every loop is bounded in count and in time.

  udp DST BASEPORT NFLOWS COUNT SIZE [SPORT0] [GAP]
        NFLOWS flows, each COUNT datagrams of SIZE payload bytes, from source
        port SPORT0+i to DST:BASEPORT+i, GAP seconds between rounds
  tcp-server PORT SECONDS
        accept connections for at most SECONDS, read each to EOF, close
  tcp DST PORT BYTES [NCONN]
        NCONN connections, each sending BYTES then closing
  tcp-rst DST PORT BYTES
        one connection sending BYTES, then aborted with a RST
  udp-rate DST BASEPORT NFLOWS PPS SECONDS
        NFLOWS flows round robin (source ports 40000+i) at about PPS
        datagrams per second of 18 payload bytes, for SECONDS
"""
import socket
import struct
import sys
import threading
import time

DEADLINE = time.monotonic() + 120          # no test traffic lives longer


def udp(dst, baseport, nflows, count, size, sport0=40000, gap=0.0):
    socks = []
    v6 = ":" in dst
    for i in range(nflows):
        s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET,
                          socket.SOCK_DGRAM)
        s.bind(("::" if v6 else "0.0.0.0", sport0 + i))
        socks.append(s)
    payload = b"x" * size
    for _ in range(count):
        if time.monotonic() > DEADLINE:
            sys.exit("traffic: deadline reached")
        for i, s in enumerate(socks):
            s.sendto(payload, (dst, baseport + i))
        if gap:
            time.sleep(gap)
    print(f"udp: {nflows} flows x {count} pkts x "
          f"{size + (48 if v6 else 28)} bytes")


def tcp_server(port, seconds, dual=False):
    """dual: one socket for IPv4 and IPv6 clients."""
    if dual:
        ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    else:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::" if dual else "0.0.0.0", port))
    ls.listen(128)
    ls.settimeout(0.2)
    end = time.monotonic() + seconds

    def serve(c):
        c.settimeout(10)
        try:
            while c.recv(65536):
                pass
        except OSError:
            pass
        c.close()

    while time.monotonic() < end:
        try:
            c, _ = ls.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def tcp(dst, port, nbytes, nconn=1):
    for _ in range(nconn):
        if time.monotonic() > DEADLINE:
            sys.exit("traffic: deadline reached")
        s = socket.create_connection((dst, port), timeout=10)
        left = nbytes
        chunk = b"y" * 1400
        while left > 0:
            n = s.send(chunk[:min(left, len(chunk))])
            left -= n
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
        s.close()
    print(f"tcp: {nconn} connections x {nbytes} bytes")


def tcp_rst(dst, port, nbytes):
    s = socket.create_connection((dst, port), timeout=10)
    s.sendall(b"z" * nbytes)
    time.sleep(0.2)                      # acknowledged: no data left queued
    # linger on with 0 s: close() sends RST instead of FIN
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    print(f"tcp-rst: 1 connection x {nbytes} bytes, then RST")


def udp_rate(dst, baseport, nflows, pps, seconds):
    socks = []
    for i in range(nflows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", 40000 + i))
        socks.append(s)
    payload = b"r" * 18
    start = time.monotonic()
    end = min(start + seconds, DEADLINE)
    sent = 0
    while time.monotonic() < end:
        for _ in range(500):
            i = sent % nflows
            try:
                socks[i].sendto(payload, (dst, baseport + i))
            except OSError:
                pass
            sent += 1
        # hold the rate: sleep until this many packets are due
        ahead = sent / pps - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)
    took = time.monotonic() - start
    print(f"udp-rate: {sent} datagrams in {took:.1f} s, {sent / took:.0f} pps")


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "udp":
        udp(args[0], int(args[1]), int(args[2]), int(args[3]), int(args[4]),
            int(args[5]) if len(args) > 5 else 40000,
            float(args[6]) if len(args) > 6 else 0.0)
    elif cmd == "tcp-server":
        tcp_server(int(args[0]), float(args[1]),
                   len(args) > 2 and args[2] == "dual")
    elif cmd == "udp-rate":
        udp_rate(args[0], int(args[1]), int(args[2]), float(args[3]),
                 float(args[4]))
    elif cmd == "tcp-rst":
        tcp_rst(args[0], int(args[1]), int(args[2]))
    elif cmd == "tcp":
        tcp(args[0], int(args[1]), int(args[2]),
            int(args[3]) if len(args) > 3 else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)

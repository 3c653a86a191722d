#!/usr/bin/env python3
"""ctlclients.py SOCKET MODE [ARGS]: misbehaving control-socket clients.

  drip SECONDS      send "ping" one byte per second, never a newline, for
                    at most SECONDS; print when (s since connect) the daemon
                    closed the connection, or "open" if it never did
  noread SECONDS REQ  send REQ, never read the answer; after SECONDS read
                    what is there and print the bytes and whether the daemon
                    had closed (EOF) before we read
  busy N            hold N idle connections, then one more: print its answer
  timed REQ         one request; print the seconds it took and its first line
Every wait is bounded.
"""
import socket
import sys
import time


def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s


def drip(path, seconds):
    s = conn(path)
    t0 = time.monotonic()
    msg = b"pingpingpingpingpingpingping"
    for i in range(int(seconds)):
        try:
            s.send(msg[i:i + 1])
        except OSError:
            break
        s.settimeout(1)
        try:
            if s.recv(4096) == b"":
                break
        except socket.timeout:
            continue
        except OSError:
            break
    else:
        print("open")
        return
    print("closed %.1f" % (time.monotonic() - t0))


def noread(path, seconds, req):
    s = conn(path)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(req.encode() + b"\n")
    s.shutdown(socket.SHUT_WR)
    time.sleep(float(seconds))
    got, eof = 0, False
    s.settimeout(2)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            b = s.recv(1 << 20)
        except (socket.timeout, OSError):
            break
        if not b:
            eof = True
            break
        got += len(b)
    print("bytes %d %s" % (got, "eof" if eof else "open"))


def busy(path, n):
    held = [conn(path) for _ in range(int(n))]
    time.sleep(0.3)
    s = conn(path)
    try:    # the daemon may have answered and closed already
        s.sendall(b"ping\n")
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    data = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
    print(data.decode().split("\n")[0])
    for h in held:
        h.close()


def timed(path, req):
    t0 = time.monotonic()
    s = conn(path)
    s.sendall(req.encode() + b"\n")
    s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    print("%.3f %s" % (time.monotonic() - t0, data.decode().split("\n")[0]))


mode = sys.argv[2]
if mode == "drip":
    drip(sys.argv[1], sys.argv[3])
elif mode == "noread":
    noread(sys.argv[1], sys.argv[3], sys.argv[4])
elif mode == "busy":
    busy(sys.argv[1], sys.argv[3])
elif mode == "timed":
    timed(sys.argv[1], sys.argv[3])
else:
    sys.exit("unknown mode " + mode)

#!/usr/bin/env python3
"""ctl.py SOCKET REQUEST: one control-socket request (see src/daemon/ctl.h).

Prints the response body; exits 1 if the daemon answered ERR."""
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(20)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
s.shutdown(socket.SHUT_WR)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
text = data.decode()
first, _, body = text.partition("\n")
if first.startswith("ERR"):
    print(first, file=sys.stderr)
    sys.exit(1)
sys.stdout.write(first[3:] + "\n" if first[3:] else "")
sys.stdout.write(body)

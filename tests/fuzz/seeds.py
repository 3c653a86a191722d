#!/usr/bin/env python3
"""Write the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/).

The seeds are committed; this script says how they were made and remakes
them: python3 tests/fuzz/seeds.py.  Inputs found by fuzzing that crashed a
target are kept beside them as regression tests (names crash-*), and are not
touched here.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", ".."))


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    return ~(s + (s >> 16)) & 0xFFFF


def ipv4(proto, l4, tos=0, frag=0, opts=b"", src="198.18.0.1", dst="198.19.0.1"):
    ihl = 5 + len(opts) // 4
    a = bytes(int(x) for x in src.split("."))
    b = bytes(int(x) for x in dst.split("."))
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, ihl * 4 + len(l4), 1,
                    frag, 64, proto, 0, a, b) + opts
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4


UDP = struct.pack("!HHHH", 40000, 2055, 12, 0) + b"data"
TCP = struct.pack("!HHIIBBHHH", 40000, 80, 1, 0, 0x50, 0x12, 1024, 0, 0)
ICMP = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"ping"

PKTS = {
    "udp": ipv4(17, UDP),
    "tcp-synack": ipv4(6, TCP, tos=0x10),
    "icmp-echo": ipv4(1, ICMP),
    "frag-first": ipv4(17, UDP, frag=0x2000),
    "frag-later": ipv4(17, UDP, frag=0x0010),
    "options": ipv4(17, UDP, opts=b"\x01\x01\x01\x00"),
    "truncated-tcp": ipv4(6, TCP)[:24],
    "gre": ipv4(47, b"\x00\x00\x08\x00"),
}


def ipv6(nh, l4, src="2001:2::1", dst="2001:2:0:1::1"):
    import ipaddress
    a = ipaddress.IPv6Address(src).packed
    b = ipaddress.IPv6Address(dst).packed
    return struct.pack("!IHBB", 0x60000000, len(l4), nh, 64) + a + b + l4


PKTS["v6-udp"] = ipv6(17, UDP)
PKTS["v6-frag"] = ipv6(44, struct.pack("!BBHI", 17, 0, 0x0001, 7) + UDP)
PKTS["v6-hopbyhop-tcp"] = ipv6(0, struct.pack("!BB6x", 6, 0) + TCP)
for n, p in PKTS.items():
    put("pkt", n, p)


def nla(t, v):
    n = 4 + len(v)
    return struct.pack("=HH", n, t) + v + b"\0" * ((4 - n % 4) % 4)


def nlmsg(t, body, flags=0, seq=0):
    return struct.pack("=IHHII", 16 + len(body), t, flags, seq, 0) + body


# NFLOG: NFNL_SUBSYS_ULOG (4) << 8 | NFULNL_MSG_PACKET (0)
NFGEN_INET = struct.pack("!BBH", 2, 0, 0)


def nflog(payload, seq, ifin=2, ifout=3):
    attrs = (nla(1, struct.pack("!HBB", 0x0800, 3, 0))       # PACKET_HDR
             + nla(4, struct.pack("!I", ifin))                 # IFINDEX_INDEV
             + nla(5, struct.pack("!I", ifout))                # IFINDEX_OUTDEV
             + nla(3, struct.pack("!QQ", 1700000000, 1000))    # TIMESTAMP
             + nla(11, struct.pack("!I", seq))                 # SEQ
             + nla(9, payload))                                # PAYLOAD
    return nlmsg(4 << 8, NFGEN_INET + attrs)


put("nlg", "one-udp", nflog(PKTS["udp"], 0))
put("nlg", "batch-gap", nflog(PKTS["tcp-synack"], 5) + nflog(PKTS["icmp-echo"], 9)
    + nlmsg(3, b"\0" * 4))                                     # NLMSG_DONE
put("nlg", "error", nlmsg(2, struct.pack("=i", -105) + b"\0" * 16))

# conntrack: NFNL_SUBSYS_CTNETLINK (1) << 8 | IPCTNL_MSG_CT_NEW (0) / DELETE (2)
NEST = 0x8000


def tuple_(t, src, dst, proto, sport, dport):
    v6 = len(src) == 16
    ip = nla(3 if v6 else 1, bytes(src)) + nla(4 if v6 else 2, bytes(dst))
    if proto == 1:
        pr = nla(1, bytes([1])) + nla(4, struct.pack("!H", sport)) \
            + nla(5, bytes([8])) + nla(6, bytes([0]))
    elif proto == 58:
        pr = nla(1, bytes([58])) + nla(7, struct.pack("!H", sport)) \
            + nla(8, bytes([dport])) + nla(9, bytes([0]))
    else:
        pr = nla(1, bytes([proto])) + nla(2, struct.pack("!H", sport)) \
            + nla(3, struct.pack("!H", dport))
    return nla(t | NEST, nla(1 | NEST, ip) + nla(2 | NEST, pr))


def ct(msg, proto, sport, dport, counters=True, ts=True, nat=False, v6=False):
    if v6:
        a = [0x20, 1, 0, 2, 0, 0, 0, 1] + [0] * 7 + [2]
        b = [0x20, 1, 0, 2, 0, 0, 0, 2] + [0] * 7 + [2]
        r = [0x20, 1, 0, 2, 0, 0, 0, 2] + [0] * 7 + [1] if nat else a
    else:
        a, b = [198, 18, 0, 1], [198, 19, 0, 1]
        r = [198, 18, 9, 9] if nat else a
    rdport = 129 if proto == 58 else sport
    body = tuple_(1, a, b, proto, sport, dport) \
        + tuple_(2, b, r, proto, dport if proto != 58 else sport, rdport) \
        + nla(3, struct.pack("!I", 0x18e))
    if counters:
        body += nla(9 | NEST, nla(1, struct.pack("!Q", 3)) + nla(2, struct.pack("!Q", 180)))
        body += nla(10 | NEST, nla(1, struct.pack("!Q", 2)) + nla(2, struct.pack("!Q", 120)))
    if ts:
        body += nla(20 | NEST, nla(1, struct.pack("!Q", 10**18)) + nla(2, struct.pack("!Q", 10**18 + 10**9)))
    if proto == 6:
        body += nla(4 | NEST, nla(1 | NEST, nla(1, bytes([7]))))  # TCP state
    body += nla(12, struct.pack("!I", 0x1234))                     # CTA_ID
    nfgen = struct.pack("!BBH", 10, 0, 0) if v6 else NFGEN_INET
    return nlmsg(1 << 8 | msg, nfgen + body)


put("ctmsg", "new-udp", ct(0, 17, 40000, 53, counters=False, ts=False))
put("ctmsg", "destroy-tcp", ct(2, 6, 40000, 80))
put("ctmsg", "destroy-icmp", ct(2, 1, 7, 0))
put("ctmsg", "destroy-nat", ct(2, 17, 40000, 53, nat=True))
put("ctmsg", "destroy-v6-tcp", ct(2, 6, 40000, 80, v6=True))
put("ctmsg", "new-v6-icmp6", ct(0, 58, 7, 128, counters=False, ts=False, v6=True))
put("ctmsg", "destroy-nat66", ct(2, 17, 40000, 53, nat=True, v6=True))
put("ctmsg", "datagram-two", ct(2, 6, 40000, 80, v6=True) + ct(2, 17, 1, 2))

with open(os.path.join(SRC, "conf", "nft-netflow.conf")) as f:
    shipped = f.read()
put("conf", "shipped", shipped)
put("conf", "small", "[netflow]\ndestination = 198.18.0.1:2055, 198.18.0.2:9995\n"
    "active_timeout = 60\naggregation = \"10.0.0.0/8=16, 1-1023=1\"\n")
put("conf", "conntrack", "[netflow]\ncapture = conntrack\nnatevents = 1\n"
    "hooks = input,forward ; comment\n")

VALUES = [
    "destination 198.18.0.1:2055", "destination [2001:2::1]:2055,198.18.0.2",
    "destination 198.18.0.1:2055@198.18.0.9", "active_timeout 1800",
    "inactive_timeout 15", "maxflows 2000000", "hashsize 0", "hashsize 65536",
    "sndbuf 1048576", "aggregation 10.0.0.0/8=16,1-1023=1", "debug 2",
    "protocol 5", "engine_type 0", "engine_id 255", "capture conntrack",
    "nflog_group 5", "copy_range 128", "queue_threshold 64",
    "flush_timeout 10", "nlbufsiz 131072", "netlink_rcvbuf 4194304",
    "hooks forward,input,output", "natevents 1", "conntrack_rcvbuf 8388608",
    "conntrack_rcvbuf_max 67108864", "conntrack_reliable 1",
    "export_mark 0x4e464e44", "control /run/nft-netflow/control",
]
for i, v in enumerate(VALUES):
    put("confval", "%02d-%s" % (i, v.split()[0]), v)

for i, r in enumerate(["ping", "stats", "stats json", "flows", "flows json",
                       "config", "set active_timeout 60",
                       "set destination 198.18.0.1:2055", "set hashsize 8192",
                       "set aggregation 198.18.0.0/15=24", "flush", "reload",
                       "set capture conntrack", "set"]):
    put("control", "%02d-%s" % (i, r.split()[0]), r)

put("cliconf", "shipped-timeout", "active_timeout 60\n" + shipped)
put("cliconf", "empty-dest", "destination 198.18.0.2:2055\n")
put("cliconf", "other-section", "hooks input\n[other]\nhooks = forward\n[netflow]\n; c\n"
    "active_timeout = 30\n")

# Dictionaries: the words the parsers look for.
KEYS = [v.split()[0] for v in VALUES]
WORDS = ["[netflow]", "=", "\"", ";", "#", ",", ":", "@", "[", "]", "/", "-",
         "0x", "nflog", "conntrack", "input", "forward", "output", "auto",
         "4294967295", "4294967296", "2147483648", "198.18.0.1", "2001:2::1",
         "localhost"]
CMDS = ["ping", "stats", "flows", "config", "set", "flush", "reload", "json"]


def dict_(name, words):
    with open(os.path.join(HERE, name + ".dict"), "w") as f:
        f.write("# libFuzzer dictionary, written by seeds.py\n")
        for w in words:
            esc = "".join(c if c.isprintable() and c not in '\\"'
                          else "\\x%02X" % ord(c) for c in w)
            f.write('"%s"\n' % esc)


dict_("conf", KEYS + WORDS)
dict_("confval", KEYS + WORDS)
dict_("cliconf", KEYS + WORDS + ["\n"])
dict_("control", CMDS + KEYS + WORDS)

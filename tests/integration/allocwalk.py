#!/usr/bin/env python3
"""allocwalk.py: walk an injected allocation failure over every allocation
of one live reload of nft-netflowd (tests/integration/allocfail.sh).

  allocwalk.py reload|hup SOCKET PAGE CONF CLASS CONF_A CONF_B

CONF is the file the daemon reloads; CONF_A and CONF_B are two complete
configurations that differ in several keys (the daemon runs CONF_A).
A reload is a `reload` request, or a SIGHUP (hup: nothing else is
asked meanwhile; the step ends when the page saw no allocation for
0.12 s).  First one reload to CONF_B with the page armed to count only
gives K,
the allocations of CLASS (all, exe) it makes; then for N = 1, 2, ... the
file is switched to the other configuration and a `reload` is sent with
the Nth allocation failing, until a reload meets no failure at all
(N > every allocation it made).  After each step, with the page
disarmed, the daemon must answer ping, and:
  - exactly one of reload.ok / reload.rejected went up, or neither when
    the request itself could not be read (no memory for it);
  - an OK answer means reload.ok went up, an ERR answer that
    reload.rejected did, and that answer says what failed;
  - the running configuration is all of the new file (ok) or all of the
    old one (rejected or not run): never a mix.
At the end the heap the daemon holds (failalloc's live bytes), after the
same unarmed reloads as before the walk, must be what it was: an error
path that leaks shows here.  Prints one line per step and a summary;
exit 1 on any mismatch.
"""
import json
import os
import signal
import socket
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from failalloc import Page  # noqa: E402

# keys compared between the running configuration and the files
KEYS = ("active_timeout", "inactive_timeout", "hashsize", "maxflows",
        "destination")
MAX_STEPS = 3000
DEADLINE = time.monotonic() + 45


def request(sock, req, timeout=6.0):
    """('OK'|'ERR'|'CLOSED', text): one control request."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(sock)
        s.sendall(req.encode() + b"\n")
        s.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (OSError, socket.timeout) as e:
        return "CLOSED", str(e)
    finally:
        s.close()
    text = data.decode(errors="replace")
    if text.startswith("OK"):
        return "OK", text
    if text.startswith("ERR"):
        return "ERR", text.partition("\n")[0]
    return "CLOSED", text


def stats(sock):
    st, text = request(sock, "stats json")
    if st != "OK":
        raise SystemExit("stats json failed while disarmed: " + text)
    return json.loads(text.partition("\n")[2])


def running(sock):
    st, text = request(sock, "config")
    if st != "OK":
        raise SystemExit("config failed while disarmed: " + text)
    cfg = {}
    for line in text.splitlines()[1:]:
        k, sep, v = line.partition(" = ")
        if sep:
            cfg[k.strip()] = v.strip()
    return {k: cfg.get(k) for k in KEYS}


def file_keys(path):
    cfg = {}
    for line in open(path):
        k, sep, v = line.partition("=")
        if sep and k.strip() in KEYS:
            cfg[k.strip()] = v.strip()
    return cfg


def counters(sock):
    r = stats(sock)["reload"]
    return r["ok"], r["rejected"]


def wait_counters(sock, before, settle=2.0):
    """The reload counters once they moved (or after settle s)."""
    end = time.monotonic() + settle
    while True:
        now = counters(sock)
        if now != before or time.monotonic() > end:
            return now
        time.sleep(0.01)


MAPS = []


def where(addr):
    """library+offset of a code address of the daemon (its maps)."""
    for lo, hi, off, name in MAPS:
        if lo <= addr < hi:
            return "%s+%#x" % (name.rsplit("/", 1)[-1], addr - lo + off)
    return "%#x" % addr


def read_maps(pid):
    for line in open("/proc/%s/maps" % pid):
        f = line.split()
        if len(f) >= 6 and "x" in f[1]:
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            MAPS.append((lo, hi, int(f[2], 16), f[5]))


def hup(page, pid):
    """SIGHUP, then wait until the page saw no allocation for 0.12 s."""
    os.kill(pid, signal.SIGHUP)
    last, quiet, end = -1, 0, time.monotonic() + 5
    while quiet < 3 and time.monotonic() < end:
        time.sleep(0.04)
        n = page.seen()
        quiet = quiet + 1 if n == last else 0
        last = n
    return "HUP", ""


def reload_walk(trigger, sock, page_path, conf, cls, conf_a, conf_b):
    page = Page(page_path)
    st, text = request(sock, "ping")
    pid = [w[4:] for w in text.split() if w.startswith("pid=")]
    if not pid:
        raise SystemExit("ping gave no pid: " + text)
    read_maps(pid[0])
    if not page.loaded():
        raise SystemExit("failalloc is not loaded in the daemon")
    texts = {"A": open(conf_a).read(), "B": open(conf_b).read()}
    want = {"A": file_keys(conf_a), "B": file_keys(conf_b)}
    if want["A"] == want["B"]:
        raise SystemExit("CONF_A and CONF_B do not differ")
    bad = 0
    cur = "A"
    if running(sock) != want["A"]:
        raise SystemExit("daemon does not run CONF_A: %s" % running(sock))

    def step(nth):
        """One reload to the other file with the nth allocation failing."""
        nonlocal cur, bad
        new = "B" if cur == "A" else "A"
        with open(conf, "w") as f:
            f.write(texts[new])
        before = counters(sock)
        page.arm(cls, nth)
        if trigger == "hup":
            st, text = hup(page, int(pid[0]))
        else:
            st, text = request(sock, "reload")
        page.disarm()
        seen, failed = page.seen(), page.failed()
        ok, rej = wait_counters(sock, before,
                                0.3 if st == "CLOSED" else 2.0)
        dok, drej = ok - before[0], rej - before[1]
        alive = request(sock, "ping")[0] == "OK"
        got = running(sock)
        why = []
        if not alive:
            why.append("no ping")
        if dok + drej > 1 or (dok and drej):
            why.append("counters moved by %d ok, %d rejected" % (dok, drej))
        if st == "OK" and dok != 1:
            why.append("answered OK but reload.ok did not move")
        if st == "ERR" and drej != 1:
            why.append("answered ERR but reload.rejected did not move")
        if st == "ERR" and "nothing was changed" not in text and \
                "running configuration kept" not in text and \
                conf not in text:
            why.append("unclear message")
        if st == "HUP" and dok + drej != 1:
            why.append("the SIGHUP was neither applied nor rejected")
        if failed == 0 and dok != 1:
            why.append("no failure injected, yet not applied")
        expect = new if dok == 1 else cur
        if got != want[expect]:
            why.append("configuration is a mix: %s" % got)
        if dok == 1:
            cur = new
        outcome = "applied" if dok else "rejected" if drej else "not run"
        print("N=%d seen=%d failed=%d at %s answer=%s %s%s%s" % (
            nth, seen, failed, where(page.caller()), st, outcome,
            (": " + text.strip()) if st == "ERR" else "",
            ("  MISMATCH: " + "; ".join(why)) if why else ""))
        if why:
            bad += 1
        return seen, failed

    def cycle():
        """Unarmed reloads to CONF_B and back: the same state each time."""
        for name in ("B", "A"):
            with open(conf, "w") as f:
                f.write(texts[name])
            if request(sock, "reload")[0] != "OK":
                raise SystemExit("an unarmed reload failed")
        request(sock, "stats json")
        time.sleep(0.1)
        return page.live()

    cycle()
    live0 = cycle()
    k, _ = step(0)
    print("count-only %s: %d allocations of class %s" % (trigger, k, cls))
    n = 1
    while n <= MAX_STEPS and time.monotonic() < DEADLINE:
        _, failed = step(n)
        if failed == 0:
            break
        n += 1
    else:
        print("walk did not end by step %d or the deadline" % n)
        bad += 1
    if n < k - 2:
        print("walk ended at N=%d, the count-only reload made %d" % (n, k))
        bad += 1
    print("walked N=1..%d (%s, class %s), %d mismatches" % (
        n, trigger, cls, bad))
    # leave the daemon on CONF_A
    if cur != "A":
        with open(conf, "w") as f:
            f.write(texts["A"])
        if request(sock, "reload")[0] != "OK" or running(sock) != want["A"]:
            print("could not go back to CONF_A")
            bad += 1
    live1 = cycle()
    print("heap held before the walk %d bytes, after %d: %+d" % (
        live0, live1, live1 - live0))
    if live1 != live0:
        print("LEAK: the walk left %d bytes held" % (live1 - live0))
        bad += 1
    return 1 if bad else 0


def main(argv):
    if len(argv) == 8 and argv[1] in ("reload", "hup"):
        return reload_walk(*argv[1:8])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

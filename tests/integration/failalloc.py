#!/usr/bin/env python3
"""failalloc.py: drive tests/lib/failalloc.c's shared control page.

  failalloc.py FILE init                   a fresh, disarmed page
  failalloc.py FILE arm all|exe NTH [persist]
  failalloc.py FILE disarm
  failalloc.py FILE show                   prints "SEEN FAILED LIVE loaded"
                                           (or not-loaded)

The layout is failalloc.c's struct fa_page.  Arming writes the counters
and the class while disarmed, then `armed` last; disarming clears `armed`
first, so the library never sees a half-written page.
"""
import mmap
import os
import struct
import sys

FMT = "<IIIIQQQQq"
SIZE = struct.calcsize(FMT)
MAGIC = 0x4641494C
OFF_MAGIC, OFF_ARMED, OFF_CLS, OFF_PERSIST = 0, 4, 8, 12
OFF_NTH, OFF_SEEN, OFF_FAILED, OFF_CALLER, OFF_LIVE = 16, 24, 32, 40, 48
CLASSES = {"all": 0, "exe": 1}


class Page:
    def __init__(self, path):
        fd = os.open(path, os.O_RDWR)
        try:
            self.m = mmap.mmap(fd, SIZE)
        finally:
            os.close(fd)

    def _put(self, fmt, off, v):
        struct.pack_into(fmt, self.m, off, v)

    def _get(self, fmt, off):
        return struct.unpack_from(fmt, self.m, off)[0]

    def loaded(self):
        return self._get("<I", OFF_MAGIC) == MAGIC

    def arm(self, cls, nth, persist=False):
        self._put("<I", OFF_ARMED, 0)
        self._put("<I", OFF_CLS, CLASSES[cls])
        self._put("<I", OFF_PERSIST, 1 if persist else 0)
        self._put("<Q", OFF_NTH, nth)
        self._put("<Q", OFF_SEEN, 0)
        self._put("<Q", OFF_FAILED, 0)
        self._put("<Q", OFF_CALLER, 0)
        self._put("<I", OFF_ARMED, 1)

    def disarm(self):
        self._put("<I", OFF_ARMED, 0)

    def seen(self):
        return self._get("<Q", OFF_SEEN)

    def failed(self):
        return self._get("<Q", OFF_FAILED)

    def live(self):
        return self._get("<q", OFF_LIVE)

    def caller(self):
        return self._get("<Q", OFF_CALLER)


def init(path):
    with open(path, "wb") as f:
        f.write(bytes(4096))
    os.chmod(path, 0o600)


def main():
    path, cmd = sys.argv[1], sys.argv[2]
    if cmd == "init":
        init(path)
        return 0
    p = Page(path)
    if cmd == "arm":
        p.arm(sys.argv[3], int(sys.argv[4]),
              len(sys.argv) > 5 and sys.argv[5] == "persist")
    elif cmd == "disarm":
        p.disarm()
    elif cmd == "show":
        print(p.seen(), p.failed(), p.live(),
              "loaded" if p.loaded() else "not-loaded")
    else:
        print("unknown command " + cmd, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

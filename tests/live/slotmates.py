#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Sockets that share a tracked-socket slot (cookie % SLOTS, bpf/maps.bpf.h),
for test_close.py's slot_mates_each_close_once.

  slotmates.py SLOTS

On stdin, one step per line; after each, one JSON line on stdout:
  bind NAME          a TCP socket whose cookie is that of the first one NAME'd,
                     modulo SLOTS (the first: any), bound to 127.0.0.1:0
  listen NAME        listen() on it
  close NAME         close() it
The line says {"name", "port", "cookie", "tries"}.
"""
import json
import os
import socket
import sys

SO_COOKIE = 57


def cookie(s):
    return int.from_bytes(s.getsockopt(socket.SOL_SOCKET, SO_COOKIE, 8), sys.byteorder)


def main():
    slots = int(sys.argv[1])
    # One CPU: its sockets take cookies from that CPU's batch, in order.
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    socks, residue = {}, None
    for line in sys.stdin:
        what, name = line.split()
        tries = 0
        if what == "bind":
            while True:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                tries += 1
                if residue is None or cookie(s) % slots == residue:
                    break
                s.close()
                if tries > 64 * slots:
                    sys.exit("slotmates.py: no cookie of residue %d in %d sockets" %
                             (residue, tries))
            s.bind(("127.0.0.1", 0))
            if residue is None:
                residue = cookie(s) % slots
            socks[name] = s
        elif what == "listen":
            socks[name].listen()
        s = socks[name]
        out = {"name": name, "port": s.getsockname()[1], "cookie": cookie(s), "tries": tries,
               "pid": os.getpid()}
        if what == "close":
            s.close()
        print(json.dumps(out), flush=True)


main()

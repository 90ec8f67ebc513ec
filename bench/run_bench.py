#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Bind/close loop with and without portsnoop, side by side in one run.

Rounds alternate untraced and traced runs of bench/bindloop so machine
noise hits both alike; the medians give the slowdown ratio. Each traced
run writes JSON to a file, and its events are counted: every iteration
generates a bind and a close, so delivered + lost must equal generated.
Nothing here asserts a time: it prints figures.
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def loop(build, n, proto):
    out = subprocess.run([os.path.join(build, "bench", "bindloop"), str(n), proto],
                         capture_output=True, check=True, text=True).stdout
    return json.loads(out)


def traced(build, n, proto, extra):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "events.json")
        with open(path, "wb") as f:
            t = subprocess.Popen([os.path.join(build, "portsnoop"), "--json", *extra],
                                 stdout=f, stderr=subprocess.PIPE)
            buf = b""
            while b"tracing" not in buf:
                chunk = t.stderr.read1(4096)
                if not chunk:
                    sys.exit("portsnoop did not start: %s" % buf.decode(errors="replace"))
                buf += chunk
            res = loop(build, n, proto)
            time.sleep(0.5)  # let the consumer drain the ring
            t.send_signal(signal.SIGINT)
            _, err = t.communicate(timeout=60)
        m = re.search(rb"(\d+) events, (\d+) lost", buf + err)
        lost = int(m.group(2)) if m else -1
        delivered = 0
        pid = b'"pid":%d,' % res["pid"]
        with open(path, "rb") as f:
            for line in f:
                if pid in line:
                    delivered += 1
    res.update(delivered=delivered, lost=lost, generated=2 * n)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("-n", type=int, default=50000, help="iterations per run")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--proto", default="udp", choices=("udp", "tcp"))
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench: needs root (it loads portsnoop)")

    base, trace = [], []
    for r in range(args.rounds):
        base.append(loop(args.build, args.n, args.proto)["elapsed_ns"])
        t = traced(args.build, args.n, args.proto, [])
        trace.append(t["elapsed_ns"])
        print("round %d: untraced %.3f s, traced %.3f s, generated %d, delivered %d, "
              "lost %d%s" % (r + 1, base[-1] / 1e9, t["elapsed_ns"] / 1e9, t["generated"],
                            t["delivered"], t["lost"],
                            "" if t["delivered"] + t["lost"] == t["generated"]
                            else "  <-- MISMATCH"))
    b, t = statistics.median(base), statistics.median(trace)
    print("bind/close loop (%s, %d iterations, %d rounds): median untraced %.0f ns/iter, "
          "traced %.0f ns/iter, slowdown ratio %.3f (%.1f%%)" % (
              args.proto, args.n, args.rounds, b / args.n, t / args.n, t / b,
              (t / b - 1) * 100))


if __name__ == "__main__":
    main()

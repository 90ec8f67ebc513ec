#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""`portsnoop history PORT` against grep -c and jq over one generated log,
side by side in one run (issue 27).

The log is what a busy host's portsnoop writes: bind/listen/connect/close
records of 1,000 ports, rotated into FILES files of which GZ are gzip'd
(events.json.4.gz ... events.json), SIZE bytes in all. Printed: wall time
and peak RSS of each, as ratios: history over the plain files against
`grep -c` for the port on the same files (the floor: no parsing), and
against the equivalent jq filter; history's peak RSS at SIZE/8 and SIZE
(memory must not grow with the log). Nothing here asserts: it prints.

    python3 bench/history_bench.py --build build              # 1 GiB: minutes
    python3 bench/history_bench.py --build build --size 32M   # a quick check
"""
import argparse
import gzip
import os
import random
import shutil
import subprocess
import tempfile
import time

ACTIONS = ("bind", "listen", "connect", "close")
LINE = ('{"@timestamp":"2026-12-07T%02d:%02d:%02d.%09dZ","process":{"pid":%d,'
        '"thread":{"id":%d,"name":"%s"},"parent":{"pid":1,"name":"systemd"},"name":"%s",'
        '"executable":"/usr/sbin/%s","command_line":"/usr/sbin/%s -c /etc/%s.conf",'
        '"args":["/usr/sbin/%s","-c","/etc/%s.conf"],"args_count":3,'
        '"entity_id":"f692320b8d7046ce8ac09f02ef334d20-%d-%d"},'
        '"event":{"kind":"event","action":"%s"%s},"network":{"transport":"tcp",'
        '"type":"ipv4"},"%s":{"ip":"10.0.%d.%d","port":%d},"host":{"name":"node-1"},'
        '"user":{"id":0,"name":"root"},"group":{"id":0},"portsnoop":{"netns":4026531833,'
        '"cgroup":{"id":%d,"path":"/system.slice/%s.service"},"systemd_unit":'
        '"%s.service","cookie":%d}}\n')
START = ('{"@timestamp":"2026-12-07T00:00:00.000000000Z","event":{"kind":"event",'
         '"action":"start"},"host":{"name":"node-1"},"portsnoop":{"version":"0.1.0","abi":5}}\n')
NAMES = ("nginx", "postgres", "redis", "envoy", "sshd", "haproxy", "memcached", "node")


def size_arg(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(s[-1:].upper(), 1)
    return int(s[:-1] if mult > 1 else s) * mult


def generate(d, size, files, gz, seed=1):
    """files log files of size bytes in all, oldest first; returns their paths."""
    rnd = random.Random(seed)
    per = size // files
    paths = []
    n = 0
    for k in range(files - 1, -1, -1):
        name = "events.json" + ("" if k == 0 else ".%d" % k)
        zipped = k >= files - gz
        path = os.path.join(d, name + (".gz" if zipped else ""))
        f = gzip.open(path, "wb", compresslevel=1) if zipped else open(path, "wb")
        written = 0
        chunk = [START]
        while written < per:
            n += 1
            comm = NAMES[n % len(NAMES)]
            act = ACTIONS[rnd.randrange(4)]
            port = 8000 + rnd.randrange(1000)
            pid = 1000 + rnd.randrange(30000)
            secs = (n // 40) % 86400
            line = LINE % (secs // 3600, secs // 60 % 60, secs % 60, n % 1000000000, pid, pid,
                           comm, comm, comm, comm, comm, comm, comm, pid, n,
                           act, "" if act == "close" else ',"outcome":"success"',
                           "source" if act == "connect" else "server", n % 256, pid % 256,
                           port, 100 + n % 50, comm, comm, n)
            chunk.append(line)
            written += len(line)
            if len(chunk) >= 4096:
                f.write("".join(chunk).encode())
                chunk = []
        f.write("".join(chunk).encode())
        f.close()
        paths.append(path)
    return paths, n


def run(cmd, shell=False, peakrss=None):
    """(seconds, peak RSS in KiB or 0, stdout) of one command. Python's own
    RSS would be the child's high-water mark: bench/peakrss forks it."""
    if peakrss:
        cmd = [peakrss, *cmd]
    t = time.perf_counter()
    p = subprocess.run(cmd, shell=shell, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    took = time.perf_counter() - t
    rss = 0
    if peakrss:
        last = p.stderr.decode(errors="replace").strip().splitlines()[-1]
        rss = int(last.split()[-1]) if last.startswith("peakrss:") else -1
    return took, rss, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--size", type=size_arg, default=1 << 30)
    ap.add_argument("--files", type=int, default=5)
    ap.add_argument("--gz", type=int, default=2)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    ps = os.path.abspath(os.path.join(args.build, "portsnoop"))
    peak = os.path.abspath(os.path.join(args.build, "bench", "peakrss"))
    if not shutil.which("jq"):
        raise SystemExit("history_bench: jq is not installed (scripts/deps.sh installs it)")
    d = tempfile.mkdtemp(prefix="portsnoop-histbench-")
    try:
        small = os.path.join(d, "small")
        os.mkdir(small)
        t = time.perf_counter()
        paths, n = generate(d, args.size, args.files, args.gz)
        spaths, _ = generate(small, max(args.size // 8, 1 << 20), args.files, args.gz)
        plain = [p for p in paths if not p.endswith(".gz")]
        print("history_bench: %d records, %.0f MiB in %d files (%d gzip'd), generated in "
              "%.0f s" % (n, sum(os.path.getsize(p) for p in paths) / 2**20, len(paths),
                          args.gz, time.perf_counter() - t))
        port = str(args.port)
        needle = '"port":%d}' % args.port
        jqf = 'select(.server.port==%d or .source.port==%d)' % (args.port, args.port)
        res = {k: [] for k in ("history", "grep", "jq", "all", "small")}
        for _ in range(args.rounds):	# interleaved: noise hits all alike
            res["history"].append(run([ps, "history", port, "-j", *plain], peakrss=peak))
            res["grep"].append(run(["grep", "-c", "-F", needle, *plain]))
            res["jq"].append(run("jq -c '%s' %s | wc -l" % (jqf, " ".join(plain)), shell=True))
            res["all"].append(run([ps, "history", port, "-j", *paths], peakrss=peak))
            res["small"].append(run([ps, "history", port, "-j", *spaths], peakrss=peak))
        best = {k: min(v, key=lambda r: r[0]) for k, v in res.items()}
        hist_n = best["history"][2].count(b"\n")
        grep_n = sum(int(x.rsplit(b":", 1)[-1]) for x in best["grep"][2].split())
        jq_n = int(best["jq"][2].strip() or 0)
        print("history %s (plain files): %.2f s, %d records, peak RSS %d KiB" % (
            port, best["history"][0], hist_n, best["history"][1]))
        print("grep -c (plain files):      %.2f s, %d lines" % (best["grep"][0], grep_n))
        print("jq filter (plain files):    %.2f s, %d records" % (best["jq"][0], jq_n))
        print("history vs grep -c: x%.2f (target: within x1.5)" % (
            best["history"][0] / best["grep"][0]))
        print("jq vs history:      x%.1f (target: at least x20)" % (
            best["jq"][0] / best["history"][0]))
        print("history, every file (gzip'd too): %.2f s, %d records, peak RSS %d KiB" % (
            best["all"][0], best["all"][2].count(b"\n"), best["all"][1]))
        print("peak RSS at 1/8 of the log: %d KiB; at all of it: %d KiB (target: flat, "
              "under 32 MiB)" % (best["small"][1], best["all"][1]))
    finally:
        shutil.rmtree(d)


if __name__ == "__main__":
    main()

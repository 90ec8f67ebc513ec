#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""`portsnoop ls` with N published ports behind port keepers, against
another build, side by side in one run (issue 26: within 1.25x).

Each "container" is what dockerd makes for `docker run -p PORT:80` (without
dockerd, which would rewrite the host's firewall): a network namespace with
its own address, busybox httpd on *:80 in cgroup docker-<id>.scope, its
config.v2.json, and docker-proxy (Debian's docker.io) holding the host port
in one namespace for them all. Rounds alternate the two builds; medians of
the wall time of `ls` and `ls --json`. Needs root. Prints figures, asserts
nothing.

  bench/keepers.py --build build --against /tmp/base/build [-n 50] [--rounds 15]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid

BUSYBOX = "/bin/busybox"
PROXY = "/usr/sbin/docker-proxy"


def sh(*cmd):
    subprocess.run(cmd, check=True)


def cgroup2_root():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            if right.split(" ")[0] == "cgroup2":
                return left.split(" ")[4]
    sys.exit("keepers: cgroup v2 is not mounted")


class Setup:
    def __init__(self, n):
        self.tag = "psk%d" % os.getpid()
        self.hub = self.tag + "-hub"
        self.procs, self.netns, self.dirs, self.cgroups = [], [], [], []
        sh("ip", "netns", "add", self.hub)
        self.netns.append(self.hub)
        sh("ip", "-n", self.hub, "link", "set", "lo", "up")
        try:
            self.start(n)
        except BaseException:
            self.close()
            raise

    def start(self, n):
        root = cgroup2_root()
        for i in range(n):
            cid = uuid.uuid4().hex + uuid.uuid4().hex
            ns = "%s-%d" % (self.tag, i)
            addr = "198.19.%d.%d" % (i // 250, i % 250 + 2)
            sh("ip", "netns", "add", ns)
            self.netns.append(ns)
            sh("ip", "-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
            sh("ip", "-n", ns, "addr", "add", addr + "/32", "dev", "d0")
            sh("ip", "-n", ns, "link", "set", "d0", "up")
            state = "/var/lib/docker/containers/" + cid
            os.makedirs(state)
            self.dirs.append(state)
            with open(os.path.join(state, "config.v2.json"), "w") as f:
                json.dump({"ID": cid, "Name": "/bench-%d" % i,
                           "Config": {"Image": "localhost/busybox-httpd:1"}}, f)
            cg = os.path.join(root, "docker-%s.scope" % cid)
            os.mkdir(cg)
            self.cgroups.append(cg)
            p = subprocess.Popen(["ip", "netns", "exec", ns, "sh", "-c", 'read go && exec "$@"',
                                  "sh", BUSYBOX, "httpd", "-f", "-p", "80", "-h", "/"],
                                 stdin=subprocess.PIPE)
            with open(os.path.join(cg, "cgroup.procs"), "w") as f:
                f.write(str(p.pid))
            p.stdin.write(b"go\n")
            p.stdin.close()
            self.procs.append(p)
            q = subprocess.Popen(["ip", "netns", "exec", self.hub, "sh", "-c",
                                  'exec "$@" 3>&1', "sh", PROXY, "-proto", "tcp",
                                  "-host-ip", "127.0.0.1", "-host-port", str(21000 + i),
                                  "-container-ip", addr, "-container-port", "80"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            q.stdout.readline()
            self.procs.append(q)
        time.sleep(0.5)

    def close(self):
        for p in self.procs:
            p.kill()
            p.wait()
        for ns in self.netns:
            subprocess.run(["ip", "netns", "del", ns])
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)
        time.sleep(0.3)
        for cg in self.cgroups:
            try:
                os.rmdir(cg)
            except OSError:
                pass


def timed(binary, *args):
    t = time.perf_counter()
    out = subprocess.run([binary, "ls", *args], capture_output=True, check=True).stdout
    return time.perf_counter() - t, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--against", required=True, metavar="BUILD")
    ap.add_argument("-n", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=15)
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("keepers: needs root")
    if not os.path.exists(PROXY):
        sys.exit("keepers: needs %s (docker.io)" % PROXY)
    this = os.path.join(a.build, "portsnoop")
    that = os.path.join(a.against, "portsnoop")
    s = Setup(a.n)
    try:
        _, out = timed(this, "--json")
        named = sum(1 for l in out.splitlines()
                    if json.loads(l).get("portsnoop", {}).get("serves", {}).get("container"))
        print("keepers: %d docker-proxy ports; this build's ls --json names %d containers "
              "behind them" % (a.n, named))
        for args in ((), ("--json",)):
            t_this, t_that = [], []
            for _ in range(a.rounds):
                t_this.append(timed(this, *args)[0])
                t_that.append(timed(that, *args)[0])
            m1, m2 = statistics.median(t_this), statistics.median(t_that)
            print("ls %s: this build %.1f ms, against %.1f ms: ratio %.2f (%d rounds)" % (
                " ".join(args) or "(table)", m1 * 1e3, m2 * 1e3, m1 / m2, a.rounds))
    finally:
        s.close()


if __name__ == "__main__":
    main()

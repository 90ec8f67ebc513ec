# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: ls, who and the holder of a port, compared with ss.
"""
from harness import *  # noqa: F401,F403


def parse_ss(text):
    """ss -Htulpn lines -> {(proto, ip, port): set(pids)}."""
    socks = {}
    for line in text.splitlines():
        f = line.split()
        if len(f) < 5:
            continue
        proto = f[0]
        local = f[4]
        host, _, port = local.rpartition(":")
        host = host.strip("[]")
        if host == "*":
            host = "::"
        pids = frozenset(int(p) for p in re.findall(r"pid=(\d+)", line))
        socks.setdefault((proto, host, int(port)), []).append(pids)
    return {k: sorted(v, key=sorted) for k, v in socks.items()}


def ls_records(ctx, *args):
    r = subprocess.run([ctx.portsnoop, "ls", "--json", "-v", *args], capture_output=True,
                       timeout=60)
    expect(r.returncode == 0, "ls ran", r.returncode, r.stderr)
    # The iterator, not the /proc fallback, is what is under test here.
    expect(b"owners read through the bpf iterator" in r.stderr, "owners from the iterator",
           r.stderr)
    return [json.loads(l) for l in r.stdout.splitlines()]


def ls_as_ss(records, netns):
    socks = {}
    for e in records:
        if e["portsnoop"]["netns"] != netns:
            continue
        proto = "udp" if e["network"]["transport"] == "udp" else "tcp"
        socks.setdefault((proto, e["server"]["ip"], e["server"]["port"]), []).append(
            frozenset(o["pid"] for o in e["portsnoop"]["owners"]))
    return {k: sorted(v, key=sorted) for k, v in socks.items()}


class Holders:
    """Processes that hold sockets in a namespace until .release()."""

    def __init__(self):
        self.procs = []

    def add(self, w):
        self.procs.append(w)
        return w

    def release(self):
        for w in self.procs:
            try:
                w.proc.stdin.close()
                w.proc.wait(timeout=10)
            except Exception:  # noqa: BLE001 — best effort cleanup
                w.proc.kill()


@test
def ls_matches_ss(ctx):
    h = Holders()
    other = Netns("portsnoop-live-b-%d" % os.getpid())
    pool = None
    try:
        h.add(Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True))
        h.add(Work(ctx, "listen", "tcp", 6, "::", 0, 5, hold=True))
        h.add(Work(ctx, "bind", "udp", 4, "0.0.0.0", 0, hold=True))
        h.add(Work(ctx, "bind", "udp", 6, "::1", 0, hold=True))
        h.add(Work(ctx, "listen", "tcp", 6, "::ffff:127.0.0.1", 0, 5, hold=True))
        first = h.add(Work(ctx, "--reuseport", "listen", "tcp", 4, "0.0.0.0", 0, 5, hold=True))
        h.add(Work(ctx, "--reuseport", "listen", "tcp", 4, "0.0.0.0", first.port, 5,
                   hold=True))
        pool = workers(ctx, ctx.ns.name, 2, "/tmp/portsnoop-live-%d.log" % os.getpid())
        saved, ctx.ns = ctx.ns, other
        try:
            h.add(Work(ctx, "listen", "tcp", 4, "0.0.0.0", 0, 5, hold=True))
        finally:
            ctx.ns = saved
        recs = ls_records(ctx)
        for ns in (ctx.ns, other):
            ss = subprocess.run(["ip", "netns", "exec", ns.name, "ss", "-Htulpn"],
                                capture_output=True, text=True, check=True).stdout
            want, got = parse_ss(ss), ls_as_ss(recs, ns.inode)
            expect(want and got == want, "ls = ss -tulpn in namespace %s" % ns.name,
                   sorted(got.items()), sorted(want.items()))
        mine = ls_as_ss(recs, ctx.ns.inode)
        expect(mine[("tcp", "0.0.0.0", pool.report["port"])] ==
               [frozenset([pool.report["pid"], *pool.report["kids"]])],
               "master and workers named")
        expect(len(mine[("tcp", "0.0.0.0", first.port)]) == 2, "a SO_REUSEPORT group of two",
               mine[("tcp", "0.0.0.0", first.port)])
    finally:
        h.release()
        if pool:
            pool.stdin.close()
            pool.wait(timeout=10)
        other.delete()


@test
def ls_obeys_filters(ctx):
    """ls asks a socket what the state records ask it: uid, netns, protocol,
    family, port, and (--pid, --comm) one of its holders."""
    tcp = Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True)
    udp = Work(ctx, "bind", "udp", 6, "::1", 0, hold=True)
    ns = ("--netns", str(ctx.ns.inode))
    comm = open("/proc/%d/comm" % tcp.pid).read().strip()
    try:
        def ports(*args):
            return sorted(e["server"]["port"] for e in ls_records(ctx, *ns, *args))

        both = sorted([tcp.port, udp.port])
        expect(ports() == both, "both sockets of this namespace", ports(), both)
        expect(ports("--proto", "udp") == [udp.port], "--proto udp")
        expect(ports("-4") == [tcp.port], "-4")
        expect(ports("-6", "--proto", "tcp") == [], "-6 and tcp: none")
        expect(ports("--port", str(udp.port)) == [udp.port], "--port")
        expect(ports("--pid", str(tcp.pid)) == [tcp.port], "--pid")
        expect(ports("--uid", "0") == both, "--uid 0")
        expect(ports("--uid", "4242") == [], "--uid 4242: none")
        expect(ports("--comm", comm) == both, "--comm " + comm)
        expect(ports("--comm", "no-such-name") == [], "--comm no-such-name: none")
        expect(ports("--netns", "1") == [], "another namespace: none")
    finally:
        tcp.release()
        udp.release()


@test
def who_names_every_holder(ctx):
    log = "/tmp/portsnoop-live-who-%d.log" % os.getpid()
    pool = workers(ctx, ctx.ns.name, 2, log)
    try:
        port = pool.report["port"]
        r = subprocess.run([ctx.portsnoop, "who", "%d/tcp" % port, "--json"],
                           capture_output=True, timeout=60)
        expect(r.returncode == 0, "who found it", r.returncode, r.stderr)
        lines = [json.loads(l) for l in r.stdout.splitlines()]
        lines = [l for l in lines if l["portsnoop"]["netns"] == ctx.ns.inode]
        pids = sorted(l["process"]["pid"] for l in lines)
        expect(pids == sorted([pool.report["pid"], *pool.report["kids"]]),
               "master and both workers", pids, pool.report)
        for l in lines:
            p = l["process"]
            expect(p["args"][-2:] == [log, "2"], "command line", p)
            expect(p["executable"].startswith("/usr/bin/python3"), "executable", p)
            expect(p["working_directory"] == os.getcwd(), "cwd", p)
            expect(log in l["portsnoop"]["files_written"], "its log file", l["portsnoop"])
            want_parent = os.getpid() if p["pid"] == pool.report["pid"] else pool.report["pid"]
            if p["pid"] != pool.report["pid"]:
                expect(p["parent"]["pid"] == want_parent, "workers' parent", p)
            expect(l["user"] == {"id": 0, "name": "root"}, "user", l["user"])
            expect(l["server"]["port"] == port, "port", l["server"])
        r = subprocess.run([ctx.portsnoop, "who", "%d/udp" % port], capture_output=True,
                           timeout=60)
        expect(r.returncode == 1 and b"nobody holds port %d/udp" % port in r.stderr and
               r.stdout == b"", "nobody holds the UDP port", r)
    finally:
        pool.stdin.close()
        pool.wait(timeout=10)
        if os.path.exists(log):
            os.unlink(log)


@test
def eaddrinuse_names_the_holder(ctx):
    holder = Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True)
    try:
        w = Work(ctx, "bind", "tcp", 4, "127.0.0.1", holder.port)
        expect(w.report["errno"] == errno.EADDRINUSE, "EADDRINUSE", w.report)
        ev = one(ctx.tracer.of_pid(w.pid, "bind"), "bind")
        expect(ev["portsnoop"].get("holders") == [{"pid": holder.pid, "name": "sockwork"}],
               "the holder", ev["portsnoop"])
    finally:
        holder.release()

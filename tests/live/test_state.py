# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: ls, who and the holder of a port, compared with ss.
"""
import calendar

from harness import *  # noqa: F401,F403
from harness import _wait_stderr


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
        # Issue 24: a namespace that does not exist is a mistake, said.
        r = subprocess.run([ctx.portsnoop, "ls", "--netns", "1"], capture_output=True,
                           timeout=60)
        expect(r.returncode == 2 and b"no network namespace 1 " in r.stderr and
               r.stdout == b"", "--netns of no namespace: refused", r)
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
        expect_bind_names_holder(ctx, "127.0.0.1", holder.port, holder.pid, "sockwork",
                                 "the holder")
    finally:
        holder.release()


# --- rendering: what ls, who and state records show (issue 15) -------------

HOLDSOCKS = os.path.join(os.path.dirname(__file__), "holdsocks.py")


def holdsocks(ctx, spec, *pad):
    p = subprocess.Popen(["ip", "netns", "exec", ctx.ns.name, "/usr/bin/python3", HOLDSOCKS,
                          json.dumps(spec), *pad], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
    line = p.stdout.readline()
    if not line:
        p.wait(timeout=10)
        raise AssertionError("holdsocks failed: %s" % json.dumps(spec))
    p.report = json.loads(line)
    return p


def let_go(p):
    p.stdin.close()
    p.wait(timeout=10)


def run_ok(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, timeout=60, env=env, text=True)
    expect(r.returncode == 0, "%s ran" % " ".join(cmd[1:]), r.returncode, r.stderr)
    return r.stdout


def ss_rows(ctx):
    """ss -Htuln in the test's namespace: {port: {recv, send, local}}."""
    out = subprocess.run(["ip", "netns", "exec", ctx.ns.name, "ss", "-Htuln"],
                         capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in out.splitlines():
        f = line.split()    # Netid State Recv-Q Send-Q Local Peer
        rows[int(f[4].rpartition(":")[2])] = {"recv": f[2], "send": f[3], "local": f[4]}
    return rows


def ls_table_rows(ctx, netns, env=None):
    """portsnoop ls: the header and {port: row} for one namespace (NETNS
    names it as `ip netns` does, the test's namespace has a name)."""
    lines = run_ok([ctx.portsnoop, "ls"], env=env).splitlines()
    head, rows = lines[0], {}
    # Cells hold no space (escaped): a row pushed along by a long address
    # still splits into its columns.
    col, local = head.split().index("NETNS"), head.split().index("LOCAL")
    for line in lines[1:]:
        if line.split()[col] == str(netns):
            rows[int(line.split()[local].rpartition(":")[2])] = line
    return head, rows


def state_records(ctx):
    t = subprocess.Popen([ctx.portsnoop, "--json"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        _wait_stderr(t, READY)
    finally:
        t.send_signal(signal.SIGINT)
        out, _ = t.communicate(timeout=20)
    recs = [json.loads(l) for l in out.splitlines()]
    return [r for r in recs if r["event"]["kind"] == "state" and
            r["portsnoop"]["netns"] == ctx.ns.inode]


@test
def ls_tells_dual_stack_device_and_scope(ctx):
    ns = ["ip", "-n", ctx.ns.name]
    # A veth pair: dummy is not built into every kernel these tests run on.
    subprocess.run(ns + ["link", "add", "d0", "type", "veth", "peer", "name", "d0p"],
                   check=True)
    subprocess.run(ns + ["link", "set", "d0", "up"], check=True)
    subprocess.run(ns + ["link", "set", "d0p", "up"], check=True)
    subprocess.run(ns + ["addr", "add", "fe80::1/64", "dev", "d0", "nodad"], check=True)
    p = holdsocks(ctx, {"socks": [
        {"proto": "tcp", "family": 6, "addr": "::", "v6only": 0},
        {"proto": "tcp", "family": 6, "addr": "::", "v6only": 1},
        {"proto": "udp", "family": 4, "addr": "0.0.0.0", "dev": "d0"},
        {"proto": "udp", "family": 6, "addr": "fe80::1", "scope": "d0"}]})
    try:
        dual, only, dev, scoped = (s["port"] for s in p.report["socks"])
        want = {dual: "*:%d" % dual, only: "[::]:%d" % only,
                dev: "0.0.0.0%%d0:%d" % dev, scoped: "[fe80::1]%%d0:%d" % scoped}
        ss = ss_rows(ctx)
        _, rows = ls_table_rows(ctx, ctx.ns.name)
        for port, local in want.items():
            expect(ss[port]["local"] == local, "ss says so too", ss[port], local)
            expect(rows[port].split()[2] == local, "ls LOCAL as ss writes it", rows[port], local)
        recs = {r["server"]["port"]: r for r in ls_records(ctx)
                if r["portsnoop"]["netns"] == ctx.ns.inode}
        expect(recs[dual]["portsnoop"]["ipv6_only"] is False, "dual-stack in JSON", recs[dual])
        expect(recs[only]["portsnoop"]["ipv6_only"] is True, "IPv6-only in JSON", recs[only])
        expect("ipv6_only" not in recs[dev]["portsnoop"], "nothing said of IPv4", recs[dev])
        expect(recs[dev]["portsnoop"]["interface"] == "d0", "device in JSON", recs[dev])
        expect(recs[scoped]["portsnoop"]["interface"] == "d0", "scope in JSON", recs[scoped])
        expect(recs[scoped]["server"]["ip"] == "fe80::1", "the address itself", recs[scoped])
        state = {r["server"]["port"]: r for r in state_records(ctx)}
        for port in want:
            expect({k: v for k, v in state[port]["portsnoop"].items()
                    if k in ("ipv6_only", "interface")} ==
                   {k: v for k, v in recs[port]["portsnoop"].items()
                    if k in ("ipv6_only", "interface")}, "state records = ls", state[port])
        # The live events of the listens say it too.
        evs = ctx.tracer.of_pid(p.report["pid"], "listen", count=2)
        by_port = {e["server"]["port"]: e for e in evs}
        expect(by_port[dual]["portsnoop"].get("ipv6_only") is False, "listen event: dual",
               by_port[dual])
        expect(by_port[only]["portsnoop"].get("ipv6_only") is True, "listen event: v6only",
               by_port[only])
        let_go(p)
        evs = ctx.tracer.of_pid(p.report["pid"], "close", count=4)
        by_port = {e["server"]["port"]: e for e in evs}
        expect(by_port[dual]["portsnoop"].get("ipv6_only") is False and
               by_port[only]["portsnoop"].get("ipv6_only") is True, "close events say it too",
               by_port[dual], by_port[only])
    finally:
        if p.poll() is None:
            let_go(p)
        subprocess.run(ns + ["link", "del", "d0"])


@test
def ls_user_is_the_holders_and_queues_are_ss(ctx):
    p = holdsocks(ctx, {"socks": [{"proto": "tcp", "family": 4, "addr": "127.0.0.1",
                                   "backlog": 7, "clients": 2}], "fork": 1, "uid": 65534})
    try:
        port = p.report["socks"][0]["port"]
        kid = p.report["kids"][0]
        ss = ss_rows(ctx)
        head, rows = ls_table_rows(ctx, ctx.ns.name)
        cells = dict(zip(head.split(), rows[port].split()))
        expect(cells["RECV-Q"] == ss[port]["recv"] == "2", "Recv-Q as ss: two waiting", cells,
               ss[port])
        expect(cells["SEND-Q"] == ss[port]["send"] == "7", "Send-Q as ss: the backlog", cells)
        expect(cells["USER"] == "nobody", "the holder's user, not the creator's", cells)
        expect(cells["PROCESSES"] == "python3[%d]/%d" % (kid, p.report["socks"][0]["fds"][0]),
               "holder and fd", cells)
        rec = one([r for r in ls_records(ctx) if r["portsnoop"]["netns"] == ctx.ns.inode and
                   r["server"]["port"] == port], "ls record")
        expect(rec["user"] == {"id": 65534, "name": "nobody"}, "JSON user = table", rec)
        expect(rec["portsnoop"]["recv_q"] == 2 and rec["portsnoop"]["send_q"] == 7 and
               rec["portsnoop"]["backlog"] == 7, "JSON queues = table", rec["portsnoop"])
        expect(rec["portsnoop"]["owners"] == [{"pid": kid, "name": "python3", "uid": 65534,
                                              "fd": p.report["socks"][0]["fds"][0],
                                              "fds": p.report["socks"][0]["fds"]}],
               "owners", rec["portsnoop"]["owners"])
    finally:
        let_go(p)


def proc_start(pid):
    """A process's start as /proc gives it: CLOCK_BOOTTIME ticks -> realtime."""
    with open("/proc/%d/stat" % pid) as f:
        ticks = int(f.read().rpartition(")")[2].split()[19])
    off = time.clock_gettime(time.CLOCK_REALTIME) - time.clock_gettime(time.CLOCK_BOOTTIME)
    return off + ticks / os.sysconf("SC_CLK_TCK")


@test
def who_lists_each_thing_once_with_fds_and_ticks(ctx):
    log = "/tmp/portsnoop-live-who-fds-%d.log" % os.getpid()
    p = holdsocks(ctx, {"socks": [{"proto": "tcp", "family": 4, "addr": "127.0.0.1",
                                   "dup": True}], "files": [log], "fork": 1}, "", "", "")
    try:
        port, fds = p.report["socks"][0]["port"], p.report["socks"][0]["fds"]
        pids = sorted([p.report["pid"], *p.report["kids"]])
        text = run_ok([ctx.portsnoop, "who", "127.0.0.1:%d" % port])
        lines = text.splitlines()
        sock = [l for l in lines if l.startswith("tcp4 127.0.0.1:%d " % port)]
        expect(len(sock) == 1, "the socket named once, not per process", lines)
        heads = [l for l in lines if re.match(r"  python3\[\d+\]", l)]
        expect(len(heads) == 2, "two processes", lines)
        for h in heads:
            expect(" fd %s," % ",".join(map(str, fds)) in h, "both fds shown", h)
        expect(sum(l.split() == ["writing", log] for l in lines) == 2,
               "the file once per process though written through two fds", lines)
        cmd = [l for l in lines if l.lstrip().startswith("command")]
        expect(all(not l.endswith(" ") for l in cmd), "no trailing padding", cmd)
        recs = [json.loads(l) for l in
                run_ok([ctx.portsnoop, "who", "127.0.0.1:%d" % port, "--json"]).splitlines()]
        expect(sorted(r["process"]["pid"] for r in recs) == pids, "the same two", recs)
        again = [json.loads(l) for l in
                 run_ok([ctx.portsnoop, "who", "127.0.0.1:%d" % port, "--json"]).splitlines()]
        for r in recs:
            pr = r["process"]
            expect(r["portsnoop"]["fds"] == fds, "fds in JSON", r["portsnoop"])
            expect(r["portsnoop"]["files_written"].count(log) == 1, "the file once",
                   r["portsnoop"])
            expect(pr["args"][-1] != "" and not pr["command_line"].endswith(" "),
                   "padding trimmed", pr)
            frac = pr["start"].rpartition(".")[2]
            expect(re.fullmatch(r"\d\dZ", frac), "start to the 10 ms tick, no made-up ns",
                   pr["start"])
            expect("started %s," % pr["start"] in text, "table and JSON agree", pr["start"])
            expect([a["process"]["start"] for a in again if
                    a["process"]["pid"] == pr["pid"]] == [pr["start"]], "the same every run")
            got = calendar.timegm(time.strptime(pr["start"][:19], "%Y-%m-%dT%H:%M:%S")) + \
                float("0." + frac[:2])
            expect(abs(got - proc_start(pr["pid"])) < 0.02, "the /proc start", pr["start"])
    finally:
        let_go(p)
        if os.path.exists(log):
            os.unlink(log)

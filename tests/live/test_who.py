# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: who holds a port, in every case of issue 15's table: bound and
not listening, a client's local port, v4-mapped listeners, wildcard overlap,
a namespace only a mount keeps, an owner nobody has open, without root, a
holder gone before the failure is read; the process name of a thread; the
command line items of ls and who. `ls --json`/`who --json` agree with the
tables.
"""
import contextlib

from harness import *  # noqa: F401,F403

HOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "holder.py")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


class Holder:
    """holder.py MODE ARGS in a namespace (or none: the caller's)."""

    def __init__(self, ns, mode, *args, prefix=()):
        cmd = [*prefix, "/usr/bin/python3", HOLDER, mode, *[str(a) for a in args]]
        if ns:
            cmd = ["ip", "netns", "exec", ns, *cmd]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        line = self.proc.stdout.readline()
        if not line:
            self.proc.kill()
            raise AssertionError("holder.py %s printed nothing" % mode)
        self.report = json.loads(line)
        self.pid = self.report["pid"]
        self.port = self.report["port"]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()

    def release(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 — best effort cleanup
            self.proc.kill()


def run(ctx, *args, user=None):
    cmd = [ctx.portsnoop, *[str(a) for a in args]]
    return subprocess.run([*(user or []), *cmd], capture_output=True, timeout=60)


def who_json(ctx, what, *extra, user=None, rc=0):
    r = run(ctx, "who", what, "--json", *extra, user=user)
    expect(r.returncode == rc, "who %s exits %d" % (what, rc), r.returncode, r.stderr)
    return [json.loads(l) for l in r.stdout.splitlines()], r


def who_table(ctx, what, *extra, user=None):
    r = run(ctx, "who", what, *extra, user=user)
    return r.stdout.decode(), r


def expect_nobody(ctx, what, why):
    """who WHAT in the test's namespace: exit 1, and stderr names WHAT."""
    r = run(ctx, "who", what, "--netns", ctx.ns.inode)
    expect(r.returncode == 1 and b"nobody holds %s" % what.encode() in r.stderr, why, r)


def in_ns(recs, ns):
    return [x for x in recs if x["portsnoop"]["netns"] == ns]


def agree(ctx, what, recs, *extra, user=None):
    """The table names the same sockets and processes as the JSON."""
    text, r = who_table(ctx, what, *extra, user=user)
    for x in recs:
        head = "%s %s" % ("[%s]:%d" % (x["server"]["ip"], x["server"]["port"])
                          if ":" in x["server"]["ip"] else
                          "%s:%d" % (x["server"]["ip"], x["server"]["port"]),
                          x["portsnoop"]["state"])
        expect(head in text, "the table shows " + head, text)
        if "process" in x:
            expect("%s[%d]" % (x["process"]["name"], x["process"]["pid"]) in text,
                   "the table names the process", x["process"], text)
        else:
            expect("owner unknown: " + x["portsnoop"]["owner_unknown"]
                   in text, "the table says why", text)


@test
def who_bound_not_listening(ctx):
    with Holder(ctx.ns.name, "bound", "127.0.0.1") as h:
        recs, _ = who_json(ctx, h.port, "--netns", ctx.ns.inode)
        expect(len(recs) == 1, "one holder", recs)
        x = recs[0]
        expect(x["process"]["pid"] == h.pid and x["process"]["name"] == "python3",
               "the process", x["process"])
        expect(x["portsnoop"]["state"] == "bound" and x["server"] == {
            "ip": "127.0.0.1", "port": h.port}, "bound, not listening", x)
        agree(ctx, h.port, recs, "--netns", ctx.ns.inode)
        # The trace saw the bind: a second bind's EADDRINUSE names the holder.
        expect_bind_names_holder(ctx, "127.0.0.1", h.port, h.pid, "python3",
                                 "held by the bound socket's process")


def ls_tcp_rows(ctx):
    """ls --json of every namespace (no --netns), the test namespace's TCP
    sockets as (port, state, ip, owner pids)."""
    r = run(ctx, "ls", "--json")
    expect(r.returncode == 0, "ls ran", r.returncode, r.stderr)
    return sorted((x["server"]["port"], x["event"]["action"], x["server"]["ip"],
                   [o["pid"] for o in x["portsnoop"]["owners"]])
                  for x in map(json.loads, r.stdout.splitlines())
                  if x["portsnoop"]["netns"] == ctx.ns.inode and
                  x["network"]["transport"] == "tcp")


@test
def ls_lists_bound_sockets_held_or_not(ctx):
    # ls asks the kernel for bound-only TCP sockets (a walk of every bind
    # bucket) only in a namespace where one may be: one no process holds
    # (in flight in a unix socket) is found by the namespace's count of
    # sockets; one a process holds, by a look at its fd.
    # sock_diag dumps bound-only TCP sockets from 6.5 (TCP_BOUND_INACTIVE):
    # before, one no process holds cannot be found at all.
    if kernel_release() < (6, 5):
        print("  (kernel %s: no bound-only sockets in sock_diag, the held one alone)"
              % os.uname().release)
    else:
        with Holder(ctx.ns.name, "bound_in_flight") as f:
            got = ls_tcp_rows(ctx)
            expect(got == [(f.port, "bound", "127.0.0.1", [])], "the one no process holds",
                   got)
            both_bound(ctx, f)
    with Holder(ctx.ns.name, "bound", "127.0.0.1") as h:
        got = ls_tcp_rows(ctx)
        expect(got == [(h.port, "bound", "127.0.0.1", [h.pid])], "the held one alone", got)


def kernel_release():
    """The running kernel's (major, minor)."""
    return tuple(int(x) for x in re.match(r"(\d+)\.(\d+)", os.uname().release).groups())


def both_bound(ctx, f):
    """With f's socket in flight, a held one too: each listed, the held one
    with its process."""
    with Holder(ctx.ns.name, "bound", "127.0.0.1") as h:
        got = ls_tcp_rows(ctx)
        want = sorted([(h.port, "bound", "127.0.0.1", [h.pid]),
                       (f.port, "bound", "127.0.0.1", [])])
        expect(got == want, "the held one with its process, the other with none",
               got, want)
        r = run(ctx, "ls", "-t")
        for port in (h.port, f.port):
            expect(re.search(rb"^tcp4 +bound +127\.0\.0\.1:%d " % port, r.stdout,
                             re.M), "the table's row", port, r.stdout[-2000:])


@test
def who_client_local_port(ctx):
    with Holder(ctx.ns.name, "client") as h:
        recs, _ = who_json(ctx, h.port, "--netns", ctx.ns.inode)
        expect([(x["process"]["pid"], x["portsnoop"]["state"]) for x in recs] ==
               [(h.pid, "established")], "the client, established", recs)
        expect(recs[0]["destination"] == {"ip": "127.0.0.1", "port": h.report["server_port"]},
               "its peer", recs[0])
        agree(ctx, h.port, recs, "--netns", ctx.ns.inode)
        # The server's port: the listener first, then the accepted one if any.
        recs, _ = who_json(ctx, "%d/tcp" % h.report["server_port"], "--netns", ctx.ns.inode)
        expect(recs[0]["portsnoop"]["state"] == "listening" and
               recs[0]["process"]["pid"] == h.pid, "the listener", recs)


@test
def who_time_wait_is_nobodys(ctx):
    with Holder(ctx.ns.name, "time_wait") as h:
        r = run(ctx, "who", h.port, "--netns", ctx.ns.inode)
        expect(r.returncode == 1 and r.stdout == b"" and
               b"nobody holds port %d; 1 closed connection keeps it in TIME-WAIT" % h.port
               in r.stderr, "no holder, and why a bind may still fail", r)


@test
def who_v4_mapped_listener(ctx):
    with Holder(ctx.ns.name, "listen6", "::ffff:127.0.0.1") as h:
        recs, _ = who_json(ctx, "127.0.0.1:%d" % h.port, "--netns", ctx.ns.inode)
        expect(len(recs) == 1 and recs[0]["process"]["pid"] == h.pid and
               recs[0]["network"]["type"] == "ipv6" and
               recs[0]["server"]["ip"] == "::ffff:127.0.0.1", "the AF_INET6 listener", recs)
        agree(ctx, "127.0.0.1:%d" % h.port, recs, "--netns", ctx.ns.inode)
        expect_nobody(ctx, "127.0.0.2:%d" % h.port,
                      "another address: nobody, and the message names it")


@test
def who_wildcard_overlap(ctx):
    with Holder(ctx.ns.name, "listen", "127.0.0.1") as h:
        recs, _ = who_json(ctx, "0.0.0.0:%d" % h.port, "--netns", ctx.ns.inode)
        expect(len(recs) == 1 and recs[0]["process"]["pid"] == h.pid and
               recs[0]["server"]["ip"] == "127.0.0.1", "the conflicting holder", recs)
        agree(ctx, "0.0.0.0:%d" % h.port, recs, "--netns", ctx.ns.inode)
        recs, _ = who_json(ctx, "[::]:%d" % h.port, "--netns", ctx.ns.inode)
        expect([x["process"]["pid"] for x in recs] == [h.pid], "a dual-stack [::] too", recs)
        expect_nobody(ctx, "[::1]:%d" % h.port, "IPv6 loopback does not conflict")
        expect_bind_names_holder(ctx, "0.0.0.0", h.port, h.pid, "python3",
                                 "the 0.0.0.0 bind's holder")


@contextlib.contextmanager
def holder_that_left(what):
    """A listener opened in a new namespace by a process that came back out
    of it: yields the namespace's name, the Netns and the Holder."""
    name = "portsnoop-live-%s-%d" % (what, os.getpid())
    other = Netns(name)
    h = None
    try:
        h = Holder(None, "setns", "/run/netns/" + name)
        yield name, other, h
    finally:
        if h:
            h.release()
        other.delete()


def expect_no_process_in(inode):
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                expect(os.stat("/proc/%s/ns/net" % p).st_ino != inode,
                       "no process is in the namespace", p)
            except OSError:
                pass  # gone, or a process we may not look at


def expect_ls_lists(ctx, inode, h, name=None):
    """ls, JSON and table, lists h's listener in namespace inode (named name
    while `ip netns` has a name for it), with its owner and fd."""
    r = run(ctx, "ls", "--json")
    expect(r.returncode == 0, "ls", r)
    mine = [json.loads(l) for l in r.stdout.splitlines()]
    mine = [x for x in mine if x["portsnoop"]["netns"] == inode]
    expect(len(mine) == 1 and mine[0]["server"]["port"] == h.port and
           [(o["pid"], o["fd"]) for o in mine[0]["portsnoop"]["owners"]] ==
           [(h.pid, h.report["fd"])], "ls lists it with its owner and fd", mine)
    text = run(ctx, "ls").stdout.decode()
    expect(any((name or str(inode)) in l.split() and ":%d" % h.port in l and
               "python3[%d]/%d" % (h.pid, h.report["fd"]) in l
               for l in text.splitlines()), "the ls table too", text)


@test
def who_in_a_namespace_no_process_is_in(ctx):
    with holder_that_left("mnt") as (name, other, h):
        expect(h.report["netns"] != other.inode, "the holder is back in its own namespace")
        expect_no_process_in(other.inode)
        recs, _ = who_json(ctx, h.port, "--netns", other.inode)
        expect([(x["process"]["pid"], x["portsnoop"]["netns"]) for x in recs] ==
               [(h.pid, other.inode)], "the listener and its owner", recs)
        expect_ls_lists(ctx, other.inode, h, name)


@test
def who_in_a_namespace_only_a_socket_keeps(ctx):
    # A process enters a namespace, listens, comes back; then the mount
    # goes (ip netns del): no process is in the namespace, no nsfs mount
    # keeps it, only the listener does. ls and who reach it through the
    # socket itself.
    with holder_that_left("sock") as (name, other, h):
        other.delete()
        expect(not os.path.exists("/run/netns/" + name), "the mount is gone")
        with open("/proc/self/mountinfo") as f:
            expect(not any(" - nsfs " in l and name in l for l in f), "no nsfs mount of it")
        expect_no_process_in(other.inode)
        recs, _ = who_json(ctx, h.port, "--netns", other.inode)
        expect([(x["process"]["pid"], x["portsnoop"]["netns"], x["portsnoop"]["state"])
                for x in recs] == [(h.pid, other.inode, "listening")],
               "who: the listener and its owner", recs)
        recs, _ = who_json(ctx, h.port)
        expect([(x["process"]["pid"], x["portsnoop"]["netns"]) for x in recs
                if x["portsnoop"]["netns"] == other.inode] == [(h.pid, other.inode)],
               "who without --netns finds it too", recs)
        expect_ls_lists(ctx, other.inode, h)


@test
def who_owner_nobody_has_open(ctx):
    with Holder(ctx.ns.name, "in_flight") as h:
        recs, r = who_json(ctx, h.port, "--netns", ctx.ns.inode, rc=3)
        expect(len(recs) == 1 and "process" not in recs[0] and
               recs[0]["portsnoop"]["state"] == "listening", "the socket, no made-up owner",
               recs)
        expect("no process portsnoop can see has it open" in recs[0]["portsnoop"]["owner_unknown"],
               "why", recs[0])
        expect(b"owner could not be determined" in r.stderr, "said on stderr", r.stderr)
        text, _ = who_table(ctx, h.port, "--netns", ctx.ns.inode)
        expect("?[0]" not in text and "user (0)" not in text, "no invented owner", text)
        agree(ctx, h.port, recs, "--netns", ctx.ns.inode)


@test
def ls_and_who_without_root(ctx):
    # Unprivileged, only the caller's own namespace is reachable: the host's.
    mine = Holder(None, "listen", "127.0.0.1", prefix=NOBODY)
    roots = Holder(None, "listen", "127.0.0.1")
    try:
        r = run(ctx, "ls", "--json", user=NOBODY)
        expect(r.returncode == 0, "ls runs without root", r.returncode, r.stderr)
        err = r.stderr.decode().strip().split("\n")
        expect(len(err) == 1 and "not root: left out the fds of" in err[0],
               "one line on what was left out", r.stderr)
        recs = {x["server"]["port"]: x for x in map(json.loads, r.stdout.splitlines())}
        expect([o["pid"] for o in recs[mine.port]["portsnoop"]["owners"]] == [mine.pid],
               "its own process is named", recs.get(mine.port))
        expect(recs[roots.port]["portsnoop"]["owners"] == [], "root's is listed, unnamed",
               recs.get(roots.port))
        recs, r = who_json(ctx, mine.port, user=NOBODY)
        expect([x["process"]["pid"] for x in recs] == [mine.pid], "who: its own", recs)
        recs, r = who_json(ctx, roots.port, user=NOBODY, rc=3)
        expect(len(recs) == 1 and "not root" in recs[0]["portsnoop"]["owner_unknown"],
               "who: root's socket, and why its owner is unknown", recs)
    finally:
        mine.release()
        roots.release()


@test
def eaddrinuse_holder_gone(ctx):
    # A tracer of our own, stopped: the failed bind's record waits in the
    # ring buffer while its holder exits, so when the tracer reads it the
    # socket is gone for certain and only what the trace saw can answer.
    t = Tracer(ctx.portsnoop, ("--json", "--no-initial"))
    try:
        t.proc.send_signal(signal.SIGSTOP)
        try:
            with Holder(ctx.ns.name, "gone", "127.0.0.1") as h:
                expect(h.report["errno"] == errno.EADDRINUSE, "EADDRINUSE", h.report)
                kid = h.report["kid"]
                expect(not os.path.exists("/proc/%d" % kid), "the holder has exited", kid)
        finally:
            t.proc.send_signal(signal.SIGCONT)
        ev = one(t.wait_for(
            lambda e: e.get("process", {}).get("pid") == h.pid and
            e["event"]["action"] == "bind" and e["server"]["port"] == h.port), "bind")
        expect(ev["error"]["code"] == "EADDRINUSE", "the failed bind", ev)
        expect(ev["portsnoop"].get("holders") == [{"pid": kid, "name": "python3"}],
               "the holder that exited, by pid and name", ev["portsnoop"])
        expect(ev["portsnoop"].get("holders_gone") is True,
               "answered from what the trace saw", ev["portsnoop"])
    finally:
        t.stop()


@test
def process_name_is_the_leaders(ctx):
    with Holder(ctx.ns.name, "thread", "resolver-0") as h:
        ev = one(ctx.tracer.wait_for(
            lambda e: e.get("process", {}).get("pid") == h.pid and e["event"]["action"] == "bind"), "bind")
        expect(ev["process"]["name"] == "python3", "the process's name", ev["process"])
        expect(ev["process"]["thread"] == {"id": h.report["tid"], "name": "resolver-0"},
               "the thread's own", ev["process"]["thread"])


@test
def comm_filter_matches_the_process_name(ctx):
    t = Tracer(ctx.portsnoop, ("--json", "--no-initial", "--comm", "python3"))
    try:
        with Holder(ctx.ns.name, "thread", "resolver-1") as h:
            evs = t.wait_for(lambda e: e.get("process", {}).get("pid") == h.pid and
                             e["event"]["action"] == "bind")
            expect(len(evs) == 1 and evs[0]["process"]["thread"]["name"] == "resolver-1",
                   "--comm python3 keeps the thread's bind", evs)
    finally:
        t.stop()


@test
def cli_ls_who_options(ctx):
    with Holder(ctx.ns.name, "listen", "127.0.0.1") as h:
        r = run(ctx, "who", "-P", h.port, "--json", "--netns", ctx.ns.inode)
        expect(r.returncode == 0 and [json.loads(l)["process"]["pid"]
                                      for l in r.stdout.splitlines()] == [h.pid],
               "who -P PORT", r)
    for args, word in ((["-p", "999999", "--json"], b"no process 999999 exists"),
                       (["ls", "-p", "999999"], b"no process 999999 exists"),
                       (["-4", "-6"], b"-4 and -6"),
                       (["ls", "-e", "bind"], b"--events does not apply to ls"),
                       (["ls", "--failed"], b"--failed does not apply to ls"),
                       (["who", "80", "-4"], b"-4 does not apply to who"),
                       (["who", "-P", "80,443"], b"who takes one port"),
                       (["--uid", "no-such-user-x"], b"no-such-user-x")):
        r = run(ctx, *args)
        expect(r.returncode == 2 and r.stdout == b"" and r.stderr.count(b"\n") == 1 and
               word in r.stderr, "refused in one line", args, r)
    r = run(ctx, "ls", "--uid", "root", "--json")
    expect(r.returncode == 0, "--uid root", r)

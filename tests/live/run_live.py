#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: the real portsnoop, real BPF programs, real socket calls.

The workload (sockwork) runs in a network namespace made for the test and
reports what the kernel told it (pid, port from getsockname, errno). Each
test waits for portsnoop's JSON events about that pid and compares them
field by field. In CI (CI=true) a test that cannot run is a failure;
elsewhere it is reported as SKIP with the reason.
"""
import argparse
import errno
import json
import os
import re
import shutil
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

IN_CI = os.environ.get("CI") == "true"
READY = b"portsnoop: tracing, "  # on stderr once everything is attached
WAIT = 5.0
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Skip(Exception):
    pass


class Tracer:
    """A running portsnoop whose JSON lines are collected by a thread."""

    def __init__(self, binary, args=("--json",), env=None):
        self.proc = subprocess.Popen([binary, *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     env=dict(os.environ, **env) if env else None)
        self.events = []
        self.bad_lines = []
        self.lock = threading.Lock()
        self.stderr = b""
        # Ready once it says so on stderr; anything else first is a failure.
        deadline = time.time() + 30
        while READY not in self.stderr:
            if time.time() > deadline or self.proc.poll() is not None:
                rest = self.proc.stderr.read1(65536) if self.proc.poll() is not None else b""
                raise Skip("portsnoop did not start: " +
                           (self.stderr + rest).decode(errors="replace").strip())
            r, _, _ = select.select([self.proc.stderr], [], [], 0.5)
            if r:
                self.stderr += os.read(self.proc.stderr.fileno(), 4096)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                with self.lock:
                    self.bad_lines.append(line)
                continue
            with self.lock:
                self.events.append(ev)

    def wait_for(self, pred, count=1, timeout=WAIT):
        deadline = time.time() + timeout
        while True:
            with self.lock:
                found = [e for e in self.events if pred(e)]
            if len(found) >= count or time.time() > deadline:
                return found
            time.sleep(0.02)

    def of_pid(self, pid, action=None, count=1, timeout=WAIT):
        def pred(e):
            return (e.get("process", {}).get("pid") == pid and
                    (action is None or e["event"]["action"] == action))
        return self.wait_for(pred, count, timeout)

    def stop(self):
        # stdout is the reader thread's: wait, then take what is left of stderr.
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)
        self.stderr += self.proc.stderr.read()
        return self.proc.returncode


class Netns:
    """A network namespace with loopback up, removed at the end."""

    def __init__(self, name):
        self.name = name
        subprocess.run(["ip", "netns", "del", name], stderr=subprocess.DEVNULL)
        subprocess.run(["ip", "netns", "add", name], check=True)
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
        self.inode = os.stat("/run/netns/" + name).st_ino

    def delete(self):
        subprocess.run(["ip", "netns", "del", self.name], stderr=subprocess.DEVNULL)


class Work:
    """One sockwork process; .report is its JSON line.

    gated: the process exists (and .pid is known) before it makes its call;
    go() lets it proceed. Its pid survives the exec into sockwork."""

    def __init__(self, ctx, *args, hold=False, gated=False):
        cmd = ["ip", "netns", "exec", ctx.ns.name, ctx.sockwork]
        if hold:
            cmd.append("--hold")
        cmd += [str(a) for a in args]
        self.cmd = cmd
        self.hold = hold
        if gated:
            cmd = ["sh", "-c", 'read go && exec "$@"', "sh", *cmd]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.pid = self.proc.pid
        if not gated:
            self.go(gate=False)

    def go(self, gate=True):
        if gate:
            self.proc.stdin.write(b"go\n")
            self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError("sockwork printed nothing: %s" % " ".join(self.cmd))
        self.report = json.loads(line)
        if "fatal" in self.report:
            raise AssertionError("sockwork failed at %s: %s" % (
                self.report["fatal"], os.strerror(self.report["errno"])))
        expect(self.report["pid"] == self.pid, "sockwork runs as the process started")
        self.port = self.report["lport"]
        if not self.hold:
            self.proc.wait(timeout=10)
        return self

    def release(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


class Ctx:
    def __init__(self, build, ns, tracer, portsnoop, probe):
        self.build = build
        self.portsnoop = portsnoop
        self.probe = probe
        self.sockwork = os.path.join(build, "tests", "sockwork")
        self.ns = ns
        self.tracer = tracer


def expect(cond, what, *detail):
    if not cond:
        raise AssertionError(what + "".join(" | %s" % (d,) for d in detail))


def one(events, what):
    expect(len(events) == 1, "expected exactly one %s event, got %d" % (what, len(events)),
           *events)
    return events[0]


def check_process(ctx, ev, w):
    """Fields every event of a sockwork process must carry."""
    p = ev["process"]
    expect(p["pid"] == w.pid, "pid", p)
    expect(p["thread"]["id"] == w.report["tid"], "tid", p)
    expect(p["parent"]["pid"] == w.report["ppid"], "parent pid", p)
    expect(p["name"] == w.report.get("comm", "sockwork"), "comm", p)
    expect(ev["user"]["id"] == w.report["uid"], "uid", ev.get("user"))
    expect(ev["portsnoop"]["netns"] == ctx.ns.inode, "netns inode",
           ev["portsnoop"]["netns"], ctx.ns.inode)
    expect(ev["event"]["kind"] == "event", "event.kind", ev["event"])


def errname(code):
    return errno.errorcode[code]


# --- attach strategies ---------------------------------------------------

@test
def start_record_names_the_strategies(ctx):
    start = ctx.tracer.wait_for(lambda e: e["event"]["action"] == "start")
    hooks = one(start, "start record")["portsnoop"]["hooks"]
    for h in ("bind", "listen", "connect", "close"):
        expect(hooks.get(h) in ("fentry", "kprobe", "tracepoint"), "strategy of " + h, hooks)
        if ctx.probe:
            expect(hooks[h] == ctx.probe, "--probe=%s is in force for %s" % (ctx.probe, h),
                   hooks)
    expect(hooks["probe"] == (ctx.probe or "auto"), "the mode asked for", hooks)


PARITY_TESTS = []
STRATEGIES = ("fentry", "kprobe", "tracepoint")


def parity_view(ev):
    """What must be the same whichever strategy hooked the call."""
    return (ev["event"]["action"], ev["process"]["pid"], ev["process"]["thread"]["id"],
            ev["network"].get("transport"), ev["network"].get("type"),
            json.dumps(ev.get("server")), json.dumps(ev.get("source")),
            json.dumps(ev.get("destination")), ev["event"].get("outcome"),
            ev.get("error", {}).get("code"), ev["portsnoop"].get("backlog"),
            ev["portsnoop"].get("requested"), ev["portsnoop"]["cookie"])


def parity_workload(ctx):
    """The cases every strategy must get right; returns the Work objects."""
    done = []

    def run(*args, **kw):
        w = Work(ctx, *args, **kw)
        done.append(w)
        return w

    srv = run("listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True)
    try:
        run("bind", "tcp", 4, "127.0.0.1", 0)                 # port 0: the real port
        run("bind", "udp", 6, "::1", 0)
        run("bind", "tcp", 4, "127.0.0.1", srv.port)          # EADDRINUSE
        run("--uid", 65534, "bind", "tcp", 4, "127.0.0.1", 80)  # EACCES
        run("bind", "udp", 6, "2001:db8::1", 5353)            # EADDRNOTAVAIL
        run("listen", "tcp", 4, "-", 0, 17)                   # listen() picks the port
        run("listen", "tcp", 6, "::1", 0, 65535)              # backlog over somaxconn
        run("bind", "tcp", 6, "::ffff:127.0.0.1", 0)          # v4-mapped bind
        run("connect", "tcp", 6, "::ffff:127.0.0.1", srv.port)  # v4-mapped connect
        run("bind", "mptcp", 4, "127.0.0.1", 0)
        run("listen", "mptcp", 6, "::1", 0, 5)
        first = run("--reuseport", "listen", "tcp", 4, "0.0.0.0", 0, 5, hold=True)
        second = run("--reuseport", "listen", "tcp", 4, "0.0.0.0", first.port, 5, hold=True)
        first.release()
        second.release()
        run("connect", "tcp", 4, "127.0.0.1", 9)              # refused
        run("connect", "tcp", 4, "127.0.0.1", srv.port)       # established
        run("connect", "tcp", 6, "::1", 9, "nonblock")        # EINPROGRESS, then refused
        run("connect", "udp", 4, "127.0.0.1", 53)
        run("connect", "mptcp", 4, "127.0.0.1", srv.port)     # MPTCP to a TCP listener
    finally:
        srv.release()
    return done


def parity_test(fn):
    PARITY_TESTS.append(fn)
    return fn


@parity_test
def strategies_agree(ctx):
    # One tracer per strategy, all at once: the same calls, seen three ways.
    tracers = {}
    try:
        for st in STRATEGIES:
            tracers[st] = Tracer(ctx.portsnoop, ("--json", "--no-initial", "--probe=" + st))
        work = parity_workload(ctx)
        pids = {w.pid for w in work}
        time.sleep(1.0)
        seen = {}
        for st, t in tracers.items():
            start = one(t.wait_for(lambda e: e["event"]["action"] == "start"), "start")
            hooks = start["portsnoop"]["hooks"]
            expect(all(hooks[h] == st for h in ("bind", "listen", "connect", "close")),
                   "--probe=%s in force" % st, hooks)
            with t.lock:
                seen[st] = [parity_view(e) for e in t.events
                            if e.get("process", {}).get("pid") in pids]
        base = seen["tracepoint"]
        expect(len({v[1] for v in base}) == len(pids), "every workload process was seen",
               sorted(pids - {v[1] for v in base}))
        actions = [v[0] for v in base]
        for a, n in (("bind", 10), ("listen", 5), ("connect", 6), ("outcome", 4),
                     ("close", 9)):
            expect(actions.count(a) >= n, "at least %d %s events" % (n, a), actions)
        for st in ("fentry", "kprobe"):
            a, b = sorted(seen[st], key=repr), sorted(base, key=repr)
            diff = [x for x in a if x not in b] + [x for x in b if x not in a]
            expect(a == b, "%s and tracepoint report the same events" % st,
                   "%d vs %d events" % (len(a), len(b)), diff[:6])
        print("     %d events, identical under %s" % (len(base), ", ".join(STRATEGIES)))
    finally:
        for t in tracers.values():
            t.stop()


# --- faults ---------------------------------------------------------------

def bind_and_close_seen(ctx, tracer, what):
    w = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0)
    b = one(tracer.of_pid(w.pid, "bind"), what + ": bind")
    expect(b["server"]["port"] == w.port, what + ": bound port", b["server"], w.port)
    c = one(tracer.of_pid(w.pid, "close"), what + ": close")
    expect(c["portsnoop"]["cookie"] == b["portsnoop"]["cookie"], what + ": same socket")


@test
def a_second_portsnoop_at_the_same_time(ctx):
    second = Tracer(ctx.portsnoop, ("--json", "--no-initial"))
    try:
        bind_and_close_seen(ctx, second, "the second portsnoop")
        bind_and_close_seen(ctx, ctx.tracer, "the first, while the second runs")
    finally:
        expect(second.stop() == 0, "the second exits cleanly", second.stderr)
    bind_and_close_seen(ctx, ctx.tracer, "the first, after the second detached")


def mountpoints(*fstypes):
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            if right.split(" ")[0] in fstypes:
                found.append(left.split(" ")[4].replace("\\040", " "))
    return sorted(found, reverse=True)


def tracer_in_own_mounts(ctx, cgroup_at):
    """portsnoop in a mount namespace without cgroup2 and bpffs mounts,
    and, when cgroup_at is a path, cgroup2 mounted there instead."""
    script = ('for m in "$@"; do [ "$m" = -- ] && break; umount -l "$m"; shift; done; shift; '
              + ('mount -t cgroup2 none %s; ' % cgroup_at if cgroup_at else "")
              + 'exec "$@"')
    args = ["-m", "--propagation", "private", "sh", "-c", script, "sh",
            *mountpoints("cgroup2", "bpf"), "--", ctx.portsnoop, "--json", "--no-initial", "-v"]
    return Tracer("unshare", args)


def uses_cgroup(tracer):
    start = one(tracer.wait_for(lambda e: e["event"]["action"] == "start"), "start")
    return any(v in ("kprobe", "tracepoint") for v in start["portsnoop"]["hooks"].values())


@test
def cgroup2_at_an_unusual_path(ctx):
    where = tempfile.mkdtemp(prefix="portsnoop-cg2-")
    try:
        t = tracer_in_own_mounts(ctx, where)
        try:
            bind_and_close_seen(ctx, t, "cgroup2 at " + where)
        finally:
            t.stop()
        if uses_cgroup(t):
            expect(("cgroup v2 root: " + where).encode() in t.stderr,
                   "found through mountinfo", t.stderr)
    finally:
        os.rmdir(where)


@test
def no_cgroup2_and_no_bpffs_mounted(ctx):
    t = tracer_in_own_mounts(ctx, None)
    try:
        bind_and_close_seen(ctx, t, "nothing mounted")
    finally:
        t.stop()
    if uses_cgroup(t):
        expect(b"cgroup2 was not mounted: mounted its root privately" in t.stderr,
               "says it mounted cgroup2 for itself", t.stderr)


@test
def a_hook_the_kernel_lacks(ctx):
    # Every strategy's attach of the connect hook fails, as on a kernel
    # without it: connect events are unavailable, the rest still work.
    fault = {"PORTSNOOP_FAULT_HOOKS": "connect"}
    if ctx.probe:
        # Forced to one strategy, there is no other to fall to: it stops.
        r = subprocess.run([ctx.portsnoop, "--json"], capture_output=True, timeout=60,
                           env=dict(os.environ, **fault))
        expect(r.returncode == 1, "a forced strategy that cannot attach is an error",
               r.returncode, r.stderr)
        expect(r.stderr.count(b"\n") == 1 and b"cannot attach" in r.stderr and
               b"connect" in r.stderr, "one line naming what is missing", r.stderr)
    # auto: whatever the build machine allows
    t = Tracer(os.path.join(ctx.build, "portsnoop"), ("--json", "--no-initial"), env=fault)
    try:
        start = one(t.wait_for(lambda e: e["event"]["action"] == "start"), "start")
        hooks = start["portsnoop"]["hooks"]
        expect(hooks["connect"] == "unavailable", "connect unavailable", hooks)
        expect(all(hooks[h] != "unavailable" for h in ("bind", "listen", "close")),
               "the other hooks attached", hooks)
        expect(b"connect events are unavailable" in t.stderr, "said on stderr", t.stderr)
        bind_and_close_seen(ctx, t, "with connect missing")
        w = Work(ctx, "connect", "udp", 4, "127.0.0.1", 53)
        expect(not t.of_pid(w.pid, "connect", timeout=0.5), "no connect events")
    finally:
        expect(t.stop() == 0, "exits cleanly", t.stderr)


@test
def no_cgroup_root_to_attach_to(ctx):
    # The cgroup v2 root cannot be opened (simulated): auto mode goes on
    # without kprobes and cgroup hooks. Close then needs fentry; without it
    # close is unavailable and bind, listen, connect still work.
    fault = {"PORTSNOOP_FAULT_HOOKS": "cgroup"}
    if ctx.probe in ("kprobe", "tracepoint"):
        r = subprocess.run([ctx.portsnoop, "--json"], capture_output=True, timeout=60,
                           env=dict(os.environ, **fault))
        expect(r.returncode == 1, "a forced strategy that needs cgroup v2 is an error",
               r.returncode, r.stderr)
        expect(r.stderr.count(b"\n") == 1 and b"cgroup v2" in r.stderr,
               "one line naming what is missing", r.stderr)
    t = Tracer(os.path.join(ctx.build, "portsnoop"), ("--json", "--no-initial"), env=fault)
    try:
        start = one(t.wait_for(lambda e: e["event"]["action"] == "start"), "start")
        hooks = start["portsnoop"]["hooks"]
        expect("kprobe" not in hooks.values(), "no kprobes without cookies", hooks)
        expect(hooks["close"] in ("fentry", "unavailable"), "close needs fentry", hooks)
        expect((hooks["close"] == "fentry" and hooks["bind"] != "fentry") ==
               (b"the close of a socket that was bound but never listened is not reported"
                in t.stderr), "a close that works only in part is said", hooks, t.stderr)
        expect(all(hooks[h] in ("fentry", "tracepoint") for h in ("bind", "listen", "connect")),
               "bind, listen and connect attached", hooks)
        w = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0)
        b = one(t.of_pid(w.pid, "bind"), "bind")
        expect(b["server"]["port"] == w.port, "bound port", b["server"], w.port)
        if hooks["close"] == "unavailable":
            expect(b"close events are unavailable" in t.stderr, "said on stderr", t.stderr)
            expect(not t.of_pid(w.pid, "close", timeout=0.5), "no close events")
        else:
            expect(one(t.of_pid(w.pid, "close"), "close")["server"] == b["server"],
                   "close under fentry")
    finally:
        expect(t.stop() == 0, "exits cleanly", t.stderr)


# --- bind ---------------------------------------------------------------

def bind_case(ctx, proto, fam, addr, transport=None):
    w = Work(ctx, "bind", proto, fam, addr, 0)
    expect(w.report["errno"] == 0, "workload bind failed", w.report)
    expect(w.port > 0, "kernel chose no port", w.report)
    ev = one(ctx.tracer.of_pid(w.pid, "bind"), "bind")
    check_process(ctx, ev, w)
    expect(ev["event"]["outcome"] == "success", "outcome", ev["event"])
    expect(ev["network"]["transport"] == (transport or proto), "transport", ev["network"])
    expect(ev["network"]["type"] == ("ipv4" if fam == 4 else "ipv6"), "type", ev["network"])
    expect(ev["server"]["ip"] == addr, "bound address", ev["server"], addr)
    expect(ev["server"]["port"] == w.port, "the port the kernel bound",
           ev["server"], w.port)
    expect("error" not in ev, "no error on success", ev)
    close = one(ctx.tracer.of_pid(w.pid, "close"), "close")
    expect(close["server"] == ev["server"], "close names the same address and port",
           close["server"], ev["server"])
    expect(close["portsnoop"]["cookie"] == ev["portsnoop"]["cookie"] != 0,
           "close and bind share the socket cookie")
    return ev


def _bind_cases():
    # Every protocol and family, bound to port 0: the event must name the
    # port the kernel chose, then its release.
    for proto, fam, addr in (("tcp", 4, "127.0.0.1"), ("udp", 4, "0.0.0.0"),
                             ("tcp", 6, "::"), ("udp", 6, "::1"),
                             ("mptcp", 4, "127.0.0.1"), ("mptcp", 6, "::1")):
        def case(ctx, proto=proto, fam=fam, addr=addr):
            bind_case(ctx, proto, fam, addr)
        case.__name__ = "bind_%s%d_%s" % (proto, fam, "any" if addr in ("::", "0.0.0.0")
                                           else "loopback")
        TESTS.append(case)


_bind_cases()


@test
def bind_v4mapped(ctx):
    ev = bind_case(ctx, "tcp", 6, "::ffff:127.0.0.1")
    expect(ev["network"]["type"] == "ipv6", "an AF_INET6 socket stays ipv6")


def failed_bind(ctx, args, err, ip, port, uid=None):
    pre = ["--uid", uid] if uid is not None else []
    w = Work(ctx, *pre, "bind", *args)
    expect(w.report["errno"] == err, "workload should get %s" % errname(err), w.report)
    ev = one(ctx.tracer.of_pid(w.pid, "bind"), "bind")
    check_process(ctx, ev, w)
    expect(ev["event"]["outcome"] == "failure", "outcome", ev["event"])
    expect(ev["error"]["code"] == errname(err), "errno name", ev.get("error"))
    expect(ev["server"] == {"ip": ip, "port": port},
           "the requested address, not 0.0.0.0:0", ev.get("server"))
    expect(ev["portsnoop"].get("requested") is True, "marked as requested")
    expect(not ctx.tracer.of_pid(w.pid, "close", timeout=0.3),
           "a failed bind releases nothing")


@test
def bind_conflict_eaddrinuse(ctx):
    holder = Work(ctx, "bind", "tcp", 4, "127.0.0.1", 0, hold=True)
    try:
        failed_bind(ctx, ("tcp", 4, "127.0.0.1", holder.port), errno.EADDRINUSE,
                    "127.0.0.1", holder.port)
    finally:
        holder.release()


@test
def bind_privileged_port_eacces(ctx):
    failed_bind(ctx, ("tcp", 4, "127.0.0.1", 80), errno.EACCES, "127.0.0.1", 80,
                uid=65534)


@test
def bind_foreign_address_eaddrnotavail(ctx):
    failed_bind(ctx, ("udp", 6, "2001:db8::1", 5353), errno.EADDRNOTAVAIL,
                "2001:db8::1", 5353)


# --- listen -------------------------------------------------------------

@test
def listen_without_bind(ctx):
    w = Work(ctx, "listen", "tcp", 4, "-", 0, 17)
    expect(w.report["errno"] == 0 and w.port > 0, "workload listen", w.report)
    ev = one(ctx.tracer.of_pid(w.pid, "listen"), "listen")
    check_process(ctx, ev, w)
    expect(ev["server"] == {"ip": "0.0.0.0", "port": w.port},
           "the port listen() chose", ev["server"], w.port)
    expect(ev["portsnoop"]["backlog"] == 17, "backlog", ev["portsnoop"])
    expect(not ctx.tracer.of_pid(w.pid, "bind", timeout=0.2), "no bind() was made")
    close = one(ctx.tracer.of_pid(w.pid, "close"), "close")
    expect(close["server"]["port"] == w.port, "listener's port released", close)


@test
def listen_backlog_as_the_kernel_caps_it(ctx):
    somaxconn = int(subprocess.run(["ip", "netns", "exec", ctx.ns.name, "cat",
                                    "/proc/sys/net/core/somaxconn"], capture_output=True,
                                   check=True).stdout)
    w = Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, somaxconn + 1000)
    ev = one(ctx.tracer.of_pid(w.pid, "listen"), "listen")
    expect(ev["portsnoop"]["backlog"] == somaxconn, "backlog capped at somaxconn",
           ev["portsnoop"], somaxconn)


@test
def listen_after_bind_v6(ctx):
    w = Work(ctx, "listen", "tcp", 6, "::1", 0, 128)
    ev = one(ctx.tracer.of_pid(w.pid, "listen"), "listen")
    expect(ev["server"] == {"ip": "::1", "port": w.port}, "listen address", ev["server"])
    b = one(ctx.tracer.of_pid(w.pid, "bind"), "bind")
    expect(b["server"] == ev["server"], "bind and listen agree")


@test
def listen_mptcp(ctx):
    w = Work(ctx, "listen", "mptcp", 4, "127.0.0.1", 0, 5)
    ev = one(ctx.tracer.of_pid(w.pid, "listen"), "listen")
    expect(ev["network"]["transport"] == "mptcp", "MPTCP listener", ev["network"])
    expect(ev["server"]["port"] == w.port, "MPTCP listener port", ev["server"])


# --- connect ------------------------------------------------------------

@test
def connect_established(ctx):
    srv = Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True)
    try:
        w = Work(ctx, "connect", "tcp", 4, "127.0.0.1", srv.port)
        expect(w.report["errno"] == 0, "workload connect", w.report)
        evs = ctx.tracer.of_pid(w.pid, count=2)
        kinds = [e["event"]["action"] for e in evs]
        expect(kinds[:2] == ["connect", "outcome"], "attempt then outcome", kinds)
        for ev in evs[:2]:
            check_process(ctx, ev, w)
            expect(ev["source"] == {"ip": "127.0.0.1", "port": w.port}, "source", ev)
            expect(ev["destination"] == {"ip": "127.0.0.1", "port": srv.port},
                   "destination", ev)
            expect(ev["event"]["outcome"] == "success", "success", ev["event"])
        expect(evs[0]["portsnoop"]["cookie"] == evs[1]["portsnoop"]["cookie"],
               "outcome tied to the attempt by cookie")
        expect(not ctx.tracer.of_pid(w.pid, "close", timeout=0.3),
               "a client socket holds no bound port")
    finally:
        srv.release()


@test
def connect_refused(ctx):
    w = Work(ctx, "connect", "tcp", 4, "127.0.0.1", 9)
    expect(w.report["errno"] == errno.ECONNREFUSED, "workload refused", w.report)
    evs = ctx.tracer.of_pid(w.pid, count=2)
    kinds = [e["event"]["action"] for e in evs]
    expect(kinds[:2] == ["connect", "outcome"], "attempt then outcome", kinds)
    for ev in evs[:2]:
        expect(ev["error"]["code"] == "ECONNREFUSED", "errno", ev)
        expect(ev["destination"] == {"ip": "127.0.0.1", "port": 9}, "destination", ev)
        expect(ev["source"]["port"] > 0, "the ephemeral port the attempt used", ev)
    expect(evs[0]["source"] == evs[1]["source"], "same source in both")


@test
def connect_nonblocking(ctx):
    srv = Work(ctx, "listen", "tcp", 6, "::1", 0, 5, hold=True)
    try:
        w = Work(ctx, "connect", "tcp", 6, "::1", srv.port, "nonblock")
        expect(w.report["errno"] == errno.EINPROGRESS, "EINPROGRESS", w.report)
        evs = ctx.tracer.of_pid(w.pid, count=2)
        kinds = [e["event"]["action"] for e in evs]
        expect(kinds[:2] == ["connect", "outcome"], "attempt then outcome", kinds)
        expect(evs[0]["error"]["code"] == "EINPROGRESS", "attempt in progress", evs[0])
        expect(evs[0]["event"]["outcome"] == "unknown", "unknown yet", evs[0]["event"])
        expect(evs[1]["event"]["outcome"] == "success", "then established", evs[1])
        for ev in evs[:2]:
            expect(ev["source"] == {"ip": "::1", "port": w.port}, "source", ev)
            expect(ev["destination"] == {"ip": "::1", "port": srv.port}, "dest", ev)
    finally:
        srv.release()


@test
def connect_udp(ctx):
    w = Work(ctx, "connect", "udp", 4, "127.0.0.1", 53)
    expect(w.report["errno"] == 0, "udp connect", w.report)
    ev = one(ctx.tracer.of_pid(w.pid, "connect"), "connect")
    check_process(ctx, ev, w)
    expect(ev["network"]["transport"] == "udp", "udp", ev["network"])
    expect(ev["source"] == {"ip": "127.0.0.1", "port": w.port}, "source", ev)
    expect(ev["destination"] == {"ip": "127.0.0.1", "port": 53}, "destination", ev)
    expect(not ctx.tracer.of_pid(w.pid, "outcome", timeout=0.3), "UDP has no outcome")


@test
def connect_unreachable_network(ctx):
    # The namespace has no route to 198.51.100.0/24: connect() fails at once.
    w = Work(ctx, "connect", "tcp", 4, "198.51.100.7", 443)
    expect(w.report["errno"] == errno.ENETUNREACH, "ENETUNREACH", w.report)
    ev = one(ctx.tracer.of_pid(w.pid, "connect"), "connect")
    expect(ev["error"]["code"] == "ENETUNREACH", "errno", ev)
    expect(ev["destination"] == {"ip": "198.51.100.7", "port": 443},
           "the requested destination", ev)


# --- escaping ------------------------------------------------------------

NASTY_COMM = 'a"b\n\x1b[31mz'


@test
def json_escapes_comm(ctx):
    w = Work(ctx, "--comm", NASTY_COMM, "bind", "udp", 4, "127.0.0.1", 0)
    w.report["comm"] = NASTY_COMM
    ev = one(ctx.tracer.of_pid(w.pid, "bind"), "bind")
    check_process(ctx, ev, w)
    with ctx.tracer.lock:
        expect(not ctx.tracer.bad_lines, "every line is JSON", ctx.tracer.bad_lines)


@test
def table_escapes_comm(ctx):
    t = subprocess.Popen([ctx.portsnoop], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_stderr(t, READY)
        w = Work(ctx, "--comm", NASTY_COMM, "bind", "udp", 4, "127.0.0.1", 0)
        time.sleep(0.5)
    finally:
        t.send_signal(signal.SIGINT)
        out, _ = t.communicate(timeout=10)
    lines = [l for l in out.split(b"\n") if re.search(rb"\b%d\b" % w.pid, l)]
    expect(len(lines) == 2, "one bind and one close line", lines)
    for line in lines:
        expect(b"\x1b" not in line, "no raw escape character", line)
        expect(b'a"b\\x0a\\x1b[31mz' in line, "comm escaped as text", line)
        expect(b" bind " in lines[0] and b"127.0.0.1:%d" % w.port in lines[0],
               "bind line", lines[0])


def _wait_stderr(proc, token, timeout=30):
    buf = b""
    deadline = time.time() + timeout
    while token not in buf:
        if time.time() > deadline or proc.poll() is not None:
            raise AssertionError("portsnoop did not start: %r" % buf)
        r, _, _ = select.select([proc.stderr], [], [], 0.5)
        if r:
            buf += os.read(proc.stderr.fileno(), 4096)
    return buf


# --- the command line and the process around it ---------------------------

def run_cli(ctx, *args, **kw):
    return subprocess.run([ctx.portsnoop, *args], capture_output=True, timeout=30, **kw)


@test
def cli_bad_values(ctx):
    for args, word in ((["--port", "65536"], b"65536"), (["--pid", "abc"], b"abc"),
                       (["--bogus"], b"--bogus"), (["-p"], b"-p"),
                       (["--ringbuf", "3000"], b"3000"), (["extra"], b"extra")):
        r = run_cli(ctx, *args)
        expect(r.returncode == 2, "usage error exits 2", args, r.returncode)
        expect(r.stdout == b"", "nothing on stdout", args)
        lines = r.stderr.strip().split(b"\n")
        expect(len(lines) == 1 and word in lines[0], "one line naming the value",
               args, r.stderr)


@test
def cli_not_root(ctx):
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        ctx.portsnoop], capture_output=True, timeout=30)
    expect(r.returncode == 1, "exit 1 without privileges", r.returncode, r.stderr)
    lines = r.stderr.strip().split(b"\n")
    expect(len(lines) == 1 and b"needs root" in lines[0] and b"CAP_BPF" in lines[0],
           "one line saying what is needed", r.stderr)


CAP_KEEP = {1, 2, 12, 19, 21, 38, 39}  # DAC_OVERRIDE, DAC_READ_SEARCH, NET_ADMIN,
#                                     SYS_PTRACE, SYS_ADMIN, PERFMON, BPF


@test
def capabilities_dropped_once_attached(ctx):
    status = {}
    with open("/proc/%d/status" % ctx.tracer.proc.pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            status[k] = v.strip()
    for k in ("CapEff", "CapPrm", "CapBnd"):
        caps = {b for b in range(64) if (int(status[k], 16) >> b) & 1}
        expect(caps == CAP_KEEP, k + " holds only what running needs",
               sorted(caps - CAP_KEEP), sorted(CAP_KEEP - caps))
    expect(status["CapInh"] == status["CapAmb"] == "0000000000000000", "nothing inherited",
           status["CapInh"], status["CapAmb"])
    expect(status["NoNewPrivs"] == "1", "no exec can gain privileges", status["NoNewPrivs"])


@test
def refuses_to_run_setuid(ctx):
    d = tempfile.mkdtemp(prefix="suid-", dir=os.path.abspath(ctx.build))
    try:
        opts = subprocess.run(["findmnt", "-no", "OPTIONS", "-T", d], capture_output=True,
                              text=True).stdout
        if "nosuid" in opts.split(","):
            raise Skip("%s is mounted nosuid" % d)
        os.chmod(d, 0o755)
        copy = os.path.join(d, "portsnoop")
        shutil.copy(os.path.join(ctx.build, "portsnoop"), copy)
        os.chmod(copy, 0o4755)
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            copy, "--json"], capture_output=True, timeout=30)
        expect(r.returncode == 1, "exit 1", r.returncode, r.stderr)
        expect(r.stderr.count(b"\n") == 1 and b"refusing to run setuid" in r.stderr,
               "one line saying why", r.stderr)
        expect(r.stdout == b"", "nothing traced", r.stdout[:200])
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test
def cli_missing_btf(ctx):
    r = run_cli(ctx, "--btf", "/nonexistent/vmlinux")
    expect(r.returncode == 1, "exit 1", r.returncode, r.stderr)
    lines = r.stderr.strip().split(b"\n")
    expect(len(lines) == 1 and b"/nonexistent/vmlinux" in lines[0], "one line", r.stderr)


@test
def cli_help_version(ctx):
    r = run_cli(ctx, "--help")
    expect(r.returncode == 0 and b"--json" in r.stdout, "help", r)
    r = run_cli(ctx, "--version")
    expect(r.returncode == 0 and r.stdout.startswith(b"portsnoop "), "version", r)


@test
def stdout_closed_early(ctx):
    # `portsnoop | head -1`: the reader leaves after the header line.
    p = subprocess.Popen([ctx.portsnoop], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = p.stdout.readline()
        expect(first.startswith(b"TIME"), "header first", first)
        p.stdout.close()
        rc = p.wait(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
    err = p.stderr.read()
    expect(rc == 0, "exits 0 when the reader is gone", rc, err)
    expect(b"Broken pipe" not in err and b"error" not in err.lower(), "quietly", err)


@test
def summary_on_sigterm(ctx):
    t = subprocess.Popen([ctx.portsnoop, "--json"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    _wait_stderr(t, READY)
    w = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0)
    deadline = time.time() + WAIT
    out = b""
    while b'"pid":%d' % w.pid not in out and time.time() < deadline:
        r, _, _ = select.select([t.stdout], [], [], 0.2)
        if r:
            out += os.read(t.stdout.fileno(), 65536)
    t.send_signal(signal.SIGTERM)
    rest, err = t.communicate(timeout=10)
    out += rest
    expect(t.returncode == 0, "SIGTERM is a clean stop", t.returncode, err)
    recs = [json.loads(l) for l in out.split(b"\n") if l.strip()]
    n = len([r for r in recs if r["event"]["kind"] == "event" and r["event"]["action"] != "start"])
    expect(recs[0]["event"]["action"] == "start", "a start record first", recs[0])
    expect(recs[-1]["event"]["action"] == "stop", "a stop record last", recs[-1])
    expect(recs[-1]["portsnoop"]["events"] == n, "the stop record counts events", recs[-1], n)
    m = re.search(rb"portsnoop: (\d+) events, (\d+) lost", err)
    expect(m is not None, "summary on stderr", err)
    expect(int(m.group(1)) == n, "summary counts the lines printed", n, m.group(0))
    expect(int(m.group(2)) == 0, "nothing lost", m.group(0))
    k = re.search(rb"(\d+) hook runs skipped", err)
    expect(recs[-1]["portsnoop"]["skipped"] == (int(k.group(1)) if k else 0),
           "the stop record and the summary agree on skipped runs", recs[-1], err)


@test
def signals_during_a_burst(ctx):
    # Two generators that keep the ring from ever running dry; SIGHUP (no
    # file: nothing to reopen) must change nothing, SIGINT must stop it at
    # once, with every line whole and a stop record last. The generators
    # start once portsnoop is attached: under qemu's emulation, patching
    # the kernel's text for fentry or kprobes while both vCPUs run through
    # it at full speed has locked the VM up (soft lockups in bindloop).
    t = subprocess.Popen([ctx.portsnoop, "--json", "--no-initial"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    gens = []
    try:
        _wait_stderr(t, READY)
        reader = threading.Thread(target=lambda: setattr(t, "out", t.stdout.read()),
                                  daemon=True)
        reader.start()
        gens = [subprocess.Popen(["ip", "netns", "exec", ctx.ns.name,
                                  os.path.join(ctx.build, "bench", "bindloop"), "100000000"],
                                 stdout=subprocess.DEVNULL) for _ in range(2)]
        time.sleep(1.0)
        t.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        expect(t.poll() is None, "SIGHUP does not stop it", t.returncode)
        sent = time.time()
        t.send_signal(signal.SIGINT)
        t.wait(timeout=20)
        took = time.time() - sent
        reader.join(timeout=20)
        err = t.stderr.read()
    finally:
        for g in gens:
            g.kill()
        if t.poll() is None:
            t.kill()
    expect(t.returncode == 0, "SIGINT is a clean stop", t.returncode, err)
    lines = t.out.split(b"\n")
    expect(lines[-1] == b"", "the last line is whole", lines[-1][:200])
    recs = [json.loads(l) for l in lines if l]
    expect(len(recs) > 100, "the burst was traced", len(recs))
    expect(recs[-1]["event"]["action"] == "stop", "a stop record last", recs[-1])
    print("     SIGINT to exit under load: %.2f s, %d records" % (took, len(recs)))


@test
def sigterm_with_a_stuck_reader(ctx):
    # stdout is a pipe nobody reads: once it is full, writes block. SIGTERM
    # must still stop portsnoop, promptly and cleanly.
    r, w = os.pipe()
    t = subprocess.Popen([ctx.portsnoop, "--json"], stdout=w, stderr=subprocess.PIPE)
    os.close(w)
    try:
        _wait_stderr(t, READY)
        subprocess.run([os.path.join(ctx.build, "bench", "bindloop"), "3000"],
                       capture_output=True, check=True)
        time.sleep(0.5)
        t.send_signal(signal.SIGTERM)
        rc = t.wait(timeout=5)
    finally:
        if t.poll() is None:
            t.kill()
        os.close(r)
    expect(rc == 0, "stopped cleanly", rc)


@test
def pid_filter(ctx):
    mine = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0, gated=True)
    t = Tracer(ctx.portsnoop, ("--json", "--pid", str(mine.pid)))
    try:
        other = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0)
        mine.go()
        close = one(t.of_pid(mine.pid, "close"), "close of the filtered pid")
        expect(close["server"]["port"] == mine.port, "its port", close)
        time.sleep(0.3)
    finally:
        t.stop()
    pids = sorted({e["process"]["pid"] for e in t.events if e["event"]["kind"] != "metric"
                   and e["event"]["action"] != "start"})
    expect(pids == [mine.pid], "only the filtered pid", pids, other.pid)


@test
def port_filter(ctx):
    t = Tracer(ctx.portsnoop, ("--json", "--port", "9"))
    try:
        a = Work(ctx, "connect", "tcp", 4, "127.0.0.1", 9)
        b = Work(ctx, "connect", "tcp", 4, "127.0.0.1", 10)
        expect(len(t.of_pid(a.pid, count=2)) == 2, "port 9 seen")
        time.sleep(0.3)
    finally:
        t.stop()
    expect(not [e for e in t.events if e.get("process", {}).get("pid") == b.pid],
           "port 10 filtered")


@test
def drops_counted_in_band(ctx):
    # A 4 KiB ring holds about 30 events; the reader is frozen while 2,000
    # binds and closes happen, so most are lost — and every one is counted.
    # Then, the load over, 3 more binds (6 records fit the ring): tracing
    # has recovered, none is lost.
    n, m = 2000, 3
    bindloop = os.path.join(ctx.build, "bench", "bindloop")
    loop = subprocess.Popen(["ip", "netns", "exec", ctx.ns.name, "sh", "-c",
                             'read go && "$1" "$2" && read again && exec "$1" "$3"', "sh",
                             bindloop, str(n), str(m)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    t = Tracer(ctx.portsnoop, ("--json", "--pid", str(loop.pid), "--children",
                               "--ringbuf", "4K"))
    try:
        t.proc.send_signal(signal.SIGSTOP)
        loop.stdin.write(b"go\n")
        loop.stdin.flush()
        first = json.loads(loop.stdout.readline())
        expect(first["failures"] == 0, "bindloop ran", first)
        t.proc.send_signal(signal.SIGCONT)
        lost = t.wait_for(lambda e: e["event"].get("action") == "lost")
        expect(lost, "a lost-events record in the stream")
        time.sleep(0.5)
        out, _ = loop.communicate(b"again\n", timeout=60)
        expect(json.loads(out)["pid"] == loop.pid, "the second bindloop", out)
        after = t.of_pid(loop.pid, count=2 * m)
    finally:
        t.proc.send_signal(signal.SIGCONT)
        t.stop()
    delivered = [e for e in t.events if e.get("process", {}).get("pid") == first["pid"]]
    lost_total = sum(e["portsnoop"]["lost"] for e in t.events
                     if e["event"].get("action") == "lost")
    m_ = re.search(rb"(\d+) events, (\d+) lost", t.stderr)
    expect(m_ is not None, "summary", t.stderr)
    expect(lost_total > 0, "the small ring overflowed")
    expect(len(delivered) + lost_total == 2 * n,
           "delivered + lost = generated", len(delivered), lost_total, 2 * n)
    expect(len(after) == 2 * m, "after the load every event arrives", len(after), 2 * m)
    expect(int(m_.group(2)) == lost_total, "summary agrees with the stream",
           m_.group(0), lost_total)
    expect(int(m_.group(1)) == len(delivered) + len(after), "summary counts delivered events",
           m_.group(0), len(delivered), len(after))


# --- process context -------------------------------------------------------

def sockwork_args(ctx, *args):
    return [ctx.sockwork, *[str(a) for a in args]]


@test
def burst_of_short_lived_binders(ctx):
    # 1,000 children, each binding a UDP port and exiting at once: every
    # bind is reported with its own pid, parent pid and command line, from
    # what the kernel captured (the processes are gone before /proc is read).
    n = 1000
    r = subprocess.run(["ip", "netns", "exec", ctx.ns.name,
                        os.path.join(ctx.build, "tests", "forkbind"), str(n), ctx.sockwork],
                       capture_output=True, timeout=120)
    rep = json.loads(r.stdout)
    expect(r.returncode == 0 and rep["failed"] == 0, "forkbind ran", rep, r.stderr)
    kids = rep["children"]
    want = set(kids)
    evs = ctx.tracer.wait_for(lambda e: e["event"]["action"] == "bind" and
                              e["process"]["pid"] in want, count=n, timeout=30)
    expect(len(evs) == n, "one bind per child", len(evs), n)
    by_pid = {e["process"]["pid"]: e for e in evs}
    expect(sorted(by_pid) == sorted(kids), "every child, once")
    for i, pid in enumerate(kids):
        ev = by_pid[pid]
        p = ev["process"]
        expect(p["parent"]["pid"] == rep["pid"], "parent pid", pid, p)
        expect(p["name"] == "b%d" % i, "comm", pid, p["name"])
        expect(p["args"] == sockwork_args(ctx, "--comm", "b%d" % i, "bind", "udp", 4,
                                          "127.0.0.1", 0), "command line", pid, p["args"])
        expect(p.get("start") and p.get("entity_id"), "start time and entity id", p)
        expect(ev["server"]["port"] > 0, "bound port", ev)
    ids = {e["process"]["entity_id"] for e in evs}
    expect(len(ids) == n, "entity ids are unique", len(ids))


@test
def each_program_keeps_its_command_line(ctx):
    # One process, two programs. sockwork binds and lingers, so portsnoop
    # reads its /proc details meanwhile and its close record comes without a
    # command line from the kernel; then it execs itself with new arguments,
    # binds again and exits at once. Every event names the program that
    # made it.
    first = ["--comm", "first", "--linger", 500, "bind", "udp", 4, "127.0.0.1", 0]
    second = ["--comm", "second", "bind", "udp", 6, "::1", 0]
    r = subprocess.run(["ip", "netns", "exec", ctx.ns.name, ctx.sockwork,
                        *map(str, first), "--", *map(str, second)],
                       capture_output=True, timeout=30)
    reps = [json.loads(line) for line in r.stdout.splitlines()]
    expect(r.returncode == 0 and len(reps) == 2 and all(x["errno"] == 0 for x in reps),
           "sockwork ran both programs", reps, r.stderr)
    pid = reps[0]["pid"]
    expect(reps[1]["pid"] == pid, "execve keeps the pid", reps)
    evs = ctx.tracer.of_pid(pid, count=4)
    expect([(e["event"]["action"], e["process"]["name"]) for e in evs] ==
           [("bind", "first"), ("close", "first"), ("bind", "second"), ("close", "second")],
           "bind and close of each program, in order", evs)
    whole = first + ["--"] + second
    for ev, args, port in ((evs[0], whole, reps[0]["lport"]), (evs[1], whole, reps[0]["lport"]),
                           (evs[2], second, reps[1]["lport"]),
                           (evs[3], second, reps[1]["lport"])):
        expect(ev["process"].get("args") == sockwork_args(ctx, *args), "its own command line",
               ev["event"]["action"], ev["process"]["name"], ev["process"].get("args"))
        expect(ev["server"]["port"] == port, "its own port", ev["server"], port)
    expect(evs[0]["process"]["entity_id"] == evs[2]["process"]["entity_id"],
           "one process: one entity id across the execve")


@test
def pid_reuse_keeps_each_process_apart(ctx):
    r = subprocess.run(["ip", "netns", "exec", ctx.ns.name,
                        os.path.join(ctx.build, "tests", "pidreuse"), ctx.sockwork],
                       capture_output=True, timeout=120)
    expect(r.returncode == 0, "two processes got the same pid", r.stdout, r.stderr)
    pid = json.loads(r.stdout)["first"]
    evs = ctx.tracer.of_pid(pid, "bind", count=2)
    expect(len(evs) == 2, "two binds with pid %d" % pid, evs)
    first, second = evs
    for ev, comm, fam, addr in ((first, "first", 4, "127.0.0.1"),
                                (second, "second", 6, "::1")):
        p = ev["process"]
        expect(p["name"] == comm, "comm", p)
        expect(p["args"] == sockwork_args(ctx, "--comm", comm, "--linger", 300, "bind",
                                          "udp", fam, addr, 0),
               "its own command line, not the other's", comm, p["args"])
        expect(p.get("executable") == os.path.realpath(ctx.sockwork),
               "executable from /proc while it lived", p)
        expect(ev["server"]["ip"] == addr, "its own address", ev["server"])
    expect(first["process"]["start"] != second["process"]["start"], "two start times")
    expect(first["process"]["entity_id"] != second["process"]["entity_id"],
           "two entity ids", first["process"]["entity_id"])


def cgroup2_root():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            if right.split(" ")[0] == "cgroup2":
                return left.split(" ")[4].replace("\\040", " ")
    raise Skip("cgroup v2 is not mounted")


@test
def other_cgroup_and_pid_namespace(ctx):
    root = cgroup2_root()
    name = "portsnoop-live-%d" % os.getpid()
    cg = os.path.join(root, name)
    os.mkdir(cg)
    try:
        # unshare forks the first process of a new pid namespace (pid 1
        # there); it moves itself into the cgroup, then becomes sockwork.
        script = 'echo 0 > "$1/cgroup.procs" && shift && exec "$@"'
        r = subprocess.run(["unshare", "--pid", "--fork", "sh", "-c", script, "sh", cg,
                            "ip", "netns", "exec", ctx.ns.name, ctx.sockwork,
                            "--comm", "inns", "--linger", "300",
                            "bind", "udp", "4", "127.0.0.1", "0"],
                           capture_output=True, timeout=30)
        expect(r.returncode == 0, "workload ran", r.stdout, r.stderr)
        rep = json.loads(r.stdout)
        expect(rep["pid"] == 1, "first process of its pid namespace", rep)
        evs = ctx.tracer.wait_for(lambda e: e.get("process", {}).get("name") == "inns" and
                                  e["event"]["action"] == "bind")
        ev = one(evs, "bind")
        expect(ev["process"]["pid"] != 1, "the global pid", ev["process"])
        expect(ev["portsnoop"]["ns_pid"] == rep["pid"], "the namespace pid", ev["portsnoop"])
        expect(ev["portsnoop"]["cgroup"]["path"] == "/" + name, "cgroup path",
               ev["portsnoop"]["cgroup"])
        expect(ev["portsnoop"]["cgroup"]["id"] == os.stat(cg).st_ino, "cgroup id",
               ev["portsnoop"]["cgroup"], os.stat(cg).st_ino)
        expect(ev["server"]["port"] == rep["lport"], "its port", ev["server"], rep)
    finally:
        os.rmdir(cg)


# --- state: what existed before, and who holds what ------------------------

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


def workers(ctx, ns, n, log):
    p = subprocess.Popen(["ip", "netns", "exec", ns, "/usr/bin/python3",
                          os.path.join(os.path.dirname(__file__), "workers.py"), log, str(n)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    rep = json.loads(p.stdout.readline())
    p.report = rep
    return p


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
def initial_state_then_close(ctx):
    holder = Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True)
    t = Tracer(ctx.portsnoop)
    try:
        states = t.wait_for(lambda e: e["event"]["kind"] == "state" and
                            e["server"]["port"] == holder.port and
                            e["portsnoop"]["netns"] == ctx.ns.inode)
        st = one(states, "state record")
        expect(st["event"]["action"] == "listening", "listening", st["event"])
        expect([o["pid"] for o in st["portsnoop"]["owners"]] == [holder.pid], "owner", st)
        holder.release()
        close = one(t.of_pid(holder.pid, "close"), "close of a socket older than portsnoop")
        expect(close["server"] == {"ip": "127.0.0.1", "port": holder.port}, "its port", close)
        expect(close["portsnoop"]["cookie"] == st["portsnoop"]["cookie"], "same cookie")
    finally:
        t.stop()
        if holder.proc.poll() is None:
            holder.release()


@test
def initial_state_obeys_filters(ctx):
    tcp = Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True)
    udp = Work(ctx, "bind", "udp", 6, "::1", 0, hold=True)
    try:
        t = Tracer(ctx.portsnoop, ("--json", "--proto", "udp", "--netns", str(ctx.ns.inode)))
        time.sleep(0.3)
        t.stop()
        ports = sorted(e["server"]["port"] for e in t.events if e["event"]["kind"] == "state")
        expect(ports == [udp.port], "only the UDP socket of this namespace", ports, tcp.port)
    finally:
        tcp.release()
        udp.release()


@test
def no_initial_skips_state(ctx):
    holder = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0, hold=True)
    try:
        t = Tracer(ctx.portsnoop, ("--json", "--no-initial"))
        time.sleep(0.3)
        t.stop()
        expect(not [e for e in t.events if e["event"]["kind"] == "state"], "no state records")
    finally:
        holder.release()


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


# --- filters -------------------------------------------------------------

def filtered(ctx, args, workloads):
    """Run the workloads under portsnoop with filters; the events seen."""
    t = Tracer(ctx.portsnoop, ("--json", "--no-initial", *args))
    try:
        ran = [w() for w in workloads]
        time.sleep(0.5)
    finally:
        t.stop()
    evs = [e for e in t.events if e["event"]["kind"] == "event" and
           e["event"]["action"] != "start"]
    return ran, evs


@test
def filter_uid_events_failed(ctx):
    ran, evs = filtered(ctx, ("--uid", "65534", "-e", "bind", "--failed"), [
        lambda: Work(ctx, "--uid", 65534, "bind", "tcp", 4, "127.0.0.1", 80),   # EACCES
        lambda: Work(ctx, "--uid", 65534, "bind", "udp", 4, "127.0.0.1", 0),    # works
        lambda: Work(ctx, "bind", "tcp", 4, "127.0.0.1", 80),                   # uid 0
    ])
    expect(ran[0].report["errno"] == errno.EACCES, "the failing bind", ran[0].report)
    expect([(e["process"]["pid"], e["event"]["action"]) for e in evs] ==
           [(ran[0].pid, "bind")], "only the failed bind of uid 65534", evs)


@test
def filter_pid_and_children(ctx):
    # A shell that is filtered on starts two binders; another process binds
    # outside it. --children sees the shell's descendants, not the outsider.
    script = ('read go; for i in 1 2; do "$@"; done')
    sh = subprocess.Popen(["ip", "netns", "exec", ctx.ns.name, "sh", "-c", script, "sh",
                           ctx.sockwork, "bind", "udp", "4", "127.0.0.1", "0"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    t = Tracer(ctx.portsnoop, ("--json", "--no-initial", "--pid", str(sh.pid), "--children"))
    try:
        other = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0)
        out, _ = sh.communicate(b"go\n", timeout=30)
        kids = [json.loads(l)["pid"] for l in out.splitlines()]
        time.sleep(0.5)
    finally:
        t.stop()
    got = {e["process"]["pid"] for e in t.events if e["event"]["kind"] == "event" and
           e["event"]["action"] != "start"}
    expect(len(kids) == 2 and got == set(kids), "both children, not the outsider",
           got, kids, other.pid)


@test
def filter_proto_family_ports(ctx):
    ran, evs = filtered(ctx, ("--proto", "udp", "-6", "-P", "5000-5010"), [
        lambda: Work(ctx, "bind", "udp", 6, "::1", 5005),
        lambda: Work(ctx, "bind", "udp", 4, "127.0.0.1", 5005),
        lambda: Work(ctx, "bind", "tcp", 6, "::1", 5006),
        lambda: Work(ctx, "bind", "udp", 6, "::1", 6000),
    ])
    got = sorted((e["process"]["pid"], e["event"]["action"]) for e in evs)
    expect(got == [(ran[0].pid, "bind"), (ran[0].pid, "close")],
           "only udp6 in 5000-5010", got, [w.pid for w in ran])


@test
def filter_cgroup_and_comm(ctx):
    root = cgroup2_root()
    cg = os.path.join(root, "portsnoop-filter-%d" % os.getpid())
    os.mkdir(cg)
    script = 'echo 0 > "$1/cgroup.procs" && shift && exec "$@"'

    def in_cgroup():
        r = subprocess.run(["sh", "-c", script, "sh", cg, "ip", "netns", "exec", ctx.ns.name,
                            ctx.sockwork, "--comm", "incg", "bind", "udp", "4", "127.0.0.1",
                            "0"], capture_output=True, timeout=30, check=True)
        return json.loads(r.stdout)

    try:
        ran, evs = filtered(ctx, ("--cgroup", cg), [
            in_cgroup, lambda: Work(ctx, "--comm", "incg", "bind", "udp", 4, "127.0.0.1", 0)])
        expect({e["process"]["pid"] for e in evs} == {ran[0]["pid"]},
               "only the process in the cgroup", evs)
        ran, evs = filtered(ctx, ("--comm", "pickme"), [
            lambda: Work(ctx, "--comm", "pickme", "bind", "udp", 4, "127.0.0.1", 0),
            lambda: Work(ctx, "bind", "udp", 4, "127.0.0.1", 0)])
        expect({e["process"]["pid"] for e in evs} == {ran[0].pid}, "only comm pickme", evs)
    finally:
        os.rmdir(cg)


# --- log pipelines: schema, rotation, a full disk ---------------------------

SCHEMA = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "schema",
                      "portsnoop.schema.json")
HOSTILE_ARG0 = b'x"y\n\x1b[31m\xff\xe2\x80\xae}'


def validator():
    try:
        import jsonschema
    except ImportError:
        raise Skip("python3-jsonschema is not installed")
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@test
def every_record_matches_the_schema(ctx):
    v = validator()
    lines = []
    # A listener older than portsnoop: a state record (the machine may have none).
    old = Work(ctx, "listen", "tcp", 6, "::1", 0, 5, hold=True)
    t = subprocess.Popen([ctx.portsnoop, "--json", "--ringbuf", "4K"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        _wait_stderr(t, READY)
        holder = Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True)
        Work(ctx, "bind", "tcp", 4, "127.0.0.1", holder.port)          # EADDRINUSE + holders
        Work(ctx, "connect", "tcp", 4, "127.0.0.1", holder.port)       # connect + outcome
        Work(ctx, "connect", "tcp", 6, "::1", 9, "nonblock")            # in progress, refused
        Work(ctx, "connect", "udp", 4, "127.0.0.1", 53)
        Work(ctx, "bind", "udp", 6, "2001:db8::1", 53)                  # EADDRNOTAVAIL
        # Text a process controls: comm and argv with quotes, newline, ESC,
        # invalid UTF-8 and a bidi override.
        subprocess.run(["ip", "netns", "exec", ctx.ns.name, "/usr/bin/python3", "-c",
                        "import os,sys; os.execv(sys.argv[1], [sys.argv[2].encode('latin1')] + "
                        "sys.argv[3:])", ctx.sockwork, HOSTILE_ARG0.decode("latin1"),
                        "--comm", 'c"\n\x1b', "--linger", "200", "bind", "udp", "4",
                        "127.0.0.1", "0"], check=True, capture_output=True)
        time.sleep(0.4)
        holder.release()
        # Freeze the reader behind the 4 KiB ring: a lost record follows.
        t.send_signal(signal.SIGSTOP)
        subprocess.run([os.path.join(ctx.build, "bench", "bindloop"), "300"],
                       capture_output=True, check=True)
        t.send_signal(signal.SIGCONT)
        time.sleep(1.5)
    finally:
        t.send_signal(signal.SIGCONT)
        t.send_signal(signal.SIGINT)
        out, _ = t.communicate(timeout=20)
        old.release()
    lines += out.splitlines()
    r = subprocess.run([ctx.portsnoop, "ls", "--json"], capture_output=True, timeout=60)
    lines += r.stdout.splitlines()
    pool = workers(ctx, ctx.ns.name, 1, "/dev/null")
    try:
        r = subprocess.run([ctx.portsnoop, "who", str(pool.report["port"]), "--json"],
                           capture_output=True, timeout=60)
        lines += r.stdout.splitlines()
    finally:
        pool.stdin.close()
        pool.wait(timeout=10)
    seen = set()
    hostile = []
    for line in lines:
        rec = json.loads(line)          # every line parses on its own
        errors = sorted(v.iter_errors(rec), key=str)
        expect(not errors, "schema", errors[:1], rec)
        seen.add((rec["event"]["kind"], rec["event"]["action"]))
        if rec.get("process", {}).get("name") == 'c"\n\x1b':
            hostile.append(rec)
    want = {("event", a) for a in ("start", "bind", "listen", "connect", "outcome", "close")}
    want |= {("metric", "lost"), ("metric", "stop"), ("state", "listening"),
             ("state", "held")}
    expect(want <= seen, "every kind of record was checked", sorted(want - seen))
    expect(hostile, "the hostile process was reported")
    for rec in hostile:
        expect(rec["process"]["args"][0] == 'x"y\n\x1b[31m\ufffd\u202e}',
               "argv[0] kept, with U+FFFD for the invalid byte", rec["process"]["args"])


def rotate_case(ctx, log):
    """Events into a file while logrotate-style renames and SIGHUPs happen."""
    n = 60000
    t = subprocess.Popen([ctx.portsnoop, "--json", "--no-initial", "--ringbuf", "64M",
                          "-o", log], stderr=subprocess.PIPE)
    _wait_stderr(t, READY)
    loop = subprocess.Popen([os.path.join(ctx.build, "bench", "bindloop"), str(n)],
                            stdout=subprocess.PIPE)
    rotated = []
    try:
        for i in range(3):
            time.sleep(0.1)
            os.rename(log, "%s.%d" % (log, i))
            rotated.append("%s.%d" % (log, i))
            t.send_signal(signal.SIGHUP)
            # As logrotate would: the next rotation once the file is back.
            deadline = time.time() + 10
            while not os.path.exists(log) and time.time() < deadline:
                time.sleep(0.01)
        pid = json.loads(loop.communicate(timeout=60)[0])["pid"]
        time.sleep(0.5)
        t.send_signal(signal.SIGINT)
        _, err = t.communicate(timeout=20)
    finally:
        if t.poll() is None:
            t.kill()
        if loop.poll() is None:
            loop.kill()
    return pid, n, rotated + [log], err, t.returncode


@test
def rotation_loses_nothing(ctx):
    d = tempfile.mkdtemp(prefix="portsnoop-live-")
    log = os.path.join(d, "events.json")
    try:
        pid, n, files, err, rc = rotate_case(ctx, log)
        expect(rc == 0, "clean exit", rc, err)
        count = lost = 0
        for f in files:
            with open(f, "rb") as fh:
                data = fh.read()
            expect(data.endswith(b"\n") or not data, "no line cut at the end of", f)
            for line in data.splitlines():
                rec = json.loads(line)
                if rec.get("process", {}).get("pid") == pid:
                    count += 1
                if rec["event"]["action"] == "stop":
                    lost = rec["portsnoop"]["lost_total"]
        # Lines the rotation lost would be counted nowhere: delivered + lost
        # (in the kernel, counted) must still be every event.
        expect(count + lost == 2 * n, "every bind and close once, across %d files" % len(files),
               count, lost, 2 * n)
        expect(len([f for f in files if os.path.getsize(f) > 0]) >= 2,
               "lines went to the files opened after SIGHUP too")
    finally:
        shutil.rmtree(d)


@test
def full_disk_is_reported_once(ctx):
    d = tempfile.mkdtemp(prefix="portsnoop-live-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", d], check=True)
    try:
        log = os.path.join(d, "events.json")
        t = subprocess.Popen([ctx.portsnoop, "--json", "--no-initial", "-o", log],
                             stderr=subprocess.PIPE)
        try:
            _wait_stderr(t, READY)
            subprocess.run([os.path.join(ctx.build, "bench", "bindloop"), "3000"],
                           capture_output=True, check=True)
            time.sleep(0.5)
            w = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0)
            time.sleep(0.5)
            expect(t.poll() is None, "still tracing with the disk full")
            t.send_signal(signal.SIGINT)
            _, err = t.communicate(timeout=20)
        finally:
            if t.poll() is None:
                t.kill()
        expect(err.count(b"cannot write output") == 1, "said once", err)
        expect(b"No space left on device" in err, "says why", err)
        m = re.search(rb"(\d+) lines not written", err)
        expect(m and int(m.group(1)) > 0, "counted", err)
        expect(t.returncode == 1, "exit 1: lines were lost", t.returncode)
        with open(log, "rb") as f:
            data = f.read()
        expect(not data or data.endswith(b"\n"), "no half line at the end")
        for line in data.splitlines():
            json.loads(line)
        expect(w.pid, "workload ran")
    finally:
        subprocess.run(["umount", d])
        os.rmdir(d)


@test
def syslog_to_a_real_rsyslogd(ctx):
    rsyslogd = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
    if not os.path.exists(rsyslogd):
        raise Skip("rsyslogd is not installed")
    d = tempfile.mkdtemp(prefix="portsnoop-rsyslog-")
    sock, out = os.path.join(d, "log"), os.path.join(d, "out.log")
    with open(os.path.join(d, "rsyslog.conf"), "w") as f:
        f.write('global(workDirectory="%s")\n'
                'module(load="imuxsock" SysSock.Use="off")\n'
                'input(type="imuxsock" Socket="%s" UseSpecialParser="off")\n'
                'template(name="t" type="string" '
                'string="%%pri%%|%%msgid%%|%%structured-data%%|%%msg%%\\n")\n'
                '*.* action(type="omfile" file="%s" template="t")\n' % (d, sock, out))
    rs = subprocess.Popen([rsyslogd, "-n", "-f", os.path.join(d, "rsyslog.conf"),
                           "-i", os.path.join(d, "pid")], stderr=subprocess.PIPE)
    t = None
    try:
        deadline = time.time() + 10
        while not os.path.exists(sock) and time.time() < deadline:
            time.sleep(0.05)
        expect(os.path.exists(sock), "rsyslogd is listening")
        t = subprocess.Popen([ctx.portsnoop, "--syslog=" + sock, "--no-initial"],
                             stderr=subprocess.PIPE)
        _wait_stderr(t, READY)
        holder = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0, hold=True)
        failed = Work(ctx, "bind", "udp", 4, "127.0.0.1", holder.port)
        holder.release()
        time.sleep(0.5)
        t.send_signal(signal.SIGINT)
        t.communicate(timeout=20)
        deadline = time.time() + 10
        lines = []
        while time.time() < deadline:
            if os.path.exists(out):
                with open(out) as f:
                    lines = [l.rstrip("\n").split("|", 3) for l in f]
                if len(lines) >= 3:
                    break
            time.sleep(0.1)
        def find(pid, msgid):
            return [l for l in lines if l[1] == msgid and 'process.pid="%d"' % pid in l[2]]
        ok = one(find(holder.pid, "bind"), "bind message")
        expect(ok[0] == "30", "daemon.info", ok)
        expect('server.port="%d"' % holder.port in ok[2], "port as structured data", ok)
        bad = one(find(failed.pid, "bind"), "failed bind message")
        expect(bad[0] == "28", "daemon.warning for a failure", bad)
        expect('error.code="EADDRINUSE"' in bad[2], "errno as structured data", bad)
        expect("EADDRINUSE" in bad[3], "the table line as the message", bad)
        one(find(holder.pid, "close"), "close message")
    finally:
        if t and t.poll() is None:
            t.kill()
        rs.terminate()
        rs.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


@test
def journald_native_fields(ctx):
    # A stand-in for journald: the native protocol is one datagram per entry,
    # NAME=value lines (a value with a newline would use the binary form).
    d = tempfile.mkdtemp(prefix="portsnoop-journal-")
    path = os.path.join(d, "socket")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    srv.bind(path)
    srv.settimeout(0.2)
    t = subprocess.Popen([ctx.portsnoop, "--journald=" + path, "--no-initial"],
                         stderr=subprocess.PIPE)
    entries = []
    try:
        _wait_stderr(t, READY)
        w = Work(ctx, "--comm", 'j"x\n', "bind", "udp", 6, "::1", 0)
        deadline = time.time() + 5
        while time.time() < deadline and len([e for e in entries if e.get("PID") == str(w.pid)]) < 2:
            try:
                data = srv.recv(65536)
            except socket.timeout:
                continue
            entry = {}
            for line in data.split(b"\n"):
                expect(line == b"" or b"=" in line, "NAME=value lines only", data)
                if line:
                    k, _, v = line.partition(b"=")
                    expect(re.fullmatch(rb"[A-Z0-9_]+", k), "a journal field name", k)
                    entry[k.decode()] = v.decode()
            expect(data.endswith(b"\n"), "every field ends in a newline", data)
            entries.append(entry)
    finally:
        t.send_signal(signal.SIGINT)
        t.communicate(timeout=20)
        srv.close()
        shutil.rmtree(d, ignore_errors=True)
    mine = [e for e in entries if e.get("PID") == str(w.pid)]
    bind = one([e for e in mine if e.get("EVENT_ACTION") == "bind"], "bind entry")
    expect(bind["MESSAGE_ID"] == "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d01", "bind's MESSAGE_ID", bind)
    expect(bind["LOCAL_PORT"] == str(w.port) and bind["LOCAL_ADDR"] == "::1", "address", bind)
    expect(bind["COMM"] == 'j"x\\x0a', "comm, escaped", bind["COMM"])
    expect(bind["PRIORITY"] == "6" and bind["SYSLOG_IDENTIFIER"] == "portsnoop", "meta", bind)
    expect("ERRNO" not in bind, "no errno on success", bind)
    expect(bind["PROCESS_PID"] == str(w.pid) and bind["SERVER_PORT"] == str(w.port),
           "every JSON field too", bind)
    one([e for e in mine if e.get("EVENT_ACTION") == "close"], "close entry")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("-k", help="run only tests whose name contains this")
    ap.add_argument("--parity", action="store_true",
                    help="run only the test that compares the strategies")
    ap.add_argument("--probe", choices=STRATEGIES,
                    help="run every portsnoop with --probe=PROBE")
    args = ap.parse_args()
    tests = [t for t in (PARITY_TESTS if args.parity else TESTS)
             if not args.k or args.k in t.__name__]
    passed = failed = skipped = 0

    def cannot_run(name, reason):
        # In CI a test that cannot run has failed; elsewhere it says so loudly.
        nonlocal failed, skipped
        if IN_CI:
            print("FAIL %s: cannot run in CI: %s" % (name, reason))
            failed += 1
        else:
            print("SKIP %s: %s" % (name, reason))
            skipped += 1

    def outcome_for_skip(reason):
        for t in tests:
            cannot_run(t.__name__, reason)

    reason = None
    if os.geteuid() != 0:
        reason = "live tests need root"
    elif not os.path.exists(os.path.join(args.build, "portsnoop")):
        reason = "portsnoop is not built"
    if reason:
        print("!!! SKIPPING LIVE TESTS: %s" % reason)
        outcome_for_skip(reason)
        print("live: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
        return 1 if failed else 0

    portsnoop = os.path.abspath(os.path.join(args.build, "portsnoop"))
    wrapdir = None
    if args.probe:
        # Every test runs `portsnoop`; make that mean `portsnoop --probe=X`.
        wrapdir = tempfile.mkdtemp(prefix="portsnoop-probe-")
        os.chmod(wrapdir, 0o755)
        wrapper = os.path.join(wrapdir, "portsnoop")
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\nexec %s --probe=%s "$@"\n' % (portsnoop, args.probe))
        os.chmod(wrapper, 0o755)
        portsnoop = wrapper
        print("live: every portsnoop runs with --probe=%s" % args.probe)

    ns = Netns("portsnoop-live-%d" % os.getpid())
    tracer = None
    try:
        try:
            tracer = Tracer(portsnoop)
        except Skip as e:
            print("!!! SKIPPING LIVE TESTS: %s" % e)
            outcome_for_skip(str(e))
            tests = []
        ctx = Ctx(args.build, ns, tracer, portsnoop, args.probe)
        for t in tests:
            start = time.time()
            try:
                t(ctx)
            except Skip as e:
                cannot_run(t.__name__, str(e))
                continue
            except Exception as e:  # noqa: BLE001 — report and go on
                print("FAIL %s: %s: %s" % (t.__name__, type(e).__name__, e))
                failed += 1
                continue
            print("PASS %s (%.2fs)" % (t.__name__, time.time() - start))
            passed += 1
        if tracer:
            rc = tracer.stop()
            with tracer.lock:
                bad = list(tracer.bad_lines)
            if rc != 0 or bad:
                print("FAIL tracer_exit: exit %s, %d lines that are not JSON: %r" % (
                    rc, len(bad), bad[:3]))
                failed += 1
            else:
                print("PASS tracer_exit")
                passed += 1
    finally:
        if tracer and tracer.proc.poll() is None:
            tracer.proc.kill()
        ns.delete()
        if wrapdir:
            shutil.rmtree(wrapdir, ignore_errors=True)
    print("live: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

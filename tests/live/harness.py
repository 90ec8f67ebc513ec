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
import contextlib
import copy
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
# How long portsnoop's stop may take. It waits for the kernel to remove its
# probes: one grace period per kprobe, under a kernel mutex (11 s for a
# forced --probe=kprobe on 6.12-rt under qemu; 2-3 s elsewhere there). 30 s
# is Kubernetes' default grace period: a pod still running after it is
# killed, and its stop record lost.
STOP_WAIT = 30
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class NotApplicable(Exception):
    """What the test checks does not exist on this kernel (an MPTCP call
    where the kernel has no MPTCP): said, and counted apart, neither passed
    nor failed."""


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
        # stdout is read from the start: the state records of a machine with
        # many sockets fill the pipe before the ready line is written.
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        # Ready once it says so on stderr; anything else first is a failure.
        deadline = time.time() + 30
        while READY not in self.stderr:
            if time.time() > deadline or self.proc.poll() is not None:
                rest = self.proc.stderr.read1(65536) if self.proc.poll() is not None else b""
                self.proc.kill()	# never left tracing
                self.proc.wait()
                raise Skip("portsnoop did not start: " +
                           (self.stderr + rest).decode(errors="replace").strip())
            r, _, _ = select.select([self.proc.stderr], [], [], 0.5)
            if r:
                self.stderr += os.read(self.proc.stderr.fileno(), 4096)

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
        # Each look tests only the events that came since the last, and
        # outside the lock: a scan of the whole list under it, every 20 ms,
        # kept the reading thread from appending (slow emulated VMs, after
        # a burst of tens of thousands of events) until the wait ran out.
        deadline = time.time() + timeout
        found, seen = [], 0
        while True:
            with self.lock:
                new = self.events[seen:]
            seen += len(new)
            found += [e for e in new if pred(e)]
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
            self.proc.wait(timeout=STOP_WAIT)
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

    def __init__(self, ctx, *args, hold=False, gated=False, host_netns=False):
        cmd = [ctx.sockwork] if host_netns else ["ip", "netns", "exec", ctx.ns.name,
                                                   ctx.sockwork]
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
        if ("fatal" in self.report and self.report["errno"] == errno.EPROTONOSUPPORT and
                "mptcp" in self.cmd):
            raise NotApplicable("the kernel has no MPTCP (%s: %s)" % (
                self.report["fatal"], os.strerror(self.report["errno"])))
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

    # `with Work(..., hold=True) as srv:` releases the held socket at the end.
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


class Ctx:
    def __init__(self, build, ns, tracer, portsnoop, probe):
        self.build = build
        self.portsnoop = portsnoop
        # The binary itself, without the --probe wrapper: for tests of auto mode.
        self.binary = os.path.abspath(os.path.join(build, "portsnoop"))
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


def compat32(ctx):
    """For the AArch32 tests on arm64: a ctx whose Work runs the 32-bit
    sockwork, and the tracer's strategy per hook (from its start record)."""
    c32 = copy.copy(ctx)
    c32.sockwork = os.path.join(ctx.build, "tests", "sockwork32")
    if not os.path.exists(c32.sockwork):
        raise Skip("no 32-bit sockwork in %s (make ARCH=arm64 tests; gcc-arm-linux-gnueabihf)"
                   % ctx.build)
    start = one(ctx.tracer.wait_for(lambda e: e["event"]["action"] == "start"), "start")
    return c32, start["portsnoop"]["hooks"]


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


def expect_bind_names_holder(ctx, ip, port, pid, name, what):
    """A second TCP bind of ip:port fails with EADDRINUSE, and its bind event
    names exactly the holder (pid, name)."""
    w = Work(ctx, "bind", "tcp", 4, ip, port)
    expect(w.report["errno"] == errno.EADDRINUSE, "EADDRINUSE", w.report)
    ev = one(ctx.tracer.of_pid(w.pid, "bind"), "bind")
    expect(ev["portsnoop"].get("holders") == [{"pid": pid, "name": name}],
           what, ev["portsnoop"])


def errname(code):
    return errno.errorcode[code]


PARITY_TESTS = []
STRATEGIES = ("fentry", "kprobe", "tracepoint")


def parity_test(fn):
    PARITY_TESTS.append(fn)
    return fn


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


class Daemon:
    """A helper daemon the test started (prometheus, journald): a subclass
    sets proc, log (its open output file) and dir (its own folder)."""

    def stop(self):
        """SIGTERM, SIGKILL if still there after 10 s; then the folder goes."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def full_disk(ctx):
    """portsnoop --json -o LOG on a 64 KiB tmpfs that bench/bindloop's
    events have just filled: yields (folder, LOG, the portsnoop process);
    kills it if still running, then unmounts and removes the folder."""
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
            yield d, log, t
        finally:
            if t.poll() is None:
                t.kill()
    finally:
        subprocess.run(["umount", d])
        os.rmdir(d)


def sockwork_args(ctx, *args):
    return [ctx.sockwork, *[str(a) for a in args]]


def cgroup2_root():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            if right.split(" ")[0] == "cgroup2":
                return left.split(" ")[4].replace("\\040", " ")
    raise Skip("cgroup v2 is not mounted")


def workers(ctx, ns, n, log):
    p = subprocess.Popen(["ip", "netns", "exec", ns, "/usr/bin/python3",
                          os.path.join(os.path.dirname(__file__), "workers.py"), log, str(n)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    rep = json.loads(p.stdout.readline())
    p.report = rep
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("-k", action="append",
                    help="run only tests whose name contains this (repeat: any of them)")
    ap.add_argument("--parity", action="store_true",
                    help="run only the test that compares the strategies")
    ap.add_argument("--probe", choices=STRATEGIES,
                    help="run every portsnoop with --probe=PROBE")
    ap.add_argument("--test-timeout", type=int,
                    default=int(os.environ.get("PORTSNOOP_TEST_TIMEOUT", "180")),
                    help="fail a test that runs longer than this (seconds; 0: no limit)")
    args = ap.parse_args()
    tests = [t for t in (PARITY_TESTS if args.parity else TESTS)
             if not args.k or any(k in t.__name__ for k in args.k)]
    passed = failed = skipped = notapp = 0

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
        # Every test runs `portsnoop`; make tracing mean `portsnoop
        # --probe=X`. ls and who attach nothing and refuse --probe.
        wrapdir = tempfile.mkdtemp(prefix="portsnoop-probe-")
        os.chmod(wrapdir, 0o755)
        wrapper = os.path.join(wrapdir, "portsnoop")
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\ncase "$1" in ls|who) exec %s "$@" ;; esac\n'
                    'exec %s --probe=%s "$@"\n' % (portsnoop, portsnoop, args.probe))
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

        class TestTimeout(Exception):
            pass

        def too_long(signum, frame):
            # Raised in the test's own (main) thread, wherever it waits, so
            # its with-blocks and finally-clauses still clean up.
            raise TestTimeout("still running after %d s (--test-timeout)" % args.test_timeout)

        signal.signal(signal.SIGALRM, too_long)
        for t in tests:
            start = time.time()
            signal.alarm(args.test_timeout)
            try:
                t(ctx)
                signal.alarm(0)
            except Skip as e:
                cannot_run(t.__name__, str(e))
                continue
            except NotApplicable as e:
                print("N/A %s: %s" % (t.__name__, e))
                notapp += 1
                continue
            except Exception as e:  # noqa: BLE001 — report and go on
                print("FAIL %s: %s: %s" % (t.__name__, type(e).__name__, e))
                failed += 1
                continue
            finally:
                signal.alarm(0)
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
    print("live: %d passed, %d failed, %d skipped%s" % (
        passed, failed, skipped, ", %d not applicable" % notapp if notapp else ""))
    return 1 if failed else 0

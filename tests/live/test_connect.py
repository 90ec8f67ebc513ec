# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: connect(): established, refused, non-blocking, an outcome after
the call, UDP, unreachable;
a 32-bit client on arm64.
"""
from harness import *  # noqa: F401,F403


def check_duration(attempt, outcome, w):
    # Measured in the kernel from SYN_SENT to the outcome: inside the time
    # the client measured around its own blocking connect().
    d = outcome["event"].get("duration")
    expect(isinstance(d, int) and 0 < d <= w.report["call_ns"],
           "outcome duration within the client's connect()", d, w.report["call_ns"])
    expect("duration" not in attempt["event"], "the attempt has none", attempt["event"])


def expect_ends(ev, source, destination):
    expect(ev["source"] == source, "source", ev)
    expect(ev["destination"] == destination, "destination", ev)


def expect_established(evs, w, srv):
    """The attempt and outcome of w's connect to the listener srv on 127.0.0.1."""
    for ev in evs[:2]:
        expect_ends(ev, {"ip": "127.0.0.1", "port": w.port},
                    {"ip": "127.0.0.1", "port": srv.port})
        expect(ev["event"]["outcome"] == "success", "success", ev["event"])
    expect(evs[0]["portsnoop"]["cookie"] == evs[1]["portsnoop"]["cookie"],
           "outcome tied to the attempt by cookie")
    check_duration(evs[0], evs[1], w)


@test
def connect_established(ctx):
    with Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True) as srv:
        w = Work(ctx, "connect", "tcp", 4, "127.0.0.1", srv.port)
        expect(w.report["errno"] == 0, "workload connect", w.report)
        evs = ctx.tracer.of_pid(w.pid, count=2)
        kinds = [e["event"]["action"] for e in evs]
        expect(kinds[:2] == ["connect", "outcome"], "attempt then outcome", kinds)
        for ev in evs[:2]:
            check_process(ctx, ev, w)
        expect_established(evs, w, srv)
        expect(not ctx.tracer.of_pid(w.pid, "close", timeout=0.3),
               "a client socket holds no bound port")


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
    check_duration(evs[0], evs[1], w)


@test
def connect_nonblocking(ctx):
    with Work(ctx, "listen", "tcp", 6, "::1", 0, 5, hold=True) as srv:
        w = Work(ctx, "connect", "tcp", 6, "::1", srv.port, "nonblock")
        expect(w.report["errno"] == errno.EINPROGRESS, "EINPROGRESS", w.report)
        evs = ctx.tracer.of_pid(w.pid, count=2)
        kinds = [e["event"]["action"] for e in evs]
        expect(kinds[:2] == ["connect", "outcome"], "attempt then outcome", kinds)
        expect(evs[0]["error"]["code"] == "EINPROGRESS", "attempt in progress", evs[0])
        expect(evs[0]["event"]["outcome"] == "unknown", "unknown yet", evs[0]["event"])
        expect(evs[1]["event"]["outcome"] == "success", "then established", evs[1])
        for ev in evs[:2]:
            expect_ends(ev, {"ip": "::1", "port": w.port},
                        {"ip": "::1", "port": srv.port})


@test
def connect_outcome_after_call(ctx):
    # A listener with a full accept queue drops the SYN: the non-blocking
    # connect() returns with its socket still in SYN_SENT. The listener then
    # goes; the SYN sent again a second later meets a reset, handled in a
    # softirq long after the call returned, not in the caller's context.
    # The outcome still comes once, after the attempt, with the reset's errno.
    srv = Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 0, hold=True)
    try:
        with Work(ctx, "connect", "tcp", 4, "127.0.0.1", srv.port, hold=True) as filler:
            expect(filler.report["errno"] == 0, "the one connection the queue holds",
                   filler.report)
            with Work(ctx, "connect", "tcp", 4, "127.0.0.1", srv.port, "nonblock",
                      hold=True) as w:
                expect(w.report["errno"] == errno.EINPROGRESS, "EINPROGRESS", w.report)
                srv.release()
                evs = ctx.tracer.of_pid(w.pid, count=2)
    finally:
        if srv.proc.returncode is None:
            srv.release()
    kinds = [e["event"]["action"] for e in evs]
    expect(kinds == ["connect", "outcome"], "attempt then outcome", kinds)
    expect(evs[0]["error"]["code"] == "EINPROGRESS", "attempt in progress", evs[0])
    expect(evs[1]["error"]["code"] == "ECONNREFUSED", "then reset", evs[1])
    for ev in evs:
        check_process(ctx, ev, w)
        expect_ends(ev, {"ip": "127.0.0.1", "port": w.port},
                    {"ip": "127.0.0.1", "port": srv.port})
    expect(evs[0]["portsnoop"]["cookie"] == evs[1]["portsnoop"]["cookie"],
           "outcome tied to the attempt by cookie")
    d = evs[1]["event"].get("duration")
    expect(isinstance(d, int) and d > w.report["call_ns"],
           "the outcome came after the call returned", d, w.report["call_ns"])


@test
def connect_udp(ctx):
    w = Work(ctx, "connect", "udp", 4, "127.0.0.1", 53)
    expect(w.report["errno"] == 0, "udp connect", w.report)
    ev = one(ctx.tracer.of_pid(w.pid, "connect"), "connect")
    check_process(ctx, ev, w)
    expect(ev["network"]["transport"] == "udp", "udp", ev["network"])
    expect_ends(ev, {"ip": "127.0.0.1", "port": w.port},
                {"ip": "127.0.0.1", "port": 53})
    expect(not ctx.tracer.of_pid(w.pid, "outcome", timeout=0.3), "UDP has no outcome")


@test
def connect_mptcp(ctx):
    # An MPTCP client of an MPTCP listener: the connect record is the MPTCP
    # socket's (the hook on inet_stream_connect() skips the first subflow's
    # own connect), with the ends the subflow got. Its outcome is the
    # subflow's state change, which no connect() exit of that socket ever
    # picks up: no outcome record (docs/how-it-works.md: limits).
    with Work(ctx, "listen", "mptcp", 4, "127.0.0.1", 0, 5, hold=True) as srv:
        w = Work(ctx, "connect", "mptcp", 4, "127.0.0.1", srv.port)
        expect(w.report["errno"] == 0, "MPTCP connect", w.report)
        ev = one(ctx.tracer.of_pid(w.pid, "connect"), "connect")
        check_process(ctx, ev, w)
        expect(ev["network"]["transport"] == "mptcp", "mptcp", ev["network"])
        expect(ev["event"]["outcome"] == "success", "success", ev["event"])
        expect_ends(ev, {"ip": "127.0.0.1", "port": w.port},
                    {"ip": "127.0.0.1", "port": srv.port})


@test
def connect_unreachable_network(ctx):
    # The namespace has no route to 198.51.100.0/24: connect() fails at once.
    w = Work(ctx, "connect", "tcp", 4, "198.51.100.7", 443)
    expect(w.report["errno"] == errno.ENETUNREACH, "ENETUNREACH", w.report)
    ev = one(ctx.tracer.of_pid(w.pid, "connect"), "connect")
    expect(ev["error"]["code"] == "ENETUNREACH", "errno", ev)
    expect(ev["destination"] == {"ip": "198.51.100.7", "port": 443},
           "the requested destination", ev)


def connect_compat_32bit(ctx):
    # A 32-bit (AArch32) listener and a 32-bit client of it on the arm64
    # kernel: both go through the compat syscall table. fentry and kprobe
    # hook the socket functions and report listen, connect and its outcome
    # (the outcome knows compat connect()'s number, bpf/core_fixes.bpf.h);
    # the syscall tracepoints skip compat calls, so under the tracepoint
    # strategy neither process is reported (docs/how-it-works.md: limits).
    c32, hooks = compat32(ctx)
    with Work(c32, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True) as srv:
        w = Work(c32, "connect", "tcp", 4, "127.0.0.1", srv.port)
        expect(w.report["errno"] == 0, "32-bit connect failed", w.report)
        if hooks["listen"] == "tracepoint":
            expect(not ctx.tracer.of_pid(srv.pid, timeout=2),
                   "a compat listen is invisible to the syscall tracepoints")
        else:
            li = one(ctx.tracer.of_pid(srv.pid, "listen"), "listen")
            expect(li["process"]["pid"] == srv.pid and li["process"]["name"] == "sockwork32",
                   "the 32-bit listener", li["process"])
            expect(li["server"] == {"ip": "127.0.0.1", "port": srv.port},
                   "%s: the port listen() chose" % hooks["listen"], li["server"], srv.port)
        if hooks["connect"] == "tracepoint":
            expect(not ctx.tracer.of_pid(w.pid, timeout=2),
                   "a compat connect is invisible to the syscall tracepoints")
            return
        evs = ctx.tracer.of_pid(w.pid, count=2)
        expect([e["event"]["action"] for e in evs[:2]] == ["connect", "outcome"],
               "%s: attempt then outcome" % hooks["connect"], evs)
        for ev in evs[:2]:
            p = ev["process"]
            expect(p["pid"] == w.pid and p["thread"]["id"] == w.report["tid"] and
                   p["parent"]["pid"] == w.report["ppid"], "pid, tid, parent", p)
            expect(p["name"] == "sockwork32", "comm", p)
        expect_established(evs, w, srv)


# Only where make builds a 32-bit sockwork: arm64 (make ARCH=arm64 tests; gcc-arm-linux-gnueabihf).
if os.uname().machine == "aarch64":
    TESTS.append(connect_compat_32bit)

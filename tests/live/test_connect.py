# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: connect(): established, refused, non-blocking, UDP, unreachable.
"""
from harness import *  # noqa: F401,F403


def check_duration(attempt, outcome, w):
    # Measured in the kernel from SYN_SENT to the outcome: inside the time
    # the client measured around its own blocking connect().
    d = outcome["event"].get("duration")
    expect(isinstance(d, int) and 0 < d <= w.report["call_ns"],
           "outcome duration within the client's connect()", d, w.report["call_ns"])
    expect("duration" not in attempt["event"], "the attempt has none", attempt["event"])


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
        check_duration(evs[0], evs[1], w)
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
    check_duration(evs[0], evs[1], w)


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

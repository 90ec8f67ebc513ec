# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: listen(), with and without bind, the backlog, v6, MPTCP.
"""
from harness import *  # noqa: F401,F403


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

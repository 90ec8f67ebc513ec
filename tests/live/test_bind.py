# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: bind() in every protocol and family, and its failures.
"""
from harness import *  # noqa: F401,F403


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


def bind_compat_32bit(ctx):
    # A 32-bit (AArch32) program on the arm64 kernel binds through the compat
    # syscall table. fentry and kprobe hook the socket functions and see it as
    # any other bind; the syscall tracepoints skip compat calls, so under the
    # tracepoint strategy it is not reported (docs/how-it-works.md: limits).
    c32, hooks = compat32(ctx)
    strategy = hooks["bind"]
    w = Work(c32, "bind", "tcp", 4, "127.0.0.1", 0)
    expect(w.report["errno"] == 0, "32-bit bind failed", w.report)
    if strategy == "tracepoint":
        expect(not ctx.tracer.of_pid(w.pid, "bind", timeout=2),
               "a compat bind is invisible to the syscall tracepoints")
        return
    ev = one(ctx.tracer.of_pid(w.pid, "bind"), "bind")
    p = ev["process"]
    expect(p["pid"] == w.pid and p["thread"]["id"] == w.report["tid"], "pid and tid", p)
    expect(p["parent"]["pid"] == w.report["ppid"], "parent pid", p)
    expect(p["name"] == "sockwork32", "comm", p)
    expect(ev["portsnoop"]["netns"] == ctx.ns.inode, "netns inode", ev["portsnoop"])
    expect(ev["server"] == {"ip": "127.0.0.1", "port": w.port},
           "%s: the port the kernel bound for the 32-bit task" % strategy, ev["server"], w.port)


# Only where make builds a 32-bit sockwork: arm64 (make ARCH=arm64 tests; gcc-arm-linux-gnueabihf).
if os.uname().machine == "aarch64":
    TESTS.append(bind_compat_32bit)

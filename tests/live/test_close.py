# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: the initial state and the close of sockets bound before portsnoop
started.
"""
from harness import *  # noqa: F401,F403


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

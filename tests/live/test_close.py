# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: the initial state and the close of sockets bound before portsnoop
started.
"""
from harness import *  # noqa: F401,F403
import bpfmaps


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


SLOTMATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "slotmates.py")


def _of_maps(name, what):
    """what(maps) of every loaded map called name."""
    maps = bpfmaps.maps_named(name)
    try:
        return what(maps)
    finally:
        for m in maps:
            m.close()


@test
def slot_mates_each_close_once(ctx):
    """Sockets whose cookies share a slot of the tracked sockets (bpf/maps.bpf.h):
    the first holds the slot, the second goes to the hash map and listens there,
    a third takes the slot back once the first has closed. Each close is reported
    once, with its own port, whichever of the two places held it."""
    slots = _of_maps("slots", lambda maps: {m.max_entries for m in maps})
    expect(len(slots) == 1, "one slot count among the loaded maps named slots", slots)
    n = slots.pop()
    p = subprocess.Popen(["ip", "netns", "exec", ctx.ns.name, "/usr/bin/python3", SLOTMATES,
                          str(n)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def step(what, name):
        p.stdin.write(("%s %s\n" % (what, name)).encode())
        p.stdin.flush()
        line = p.stdout.readline()
        if not line:
            raise AssertionError("slotmates.py stopped at %s %s" % (what, name))
        return json.loads(line)

    try:
        a = step("bind", "a")
        b = step("bind", "b")
        expect(b["cookie"] % n == a["cookie"] % n != 0, "a and b share a slot", a, b)
        step("listen", "b")
        # b is in the hash map (a holds the slot): where a kernel has no
        # compare-and-swap every socket is.
        key = b["cookie"].to_bytes(8, sys.byteorder)
        expect(_of_maps("tracked", lambda maps: any(m.has(key) for m in maps)),
               "b kept in the hash map", b)
        step("close", "a")
        c = step("bind", "c")
        expect(c["cookie"] % n == a["cookie"] % n, "c shares their slot", c)
        step("close", "b")
        step("close", "c")
    finally:
        p.stdin.close()
        p.wait(timeout=10)
    closes = ctx.tracer.of_pid(a["pid"], "close", count=4, timeout=1.5)
    got = sorted((e["portsnoop"]["cookie"], e["server"]["port"], e["network"]["transport"])
                 for e in closes)
    want = sorted((s["cookie"], s["port"], "tcp") for s in (a, b, c))
    expect(got == want, "one close each, with its own port", got, want)
    listens = ctx.tracer.of_pid(a["pid"], "listen")
    expect([e["server"]["port"] for e in listens] == [b["port"]], "b's listen", listens)

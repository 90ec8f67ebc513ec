# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: the filters: pid, port, uid, events, failed, children, proto,
family, cgroup, comm.
"""
from harness import *  # noqa: F401,F403


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


def in_cgroup(ctx, cg, *work):
    """sockwork run in cgroup cg (a path); its report."""
    script = 'echo 0 > "$1/cgroup.procs" && shift && exec "$@"'
    r = subprocess.run(["sh", "-c", script, "sh", cg, "ip", "netns", "exec", ctx.ns.name,
                        ctx.sockwork, *work], capture_output=True, timeout=30, check=True)
    return json.loads(r.stdout)


@test
def filter_cgroup_ancestor(ctx):
    # --cgroup names a cgroup; a process two levels below it is in, one
    # beside it is not. With the helper, and with the fallback that kernels
    # before 5.14 need (bpf/core_fixes.bpf.h), forced where the helper works.
    top = os.path.join(cgroup2_root(), "portsnoop-anc-%d" % os.getpid())
    inner = os.path.join(top, "a", "b")
    beside = top + "-beside"
    for d in (top, os.path.join(top, "a"), inner, beside):
        os.mkdir(d)
    try:
        for env in ({}, {"PORTSNOOP_FAULT_HELPERS": "ancestor_cgroup"}):
            t = Tracer(ctx.portsnoop, ("--json", "--no-initial", "--verbose", "--cgroup", top),
                       env=env)
            try:
                ins = in_cgroup(ctx, inner, "bind", "udp", "4", "127.0.0.1", "0")
                out = in_cgroup(ctx, beside, "bind", "udp", "4", "127.0.0.1", "0")
                one(t.of_pid(ins["pid"], "close"), "close of the process in the cgroup")
                time.sleep(0.3)
            finally:
                t.stop()
            got = sorted((e["process"]["pid"], e["event"]["action"]) for e in t.events
                         if e["event"]["kind"] == "event" and e["event"]["action"] != "start")
            expect(got == [(ins["pid"], "bind"), (ins["pid"], "close")],
                   "only the process below the cgroup", env, got, ins, out)
            expect(not env or b"--cgroup reads the task's cgroup" in t.stderr,
                   "--verbose says the fallback reads the cgroup", t.stderr[-2000:])
    finally:
        for d in (inner, os.path.join(top, "a"), top, beside):
            os.rmdir(d)


@test
def filter_cgroup_and_comm(ctx):
    root = cgroup2_root()
    cg = os.path.join(root, "portsnoop-filter-%d" % os.getpid())
    os.mkdir(cg)

    try:
        ran, evs = filtered(ctx, ("--cgroup", cg), [
            lambda: in_cgroup(ctx, cg, "--comm", "incg", "bind", "udp", "4", "127.0.0.1", "0"),
            lambda: Work(ctx, "--comm", "incg", "bind", "udp", 4, "127.0.0.1", 0)])
        expect({e["process"]["pid"] for e in evs} == {ran[0]["pid"]},
               "only the process in the cgroup", evs)
        ran, evs = filtered(ctx, ("--comm", "pickme"), [
            lambda: Work(ctx, "--comm", "pickme", "bind", "udp", 4, "127.0.0.1", 0),
            lambda: Work(ctx, "bind", "udp", 4, "127.0.0.1", 0)])
        expect({e["process"]["pid"] for e in evs} == {ran[0].pid}, "only comm pickme", evs)
    finally:
        os.rmdir(cg)

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: a second portsnoop, unusual or missing cgroup2 and bpffs mounts,
a hook the kernel lacks, signals, a stuck reader, drops, a burst.
"""
from harness import *  # noqa: F401,F403
from harness import _wait_stderr


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


@test
def stdout_closed_early(ctx):
    # `portsnoop | head -1`: the reader leaves after the header line.
    p = subprocess.Popen([ctx.portsnoop], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = p.stdout.readline()
        expect(first.startswith(b"TIME"), "header first", first)
        p.stdout.close()
        rc = p.wait(timeout=STOP_WAIT)
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
    rest, err = t.communicate(timeout=STOP_WAIT)
    out += rest
    expect(t.returncode == 0, "SIGTERM is a clean stop", t.returncode, err)
    recs = [json.loads(l) for l in out.split(b"\n") if l.strip()]
    n = len([r for r in recs if r["event"]["kind"] == "event" and r["event"]["action"] != "start"])
    expect(recs[0]["event"]["action"] == "start", "a start record first", recs[0])
    expect(recs[-1]["event"]["action"] == "stop", "a stop record last", recs[-1])
    expect(recs[-1]["portsnoop"]["events"] == n, "the stop record counts events", recs[-1], n)
    m = re.search(rb"portsnoop: (\d+) events?, (\d+) lost", err)
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
        rc = t.wait(timeout=STOP_WAIT)
    finally:
        if t.poll() is None:
            t.kill()
        os.close(r)
    expect(rc == 0, "stopped cleanly", rc)


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
    m_ = re.search(rb"(\d+) events?, (\d+) lost", t.stderr)
    expect(m_ is not None, "summary", t.stderr)
    expect(lost_total > 0, "the small ring overflowed")
    expect(len(delivered) + lost_total == 2 * n,
           "delivered + lost = generated", len(delivered), lost_total, 2 * n)
    expect(len(after) == 2 * m, "after the load every event arrives", len(after), 2 * m)
    expect(int(m_.group(2)) == lost_total, "summary agrees with the stream",
           m_.group(0), lost_total)
    expect(int(m_.group(1)) == len(delivered) + len(after), "summary counts delivered events",
           m_.group(0), len(delivered), len(after))


def forkbind_burst(ctx, tracer, n):
    """n children that bind a UDP port each and exit: forkbind's report and
    the bind events of the children that tracer saw."""
    r = subprocess.run(["ip", "netns", "exec", ctx.ns.name,
                        os.path.join(ctx.build, "tests", "forkbind"), str(n), ctx.sockwork],
                       capture_output=True, timeout=120)
    rep = json.loads(r.stdout)
    expect(r.returncode == 0 and rep["failed"] == 0, "forkbind ran", rep, r.stderr)
    want = set(rep["children"])
    return rep, tracer.wait_for(lambda e: e["event"]["action"] == "bind" and
                                e["process"]["pid"] in want, count=n, timeout=30)


def forced_strategy_counts_what_it_misses(ctx, n):
    # fentry or tracepoints forced on a kernel that preempts BPF programs
    # mid-run (PREEMPT_RT, 7.x): a preempted program keeps its CPU's slot
    # and the kernel skips other tasks' runs meanwhile (auto mode takes
    # kprobes there, or tracepoints where the kernel calls those with
    # preemption disabled). Every bind is then seen or counted: a burst under a
    # portsnoop of its own, stopped, says how many runs were skipped.
    t = Tracer(ctx.portsnoop, ("--json", "--no-initial", "--verbose"))
    try:
        rep, evs = forkbind_burst(ctx, t, n)
    finally:
        t.stop()
    k = re.search(rb"(\d+) hook runs skipped", t.stderr)
    skipped = int(k.group(1)) if k else 0
    expect(b"fexit programs get backups" in t.stderr,
           "binds missed on a kernel that does not preempt programs", len(evs), n,
           t.stderr.decode(errors="replace")[-400:])
    expect(n - len(evs) <= skipped, "every bind not seen is counted as skipped",
           len(evs), n, skipped)
    expect(len({e["process"]["pid"] for e in evs}) == len(evs), "no bind twice", len(evs))


@test
def burst_of_short_lived_binders(ctx):
    # 1,000 children, each binding a UDP port and exiting at once: every
    # bind is reported with its own pid, parent pid and command line, from
    # what the kernel captured (the processes are gone before /proc is read).
    n = 1000
    rep, evs = forkbind_burst(ctx, ctx.tracer, n)
    kids = rep["children"]
    if len(evs) < n and ctx.probe in ("fentry", "tracepoint"):
        forced_strategy_counts_what_it_misses(ctx, n)
        return
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

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: the start record names the attach strategies; --parity runs
the three side by side over the same calls and compares them.
"""
from harness import *  # noqa: F401,F403


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


# The function each strategy tries first for the bind hook, as kfeat__survey_fns()
# (user/loader/kfeat.c) says it in --verbose.
FIRST_TRIAL = re.compile(rb"portsnoop: (fentry|kprobe) on ([a-z_0-9]+): (.+)")


@test
def auto_says_why_it_passed_a_strategy_over(ctx):
    # Auto mode takes, per hook, the best strategy the kernel lets it attach
    # (fentry, then kprobe); with --verbose it says why each better one was
    # not possible. On arm64 6.1 fentry attaches nowhere (ENOTSUPP): every
    # hook is on kprobes, and the reason is named in words. Auto mode is
    # what is tested, also in a run where every other test forces --probe.
    t = Tracer(ctx.binary, ("--json", "--no-initial", "--verbose"))
    try:
        start = one(t.wait_for(lambda e: e["event"]["action"] == "start"), "start")
        hooks = start["portsnoop"]["hooks"]
    finally:
        t.stop()
    why = {}
    for m in FIRST_TRIAL.finditer(t.stderr):
        why.setdefault(m.group(1).decode(), []).append(m.group(3).decode())
    # On a kernel that preempts programs mid-run kprobe ranks first, or
    # tracepoints where the kernel calls those with preemption disabled: a
    # better-by-default strategy passed over is said per hook, with why.
    order = STRATEGIES
    ranked = re.search(rb"auto mode ranks (\w+), (\w+), (\w+) \(", t.stderr)
    if ranked:
        order = tuple(x.decode() for x in ranked.groups())
        expect(sorted(order) == sorted(STRATEGIES), "a ranking of the three", order)
        for h in ("bind", "listen", "connect", "close"):
            for s in STRATEGIES[:STRATEGIES.index(hooks[h])] if hooks[h] in STRATEGIES else ():
                if order.index(s) < order.index(hooks[h]) or s in why:
                    continue
                expect(re.search(rb"portsnoop: %s=%s: .*%s passed over: " % (
                           h.encode(), hooks[h].encode(), s.encode()), t.stderr),
                       "%s: why %s was passed over" % (h, s), t.stderr.decode(errors="replace"))
                why.setdefault(s, []).append("passed over")
    rank = {s: i for i, s in enumerate(order)}
    for h in ("bind", "listen", "connect", "close"):
        if hooks[h] not in rank:
            continue
        for better in order[:rank[hooks[h]]]:
            expect(better in why, "%s for %s: why not %s?" % (hooks[h], h, better),
                   t.stderr.decode(errors="replace")[-600:])
    for st, reasons in why.items():
        for r in reasons:
            expect("Unknown error" not in r, "%s refused in words" % st, r)
    if os.uname().machine == "aarch64" and why.get("fentry"):
        expect(any("ENOTSUPP" in r for r in why["fentry"]) or
               all(hooks[h] == "fentry" for h in ("bind", "listen", "connect")),
               "arm64: fentry refused as ENOTSUPP", why["fentry"][:3], hooks)


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


@parity_test
def strategies_agree(ctx):
    # One tracer per strategy, all at once: the same calls, seen three ways.
    # PORTSNOOP_PARITY: the strategies this kernel allows (tests/vm/live.sh
    # sets it: fentry cannot attach on arm64 6.1); tracepoint is the base.
    tracers = {}
    chosen = os.environ.get("PORTSNOOP_PARITY", " ".join(STRATEGIES)).split()
    expect("tracepoint" in chosen, "PORTSNOOP_PARITY has tracepoint, the base", chosen)
    try:
        for st in chosen:
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
        for st in [s for s in chosen if s != "tracepoint"]:
            a, b = sorted(seen[st], key=repr), sorted(base, key=repr)
            diff = [x for x in a if x not in b] + [x for x in b if x not in a]
            expect(a == b, "%s and tracepoint report the same events" % st,
                   "%d vs %d events" % (len(a), len(b)), diff[:6])
        print("     %d events, identical under %s" % (len(base), ", ".join(chosen)))
    finally:
        for t in tracers.values():
            t.stop()

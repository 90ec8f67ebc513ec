#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Bind/close loop with and without portsnoop, side by side in one run.

Rounds alternate untraced and traced runs of bench/bindloop so machine
noise hits both alike; the medians give the slowdown ratio. Each traced
run writes JSON to a file, and its events are counted: every iteration
generates a bind and a close, so delivered + lost must equal generated
(lost: what the summary counts, a full ring's drops and the hook runs the
kernel skipped).
Nothing here asserts a time: it prints figures.
"""
import argparse
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def loop(build, n, proto):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([os.path.join(build, "bench", "bindloop"), str(n), proto],
                         capture_output=True, check=True, text=True).stdout
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = json.loads(out)
    # The loop's own CPU (the BPF programs run in its syscalls): less moved
    # than its elapsed time by what else the machine runs.
    res["cpu_s"] = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
    return res


def losses(err):
    """What portsnoop's summary counts as not delivered: events lost to a
    full ring, and hook runs the kernel skipped (BPF already running on that
    CPU, as when a softirq's tracepoint interrupts a program). -1: no summary."""
    m = re.search(rb"(\d+) events, (\d+) lost", err)
    if not m:
        return -1
    s = re.search(rb"(\d+) hook runs skipped", err)
    return int(m.group(2)) + (int(s.group(1)) if s else 0)


def traced(build, n, proto, extra, loop_build=None):
    """The loop traced by build's portsnoop; the loop itself is loop_build's
    (default build's): with --against, this build's loop under both, so the
    same program is traced and a build without bench/ can be compared."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "events.json")
        with open(path, "wb") as f:
            t = start_tracer(build, f, extra)
            cpu0 = cpu_split(t.pid)
            res = loop(loop_build or build, n, proto)
            time.sleep(0.5)  # let the consumer drain the ring
            cpu1 = cpu_split(t.pid)
            t.send_signal(signal.SIGINT)
            _, err = t.communicate(timeout=60)
        m = re.search(rb"(\d+) events, (\d+) lost", err)
        lost = losses(err)
        lines = max(int(m.group(1)) if m else 0, 1)
        # The reader's CPU per line it wrote: its own (formatting, enriching)
        # and the kernel's on its behalf (ring reads, the file's page cache).
        res.update(user_us=(cpu1[0] - cpu0[0]) / lines * 1e6,
                   sys_us=(cpu1[1] - cpu0[1]) / lines * 1e6,
                   cpu_us=(cpu1[2] - cpu0[2]) / lines * 1e6)
        delivered = 0
        pid = b'"pid":%d,' % res["pid"]
        with open(path, "rb") as f:
            start = json.loads(f.readline())
            for line in f:
                if pid in line:
                    delivered += 1
    res.update(delivered=delivered, lost=lost, generated=2 * n,
               strategy=start["portsnoop"]["hooks"]["bind"])
    return res


def floor(build, n, proto, strategy, mode="empty"):
    """The loop under empty programs at the strategy's attach points, or
    (minimal) under programs that send one bare record per bind and close."""
    f = subprocess.Popen([os.path.join(build, "bench", "floor"), strategy, mode],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    if not f.stdout.readline().startswith(b"ready"):
        sys.exit("bench: floor %s did not attach" % strategy)
    try:
        return loop(build, n, proto)["elapsed_ns"]
    finally:
        f.stdin.close()
        f.wait(timeout=30)


def cpu_split(pid):
    """utime and stime (s) of a live process, and its CPU time (s) as the
    scheduler counts it. The kernel measures the sum exactly but splits it
    into user and system by where the tick found the process: the split of
    a fraction of a second moves by several percent between runs of the
    same build; the sum has no such error (without CONFIG_SCHED_INFO: the
    ticks' sum)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rpartition(")")[2].split()
    tick = os.sysconf("SC_CLK_TCK")
    user, system = int(fields[11]) / tick, int(fields[12]) / tick
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return user, system, int(f.read().split()[0]) / 1e9
    except OSError:
        return user, system, user + system


def proc_status(pid):
    """utime+stime (s) and peak RSS (KiB) of a live process."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rpartition(")")[2].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    hwm = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return cpu, hwm


def start_tracer(build, out, extra=()):
    t = subprocess.Popen([os.path.join(build, "portsnoop"), "--json", "--no-initial", *extra],
                         stdout=out, stderr=subprocess.PIPE)
    buf = b""
    while b"portsnoop: tracing, " not in buf:	# once everything is attached
        chunk = t.stderr.read1(4096)
        if not chunk:
            sys.exit("portsnoop did not start: %s" % buf.decode(errors="replace"))
        buf += chunk
    return t


def churn(args):
    """Process churn: fork, bind, exit, with portsnoop attached."""
    exe = os.path.join(args.build, "bench", "churn")
    print("process churn: %d binds per process, portsnoop --json > /dev/null" % args.binds)
    for procs in args.procs:
        with open(os.devnull, "wb") as null:
            t = start_tracer(args.build, null)
            cpu0, _ = proc_status(t.pid)
            res = json.loads(subprocess.run([exe, str(procs), str(args.binds)],
                                            capture_output=True, check=True).stdout)
            time.sleep(1.0)
            cpu1, hwm = proc_status(t.pid)
            t.send_signal(signal.SIGINT)
            _, err = t.communicate(timeout=60)
        m = re.search(rb"(\d+) events, (\d+) lost", err)
        events, lost = int(m.group(1)), int(m.group(2))
        generated = 2 * res["binds"]
        secs = res["elapsed_ns"] / 1e9
        print("  %7d processes, %8d events generated: %8d delivered, %d lost, "
              "%.0f events/s, %.2f us user+sys CPU per event, peak RSS %d KiB" % (
                  procs, generated, events, lost, events / secs,
                  (cpu1 - cpu0) / max(events, 1) * 1e6, hwm))
    # What the events carry: a smaller run written to a file and read back.
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "events.json")
        with open(path, "wb") as f:
            t = start_tracer(args.build, f)
            res = json.loads(subprocess.run([exe, "2000", str(args.binds)],
                                            capture_output=True, check=True).stdout)
            time.sleep(1.0)
            t.send_signal(signal.SIGINT)
            t.communicate(timeout=60)
        n = with_args = with_exe = 0
        with open(path) as f:
            for line in f:
                ev = json.loads(line)
                if ev.get("process", {}).get("parent", {}).get("pid") != res["pid"]:
                    continue
                n += 1
                with_args += "args" in ev["process"]
                with_exe += "executable" in ev["process"]
        print("  context of %d events from 2000 short-lived processes: command line %.1f%%, "
              "executable %.1f%%" % (n, 100.0 * with_args / max(n, 1),
                                                  100.0 * with_exe / max(n, 1)))


def timed(build, cmd):
    """Wall seconds and peak RSS (KiB) of one run of cmd, output discarded.
    bench/peakrss forks it: a child forked by Python would start its
    high-water mark at Python's own RSS."""
    t0 = time.perf_counter()
    p = subprocess.run([os.path.join(build, "bench", "peakrss"), *cmd],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("bench: %s failed" % " ".join(cmd))
    return wall, int(p.stderr.strip().split(b"\n")[-1].split()[-1])


def drop_page_cache(path):
    """path's pages out of the page cache (those no process maps)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


@contextlib.contextmanager
def held_sockets(args):
    """args.listeners TCP listeners and as many bound UDP sockets, held by 4
    processes (bench/holdsocks) in a network namespace of their own, for
    the time of the with block: yields the namespace's name."""
    ns = "portsnoop-bench-%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
    holder = subprocess.Popen(["ip", "netns", "exec", ns,
                               os.path.join(args.build, "bench", "holdsocks"), "4",
                               str(args.listeners // 4), str(args.listeners // 4)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        if holder.stdout.readline().strip() != b"ready":
            sys.exit("bench: holdsocks failed")
        yield ns
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
        subprocess.run(["ip", "netns", "del", ns])


def snapshot(args):
    """Who holds what: portsnoop ls against ss, netstat and lsof, side by side."""
    with held_sockets(args) as ns:
        inns = ["ip", "netns", "exec", ns]
        tools = [("portsnoop ls", [os.path.join(args.build, "portsnoop"), "ls"])]
        if args.against:
            # Another build's ls in the same rounds (BENCH_AGAINST).
            tools.append(("ls, against", [os.path.join(args.against, "portsnoop"), "ls"]))
        tools += [("ss -tulpn", inns + ["ss", "-tulpn"]),
                  ("netstat -tulpn", inns + ["netstat", "-tulpn"]),
                  ("lsof -nP -i", inns + ["lsof", "-nP", "-i"])]
        tools = [t for t in tools if shutil.which(t[1][4] if t[1][0] == "ip" else t[1][0])]
        # Peak RSS counts the executable's pages that are mapped, and a
        # fault maps a whole folio of the page cache where it can: a binary
        # just written by the linker sits in other folios than one read in
        # by exec, and took up to ~500 KiB more here. Both read in afresh, alike.
        for name, cmd in tools:
            if cmd[0] != "ip":
                drop_page_cache(cmd[0])
        res = {name: [] for name, _ in tools}
        for _ in range(args.rounds):
            for name, cmd in tools:
                res[name].append(timed(args.build, cmd))
        ss_wall = statistics.median(w for w, _ in res["ss -tulpn"])
        ss_rss = max(m for _, m in res["ss -tulpn"])
        print("snapshot: %d TCP listeners + %d bound UDP sockets held by 4 processes, "
              "median of %d rounds" % (args.listeners, args.listeners, args.rounds))
        for name, _ in tools:
            wall = statistics.median(w for w, _ in res[name])
            rss = max(m for _, m in res[name])
            print("  %-15s %8.1f ms  %6.2fx ss   peak RSS %7d KiB  %5.2fx ss" % (
                name, wall * 1e3, wall / ss_wall, rss, rss / ss_rss))
        if args.against:
            print("  against: %s" % args.against)


def owners(args):
    """The owners iterator, built by hand (what portsnoop ships) against a
    CO-RE program with a skeleton (bench/owners_core.bpf.c), side by side:
    collect time and peak RSS of a process that only collects, and
    portsnoop ls as a whole for scale."""
    exe = os.path.join(args.build, "bench", "owners")
    line = re.compile(r"owners \w+: (\d+) records via .*, ([0-9.]+) ms, peak RSS (\d+) KiB")
    with held_sockets(args):
        res = {"hand": [], "core": [], "ls": []}
        for _ in range(args.rounds):
            for mode in ("hand", "core"):
                # Through bench/peakrss, as timed() runs a tool: its own
                # getrusage() would count Python's RSS from before the exec.
                out = subprocess.run([os.path.join(args.build, "bench", "peakrss"), exe, mode],
                                     capture_output=True, text=True)
                m = line.match(out.stdout)
                if out.returncode or not m:
                    sys.exit("bench: owners %s said %r" % (mode, out.stdout + out.stderr))
                rss = int(out.stderr.strip().split("\n")[-1].split()[-1])
                res[mode].append((int(m.group(1)), float(m.group(2)), rss))
            wall, rss = timed(args.build, [os.path.join(args.build, "portsnoop"), "ls"])
            res["ls"].append((0, wall * 1e3, rss))
        print("owners: %d TCP listeners + %d bound UDP sockets held by 4 processes, "
              "median of %d rounds" % (args.listeners, args.listeners, args.rounds))
        for mode, name in (("hand", "hand-built (owners_iter.c)"),
                           ("core", "CO-RE + skeleton"), ("ls", "portsnoop ls (hand-built)")):
            recs = max(r for r, _, _ in res[mode])
            print("  %-27s %8.1f ms (%.1f-%.1f)  peak RSS %7d KiB%s" % (
                name, statistics.median(t for _, t, _ in res[mode]),
                min(t for _, t, _ in res[mode]), max(t for _, t, _ in res[mode]),
                max(m for _, _, m in res[mode]),
                "  %d records" % recs if mode != "ls" else ""))


def rate(args):
    """The highest rate into a JSON file: parallel generators, default ring."""
    exe = os.path.join(args.build, "bench", "bindloop")
    print("sustained rate: %d bindloop processes x %d iterations, portsnoop --json "
          "into a file" % (args.gens, args.n))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "events.json")
        with open(path, "wb") as f:
            t = start_tracer(args.build, f)
            t0 = time.perf_counter()
            gens = [subprocess.Popen([exe, str(args.n)], stdout=subprocess.PIPE)
                    for _ in range(args.gens)]
            pids = [json.loads(g.communicate()[0])["pid"] for g in gens]
            gen_secs = time.perf_counter() - t0
            # Drained when the file stops growing.
            last = -1
            while os.path.getsize(path) != last:
                last = os.path.getsize(path)
                time.sleep(0.3)
            drain_secs = time.perf_counter() - t0 - 0.3
            t.send_signal(signal.SIGINT)
            _, err = t.communicate(timeout=60)
        lost = losses(err)
        want = {b'"pid":%d,' % p for p in pids}
        delivered = 0
        with open(path, "rb") as f:
            for line in f:
                delivered += any(w in line for w in want)
    generated = 2 * args.n * args.gens
    print("  generated %d events in %.2f s (%.0f/s); delivered %d in %.2f s (%.0f/s); "
          "lost %d; delivered + lost = generated: %s" % (
              generated, gen_secs, generated / gen_secs, delivered, drain_secs,
              delivered / drain_secs, lost, delivered + lost == generated))
    # One generator's rate on a core of its own, untraced, against the
    # reader's: how many such producers one reader keeps up with.
    alone = loop(args.build, args.n, "udp")
    per_core = 2 * args.n / (alone["elapsed_ns"] / 1e9)
    # Nothing lost: the reader only followed the generators, so this is
    # what it was shown to keep up with, not all it could.
    print("  one producer alone, untraced: %.0f events/s; the reader kept up with %s%.1f "
          "such producers" % (per_core, "at least " if not lost else "",
                              delivered / drain_secs / per_core))


def strategies(args):
    """The bind/close loop under each attach strategy, side by side."""
    base, runs = [], {st: [] for st in args.probes}
    floors = {st: [] for st in args.probes}
    minimal = {st: [] for st in args.probes}
    for r in range(args.rounds):
        base.append(loop(args.build, args.n, args.proto)["elapsed_ns"])
        line = ["round %d: untraced %.3f s" % (r + 1, base[-1] / 1e9)]
        for st in args.probes:
            floors[st].append(floor(args.build, args.n, args.proto, st))
            minimal[st].append(floor(args.build, args.n, args.proto, st, "minimal"))
            t = traced(args.build, args.n, args.proto, ["--probe=" + st])
            runs[st].append(t)
            line.append("%s empty %.3f s, minimal %.3f s, traced %.3f s (%d/%d delivered, "
                        "%d lost%s)" % (
                            st, floors[st][-1] / 1e9, minimal[st][-1] / 1e9,
                            t["elapsed_ns"] / 1e9, t["delivered"], t["generated"], t["lost"],
                            "" if t["delivered"] + t["lost"] == t["generated"]
                            else ", MISMATCH"))
        print(", ".join(line))
    b = statistics.median(base)
    print("bind/close loop (%s, %d iterations, %d rounds): median untraced %.0f ns/iter" % (
        args.proto, args.n, args.rounds, b / args.n))
    for st in args.probes:
        t = statistics.median(x["elapsed_ns"] for x in runs[st])
        f = statistics.median(floors[st])
        m = statistics.median(minimal[st])
        lost = sum(x["lost"] for x in runs[st])
        ok = all(x["delivered"] + x["lost"] == x["generated"] for x in runs[st])
        print("  %-10s empty programs ratio %.3f, minimal records ratio %.3f, portsnoop %.0f "
              "ns/iter, slowdown ratio %.3f, lost %d, delivered + lost = generated: %s" % (
                  st, f / b, m / b, t / args.n, t / b, lost, "yes" if ok else "NO"))


def soak(args):
    """Minutes of bind/listen/connect/close from several processes at full
    speed: events generated, delivered and lost, and portsnoop's RSS over time."""
    import threading
    t = start_tracer(args.build, subprocess.PIPE)
    counts, lost_in_band = {}, [0]

    def read():
        for line in t.stdout:
            i = line.find(b'"pid":')
            if i >= 0:
                j = line.find(b",", i)
                pid = int(line[i + 6:j])
                counts[pid] = counts.get(pid, 0) + 1
            elif b'"action":"lost"' in line:
                m = re.search(rb'"lost":(\d+)', line)
                lost_in_band[0] += int(m.group(1)) if m else 0
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    print("soak: %d mixloop processes x %d s (TCP bind, listen, connect, close; UDP bind, "
          "close), portsnoop --json into a pipe" % (args.gens, args.seconds))
    gens = [subprocess.Popen([os.path.join(args.build, "bench", "mixloop"), str(args.seconds)],
                             stdout=subprocess.PIPE) for _ in range(args.gens)]
    rss, t0 = [], time.time()
    while any(g.poll() is None for g in gens):
        time.sleep(min(args.sample, 1.0))
        if time.time() - t0 >= args.sample * (len(rss) + 1):
            with open("/proc/%d/status" % t.pid) as f:
                kb = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
            rss.append((time.time() - t0, kb))
            print("  %5.0f s: portsnoop RSS %d KiB, %d events so far" % (
                rss[-1][0], kb, sum(counts.values())), flush=True)
    outs = [json.loads(g.stdout.read()) for g in gens]
    time.sleep(2)
    t.send_signal(signal.SIGINT)
    t.wait(timeout=120)
    reader.join(timeout=30)	# stdout is the reader's
    err = t.stderr.read()
    lost = losses(err)
    print("portsnoop said: %s" % err.decode(errors="replace").strip().splitlines()[-1])
    generated = sum(o["events"] for o in outs)
    delivered = sum(counts.get(o["pid"], 0) for o in outs)
    failures = sum(o["failures"] for o in outs)
    k = re.search(rb"(\d+) hook runs skipped", err)
    skipped = int(k.group(1)) if k else 0
    short = generated - delivered - lost
    print("generated %d (%.0f/s), delivered %d, lost %d (in-band %d); delivered + lost = "
          "generated: %s; workload failures %d" % (
              generated, generated / args.seconds, delivered, lost, lost_in_band[0],
              "yes" if short == 0 else
              "short by %d, within the %d runs the kernel skipped" % (short, skipped)
              if 0 < short <= skipped else "NO", failures))
    if rss:
        warm = [kb for s_, kb in rss if s_ >= min(60, args.seconds / 4)] or [rss[-1][1]]
        print("portsnoop RSS: first %d KiB, after warm-up min %d / max %d KiB, last %d KiB "
              "(%d samples)" % (rss[0][1], min(warm), max(warm), rss[-1][1], len(rss)))


def prog_stats():
    """bpftool's view of every loaded program: id -> (name, run_time_ns, run_cnt)."""
    out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True,
                         check=True).stdout
    return {p["id"]: (p.get("name", "?"), p.get("run_time_ns", 0), p.get("run_cnt", 0))
            for p in json.loads(out)}


def workloads(args):
    """The calls whose programs bpfstats times: name -> command."""
    bench = os.path.join(args.build, "bench")
    return [("bind/close", [os.path.join(bench, "bindloop"), str(args.n), args.proto]),
            ("tcp mix", [os.path.join(bench, "mixloop"), "2"]),
            ("exec", ["sh", "-c", 'i=0; while [ $i -lt %d ]; do /bin/true; i=$((i+1)); done'
                      % (args.n // 20)])]


def stats_round(build, args):
    """One run of portsnoop from build under each workload: per workload,
    program name -> (run_time_ns, run_cnt) of that workload alone."""
    before = prog_stats()
    with open(os.devnull, "wb") as null:
        t = start_tracer(build, null, ["--probe=" + args.probe] if args.probe else [])
        try:
            ours = [i for i in prog_stats() if i not in before]
            res = {}
            for name, cmd in workloads(args):
                a = prog_stats()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                b = prog_stats()
                res[name] = {b[i][0]: (b[i][1] - a[i][1], b[i][2] - a[i][2])
                             for i in ours if i in a and i in b and b[i][2] > a[i][2]}
        finally:
            t.send_signal(signal.SIGINT)
            t.communicate(timeout=60)
    return res


def bpfstats(args):
    """In-kernel run time per program run (kernel.bpf_stats_enabled), of this
    build and, with --against, another one, alternating in the same rounds."""
    knob = "/proc/sys/kernel/bpf_stats_enabled"
    with open(knob) as f:
        was = f.read().strip()
    builds = [args.build] + ([args.against] if args.against else [])
    runs = {b: [] for b in builds}
    try:
        with open(knob, "w") as f:
            f.write("1")
        for r in range(args.rounds):
            for b in builds:
                runs[b].append(stats_round(b, args))
            print("round %d done" % (r + 1), flush=True)
    finally:
        with open(knob, "w") as f:
            f.write(was)
    print("in-kernel ns per program run (%s): median, lower quartile (min-max) of %d rounds "
          "[runs in a round]" % (args.probe or "auto", args.rounds))
    print("| workload | program | %s |" % " | ".join(builds))
    print("|---|---|%s" % ("---|" * len(builds)))
    for w, _ in workloads(args):
        names = sorted({p for b in builds for rr in runs[b] for p in rr[w]})
        for p in names:
            cells = []
            for b in builds:
                per = [rr[w][p] for rr in runs[b] if p in rr[w]]
                if not per:
                    cells.append("-")
                    continue
                each = sorted(t / c for t, c in per)
                # The lower quartile: the least disturbed rounds on a shared machine.
                lq = statistics.quantiles(each, n=4)[0] if len(each) > 1 else each[0]
                cells.append("%.0f lq %.0f (%.0f-%.0f) [%d]" % (
                    statistics.median(each), lq, each[0], each[-1],
                    statistics.median(c for _, c in per)))
            print("| %s | %s | %s |" % (w, p, " | ".join(cells)))


def linecost_binary(build, against):
    """bench/linecost built against another checkout's output objects: its
    own headers (the record layouts may differ), its own CORE_OBJS."""
    tree = os.path.dirname(os.path.abspath(against.rstrip("/")))
    out = subprocess.run(["make", "-s", "-p", "-n", "-C", tree], capture_output=True,
                         text=True).stdout
    objs = next((line.split(":=", 1)[1].split() for line in out.splitlines()
                 if line.startswith("CORE_OBJS :=")), None)
    if not objs:
        sys.exit("bench: linecost: no CORE_OBJS in %s's Makefile" % tree)
    subprocess.run(["make", "-s", "-C", tree] + objs, check=True)
    exe = os.path.join(tempfile.mkdtemp(prefix="linecost-"), "linecost")
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run(["cc", "-O2", "-g", "-std=gnu11", "-D_GNU_SOURCE",
                    "-I" + os.path.join(tree, "bpf"), "-I" + os.path.join(tree, "user"),
                    "-I" + against, os.path.join(here, "bench", "linecost.c")] +
                   [os.path.join(tree, o) for o in objs] +
                   # what CORE_OBJS may need (NAT's nftables, the history's zlib):
                   # the libraries this build links are installed, extra ones are harmless
                   ["-lnftnl", "-lmnl", "-lz", "-lpthread", "-o", exe], check=True)
    return exe


def instructions(exe, n, mode):
    """Instructions (callgrind) to render n lines: the same count whatever
    else the machine runs, so two builds compare in one run."""
    r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                        exe, str(n), mode], capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)", r.stderr)
    if r.returncode or not m:
        sys.exit("bench: linecost under callgrind failed: %s" % r.stderr[-500:])
    return int(m.group(1))


def linecost(args):
    """The reader's formatting cost per JSON and table line, in instructions."""
    builds = [("this build", os.path.join(args.build, "bench", "linecost"))]
    if args.against:
        builds.append((args.against, linecost_binary(args.build, args.against)))
    print("formatting cost per line (bench/linecost: a bind/close loop's records with "
          "executable, command line, container and unit; callgrind instructions, %d lines)"
          % args.n)
    for mode in ("json", "table"):
        per = []
        for name, exe in builds:
            # Start-up and the buffer's growth are the same for any n: the
            # difference of two runs is the cost of n lines alone.
            i = instructions(exe, args.n, mode) - instructions(exe, 1, mode)
            per.append(i / (args.n - 1))
            print("  %-5s %s: %.0f instructions per line" % (mode, name, per[-1]))
        if len(per) == 2:
            print("  %-5s this build / %s: %.2f" % (mode, args.against, per[0] / per[1]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", nargs="?", default="bindloop",
                    choices=("bindloop", "churn", "snapshot", "rate", "strategies", "soak",
                             "bpfstats", "owners", "linecost"))
    ap.add_argument("--seconds", type=int, default=600, help="soak: how long")
    ap.add_argument("--sample", type=float, default=30, help="soak: RSS every this many s")
    ap.add_argument("--probes", nargs="+", default=["fentry", "kprobe", "tracepoint"],
                    help="strategies: the attach strategies to compare")
    ap.add_argument("--probe", help="bpfstats: portsnoop --probe=PROBE (default: auto)")
    ap.add_argument("--gens", type=int, default=2, help="rate: generator processes")
    ap.add_argument("--listeners", type=int, default=20000,
                    help="snapshot: TCP listeners, and as many UDP sockets")
    ap.add_argument("--build", default="build")
    ap.add_argument("-n", type=int, default=50000, help="iterations per run")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--proto", default="udp", choices=("udp", "tcp"))
    ap.add_argument("--procs", type=int, nargs="+", default=[10000, 100000])
    ap.add_argument("--binds", type=int, default=5)
    ap.add_argument("--against", metavar="BUILD",
                    help="bindloop, bpfstats, snapshot: also run BUILD's portsnoop in the same rounds "
                         "(another commit, built apart): before/after a change; linecost: "
                         "bench/linecost built against BUILD's checkout (BUILD is its build/)")
    ap.add_argument("--metrics", action="store_true",
                    help="bindloop: also trace with --metrics on loopback in the same rounds "
                         "(docs/metrics.md: the target is within 2%% of without)")
    args = ap.parse_args()
    if args.what == "linecost":
        linecost(args)
        return
    if os.geteuid() != 0:
        sys.exit("bench: needs root (it loads portsnoop)")
    runs = {"churn": churn, "snapshot": snapshot, "owners": owners, "rate": rate,
            "strategies": strategies, "soak": soak, "bpfstats": bpfstats}
    if args.what in runs:
        runs[args.what](args)
        return

    base, trace, nomatch, floors, minimal, strategy = [], [], [], [], [], None
    against, reader, reader_against, with_metrics, trace_cpu = [], [], [], [], []
    for r in range(args.rounds):
        base.append(loop(args.build, args.n, args.proto)["elapsed_ns"])
        # The other build before this one in odd rounds, after it in even
        # ones: neither gains from its place in the round.
        against_first = args.against and r % 2 == 0
        if against_first:
            a = traced(args.against, args.n, args.proto, [], args.build)
        # With --metrics: before the plain trace in odd rounds, after it in
        # even ones, so neither gains from going first on a busy machine.
        metrics_first = args.metrics and r % 2 == 0
        if metrics_first:
            with_metrics.append(traced(args.build, args.n, args.proto,
                                       ["--metrics", "127.0.0.1:19464"]))
        t = traced(args.build, args.n, args.proto, [])
        trace.append(t["elapsed_ns"])
        trace_cpu.append((t["cpu_s"], t["user_us"] + t["sys_us"]))
        reader.append((t["user_us"], t["sys_us"], t["cpu_us"]))
        if args.against and not against_first:
            a = traced(args.against, args.n, args.proto, [], args.build)
        if args.against:
            against.append(a["elapsed_ns"])
            reader_against.append((a["user_us"], a["sys_us"], a["cpu_us"]))
        if args.metrics and not metrics_first:
            with_metrics.append(traced(args.build, args.n, args.proto,
                                       ["--metrics", "127.0.0.1:19464"]))
        strategy = t["strategy"]
        # The same attach points with empty programs: the kernel's own cost.
        floors.append(floor(args.build, args.n, args.proto, t["strategy"]))
        # The least a tracer can do: one record of process context per event.
        minimal.append(floor(args.build, args.n, args.proto, t["strategy"], "minimal"))
        # An in-kernel filter that matches nothing (pid 1 binds nothing here).
        nomatch.append(traced(args.build, args.n, args.proto, ["--pid", "1"])["elapsed_ns"])
        print("round %d: untraced %.3f s, empty programs %.3f s, minimal records %.3f s, "
              "traced %.3f s%s, generated %d, delivered %d, lost %d%s" % (
                  r + 1, base[-1] / 1e9, floors[-1] / 1e9, minimal[-1] / 1e9,
                                           t["elapsed_ns"] / 1e9,
                                           ", against %.3f s" % (against[-1] / 1e9)
                                           if against else "", t["generated"],
                                           t["delivered"], t["lost"],
                                           "" if t["delivered"] + t["lost"] == t["generated"]
                                           else "  <-- MISMATCH"))
    b, t = statistics.median(base), statistics.median(trace)
    f, e = statistics.median(nomatch), statistics.median(floors)
    m = statistics.median(minimal)
    print("bind/close loop (%s, %d iterations, %d rounds, %s strategy): median untraced "
          "%.0f ns/iter, traced %.0f ns/iter, slowdown ratio %.3f (%.1f%%)" % (
              args.proto, args.n, args.rounds, strategy, b / args.n,
              t / args.n, t / b, (t / b - 1) * 100))
    print("  floor: empty programs at the same hooks %.0f ns/iter, ratio %.3f; portsnoop is "
          "%.3f of that floor" % (e / args.n, e / b, t / e))
    print("  minimal records (process context into the ring, drained unformatted) %.0f ns/iter, "
          "ratio %.3f" % (m / args.n, m / b))
    print("  with a filter that matches nothing %.0f ns/iter, ratio %.3f" % (f / args.n, f / b))
    for name, r in (("this build", reader), (args.against, reader_against)):
        if r:
            u = statistics.median(x[0] for x in r)
            k = statistics.median(x[1] for x in r)
            c = statistics.median(x[2] for x in r)
            print("  reader (%s): %.2f us user + %.2f us system CPU per JSON line, %.2f us "
                  "as the scheduler counts it (medians)" % (name, u, k, c))
    if reader_against:
        for what, i in (("user CPU (tick-sampled)", 0), ("CPU (scheduler's, exact)", 2)):
            per = sorted(x[i] / y[i] for x, y in zip(reader, reader_against) if y[i])
            if per:
                print("  reader's %s per line, this build / %s: median %.2f (per round "
                      "%s)" % (what, args.against, statistics.median(per),
                               " ".join("%.2f" % x for x in per)))
    if with_metrics:
        def ratios(name, per):
            print("    %s, with / without per round: median %.3f, min %.3f, max %.3f "
                  "(rounds: %s)" % (name, statistics.median(per), min(per), max(per),
                                    " ".join("%.3f" % x for x in per)))
        print("  with --metrics: traced %.0f ns/iter (the target: within 2%% of without)"
              % (statistics.median(m["elapsed_ns"] for m in with_metrics) / args.n))
        ratios("loop's elapsed time", [m["elapsed_ns"] / y for m, y in zip(with_metrics, trace)])
        ratios("loop's CPU time", [m["cpu_s"] / y[0] for m, y in zip(with_metrics, trace_cpu)])
        ratios("reader's CPU per line", [(m["user_us"] + m["sys_us"]) / y[1]
                                          for m, y in zip(with_metrics, trace_cpu) if y[1]])
    if against:
        a = statistics.median(against)
        # Paired by round: both ran within seconds of each other.
        per = sorted(x / y for x, y in zip(trace, against))
        q = statistics.quantiles(per, n=4) if len(per) > 1 else per * 3
        print("  against %s: traced %.0f ns/iter, ratio %.3f; this build / that one %.3f "
              "(per round: median %.3f, quartiles %.3f-%.3f, min %.3f, max %.3f, "
              "this build slower in %d of %d)" % (
                  args.against, a / args.n, a / b, t / a, statistics.median(per),
                  q[0], q[2], per[0], per[-1], sum(x > 1 for x in per), len(per)))


if __name__ == "__main__":
    main()

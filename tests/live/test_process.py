# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: process context: command lines, pid reuse, cgroups and pid
namespaces.
"""
import random

from harness import *  # noqa: F401,F403


@test
def each_program_keeps_its_command_line(ctx):
    # One process, two programs. sockwork binds and lingers, so portsnoop
    # reads its /proc details meanwhile and its close record comes without a
    # command line from the kernel; then it execs itself with new arguments,
    # binds again and exits at once. Every event names the program that
    # made it.
    first = ["--comm", "first", "--linger", 500, "bind", "udp", 4, "127.0.0.1", 0]
    second = ["--comm", "second", "bind", "udp", 6, "::1", 0]
    r = subprocess.run(["ip", "netns", "exec", ctx.ns.name, ctx.sockwork,
                        *map(str, first), "--", *map(str, second)],
                       capture_output=True, timeout=30)
    reps = [json.loads(line) for line in r.stdout.splitlines()]
    expect(r.returncode == 0 and len(reps) == 2 and all(x["errno"] == 0 for x in reps),
           "sockwork ran both programs", reps, r.stderr)
    pid = reps[0]["pid"]
    expect(reps[1]["pid"] == pid, "execve keeps the pid", reps)
    evs = ctx.tracer.of_pid(pid, count=4)
    expect([(e["event"]["action"], e["process"]["name"]) for e in evs] ==
           [("bind", "first"), ("close", "first"), ("bind", "second"), ("close", "second")],
           "bind and close of each program, in order", evs)
    whole = first + ["--"] + second
    for ev, args, port in ((evs[0], whole, reps[0]["lport"]), (evs[1], whole, reps[0]["lport"]),
                           (evs[2], second, reps[1]["lport"]),
                           (evs[3], second, reps[1]["lport"])):
        expect(ev["process"].get("args") == sockwork_args(ctx, *args), "its own command line",
               ev["event"]["action"], ev["process"]["name"], ev["process"].get("args"))
        expect(ev["server"]["port"] == port, "its own port", ev["server"], port)
    expect(evs[0]["process"]["entity_id"] == evs[2]["process"]["entity_id"],
           "one process: one entity id across the execve")


@test
def pid_reuse_keeps_each_process_apart(ctx):
    r = subprocess.run(["ip", "netns", "exec", ctx.ns.name,
                        os.path.join(ctx.build, "tests", "pidreuse"), ctx.sockwork],
                       capture_output=True, timeout=120)
    expect(r.returncode == 0, "two processes got the same pid", r.stdout, r.stderr)
    pid = json.loads(r.stdout)["first"]
    evs = ctx.tracer.of_pid(pid, "bind", count=2)
    expect(len(evs) == 2, "two binds with pid %d" % pid, evs)
    first, second = evs
    for ev, comm, fam, addr in ((first, "first", 4, "127.0.0.1"),
                                (second, "second", 6, "::1")):
        p = ev["process"]
        expect(p["name"] == comm, "comm", p)
        expect(p["args"] == sockwork_args(ctx, "--comm", comm, "--linger", 300, "bind",
                                          "udp", fam, addr, 0),
               "its own command line, not the other's", comm, p["args"])
        expect(p.get("executable") == os.path.realpath(ctx.sockwork),
               "executable from /proc while it lived", p)
        expect(ev["server"]["ip"] == addr, "its own address", ev["server"])
    expect(first["process"]["start"] != second["process"]["start"], "two start times")
    expect(first["process"]["entity_id"] != second["process"]["entity_id"],
           "two entity ids", first["process"]["entity_id"])


@test
def other_cgroup_and_pid_namespace(ctx):
    root = cgroup2_root()
    name = "portsnoop-live-%d" % os.getpid()
    cg = os.path.join(root, name)
    os.mkdir(cg)
    try:
        # unshare forks the first process of a new pid namespace (pid 1
        # there); it moves itself into the cgroup, then becomes sockwork.
        script = 'echo 0 > "$1/cgroup.procs" && shift && exec "$@"'
        r = subprocess.run(["unshare", "--pid", "--fork", "sh", "-c", script, "sh", cg,
                            "ip", "netns", "exec", ctx.ns.name, ctx.sockwork,
                            "--comm", "inns", "--linger", "300",
                            "bind", "udp", "4", "127.0.0.1", "0"],
                           capture_output=True, timeout=30)
        expect(r.returncode == 0, "workload ran", r.stdout, r.stderr)
        rep = json.loads(r.stdout)
        expect(rep["pid"] == 1, "first process of its pid namespace", rep)
        # This build's sockwork: another checkout's suite may run at once.
        exe = os.path.realpath(ctx.sockwork)
        evs = ctx.tracer.wait_for(lambda e: e.get("process", {}).get("name") == "inns" and
                                  e["process"].get("executable") == exe and
                                  e["event"]["action"] == "bind")
        ev = one(evs, "bind")
        expect(ev["process"]["pid"] != 1, "the global pid", ev["process"])
        expect(ev["portsnoop"]["ns_pid"] == rep["pid"], "the namespace pid", ev["portsnoop"])
        expect(ev["portsnoop"]["cgroup"]["path"] == "/" + name, "cgroup path",
               ev["portsnoop"]["cgroup"])
        expect(ev["portsnoop"]["cgroup"]["id"] == os.stat(cg).st_ino, "cgroup id",
               ev["portsnoop"]["cgroup"], os.stat(cg).st_ino)
        expect(ev["server"]["port"] == rep["lport"], "its port", ev["server"], rep)
    finally:
        os.rmdir(cg)


def unique_copy(ctx, tag):
    """sockwork copied to a path no other process runs: its events are ours.
    The name is also the comm (at most 15 bytes)."""
    d = tempfile.mkdtemp(prefix="portsnoop-exe-")
    os.chmod(d, 0o755)
    name = "%s%06x" % (tag, random.getrandbits(24))
    path = os.path.join(d, name)
    shutil.copy2(ctx.sockwork, path)
    return os.path.realpath(path)


def binds_of(ctx, comm, count, timeout=60):
    return ctx.tracer.wait_for(lambda e: e.get("process", {}).get("name") == comm and
                               e["event"]["action"] == "bind", count, timeout)


@test
def kernel_exe_burst_of_short_lived(ctx):
    # 300 processes of one executable, each binds UDP and exits at once:
    # most are gone before /proc/PID/exe could be read, so the executable
    # must come from the kernel's record of the exec.
    exe = unique_copy(ctx, "burst")
    n = 300
    r = subprocess.run(["ip", "netns", "exec", ctx.ns.name, "sh", "-c",
                        'i=0; while [ $i -lt %d ]; do "$1" bind udp 4 127.0.0.1 0 '
                        '>/dev/null || exit 1; i=$((i+1)); done' % n, "sh", exe],
                       capture_output=True, timeout=120)
    try:
        expect(r.returncode == 0, "the burst ran", r.stderr)
        evs = binds_of(ctx, os.path.basename(exe), n)
        expect(len(evs) == n, "one bind event per process", len(evs))
        expect(len({e["process"]["pid"] for e in evs}) == n, "%d processes" % n)
        named = [e for e in evs if e["process"].get("executable") == exe]
        expect(len(named) == n, "every event names the executable: %d of %d" %
               (len(named), n), [e["process"] for e in evs if e not in named][:2])
        expect(not any(e["portsnoop"].get("executable_deleted") for e in evs),
               "none is marked deleted")
    finally:
        shutil.rmtree(os.path.dirname(exe))


@test
def kernel_exe_across_exec(ctx):
    # One process binds, execs another program, binds again, exits: each
    # bind names its own program, although /proc can only ever show the last.
    first, second = unique_copy(ctx, "first"), unique_copy(ctx, "second")
    try:
        r = subprocess.run(["ip", "netns", "exec", ctx.ns.name, first, "--exec", second,
                            "bind", "udp", "4", "127.0.0.1", "0",
                            "--", "bind", "udp", "4", "127.0.0.1", "0"],
                           capture_output=True, timeout=30)
        reps = [json.loads(line) for line in r.stdout.splitlines()]
        expect(r.returncode == 0 and len(reps) == 2, "both programs ran", reps, r.stderr)
        pid = reps[0]["pid"]
        expect(reps[1]["pid"] == pid, "execve keeps the pid", reps)
        evs = ctx.tracer.of_pid(pid, "bind", count=2)
        expect(len(evs) == 2, "two binds", evs)
        got = [(e["process"]["name"], e["process"].get("executable"), e["server"]["port"])
               for e in evs]
        expect(got == [(os.path.basename(first), first, reps[0]["lport"]),
                       (os.path.basename(second)[:15], second, reps[1]["lport"])],
               "each bind names its own program", got)
    finally:
        shutil.rmtree(os.path.dirname(first))
        shutil.rmtree(os.path.dirname(second))


@test
def kernel_exe_deleted(ctx):
    # The program deletes its own executable after the exec, then binds and
    # exits: the path is the one it was exec'd from, marked deleted.
    exe = unique_copy(ctx, "deleted")
    try:
        r = subprocess.run(["ip", "netns", "exec", ctx.ns.name, exe, "--unlink-exe",
                            "bind", "udp", "4", "127.0.0.1", "0"],
                           capture_output=True, timeout=30)
        rep = json.loads(r.stdout)
        expect(r.returncode == 0 and rep["errno"] == 0, "it ran", rep, r.stderr)
        expect(not os.path.exists(exe), "the executable is gone")
        ev = one(ctx.tracer.of_pid(rep["pid"], "bind"), "bind")
        expect(ev["process"].get("executable") == exe, "the path it was exec'd from",
               ev["process"])
        expect(ev["portsnoop"].get("executable_deleted") is True, "marked deleted",
               ev["portsnoop"])
    finally:
        shutil.rmtree(os.path.dirname(exe))


@test
def kernel_cgroup_container_of_gone_process(ctx):
    # 100 short-lived processes in a docker-style cgroup that outlives them:
    # the container comes from the cgroup id the kernel captured, resolved
    # to its path without /proc/PID (which is gone).
    root = cgroup2_root()
    cid = "%064x" % random.getrandbits(256)
    parent = os.path.join(root, "portsnoop-live-%d" % os.getpid())
    cg = os.path.join(parent, "docker-%s.scope" % cid)
    exe = unique_copy(ctx, "incg")
    n = 100
    os.mkdir(parent)
    os.mkdir(cg)
    try:
        script = ('i=0; while [ $i -lt %d ]; do (echo 0 > "$1/cgroup.procs" && '
                  'exec ip netns exec "$2" "$3" bind udp 4 127.0.0.1 0 >/dev/null) '
                  '|| exit 1; i=$((i+1)); done' % n)
        r = subprocess.run(["sh", "-c", script, "sh", cg, ctx.ns.name, exe],
                           capture_output=True, timeout=120)
        expect(r.returncode == 0, "the processes ran", r.stderr)
        evs = binds_of(ctx, os.path.basename(exe), n)
        expect(len(evs) == n, "one bind per process", len(evs))
        want_path = cg[len(root):]
        bad = [e for e in evs if e.get("container") != {"id": cid, "runtime": "docker"} or
               e["portsnoop"]["cgroup"].get("path") != want_path or
               e["portsnoop"]["cgroup"]["id"] != os.stat(cg).st_ino]
        expect(not bad, "container id, runtime and cgroup path on every event: %d of %d "
               "lack them" % (len(bad), n), [(e.get("container"), e["portsnoop"])
                                             for e in bad[:2]])
        expect(all(e["process"].get("executable") == exe for e in evs),
               "and the executable")
    finally:
        os.rmdir(cg)
        os.rmdir(parent)
        shutil.rmtree(os.path.dirname(exe))

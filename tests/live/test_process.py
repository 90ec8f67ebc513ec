# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: process context: command lines, pid reuse, cgroups and pid
namespaces.
"""
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
        evs = ctx.tracer.wait_for(lambda e: e.get("process", {}).get("name") == "inns" and
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

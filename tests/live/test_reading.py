# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests of issue 24, "what a person reads is right": `who` never says
"nobody" when it could not look everywhere; errors name what is wrong; who
takes back the forms portsnoop prints; a table file reopened on SIGHUP starts
with its header."""
import shutil
import signal
import tempfile
import time

from harness import *  # noqa: F401,F403
from harness import _wait_stderr
from test_who import NOBODY, Holder, run


@test
def who_without_root_is_not_nobody(ctx):
    # Root holds a port inside the test's namespace, which an unprivileged
    # caller cannot enter: who must not call the port free.
    with Holder(ctx.ns.name, "listen", "127.0.0.1") as h:
        r = run(ctx, "who", h.port, user=NOBODY)
        err = r.stderr.decode()
        expect(r.returncode == 4, "who exits 4: not found where it could look",
               r.returncode, err)
        expect("nobody holds" not in err, "never 'nobody' when a namespace was left out", err)
        expect("portsnoop: not found where portsnoop could look: port %d (not root: left out "
               % h.port in err and "network namespace" in err,
               "stderr says what it could not look into", err)
        expect(r.stdout == b"", "nothing on stdout", r.stdout)
        r = run(ctx, "who", h.port, "--json", user=NOBODY)
        expect(r.returncode == 4 and r.stdout == b"", "the same with --json", r)
        # Root looks everywhere and finds it.
        r = run(ctx, "who", h.port, "--json")
        recs = [json.loads(l) for l in r.stdout.splitlines()]
        expect(r.returncode == 0 and [x["process"]["pid"] for x in recs] == [h.pid],
               "as root: found, with its holder", r.returncode, recs)
    # Once the port is free, root says nobody (1).
    r = run(ctx, "who", h.port)
    expect(r.returncode == 1 and b"nobody holds port %d" % h.port in r.stderr,
           "root: nobody, exit 1", r)


def _run(ctx, *args):
    return subprocess.run([ctx.portsnoop, *[str(a) for a in args]], capture_output=True,
                          timeout=60)


def _one_error(r, code, words, what):
    err = r.stderr.decode()
    expect(r.returncode == code, "%s: exit %d" % (what, code), r.returncode, err)
    expect(words in err and len(err.strip().split("\n")) == 1, "%s: one line naming it"
           % what, err)


@test
def errors_name_the_right_thing(ctx):
    d = tempfile.mkdtemp(prefix="portsnoop-live-")
    try:
        r = _run(ctx, "--btf", "/etc/passwd")
        _one_error(r, 1, "--btf /etc/passwd: not a BTF file", "--btf a text file")
        expect(b"Unknown error" not in r.stderr, "no libbpf error number", r.stderr)
        real = os.path.join(d, "real.log")
        open(real, "w").close()
        link = os.path.join(d, "link.log")
        os.symlink(real, link)
        _one_error(_run(ctx, "-o", link), 1, "cannot open %s: a symbolic link" % link,
                   "-o a symlink")
        _one_error(_run(ctx, "--journald=" + real), 1,
                   "cannot open %s: not a socket" % real, "--journald= a file")
        _one_error(_run(ctx, "--syslog=" + real), 1,
                   "cannot open %s: not a socket" % real, "--syslog= a file")
        # A bad --cgroup is a usage error, as a bad -p is.
        _one_error(_run(ctx, "--cgroup", "/nonexistent-portsnoop"), 2,
                   "--cgroup /nonexistent-portsnoop:", "--cgroup no such cgroup")
        _one_error(_run(ctx, "-p", "4194304"), 2, "no process 4194304 exists", "-p no such")
        _one_error(_run(ctx, "who", "1.2.3:80"), 2, "invalid address in '1.2.3:80'",
                   "who a bad address")
        # 80 ports are a list, not "invalid port".
        ports = ",".join(str(p) for p in range(20000, 20080))
        r = _run(ctx, "ls", "-P", ports, "--json")
        expect(r.returncode == 0, "ls -P with 80 ports", r.returncode, r.stderr)
    finally:
        shutil.rmtree(d)


@test
def who_takes_the_forms_portsnoop_prints(ctx):
    with Holder(ctx.ns.name, "listen", "127.0.0.1") as h:
        for what in ("%d/TCP" % h.port, "127.0.0.1:%d/Tcp" % h.port):
            r = run(ctx, "who", what, "--json", "--netns", ctx.ns.inode)
            recs = [json.loads(l) for l in r.stdout.splitlines()]
            expect(r.returncode == 0 and [x["process"]["pid"] for x in recs] == [h.pid],
                   "who %s finds the listener" % what, r.returncode, r.stderr)
    # The scoped form ls and the table print: taken, and matched by device.
    r = run(ctx, "who", "[fe80::1]%%lo:%d" % h.port, "--netns", ctx.ns.inode)
    expect(r.returncode == 1 and b"nobody holds [fe80::1]:%d" % h.port in r.stderr,
           "who [fe80::1]%lo:PORT is understood", r.returncode, r.stderr)


@test
def table_file_reopened_on_sighup_has_a_header(ctx):
    d = tempfile.mkdtemp(prefix="portsnoop-live-")
    log = os.path.join(d, "events.txt")
    t = subprocess.Popen([ctx.portsnoop, "--no-initial", "-o", log], stderr=subprocess.PIPE)
    try:
        _wait_stderr(t, READY)
        os.rename(log, log + ".1")
        t.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while not os.path.exists(log) and time.time() < deadline:
            time.sleep(0.01)
        w = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0)
        time.sleep(0.5)
    finally:
        t.send_signal(signal.SIGINT)
        t.communicate(timeout=20)
    try:
        with open(log + ".1") as f:
            first = f.read().splitlines()
        with open(log) as f:
            second = f.read().splitlines()
        expect(first and first[0].split()[:3] == ["TIME", "PID", "COMM"], "the first file's "
               "header", first[:1])
        expect(second and second[0].split()[:3] == ["TIME", "PID", "COMM"],
               "the file opened on SIGHUP starts with the header too", second[:2])
        expect(any(" %d " % w.pid in l for l in second[1:]), "and gets the events", second)
        expect(sum(1 for l in second if l.startswith("TIME ")) == 1, "one header", second)
    finally:
        shutil.rmtree(d)


@test
def full_disk_gap_is_marked_in_the_file(ctx):
    with full_disk(ctx) as (d, log, t):
        # Room again (the disk grown): the next lines go out, after a
        # record of the gap.
        subprocess.run(["mount", "-o", "remount,size=4m", d], check=True)
        w = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0)
        time.sleep(0.5)
        t.send_signal(signal.SIGINT)
        t.communicate(timeout=20)
        with open(log, "rb") as f:
            recs = [json.loads(l) for l in f.read().splitlines()]
        gaps = [i for i, r in enumerate(recs) if r["event"]["action"] == "unwritten"]
        mine = [i for i, r in enumerate(recs) if r.get("process", {}).get("pid") == w.pid]
        expect(gaps, "the gap is marked in the file", len(recs))
        g = recs[gaps[0]]
        expect(g["event"]["kind"] == "metric" and g["error"]["code"] == "ENOSPC" and
               g["portsnoop"]["unwritten"] > 0 and
               g["portsnoop"]["unwritten_total"] == g["portsnoop"]["unwritten"],
               "the mark says how many and why", g)
        expect(mine and gaps[0] < mine[0], "before the lines written after it", gaps, mine)
        stop = [r for r in recs if r["event"]["action"] == "stop"]
        expect(stop and stop[0]["portsnoop"]["unwritten"] ==
               sum(recs[i]["portsnoop"]["unwritten"] for i in gaps),
               "the marks count the lines the stop record counts", stop, g)


@test
def netns_that_does_not_exist_is_an_error(ctx):
    for args in (["ls"], ["who", "80"], []):
        r = _run(ctx, *args, "--netns", "123")
        _one_error(r, 2, "no network namespace 123", "%s --netns 123" % " ".join(args))
    # One that exists: fine.
    r = _run(ctx, "ls", "--netns", ctx.ns.inode, "--json")
    expect(r.returncode == 0, "ls --netns of the test's namespace", r.returncode, r.stderr)
    # Without privileges an unknown namespace may be one it could not see: no verdict.
    r = subprocess.run([*NOBODY, ctx.portsnoop, "who", "80", "--netns", "123"],
                       capture_output=True, timeout=60)
    expect(r.returncode == 4, "unprivileged: not found where it could look", r.returncode,
           r.stderr)


@test
def static_arm64_installs_its_cross_compiler(ctx):
    # make static ARCH=arm64 on a fresh x86_64 machine failed: deps did not
    # install gcc-aarch64-linux-gnu. make -n shows what it would run; the
    # arm64 userland is faked as already built (root.sh does nothing then).
    if os.uname().machine != "x86_64":
        raise NotApplicable("an x86_64 host cross-builds for arm64")
    repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    d = tempfile.mkdtemp(prefix="portsnoop-live-")
    try:
        os.makedirs(os.path.join(d, "userland"))
        open(os.path.join(d, "userland", ".stamp"), "w").close()
        r = subprocess.run(["make", "-n", "-C", repo, "static", "ARCH=arm64", "V=1",
                            "ARM64_CACHE=" + d], capture_output=True, text=True, timeout=120)
        lines = r.stdout.splitlines()
        expect("scripts/deps.sh arm64" in lines, "make static ARCH=arm64 installs the "
               "arm64 cross compiler first", r.stdout[:500], r.stderr[-500:])
        r = subprocess.run(["make", "-n", "-C", repo, "deps", "V=1"], capture_output=True,
                           text=True, timeout=60)
        expect("scripts/deps.sh " in r.stdout.splitlines() or
               "scripts/deps.sh" in r.stdout.splitlines(), "a native build does not",
               r.stdout)
    finally:
        shutil.rmtree(d)


@test
def ls_and_who_bind_nothing_a_trace_would_show(ctx):
    # ls and who asked the kernel whether it dumps bound-only TCP sockets by
    # binding one of their own: every running trace showed that bind of
    # 0.0.0.0:0 and its close. Where the kernel's BTF answers, nothing is bound.
    if not os.path.exists("/sys/kernel/btf/vmlinux"):
        raise NotApplicable("no kernel BTF: the probe bind is how ls asks")
    t = Tracer(ctx.portsnoop, ("--json", "--no-initial"))
    try:
        pids = []
        for args in (["ls"], ["who", "1"], ["ls", "-t"]):
            p = subprocess.Popen([ctx.portsnoop, *args], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            pids.append(p.pid)
            p.wait(timeout=60)
        marker = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0)
        t.of_pid(marker.pid, "bind")
    finally:
        t.stop()
    theirs = [e for e in t.events if e.get("process", {}).get("pid") in pids]
    expect(theirs == [], "no event of ls or who in the trace", theirs[:4])

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: the command line: bad values, not root, capabilities, setuid,
missing BTF, --help and --version.
"""
from harness import *  # noqa: F401,F403
from harness import _wait_stderr


def run_cli(ctx, *args, **kw):
    return subprocess.run([ctx.portsnoop, *args], capture_output=True, timeout=30, **kw)


@test
def cli_bad_values(ctx):
    for args, word in ((["--port", "65536"], b"65536"), (["--pid", "abc"], b"abc"),
                       (["--bogus"], b"--bogus"), (["-p"], b"-p"),
                       (["--ringbuf", "3000"], b"3000"), (["extra"], b"extra")):
        r = run_cli(ctx, *args)
        expect(r.returncode == 2, "usage error exits 2", args, r.returncode)
        expect(r.stdout == b"", "nothing on stdout", args)
        lines = r.stderr.strip().split(b"\n")
        expect(len(lines) == 1 and word in lines[0], "one line naming the value",
               args, r.stderr)


@test
def cli_not_root(ctx):
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        ctx.portsnoop], capture_output=True, timeout=30)
    expect(r.returncode == 1, "exit 1 without privileges", r.returncode, r.stderr)
    lines = r.stderr.strip().split(b"\n")
    expect(len(lines) == 1 and b"needs root" in lines[0] and b"CAP_BPF" in lines[0],
           "one line saying what is needed", r.stderr)


CAP_KEEP = {1, 2, 12, 19, 21, 38, 39}  # DAC_OVERRIDE, DAC_READ_SEARCH, NET_ADMIN,
#                                     SYS_PTRACE, SYS_ADMIN, PERFMON, BPF


@test
def capabilities_dropped_once_attached(ctx):
    status = {}
    with open("/proc/%d/status" % ctx.tracer.proc.pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            status[k] = v.strip()
    for k in ("CapEff", "CapPrm", "CapBnd"):
        caps = {b for b in range(64) if (int(status[k], 16) >> b) & 1}
        expect(caps == CAP_KEEP, k + " holds only what running needs",
               sorted(caps - CAP_KEEP), sorted(CAP_KEEP - caps))
    expect(status["CapInh"] == status["CapAmb"] == "0000000000000000", "nothing inherited",
           status["CapInh"], status["CapAmb"])
    expect(status["NoNewPrivs"] == "1", "no exec can gain privileges", status["NoNewPrivs"])


@test
def refuses_to_run_setuid(ctx):
    d = tempfile.mkdtemp(prefix="suid-", dir=os.path.abspath(ctx.build))
    try:
        opts = subprocess.run(["findmnt", "-no", "OPTIONS", "-T", d], capture_output=True,
                              text=True).stdout
        if "nosuid" in opts.split(","):
            raise Skip("%s is mounted nosuid" % d)
        os.chmod(d, 0o755)
        copy = os.path.join(d, "portsnoop")
        shutil.copy(os.path.join(ctx.build, "portsnoop"), copy)
        os.chmod(copy, 0o4755)
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            copy, "--json"], capture_output=True, timeout=30)
        expect(r.returncode == 1, "exit 1", r.returncode, r.stderr)
        expect(r.stderr.count(b"\n") == 1 and b"refusing to run setuid" in r.stderr,
               "one line saying why", r.stderr)
        expect(r.stdout == b"", "nothing traced", r.stdout[:200])
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test
def cli_missing_btf(ctx):
    r = run_cli(ctx, "--btf", "/nonexistent/vmlinux")
    expect(r.returncode == 1, "exit 1", r.returncode, r.stderr)
    lines = r.stderr.strip().split(b"\n")
    expect(len(lines) == 1 and b"/nonexistent/vmlinux" in lines[0], "one line", r.stderr)


@test
def cli_help_version(ctx):
    r = run_cli(ctx, "--help")
    expect(r.returncode == 0 and b"--json" in r.stdout, "help", r)
    r = run_cli(ctx, "--version")
    expect(r.returncode == 0 and r.stdout.startswith(b"portsnoop "), "version", r)


MAN = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "man", "portsnoop.8")


@test
def man_page_describes_the_output(ctx):
    with open(MAN) as f:
        man = f.read()
    for sect in ("OUTPUT", "EXAMPLES", "SEE ALSO", "EXIT STATUS"):
        expect("\n.SH %s\n" % sect in man, "section " + sect)
    see = man.split("\n.SH SEE ALSO\n")[1]
    for page in ("ss (8)", "lsof (8)", "fuser (1)", "bindsnoop (8)"):
        expect(".BR %s" % page in see, "SEE ALSO " + page, see)
    opts = man.split("\n.SH OPTIONS\n")[1].split("\n.SH ")[0]
    expect(opts.count(r"\-\-output") == 1, "-o listed once", opts.count(r"\-\-output"))
    # Every column portsnoop prints, in every table, is described.
    heads = [subprocess.run([ctx.portsnoop, "ls"], capture_output=True, text=True,
                            timeout=60).stdout.splitlines()[0]]
    for cols in ("80", "200"):
        t = subprocess.Popen([ctx.portsnoop, "--no-initial"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=dict(os.environ, COLUMNS=cols))
        try:
            _wait_stderr(t, READY)
        finally:
            t.send_signal(signal.SIGINT)
            out, _ = t.communicate(timeout=20)
        heads.append(out.decode().splitlines()[0])
    described = set(re.findall(r"^\.BR? (.*)$", man, re.M))
    words = {w.strip('",').replace("\\-", "-") for d in described for w in d.split()}
    for h in heads:
        for col in h.split():
            expect(col in words, "column %s described" % col, h)
    for result in ("established", "EINPROGRESS", "EADDRINUSE", "listening", "bound"):
        expect(result in man, "RESULT value %s described" % result)
    if shutil.which("man"):
        r = subprocess.run(["man", "--warnings", "-l", MAN], capture_output=True, text=True,
                           env=dict(os.environ, MANWIDTH="80"), timeout=60)
        expect(r.returncode == 0 and not r.stderr.strip(), "renders without warnings",
               r.stderr)


@test
def summary_counts_in_the_singular(ctx):
    holder = Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True)
    try:
        t = subprocess.Popen([ctx.portsnoop, "--netns", str(ctx.ns.inode),
                              "-P", str(holder.port)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            _wait_stderr(t, READY)
            # One event: a bind refused (nothing bound: no close follows).
            w = Work(ctx, "bind", "tcp", 4, "127.0.0.1", holder.port)
            expect(w.report["errno"] == errno.EADDRINUSE, "refused", w.report)
            time.sleep(0.5)
        finally:
            t.send_signal(signal.SIGINT)
            _, err = t.communicate(timeout=20)
        expect(b"portsnoop: 1 event, 0 lost, 1 socket existed before" in err,
               "\"1 event\", \"1 socket existed before\"", err)
    finally:
        holder.release()

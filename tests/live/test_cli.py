# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: the command line: bad values, not root, capabilities, setuid,
missing BTF, --help and --version.
"""
from harness import *  # noqa: F401,F403


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

# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests of `portsnoop history` and `who PORT --at T` (issue 27): the
questions asked of portsnoop's own log after the processes are gone. A
portsnoop writes a real log (-o FILE) while servers in the test's netns
take a port in turn; the answers are read back from that log, rotated by the
shipped deploy/portsnoop.logrotate (logrotate -f, SIGHUP), gzip'd, mixed with
another host's log and with bad lines.
"""
import datetime
import gzip

from harness import *  # noqa: F401,F403
from harness import _wait_stderr

HERE = os.path.dirname(os.path.abspath(__file__))
LOGROTATE_CONF = os.path.join(HERE, "..", "..", "deploy", "portsnoop.logrotate")
PYTHON_EXE = os.path.realpath(sys.executable)
# Binds, listens, says its pid, holds for `hold` seconds (or until stdin
# closes when hold < 0), exits.
SERVER = r"""
import json, os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
print(json.dumps({"pid": os.getpid()}), flush=True)
hold = float(sys.argv[2])
if hold < 0:
    sys.stdin.read()
else:
    time.sleep(hold)
"""


def schema_check(rec):
    try:
        import jsonschema
    except ImportError:
        raise Skip("python3-jsonschema is not installed (scripts/deps.sh installs it)")
    with open(os.path.join(HERE, "..", "..", "docs", "schema", "portsnoop.schema.json")) as f:
        v = jsonschema.Draft202012Validator(json.load(f))
    errors = sorted(v.iter_errors(rec), key=str)
    expect(not errors, "who --at -j validates against the schema", errors[:1], rec)


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int(
        (t % 1) * 1e6)


class Log:
    """A portsnoop writing JSON Lines into path (-o), as the unit runs it."""

    def __init__(self, ctx, path):
        self.path = path
        # Only the test's namespace: the rest of the machine may be busy.
        self.proc = subprocess.Popen([ctx.portsnoop, "--json", "--netns", str(ctx.ns.inode),
                                      "-o", path],
                                     stderr=subprocess.PIPE)
        try:
            _wait_stderr(self.proc, READY)
        except BaseException:
            self.proc.kill()	# never left tracing after the test
            self.proc.wait()
            raise

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        _, err = self.proc.communicate(timeout=STOP_WAIT)
        expect(self.proc.returncode == 0, "portsnoop -o exits 0", self.proc.returncode, err)


def server(ctx, port, hold):
    p = subprocess.Popen(["ip", "netns", "exec", ctx.ns.name, sys.executable, "-c", SERVER,
                          str(port), str(hold)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
    line = p.stdout.readline()
    expect(line, "the server started")
    p.pid_reported = json.loads(line)["pid"]
    return p


def serve_for(ctx, port, hold):
    """A server that held port for hold seconds and exited: (pid, t during)."""
    p = server(ctx, port, hold)
    during = time.time() + hold / 2
    p.wait(timeout=hold + 10)
    return p.pid_reported, during


def run(ctx, *args):
    return subprocess.run([ctx.binary, *[str(a) for a in args]], capture_output=True,
                          timeout=60)


def jlines(r):
    return [json.loads(l) for l in r.stdout.splitlines()]


def settle(ctx, log, port, action, count):
    """Wait until the log has count `action` events for port (written in
    batches): the test reads the file, not portsnoop's memory."""
    deadline = time.time() + WAIT
    while time.time() < deadline:
        n = 0
        with open(log, "rb") as f:
            for line in f:
                if b'"port":%d' % port in line and b'"action":"%s"' % action.encode() in line:
                    n += 1
        if n >= count:
            return
        time.sleep(0.05)
    raise AssertionError("%d %s events for port %d never reached %s" % (count, action, port, log))


def port_for(salt):
    return 20000 + (os.getpid() * 7 + salt) % 20000


def logged(ctx, salt, work, action, count):
    """A fresh folder and port: portsnoop -o LOG traces while work(port)
    runs, until LOG holds count `action` events for the port. Returns
    (folder, LOG, port, what work returned)."""
    d = tempfile.mkdtemp(prefix="portsnoop-hist-")
    log = os.path.join(d, "events.json")
    port = port_for(salt)
    t = Log(ctx, log)
    try:
        got = work(port)
        settle(ctx, log, port, action, count)
    finally:
        t.stop()
    return d, log, port, got


@test
def history_who_at_names_a_server_gone_since(ctx):
    d = tempfile.mkdtemp(prefix="portsnoop-hist-")
    log = os.path.join(d, "events.json")
    port = port_for(1)
    t = Log(ctx, log)
    alive = None
    try:
        before = time.time()
        pid, during = serve_for(ctx, port, 1.0)
        settle(ctx, log, port, "close", 1)
        after = time.time() + 0.2
        time.sleep(0.3)
        alive = server(ctx, port + 1, -1)	# still running when asked
        settle(ctx, log, port + 1, "listen", 1)
    finally:
        t.stop()
    try:
        r = run(ctx, "who", port + 1, "--at", iso(time.time()), "-j", log)
        held = jlines(r)
        expect([(h["process"]["pid"], h["portsnoop"]["still_running"]) for h in held] ==
               [(alive.pid_reported, "yes")], "a holder still running is said to", held,
               r.stderr)
    finally:
        if alive:
            alive.stdin.close()
            alive.wait(timeout=10)
    r = run(ctx, "who", port, "--at", iso(during), "-j", log)
    expect(r.returncode == 0, "who --at names a holder", r.returncode, r.stderr)
    held = jlines(r)
    expect(len(held) == 1, "one holder at T", held)
    h = held[0]
    schema_check(h)
    expect(h["process"]["pid"] == pid, "the server's pid", h["process"], pid)
    expect(h["process"]["executable"] == PYTHON_EXE, "its executable",
           h["process"]["executable"], PYTHON_EXE)
    expect(h["server"] == {"ip": "127.0.0.1", "port": port}, "the port it held", h["server"])
    expect(h["portsnoop"]["state"] == "listening", "listening", h["portsnoop"])
    expect(h["portsnoop"]["still_running"] == "no", "and it is gone now", h["portsnoop"])
    tab = run(ctx, "who", port, "--at", iso(during), log)
    expect(PYTHON_EXE.encode() in tab.stdout and b" %d " % pid in tab.stdout,
           "the table names pid and executable", tab.stdout)
    for when in (before - 0.5, after):
        r = run(ctx, "who", port, "--at", iso(when), log)
        expect(r.returncode == 1 and b"nobody held port %d" % port in r.stderr,
               "nobody held it before the bind nor after the exit", iso(when), r.returncode,
               r.stdout, r.stderr)
    shutil.rmtree(d)


@test
def history_who_at_a_holder_known_from_a_state_record(ctx):
    """A server older than portsnoop is in the log only as a state record:
    its start (to the tick) tells whether the same process still runs."""
    d = tempfile.mkdtemp(prefix="portsnoop-hist-")
    log = os.path.join(d, "events.json")
    port = port_for(5)
    srv = server(ctx, port, -1)
    try:
        t = Log(ctx, log)
        t.stop()
        with open(log) as f:
            states = [json.loads(l) for l in f if '"kind":"state"' in l]
        rec = one([r for r in states if r["server"]["port"] == port], "its state record")
        with open("/proc/%d/stat" % srv.pid_reported) as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            booted = time.time() - float(f.read().split()[0])
        started = booted + ticks / os.sysconf("SC_CLK_TCK")
        logged = datetime.datetime.fromisoformat(
            rec["process"]["start"].replace("Z", "+00:00")).timestamp()
        expect(abs(logged - started) < 0.5, "the state record carries the holder's "
               "process.start", rec["process"], started)
        now = iso(time.time())
        held = jlines(run(ctx, "who", port, "--at", now, "-j", log))
        expect([(h["process"]["pid"], h["portsnoop"]["since_state_record"],
                 h["portsnoop"]["still_running"]) for h in held] ==
               [(srv.pid_reported, True, "yes")], "the same process still runs", held)
    finally:
        srv.stdin.close()
        srv.wait(timeout=10)
    held = jlines(run(ctx, "who", port, "--at", now, "-j", log))
    expect([h["portsnoop"]["still_running"] for h in held] == ["no"],
           "once it exited, it does not", held)


def three_in_turn(ctx, port, between=None):
    """Three servers take port in turn; between(i) runs after the i-th."""
    pids = []
    for i in range(3):
        pid, _ = serve_for(ctx, port, 0.3)
        pids.append(pid)
        if between:
            between(i)
    return pids


def timeline(r, port):
    return [(e["event"]["action"], e["process"]["pid"]) for e in jlines(r)
            if e["event"]["kind"] == "event"]


@test
def history_of_a_port_taken_three_times(ctx):
    d, log, port, pids = logged(ctx, 2, lambda port: three_in_turn(ctx, port), "close", 3)
    r = run(ctx, "history", port, "-j", log)
    expect(r.returncode == 0, "history finds the port", r.returncode, r.stderr)
    want = [(a, p) for p in pids for a in ("bind", "listen", "close")]
    expect(timeline(r, port) == want, "three steps: bind, listen, close of each, in order",
           timeline(r, port), want)
    for e in jlines(r):
        expect(e["process"]["executable"] == PYTHON_EXE and e["process"]["name"] == "python3",
               "each with its name and executable", e["process"])
    tab = run(ctx, "history", port, log).stdout.decode().splitlines()
    expect(len(tab) == 10 and tab[0].startswith("TIME HOST EVENT"), "a header and 9 rows", tab)
    expect(run(ctx, "history", port, "-p", pids[1], "-j", log).stdout.count(b"\n") == 3,
           "-p narrows to the second server's 3 events")
    shutil.rmtree(d)


def logrotate_conf(d, log, pid):
    """The shipped config, pointed at this test's log, its SIGHUP at pid."""
    with open(LOGROTATE_CONF) as f:
        conf = f.read()
    expect("/var/log/portsnoop/events.json" in conf and "systemctl kill --signal=HUP" in conf,
           "the shipped config is the one this test adapts", conf)
    conf = conf.replace("/var/log/portsnoop/events.json", log)
    conf = re.sub(r"systemctl kill --signal=HUP [^\n]*", "kill -HUP %d" % pid, conf)
    path = os.path.join(d, "logrotate.conf")
    with open(path, "w") as f:
        f.write(conf)
    return path


@test
def history_same_across_logrotate_and_gzip(ctx):
    if not shutil.which("logrotate"):
        raise Skip("logrotate is not installed (scripts/deps.sh installs it)")
    d = tempfile.mkdtemp(prefix="portsnoop-hist-")
    os.chmod(d, 0o755)
    logdir = os.path.join(d, "rotated")
    os.mkdir(logdir, 0o755)
    log = os.path.join(logdir, "events.json")
    control = os.path.join(d, "control.json")
    port = port_for(3)
    t = Log(ctx, log)
    c = Log(ctx, control)	# the same events, never rotated
    conf = logrotate_conf(d, log, t.proc.pid)
    state = os.path.join(d, "logrotate.state")

    def rotate():
        r = subprocess.run(["logrotate", "-f", "-s", state, conf], capture_output=True,
                           timeout=60)
        expect(r.returncode == 0, "logrotate -f", r.returncode, r.stderr)
        deadline = time.time() + WAIT
        while time.time() < deadline:	# reopened (logrotate creates no file)
            if os.path.exists(log):
                return
            time.sleep(0.05)
        raise AssertionError("portsnoop did not reopen %s after SIGHUP" % log)

    try:
        # One server holds the port across the first rotation: in the new
        # file it is only a state record.
        long = server(ctx, port, -1)
        settle(ctx, log, port, "listen", 1)
        rotate()
        settle(ctx, log, port, "listening", 1)	# the new file's state record
        during = time.time()
        time.sleep(0.2)
        long.stdin.close()
        long.wait(timeout=10)
        pids = [long.pid_reported] + three_in_turn(ctx, port,
                                                   lambda i: rotate() if i == 0 else None)
        settle(ctx, log, port, "close", 2)
        settle(ctx, control, port, "close", 4)
    finally:
        t.stop()
        c.stop()
    files = sorted(os.listdir(logdir))
    expect(files == ["events.json", "events.json.1", "events.json.2.gz"],
           "logrotate made a plain and a gzip'd rotated file", files)
    with gzip.open(os.path.join(logdir, "events.json.2.gz")) as f:
        expect(b'"port":%d' % port in f.read(), "the gzip'd file has the port's first events")
    want = run(ctx, "history", port, "-j", control)
    got = run(ctx, "history", port, "-j", logdir)
    expect(got.returncode == 0 and want.returncode == 0, "both answer", got.stderr, want.stderr)
    expect(timeline(got, port) == timeline(want, port), "the same history over the rotated "
           "files as over one file", timeline(got, port), timeline(want, port))
    expect([p for a, p in timeline(got, port) if a == "listen"] == pids,
           "four listens, one per server, in order", timeline(got, port), pids)
    for args in ([logdir], [os.path.join(logdir, "events.json.2.gz"),
                            os.path.join(logdir, "events.json.1")]):
        r = run(ctx, "who", port, "--at", iso(during), "-j", *args)
        held = jlines(r)
        expect(r.returncode == 0 and [h["process"]["pid"] for h in held] == [pids[0]],
               "who --at names the server that held it across the rotation", args, held,
               r.stderr)
    # The file written after the first rotation answers on its own: its
    # state records name the holder though its bind is in the older file.
    r = run(ctx, "who", port, "--at", iso(during), "-j",
            os.path.join(logdir, "events.json.1"))
    held = jlines(r)
    expect([h["process"]["pid"] for h in held] == [pids[0]] and
           held[0]["portsnoop"]["since_state_record"] is True,
           "the rotated file alone names the holder from its state records", held, r.stderr)
    shutil.rmtree(d)


def rewrite_host(lines, host, pid_add):
    out = []
    for line in lines:
        rec = json.loads(line)
        rec.setdefault("host", {})["name"] = host
        if "process" in rec:
            rec["process"]["pid"] += pid_add
        out.append(json.dumps(rec, separators=(",", ":")).encode())
    return out


@test
def history_of_many_hosts_and_bad_lines(ctx):
    d, log, port, (pid, during) = logged(ctx, 4, lambda port: serve_for(ctx, port, 0.5),
                                         "close", 1)
    with open(log, "rb") as f:
        lines = f.read().splitlines()
    fleet = os.path.join(d, "fleet")
    os.mkdir(fleet)
    a = rewrite_host(lines, "node-a", 0)
    b = rewrite_host(lines, "node-b", 100000)
    # A hostile name: the answer escapes it as live output does.
    b = [l.replace(b'"name":"python3"', b'"name":"py\\u001b[31m\\n"') for l in b]
    with open(os.path.join(fleet, "node-a.json"), "wb") as f:
        f.write(b"\n".join(a) + b"\n")
    old = [l.replace(b'"abi":5', b'"abi":4') for l in a]
    with open(os.path.join(fleet, "node-b.json.1"), "wb") as f:
        # Every kind of bad line: garbage, binary, one cut by a full disk
        # (its rest run into the next record), a 1 MiB line, another ABI's
        # log; then the good records, and a last line without its newline.
        f.write(b"not json at all\n\x00\x01\xff\xfe\n")
        binds = [l for l in b if b'"action":"bind"' in l and b'"port":%d' % port in l]
        f.write(binds[0][:60] + binds[0] + b"\n")
        f.write(b'{"x":"' + b"A" * (1 << 20) + b'"}\n')
        f.write(b"\n".join(old) + b"\n")
        f.write(b"\n".join(b) + b"\n")
        f.write(b'{"@timestamp":"2026-12-07T00:00:00Z","event":{"kind":"metric",'
                b'"action":"lost"},"host":{"name":"node-b"},"portsnoop":{"lost":7,'
                b'"lost_total":7}}\n')
        f.write(b[-1][:30])
    with gzip.open(os.path.join(fleet, "node-b.json.2.gz"), "wb") as f:
        f.write(b"\n".join(b[:1]) + b"\n")	# older: a start record
    r = run(ctx, "history", port, "-j", fleet)
    expect(r.returncode == 0, "history over the fleet's directory", r.returncode, r.stderr)
    got = [(e["host"]["name"], e["event"]["action"], e["process"]["pid"]) for e in jlines(r)]
    want = [(h, a, pid + add) for h, add in (("node-a", 0), ("node-b", 100000))
            for a in ("bind", "listen", "close")]
    expect(sorted(got) == sorted(want), "each host's three events, said which host", got, want)
    expect([x[1] for x in got] == ["bind", "bind", "listen", "listen", "close", "close"],
           "merged by time across the hosts' files", got)
    err = r.stderr.decode()
    for said in ("3 lines not a JSON object", "1 line longer than", "1 file ended in a line "
                 "without its newline", "written by a portsnoop of ABI 4",
                 "the logs say 7 events were lost"):
        expect(said in err, "said on stderr: " + said, err)
    expect(len(err.splitlines()) == 5, "one line per kind of bad input", err)
    r = run(ctx, "history", port, "--host", "node-b", fleet)
    rows = r.stdout.decode().splitlines()[1:]
    expect(len(rows) == 3 and all(" node-b " in x for x in rows), "--host narrows", rows)
    expect(all("py\\x1b[31m\\x0a" in x for x in rows) and b"\x1b" not in r.stdout,
           "the hostile name escaped in the table", rows)
    r = run(ctx, "history", port, "--host", "node-b", "-j", fleet)
    expect(b"\\u001b" in r.stdout and b"\x1b" not in r.stdout, "and in JSON", r.stdout[:300])
    r = run(ctx, "who", port, "--at", iso(during), "-j", fleet)
    expect(sorted((h["host"]["name"], h["process"]["pid"]) for h in jlines(r)) ==
           [("node-a", pid), ("node-b", pid + 100000)], "who --at names both hosts' holders",
           r.stdout, r.stderr)
    shutil.rmtree(d)


@test
def history_bad_arguments(ctx):
    for args, said in ((["history", "--since", "yesterday"], b"invalid --since"),
                       (["who", "80", "--at", "2026-13-01T00:00:00Z"], b"invalid --at"),
                       (["who", "--at", "1h"], b"needs a port"),
                       (["history", "--at", "1h"], b"--at is who's"),
                       (["history", "/nonexistent/events.json"], b"cannot read")):
        r = run(ctx, *args)
        expect(r.returncode in (1, 2) and said in r.stderr and
               len(r.stderr.splitlines()) >= 1, "a clear error for %s" % args, r.returncode,
               r.stderr)


def synthetic(ts, action, pid, port):
    return ('{"@timestamp":"2026-12-07T03:12:%02d.000000000Z","process":{"pid":%d,'
            '"name":"srv"},"event":{"kind":"event","action":"%s","outcome":"success"},'
            '"network":{"transport":"tcp","type":"ipv4"},"server":{"ip":"127.0.0.1",'
            '"port":%d},"host":{"name":"h"},"portsnoop":{"cookie":%d}}\n' % (
                ts, pid, action, port, pid)).encode()


@test
def history_reads_the_files_it_opened(ctx):
    """A rotation while history reads changes nothing read: every file of a
    log is opened before the first is read. The older file is a FIFO here,
    so history waits in it, with the newer one open; the test rotates the
    newer one meanwhile (a reader that opened files as it reached them
    would read the new file instead)."""
    d = tempfile.mkdtemp(prefix="portsnoop-hist-")
    log = os.path.join(d, "events.json")
    os.mkfifo(log + ".1")
    fifo = os.open(log + ".1", os.O_RDWR)	# a writer, so history's open returns
    with open(log, "wb") as f:
        # The close is stamped before the bind: a step back, said.
        f.write(synthetic(2, "listen", 101, 9000) + synthetic(0, "close", 101, 9000))
    p = subprocess.Popen([ctx.binary, "history", "9000", "-j", log, log + ".1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(0.3)	# both open; reading the FIFO, which is empty
        os.rename(log, log + ".2")
        with open(log, "wb") as f:
            f.write(synthetic(3, "bind", 999, 9000))
        os.write(fifo, synthetic(1, "bind", 101, 9000))
        os.close(fifo)
        out, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    got = [(e["event"]["action"], e["process"]["pid"]) for e in
           (json.loads(l) for l in out.splitlines())]
    expect(got == [("bind", 101), ("listen", 101), ("close", 101)],
           "what was opened is what was read", got, err)
    expect(b"1 record older than the record before them" in err, "the step back said", err)
    shutil.rmtree(d)


@test
def history_filters(ctx):
    """--since/--until (RFC 3339, local, relative), -p, --comm, --container,
    --failed and ADDR:PORT, over records whose answers are known."""
    d = tempfile.mkdtemp(prefix="portsnoop-hist-")
    log = os.path.join(d, "events.json")
    cid = "ab" * 32
    now = time.time()

    def rec(ago, action, pid, comm, port, ip="127.0.0.1", outcome="success", extra=""):
        return ('{"@timestamp":"%s","process":{"pid":%d,"name":"%s"},"event":{"kind":'
                '"event","action":"%s","outcome":"%s"},"network":{"transport":"tcp"},'
                '"server":{"ip":"%s","port":%d},"host":{"name":"h"}%s}\n' % (
                    iso(now - ago), pid, comm, action, outcome, ip, port, extra))
    with open(log, "w") as f:
        f.write(rec(7200, "bind", 1, "old", 7000))
        f.write(rec(1800, "bind", 2, "web", 7000, ip="0.0.0.0",
                    extra=',"container":{"id":"%s"}' % cid))
        f.write(rec(600, "bind", 3, "late", 7000, outcome="failure",
                    extra=',"error":{"code":"EADDRINUSE"}'))
        f.write(rec(60, "bind", 4, "other", 7000, ip="10.1.2.3"))

    def pids(*args):
        r = run(ctx, "history", *args, "-j", log)
        expect(r.returncode in (0, 1), "history %s" % (args,), r.returncode, r.stderr)
        return [e["process"]["pid"] for e in jlines(r)]

    cases = ((["7000"], [1, 2, 3, 4]), (["--since", "1h"], [2, 3, 4]),
             (["--since", "45m", "--until", "5m"], [2, 3]),
             (["--since", iso(now - 700)], [3, 4]),
             (["--until", time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now - 3600))], [1]),
             (["-p", "3"], [3]), (["--comm", "web"], [2]), (["--container", cid[:12]], [2]),
             (["--failed"], [3]), (["127.0.0.1:7000"], [1, 2, 3]),
             (["10.1.2.3:7000"], [2, 4]), (["7000/udp"], []), (["7001"], []))
    for args, want in cases:
        expect(pids(*args) == want, "history %s" % args, pids(*args), want)
    shutil.rmtree(d)

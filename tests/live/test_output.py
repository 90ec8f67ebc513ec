# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: escaping in JSON and the table, the JSON Schema, and the sinks:
rotation, a full disk, syslog, journald.
"""
import glob
import uuid

from harness import *  # noqa: F401,F403
from harness import _wait_stderr


NASTY_COMM = 'a"b\n\x1b[31mz'


@test
def json_escapes_comm(ctx):
    w = Work(ctx, "--comm", NASTY_COMM, "bind", "udp", 4, "127.0.0.1", 0)
    w.report["comm"] = NASTY_COMM
    ev = one(ctx.tracer.of_pid(w.pid, "bind"), "bind")
    check_process(ctx, ev, w)
    with ctx.tracer.lock:
        expect(not ctx.tracer.bad_lines, "every line is JSON", ctx.tracer.bad_lines)


@test
def table_escapes_comm(ctx):
    t = subprocess.Popen([ctx.portsnoop], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_stderr(t, READY)
        w = Work(ctx, "--comm", NASTY_COMM, "bind", "udp", 4, "127.0.0.1", 0)
        time.sleep(0.5)
    finally:
        t.send_signal(signal.SIGINT)
        out, _ = t.communicate(timeout=STOP_WAIT)
    lines = [l for l in out.split(b"\n") if re.search(rb"\b%d\b" % w.pid, l)]
    expect(len(lines) == 2, "one bind and one close line", lines)
    for line in lines:
        expect(b"\x1b" not in line, "no raw escape character", line)
        expect(b'a"b\\x0a\\x1b[31mz' in line, "comm escaped as text", line)
        expect(b" bind " in lines[0] and b"127.0.0.1:%d" % w.port in lines[0],
               "bind line", lines[0])


SCHEMA = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "schema",
                      "portsnoop.schema.json")
HOSTILE_ARG0 = b'x"y\n\x1b[31m\xff\xe2\x80\xae}'


def validator():
    try:
        import jsonschema
    except ImportError:
        raise Skip("python3-jsonschema is not installed")
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@test
def every_record_matches_the_schema(ctx):
    v = validator()
    lines = []
    # A listener older than portsnoop: a state record (the machine may have none).
    old = Work(ctx, "listen", "tcp", 6, "::1", 0, 5, hold=True)
    t = subprocess.Popen([ctx.portsnoop, "--json", "--ringbuf", "4K"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        _wait_stderr(t, READY)
        holder = Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True)
        Work(ctx, "bind", "tcp", 4, "127.0.0.1", holder.port)          # EADDRINUSE + holders
        Work(ctx, "connect", "tcp", 4, "127.0.0.1", holder.port)       # connect + outcome
        Work(ctx, "connect", "tcp", 6, "::1", 9, "nonblock")            # in progress, refused
        Work(ctx, "connect", "udp", 4, "127.0.0.1", 53)
        Work(ctx, "bind", "udp", 6, "2001:db8::1", 53)                  # EADDRNOTAVAIL
        # Text a process controls: comm and argv with quotes, newline, ESC,
        # invalid UTF-8 and a bidi override.
        subprocess.run(["ip", "netns", "exec", ctx.ns.name, "/usr/bin/python3", "-c",
                        "import os,sys; os.execv(sys.argv[1], [sys.argv[2].encode('latin1')] + "
                        "sys.argv[3:])", ctx.sockwork, HOSTILE_ARG0.decode("latin1"),
                        "--comm", 'c"\n\x1b', "--linger", "200", "bind", "udp", "4",
                        "127.0.0.1", "0"], check=True, capture_output=True)
        time.sleep(0.4)
        holder.release()
        # Freeze the reader behind the 4 KiB ring: a lost record follows.
        t.send_signal(signal.SIGSTOP)
        subprocess.run([os.path.join(ctx.build, "bench", "bindloop"), "300"],
                       capture_output=True, check=True)
        t.send_signal(signal.SIGCONT)
        time.sleep(1.5)
    finally:
        t.send_signal(signal.SIGCONT)
        t.send_signal(signal.SIGINT)
        out, _ = t.communicate(timeout=20)
        old.release()
    lines += out.splitlines()
    r = subprocess.run([ctx.portsnoop, "ls", "--json"], capture_output=True, timeout=60)
    lines += r.stdout.splitlines()
    pool = workers(ctx, ctx.ns.name, 1, "/dev/null")
    try:
        r = subprocess.run([ctx.portsnoop, "who", str(pool.report["port"]), "--json"],
                           capture_output=True, timeout=60)
        lines += r.stdout.splitlines()
    finally:
        pool.stdin.close()
        pool.wait(timeout=10)
    seen = set()
    hostile = []
    for line in lines:
        rec = json.loads(line)          # every line parses on its own
        errors = sorted(v.iter_errors(rec), key=str)
        expect(not errors, "schema", errors[:1], rec)
        seen.add((rec["event"]["kind"], rec["event"]["action"]))
        if rec.get("process", {}).get("name") == 'c"\n\x1b':
            hostile.append(rec)
    want = {("event", a) for a in ("start", "bind", "listen", "connect", "outcome", "close")}
    want |= {("metric", "lost"), ("metric", "stop"), ("state", "listening"),
             ("state", "held")}
    expect(want <= seen, "every kind of record was checked", sorted(want - seen))
    expect(hostile, "the hostile process was reported")
    for rec in hostile:
        expect(rec["process"]["args"][0] == 'x"y\n\x1b[31m\ufffd\u202e}',
               "argv[0] kept, with U+FFFD for the invalid byte", rec["process"]["args"])


def rotate_case(ctx, log):
    """Events into a file while logrotate-style renames and SIGHUPs happen."""
    n = 60000
    t = subprocess.Popen([ctx.portsnoop, "--json", "--no-initial", "--ringbuf", "64M",
                          "-o", log], stderr=subprocess.PIPE)
    _wait_stderr(t, READY)
    loop = subprocess.Popen([os.path.join(ctx.build, "bench", "bindloop"), str(n)],
                            stdout=subprocess.PIPE)
    rotated = []
    try:
        for i in range(3):
            time.sleep(0.1)
            os.rename(log, "%s.%d" % (log, i))
            rotated.append("%s.%d" % (log, i))
            t.send_signal(signal.SIGHUP)
            # As logrotate would: the next rotation once the file is back.
            deadline = time.time() + 10
            while not os.path.exists(log) and time.time() < deadline:
                time.sleep(0.01)
        pid = json.loads(loop.communicate(timeout=60)[0])["pid"]
        time.sleep(0.5)
        t.send_signal(signal.SIGINT)
        _, err = t.communicate(timeout=20)
    finally:
        if t.poll() is None:
            t.kill()
        if loop.poll() is None:
            loop.kill()
    return pid, n, rotated + [log], err, t.returncode


@test
def rotation_loses_nothing(ctx):
    d = tempfile.mkdtemp(prefix="portsnoop-live-")
    log = os.path.join(d, "events.json")
    try:
        pid, n, files, err, rc = rotate_case(ctx, log)
        expect(rc == 0, "clean exit", rc, err)
        count = lost = 0
        for f in files:
            with open(f, "rb") as fh:
                data = fh.read()
            expect(data.endswith(b"\n") or not data, "no line cut at the end of", f)
            for line in data.splitlines():
                rec = json.loads(line)
                if rec.get("process", {}).get("pid") == pid:
                    count += 1
                if rec["event"]["action"] == "stop":
                    lost = rec["portsnoop"]["lost_total"]
        # Lines the rotation lost would be counted nowhere: delivered + lost
        # (in the kernel, counted) must still be every event.
        expect(count + lost == 2 * n, "every bind and close once, across %d files" % len(files),
               count, lost, 2 * n)
        expect(len([f for f in files if os.path.getsize(f) > 0]) >= 2,
               "lines went to the files opened after SIGHUP too")
    finally:
        shutil.rmtree(d)


@test
def full_disk_is_reported_once(ctx):
    with full_disk(ctx) as (_, log, t):
        w = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0)
        time.sleep(0.5)
        expect(t.poll() is None, "still tracing with the disk full")
        t.send_signal(signal.SIGINT)
        _, err = t.communicate(timeout=20)
        expect(err.count(b"cannot write output") == 1, "said once", err)
        expect(b"No space left on device" in err, "says why", err)
        m = re.search(rb"(\d+) lines not written", err)
        expect(m and int(m.group(1)) > 0, "counted", err)
        expect(t.returncode == 1, "exit 1: lines were lost", t.returncode)
        with open(log, "rb") as f:
            data = f.read()
        expect(not data or data.endswith(b"\n"), "no half line at the end")
        for line in data.splitlines():
            json.loads(line)
        expect(w.pid, "workload ran")


@test
def syslog_to_a_real_rsyslogd(ctx):
    rsyslogd = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
    if not os.path.exists(rsyslogd):
        raise Skip("rsyslogd is not installed")
    d = tempfile.mkdtemp(prefix="portsnoop-rsyslog-")
    sock, out = os.path.join(d, "log"), os.path.join(d, "out.log")
    with open(os.path.join(d, "rsyslog.conf"), "w") as f:
        f.write('global(workDirectory="%s")\n'
                'module(load="imuxsock" SysSock.Use="off")\n'
                'input(type="imuxsock" Socket="%s" UseSpecialParser="off")\n'
                'template(name="t" type="string" '
                'string="%%pri%%|%%msgid%%|%%structured-data%%|%%msg%%\\n")\n'
                '*.* action(type="omfile" file="%s" template="t")\n' % (d, sock, out))
    rs = subprocess.Popen([rsyslogd, "-n", "-f", os.path.join(d, "rsyslog.conf"),
                           "-i", os.path.join(d, "pid")], stderr=subprocess.PIPE)
    t = None
    try:
        deadline = time.time() + 10
        while not os.path.exists(sock) and time.time() < deadline:
            time.sleep(0.05)
        expect(os.path.exists(sock), "rsyslogd is listening")
        t = subprocess.Popen([ctx.portsnoop, "--syslog=" + sock, "--no-initial"],
                             stderr=subprocess.PIPE)
        _wait_stderr(t, READY)
        holder = Work(ctx, "bind", "udp", 4, "127.0.0.1", 0, hold=True)
        failed = Work(ctx, "bind", "udp", 4, "127.0.0.1", holder.port)
        holder.release()
        time.sleep(0.5)
        t.send_signal(signal.SIGINT)
        t.communicate(timeout=20)
        deadline = time.time() + 10
        lines = []
        while time.time() < deadline:
            if os.path.exists(out):
                with open(out) as f:
                    lines = [l.rstrip("\n").split("|", 3) for l in f]
                if len(lines) >= 3:
                    break
            time.sleep(0.1)
        def find(pid, msgid):
            return [l for l in lines if l[1] == msgid and 'process.pid="%d"' % pid in l[2]]
        ok = one(find(holder.pid, "bind"), "bind message")
        expect(ok[0] == "30", "daemon.info", ok)
        expect('server.port="%d"' % holder.port in ok[2], "port as structured data", ok)
        bad = one(find(failed.pid, "bind"), "failed bind message")
        expect(bad[0] == "28", "daemon.warning for a failure", bad)
        expect('error.code="EADDRINUSE"' in bad[2], "errno as structured data", bad)
        expect("EADDRINUSE" in bad[3], "the table line as the message", bad)
        one(find(holder.pid, "close"), "close message")
    finally:
        if t and t.poll() is None:
            t.kill()
        rs.terminate()
        rs.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


@test
def journald_native_fields(ctx):
    # A stand-in for journald: the native protocol is one datagram per entry,
    # NAME=value lines (a value with a newline would use the binary form).
    d = tempfile.mkdtemp(prefix="portsnoop-journal-")
    path = os.path.join(d, "socket")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    srv.bind(path)
    srv.settimeout(0.2)
    t = subprocess.Popen([ctx.portsnoop, "--journald=" + path, "--no-initial"],
                         stderr=subprocess.PIPE)
    entries = []
    try:
        _wait_stderr(t, READY)
        w = Work(ctx, "--comm", 'j"x\n', "bind", "udp", 6, "::1", 0)
        deadline = time.time() + 5
        while time.time() < deadline and len([e for e in entries if e.get("PID") == str(w.pid)]) < 2:
            try:
                data = srv.recv(65536)
            except socket.timeout:
                continue
            entry = {}
            for line in data.split(b"\n"):
                expect(line == b"" or b"=" in line, "NAME=value lines only", data)
                if line:
                    k, _, v = line.partition(b"=")
                    expect(re.fullmatch(rb"[A-Z0-9_]+", k), "a journal field name", k)
                    entry[k.decode()] = v.decode()
            expect(data.endswith(b"\n"), "every field ends in a newline", data)
            entries.append(entry)
    finally:
        t.send_signal(signal.SIGINT)
        t.communicate(timeout=20)
        srv.close()
        shutil.rmtree(d, ignore_errors=True)
    mine = [e for e in entries if e.get("PID") == str(w.pid)]
    bind = one([e for e in mine if e.get("EVENT_ACTION") == "bind"], "bind entry")
    expect(bind["MESSAGE_ID"] == "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d01", "bind's MESSAGE_ID", bind)
    expect(bind["LOCAL_PORT"] == str(w.port) and bind["LOCAL_ADDR"] == "::1", "address", bind)
    expect(bind["COMM"] == 'j"x\\x0a', "comm, escaped", bind["COMM"])
    expect(bind["PRIORITY"] == "6" and bind["SYSLOG_IDENTIFIER"] == "portsnoop", "meta", bind)
    expect("ERRNO" not in bind, "no errno on success", bind)
    expect(bind["PROCESS_PID"] == str(w.pid) and bind["SERVER_PORT"] == str(w.port),
           "every JSON field too", bind)
    one([e for e in mine if e.get("EVENT_ACTION") == "close"], "close entry")


# --- journald, for real ----------------------------------------------------
# Debian's own systemd-journald, without systemd as PID 1: in a mount
# namespace of its own with a tmpfs on /run (so /run/systemd/journal/socket
# is made there, not on the host) and a directory of the test's bound on
# /run/log, where it keeps the journal; portsnoop reaches its socket through
# /proc/PID/root. The entries are read back with journalctl, by the queries a
# user would type (MESSAGE_ID=..., PID=..., -p warning).

JOURNALD = "/lib/systemd/systemd-journald"
MSGID = {"bind": "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d01", "listen": "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d02",
         "connect": "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d03", "outcome": "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d04",
         "close": "6f1d3a0c2b8e4d7a9c5e1f2a3b4c5d05"}
CONF = """[Journal]
Storage=volatile
ReadKMsg=no
RateLimitBurst=0
ForwardToSyslog=no
ForwardToWall=no
Audit=no
"""


class Journald(Daemon):
    """Debian's systemd-journald in a private mount namespace."""

    def __init__(self):
        if not os.access(JOURNALD, os.X_OK):
            raise Skip("%s is not installed (package systemd)" % JOURNALD)
        self.dir = tempfile.mkdtemp(prefix="portsnoop-journald-")
        os.mkdir(os.path.join(self.dir, "log"))
        conf = os.path.join(self.dir, "journald.conf")
        with open(conf, "w") as f:
            f.write(CONF)
        binds = [(conf, "/etc/systemd/journald.conf")]
        try:
            with open("/etc/machine-id") as f:
                mid = f.read().strip()
        except OSError:
            raise Skip("no /etc/machine-id to bind a machine id over")
        if not re.fullmatch(r"[0-9a-f]{32}", mid):
            # An empty machine-id (container images): journald needs one.
            mid = uuid.uuid4().hex
            with open(os.path.join(self.dir, "machine-id"), "w") as f:
                f.write(mid + "\n")
            binds.append((os.path.join(self.dir, "machine-id"), "/etc/machine-id"))
        if not os.path.exists("/etc/systemd/journald.conf"):
            binds.pop(0)  # nothing to bind over: the defaults, rate limits included
        script = ("set -e; mount -t tmpfs tmpfs /run; mkdir -p /run/systemd /run/log; "
                  "mount --bind %s/log /run/log; " % self.dir
                  + "".join("mount --bind %s %s; " % b for b in binds)
                  + "exec %s" % JOURNALD)
        self.log = open(os.path.join(self.dir, "journald.out"), "w+")
        self.proc = subprocess.Popen(["unshare", "-m", "--propagation", "private",
                                      "sh", "-c", script], stdout=self.log, stderr=self.log)
        self.socket = "/proc/%d/root/run/systemd/journal/socket" % self.proc.pid
        deadline = time.time() + 10
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None or time.time() > deadline:
                self.log.seek(0)
                out = self.log.read()
                self.stop()
                raise AssertionError("systemd-journald did not start: " + out)
            time.sleep(0.05)
        self.machine_id = mid

    def query(self, *match, priority=None):
        d = glob.glob(os.path.join(self.dir, "log", "journal", "*"))
        expect(len(d) == 1, "one journal directory", d)
        cmd = ["journalctl", "--directory=" + d[0], "-o", "json", "--no-pager"]
        if priority:
            cmd += ["-p", priority]
        r = subprocess.run(cmd + list(match), capture_output=True, text=True, timeout=30)
        expect(r.returncode == 0, "journalctl", cmd + list(match), r.stderr)
        return [json.loads(l) for l in r.stdout.splitlines() if l.strip()]


@test
def journald_real_fields_priorities_ids(ctx):
    j = Journald()
    t = None
    try:
        t = subprocess.Popen([ctx.portsnoop, "--journald=" + j.socket, "--no-initial"],
                             stderr=subprocess.PIPE)
        _wait_stderr(t, READY)
        srv = Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True)
        busy = Work(ctx, "bind", "tcp", 4, "127.0.0.1", srv.port)   # EADDRINUSE
        conn = Work(ctx, "connect", "tcp", 4, "127.0.0.1", srv.port)
        srv.release()
        time.sleep(0.5)
        t.send_signal(signal.SIGINT)
        _, err = t.communicate(timeout=20)
        expect(t.returncode == 0, "portsnoop exits 0", t.returncode, err)
        expect(b", 0 lost" in err, "nothing lost", err)

        def entry(action, w):
            # What a user types: journalctl MESSAGE_ID=<the action's id> PID=<pid>
            e = one(j.query("MESSAGE_ID=" + MSGID[action], "PID=%d" % w.pid),
                    "%s entry of pid %d" % (action, w.pid))
            expect(e["SYSLOG_IDENTIFIER"] == "portsnoop" and e["_PID"] == str(t.pid) and
                   e["_TRANSPORT"] == "journal", "sent by portsnoop, natively", e)
            expect(e["COMM"] == "sockwork" and e["PROCESS_PID"] == str(w.pid),
                   "the process's name and pid", e)
            expect(e["EVENT_ACTION"] == action and e["MESSAGE"].split()[1] == str(w.pid),
                   "the action, and the table line as MESSAGE", e["MESSAGE"])
            expect(e["PORTSNOOP_NETNS"] == str(ctx.ns.inode), "netns", e)
            return e

        b = entry("bind", srv)
        expect(b["PRIORITY"] == "6" and "ERRNO" not in b, "info, no errno", b)
        expect(b["LOCAL_ADDR"] == "127.0.0.1" and b["LOCAL_PORT"] == str(srv.port) and
               b["SERVER_PORT"] == str(srv.port), "the bound address", b)
        li = entry("listen", srv)
        expect(li["PRIORITY"] == "6" and li["LOCAL_PORT"] == str(srv.port), "listen", li)
        bad = entry("bind", busy)
        expect(bad["PRIORITY"] == "4", "a failed call is a warning", bad)
        expect(bad["ERRNO"] == str(errno.EADDRINUSE) and bad["ERROR_CODE"] == "EADDRINUSE",
               "ERRNO as a number, the name in ERROR_CODE", bad)
        expect(bad["LOCAL_PORT"] == str(srv.port), "the port asked for", bad)
        c = entry("connect", conn)
        expect(c["REMOTE_ADDR"] == "127.0.0.1" and c["REMOTE_PORT"] == str(srv.port) and
               c["LOCAL_PORT"] == str(conn.port), "both ends", c)
        o = entry("outcome", conn)
        expect(o["PRIORITY"] == "6" and "established" in o["MESSAGE"], "established", o)
        cl = entry("close", srv)
        expect(cl["LOCAL_PORT"] == str(srv.port) and
               cl["PORTSNOOP_COOKIE"] == b["PORTSNOOP_COOKIE"], "the same socket closed", cl)
        # journalctl -p warning: the failure and nothing else of these processes.
        warn = [e for e in j.query("SYSLOG_IDENTIFIER=portsnoop", priority="warning")
                if e.get("PID") in (str(srv.pid), str(busy.pid), str(conn.pid))]
        expect([e["PID"] for e in warn] == [str(busy.pid)], "-p warning: the failed bind",
               [e["MESSAGE"] for e in warn])
    finally:
        if t and t.poll() is None:
            t.kill()
            t.wait()
        j.stop()


def table_run(ctx, work, env=None, tty_cols=None):
    """portsnoop's table while work() runs: to a pipe, or to a pty that
    says it has tty_cols columns."""
    import fcntl
    import pty
    import struct
    import termios
    env = dict(os.environ if env is None else env)
    master = None
    if tty_cols:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, tty_cols, 0, 0))
        t = subprocess.Popen([ctx.portsnoop, "--no-initial"], stdout=slave,
                             stderr=subprocess.PIPE, env=env)
        os.close(slave)
    else:
        t = subprocess.Popen([ctx.portsnoop, "--no-initial"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)
    try:
        _wait_stderr(t, READY)
        work()
        time.sleep(0.5)
    finally:
        t.send_signal(signal.SIGINT)
        if master is None:
            out, _ = t.communicate(timeout=20)
        else:
            t.wait(timeout=20)
            out = b""
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            os.close(master)
    return out.decode().replace("\r\n", "\n").splitlines()


@test
def table_fits_80_columns_and_grows_with_the_terminal(ctx):
    ws = []
    def work():
        ws.append(Work(ctx, "bind", "udp", 4, "127.0.0.1", 0))
        ws.append(Work(ctx, "connect", "udp", 4, "127.0.0.1", 9))
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    lines = table_run(ctx, work, env=env)
    expect(lines[0].split() == ["TIME", "PID", "COMM", "EVENT", "PROTO", "ADDRESS", "RESULT"],
           "80 columns: one address column", lines[0])
    mine = [l for l in lines if re.search(r"\b(%d|%d)\b" % (ws[0].pid, ws[1].pid), l)]
    expect({"bind", "close", "connect"} <= {l.split()[3] for l in mine}, "bind, close, connect",
           lines)
    for l in [lines[0], *mine]:
        expect(len(l) <= 80, "fits 80 columns", l)
        expect(l.index(l.split()[5]) == lines[0].index("ADDRESS"), "aligned", lines[0], l)
    conn = one([l for l in mine if " connect " in l], "connect line")
    expect(conn.split()[5] == "127.0.0.1:9", "ADDRESS of a connect: where it goes", conn)
    ws.clear()
    lines = table_run(ctx, work, tty_cols=120)
    expect(lines[0].split() == ["TIME", "PID", "COMM", "EVENT", "PROTO", "LOCAL", "REMOTE",
                                "RESULT"], "a 120-column terminal: both ends", lines[0])
    expect(len(lines[0]) <= 120, "fits the terminal", lines[0])
    conn = one([l for l in lines if re.search(r"\b%d\b.* connect " % ws[1].pid, l)], "conn")
    expect(conn.split()[6] == "127.0.0.1:9" and
           conn.index(" ok") + 1 == lines[0].index("RESULT"), "wide row aligned", conn)
    ws.clear()
    # 132 columns: the namespace by its `ip netns` name, and the container.
    lines = table_run(ctx, work, tty_cols=132)
    expect(lines[0].split() == ["TIME", "PID", "COMM", "EVENT", "PROTO", "LOCAL", "REMOTE",
                                "NETNS", "CONTAINER", "RESULT"], "a 132-column terminal: "
           "the namespace and the container", lines[0])
    expect(all(len(l) <= 132 for l in lines), "fits the terminal", lines)
    conn = one([l for l in lines if re.search(r"\b%d\b.* connect " % ws[1].pid, l)], "conn")
    expect(conn.split()[7:10] == [ctx.ns.name, "-", "ok"], "NETNS names the test's "
           "namespace as ip netns does; no container", conn)
    ws.clear()
    lines = table_run(ctx, work, env=dict(env, COLUMNS="100"))
    expect("ADDRESS" in lines[0], "$COLUMNS is honoured", lines[0])


@test
def ls_columns_stay_aligned_with_long_addresses(ctx):
    addr = "2001:db8:1234:5678:9abc:def0:1234:5678"
    subprocess.run(["ip", "-n", ctx.ns.name, "addr", "add", addr + "/128", "dev", "lo",
                    "nodad"], check=True)
    w = Work(ctx, "listen", "tcp", 6, addr, 0, 5, hold=True)
    # A short row of the test's own (a VM may have no other listener), in the
    # host's namespace: the test's has a name longer than NETNS at 80.
    s = Work(ctx, "listen", "tcp", 4, "127.0.0.1", 0, 5, hold=True, host_netns=True)
    def ls(columns=None):
        env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
        if columns:
            env["COLUMNS"] = str(columns)
        return subprocess.run([ctx.portsnoop, "ls"], capture_output=True, text=True,
                              timeout=60, env=env).stdout.splitlines()

    def aligned(out, rows, what):
        head = out[0]
        for col in ("RECV-Q", "SEND-Q", "NETNS", "USER", "PROCESSES"):
            expect(all(l[head.index(col) - 1] == " " and l[head.index(col)] != " "
                       for l in rows), "every %s's %s under its header" % (what, col), head)

    def regular(out):
        """Rows whose every cell fits its column (other tests' namespaces
        may have names longer than NETNS grows)."""
        names = out[0].split()
        starts = [out[0].index(n) for n in names]
        widths = [b - a - 1 for a, b in zip(starts, starts[1:])]
        return [l for l in out[1:] if len(l.split()) >= len(names) and
                all(len(c) <= wd for c, wd in zip(l.split(), widths))]

    try:
        # 200 columns: LOCAL grows to hold the long address, every row in line.
        out = ls(200)
        row = one([l for l in out if "[%s]:%d" % (addr, w.port) in l], "the long one")
        expect(row in regular(out), "the long row fits its columns at 200", out[0], row)
        aligned(out, regular(out), "row")
        expect(row.split()[-1] == "sockwork[%d]/3" % w.pid, "holder and fd", row)
        expect(all(len(l) <= 200 for l in out), "200 columns", out)
        # Into a pipe (80): the header fits 80, the long address pushes its
        # own row only (one line, for grep); the other rows stay in line.
        out = ls()
        expect(len(out[0]) <= 80, "the header fits 80", out[0])
        row = one([l for l in out if "[%s]:%d" % (addr, w.port) in l], "the long one")
        expect(row.split()[-1] == "sockwork[%d]/3" % w.pid, "holder and fd", row)
        expect(row not in regular(out), "the long one pushes its own row", row)
        short = regular(out)
        expect(short, "rows with short addresses besides the long one", out)
        aligned(out, short, "short row")
        # A terminal of 80 (COLUMNS): no line is longer, the long row goes on
        # on an indented line.
        out = ls(80)
        expect(all(len(l) <= 80 for l in out), "80 columns", out)
        i = out.index(one([l for l in out if "[%s]:%d" % (addr, w.port) in l], "long"))
        expect(out[i + 1].startswith(" ") and "sockwork[%d]/3" % w.pid in out[i + 1],
               "its holder on the indented line after it", out[i:i + 2])
        expect(any("127.0.0.1:%d" % s.port in l for l in short), "the test's short "
               "listener is among the rows in line", short)
    finally:
        w.release()
        s.release()
        subprocess.run(["ip", "-n", ctx.ns.name, "addr", "del", addr + "/128", "dev", "lo"])


@test
def events_tell_device_and_scope(ctx):
    """bind, listen, connect, its outcome and close name the device a socket is
    bound to (SO_BINDTODEVICE, or a link-local address's scope), in JSON
    (portsnoop.interface) and in the table ([fe80::1]%d0:P) as ls does."""
    ns = ["ip", "-n", ctx.ns.name]
    subprocess.run(ns + ["link", "add", "d0", "type", "veth", "peer", "name", "d0p"],
                   check=True)
    ws = {}
    try:
        for dev, addr in (("d0", "fe80::1"), ("d0p", "fe80::2")):
            subprocess.run(ns + ["link", "set", dev, "up"], check=True)
            subprocess.run(ns + ["addr", "add", addr + "/64", "dev", dev, "nodad"],
                           check=True)

        def work():
            ws["dev"] = Work(ctx, "--dev", "d0", "bind", "udp", 4, "0.0.0.0", 9561)
            ws["plain"] = Work(ctx, "bind", "udp", 4, "0.0.0.0", 9562)
            ws["scoped"] = Work(ctx, "listen", "tcp", 6, "fe80::1%d0", 9563, 5, hold=True)
            ws["taken"] = Work(ctx, "bind", "tcp", 6, "fe80::1%d0", 9563)
            ws["conn"] = Work(ctx, "connect", "tcp", 6, "fe80::1%d0", 9563)
            ws["scoped"].release()
        env = dict(os.environ, COLUMNS="120")  # wide: LOCAL and REMOTE
        try:
            lines = table_run(ctx, work, env=env)
        finally:
            if "scoped" in ws and ws["scoped"].proc.poll() is None:
                ws["scoped"].release()
        for k in ("dev", "scoped", "conn"):
            expect(ws[k].report["errno"] == 0, k + " worked", ws[k].report)
        expect(ws["taken"].report["errno"] == errno.EADDRINUSE, "taken", ws["taken"].report)

        def ev(k, action):
            return one(ctx.tracer.of_pid(ws[k].pid, action), "%s %s" % (k, action))

        def iface(e):
            return e["portsnoop"].get("interface")

        dev_bind = ev("dev", "bind")
        expect(iface(dev_bind) == "d0", "SO_BINDTODEVICE: bind", dev_bind)
        expect(dev_bind["server"] == {"ip": "0.0.0.0", "port": 9561}, "its address", dev_bind)
        expect(iface(ev("dev", "close")) == "d0", "its close", ev("dev", "close"))
        expect(iface(ev("plain", "bind")) is None, "no device: no interface",
               ev("plain", "bind"))
        for action in ("bind", "listen", "close"):
            e = ev("scoped", action)
            expect(iface(e) == "d0", "link-local scope: " + action, e)
            expect(e["server"] == {"ip": "fe80::1", "port": 9563}, "the address itself", e)
        taken = ev("taken", "bind")
        expect(taken["portsnoop"].get("requested") is True and iface(taken) == "d0" and
               taken["error"]["code"] == "EADDRINUSE", "a failed bind: the requested scope",
               taken)
        conn = ev("conn", "connect")
        cport = conn["source"]["port"]
        expect(iface(conn) == "d0" and conn["source"]["ip"] == "fe80::1" and
               conn["destination"] == {"ip": "fe80::1", "port": 9563},
               "connect to a scoped address: bound to its device", conn)
        out = ev("conn", "outcome")
        expect(iface(out) == "d0" and out["event"]["outcome"] == "success", "its outcome", out)

        head = lines[0].split()
        expect(head == ["TIME", "PID", "COMM", "EVENT", "PROTO", "LOCAL", "REMOTE", "RESULT"],
               "the wide table", lines[0])

        def row(k, event):
            return one([dict(zip(head, l.split()[:len(head)])) for l in lines[1:]
                        if l.split()[1:2] == [str(ws[k].pid)] and l.split()[3] == event],
                       "%s %s row" % (k, event))
        expect(row("dev", "bind")["LOCAL"] == "0.0.0.0%d0:9561", "table: device",
               row("dev", "bind"))
        expect(row("dev", "close")["LOCAL"] == "0.0.0.0%d0:9561", "table: its close",
               row("dev", "close"))
        expect(row("plain", "bind")["LOCAL"] == "0.0.0.0:9562", "table: none",
               row("plain", "bind"))
        for event in ("bind", "listen", "close"):
            expect(row("scoped", event)["LOCAL"] == "[fe80::1]%d0:9563", "table: scope",
                   row("scoped", event))
        expect(row("taken", "bind")["LOCAL"] == "[fe80::1]%d0:9563", "table: requested",
               row("taken", "bind"))
        c = row("conn", "connect")
        expect(c["LOCAL"] == "[fe80::1]%%d0:%d" % cport and c["REMOTE"] == "[fe80::1]:9563",
               "table: connect", c)
    finally:
        subprocess.run(ns + ["link", "del", "d0"])

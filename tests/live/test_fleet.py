# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests (host only): --metrics scraped by Debian's real Prometheus,
promtool on what it serves and on deploy/'s rules, what the endpoint refuses,
and a flood of the endpoint, or whole scrapes back to back during a flood of
events, loses nothing.
"""
import urllib.parse
import urllib.request

from harness import *  # noqa: F401,F403

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "..", "..", "deploy", "prometheus", "portsnoop-rules.yml")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def need(tool):
    path = shutil.which(tool)
    if not path:
        raise Skip("%s is not installed (Debian package prometheus; scripts/deps.sh)" % tool)
    return path


def metrics_tracer(ctx, port, *extra):
    return Tracer(ctx.portsnoop, ("--json", "--no-initial", "--netns", str(ctx.ns.inode),
                                  "--metrics", "127.0.0.1:%d" % port, *extra))


def http(port, raw, timeout=5):
    """Send raw bytes, read the answer until the server closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(raw)
        out = b""
        while True:
            b = s.recv(65536)
            if not b:
                return out
            out += b
    finally:
        s.close()


def scrape(port, openmetrics=False):
    head = b"Accept: application/openmetrics-text; version=1.0.0\r\n" if openmetrics else b""
    r = http(port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n")
    status, _, rest = r.partition(b"\r\n")
    headers, _, body = rest.partition(b"\r\n\r\n")
    expect(status == b"HTTP/1.1 200 OK", "GET /metrics is 200", status)
    return headers.decode(), body.decode()


def sample(text, name_and_labels):
    for line in text.splitlines():
        if line.startswith(name_and_labels + " "):
            return int(float(line.split(" ")[-1]))
    return None


class Prometheus(Daemon):
    """Debian's prometheus with its own config and data dir, scraping one
    loopback target every second; its HTTP API on loopback."""

    def __init__(self, target_port):
        binary = need("prometheus")
        self.dir = tempfile.mkdtemp(prefix="portsnoop-prom-")
        self.port = free_port()
        cfg = os.path.join(self.dir, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
                    "scrape_configs:\n"
                    "  - job_name: portsnoop\n"
                    "    static_configs: [{targets: ['127.0.0.1:%d']}]\n" % target_port)
        self.log = open(os.path.join(self.dir, "log"), "wb")
        self.proc = subprocess.Popen([binary, "--config.file=" + cfg,
                                      "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
                                      "--web.listen-address=127.0.0.1:%d" % self.port],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/-/ready" % self.port,
                                            timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if time.time() > deadline or self.proc.poll() is not None:
                self.stop()
                raise AssertionError("prometheus did not start: %s" % self.logtext())
            time.sleep(0.1)

    def logtext(self):
        with open(os.path.join(self.dir, "log"), "rb") as f:
            return f.read()[-2000:].decode(errors="replace")

    def query(self, q):
        url = "http://127.0.0.1:%d/api/v1/query?%s" % (self.port,
                                                      urllib.parse.urlencode({"query": q}))
        with urllib.request.urlopen(url, timeout=2) as r:
            res = json.load(r)
        expect(res["status"] == "success", "the query ran", q, res)
        return [int(float(v["value"][1])) for v in res["data"]["result"]]

    def wait_value(self, q, want, timeout=15):
        deadline = time.time() + timeout
        got = None
        while time.time() < deadline:
            got = self.query(q)
            if got == [want]:
                return
            time.sleep(0.25)
        raise AssertionError("Prometheus: %s is %s, not [%d]" % (q, got, want))


@test
def metrics_scraped_by_prometheus(ctx):
    port = free_port()
    t = metrics_tracer(ctx, port)
    prom = None
    try:
        prom = Prometheus(port)
        with Work(ctx, "bind", "tcp", 4, "127.0.0.1", 0, hold=True) as holder:
            for _ in range(2):
                w = Work(ctx, "bind", "tcp", 4, "127.0.0.1", holder.port)
                expect(w.report["errno"] == errno.EADDRINUSE, "the bind failed", w.report)
                expect(len(t.of_pid(w.pid, "bind")) == 1, "portsnoop saw it")
            for _ in range(3):
                w = Work(ctx, "connect", "tcp", 4, "127.0.0.1", 9)
                expect(w.report["errno"] == errno.ECONNREFUSED, "refused", w.report)
                expect(len(t.of_pid(w.pid, "outcome")) == 1, "portsnoop saw the outcome")
        for q, want in (
                ('portsnoop_events_total{action="bind",result="success",protocol="tcp"}', 1),
                ('portsnoop_events_total{action="bind",result="failure",protocol="tcp"}', 2),
                ('portsnoop_bind_failures_total{errno="EADDRINUSE"}', 2),
                ('portsnoop_addr_in_use_total{port="%d"}' % holder.port, 2),
                ('portsnoop_events_total{action="connect",result="failure",protocol="tcp"}', 3),
                ('portsnoop_connect_outcomes_total{errno="ECONNREFUSED"}', 3),
                ('portsnoop_connect_duration_seconds_count', 3),
                ('portsnoop_events_lost_total', 0),
                ('portsnoop_build_info', 1),
                ('up{job="portsnoop"}', 1)):
            prom.wait_value(q, want)
        # What promtool reads (Prometheus' text format), with every family filled.
        _, text = scrape(port)
        r = subprocess.run([need("promtool"), "check", "metrics"], input=text.encode(),
                           capture_output=True, timeout=30)
        expect(r.returncode == 0, "promtool check metrics passes", r.stdout, r.stderr)
        headers, om = scrape(port, openmetrics=True)
        expect("application/openmetrics-text; version=1.0.0" in headers, "OpenMetrics type",
               headers)
        expect(om.endswith("# EOF\n"), "OpenMetrics ends with # EOF", om[-40:])
        expect(sample(om, 'portsnoop_bind_failures_total{errno="EADDRINUSE"}') == 2,
               "the same counters in OpenMetrics", om)
    finally:
        if prom:
            prom.stop()
        rc = t.stop()
    expect(rc == 0, "portsnoop exits 0", rc, t.stderr)


@test
def deploy_rules_pass_promtool(ctx):
    promtool = need("promtool")
    r = subprocess.run([promtool, "check", "rules", RULES], capture_output=True, timeout=30)
    expect(r.returncode == 0, "promtool check rules passes", r.stdout, r.stderr)
    expect(b"SUCCESS: 7 rules found" in r.stdout, "every rule read", r.stdout)
    r = subprocess.run([promtool, "check", "config", "scrape.yml"], capture_output=True,
                       timeout=30, cwd=os.path.dirname(RULES))
    expect(r.returncode == 0, "promtool check config passes", r.stdout, r.stderr)


@test
def metrics_endpoint_refuses(ctx):
    port = free_port()
    t = metrics_tracer(ctx, port)
    try:
        for raw, status in ((b"POST /metrics HTTP/1.1\r\n\r\n", b"405 Method Not Allowed"),
                            (b"GET / HTTP/1.1\r\n\r\n", b"404 Not Found"),
                            (b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 3000 + b"\r\n\r\n",
                             b"431 Request Header Fields Too Large"),
                            (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\r\n\r\n", b"400 Bad Request"),
                            (b"GET /metrics HTTP/1.1\r\nbad header\r\n\r\n",
                             b"400 Bad Request")):
            r = http(port, raw)
            expect(r.startswith(b"HTTP/1.1 " + status + b"\r\n"), "answer", raw[:30], r[:80])
            expect(b"portsnoop_" not in r, "no metrics but for GET /metrics", raw[:30])
        # A client that says nothing is closed at the deadline.
        s = socket.create_connection(("127.0.0.1", port), timeout=6)
        start = time.time()
        expect(s.recv(100) == b"", "an idle connection is closed")
        took = time.time() - start
        s.close()
        expect(1.5 < took < 4, "after about 2 s", took)
    finally:
        rc = t.stop()
    expect(rc == 0, "portsnoop exits 0", rc, t.stderr)


FLOOD_BINDS = 3000
BIND_LOOP = """
import os, socket, sys
print(os.getpid(), flush=True)
sys.stdin.readline()
for _ in range(%d):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.close()
print("done", flush=True)
""" % FLOOD_BINDS


def flood(port, until, counts):
    """Connections that send garbage, half a request, a huge one, a GET
    and reset at once, or nothing; up to 100 held open at once."""
    held = []
    i = 0
    while time.time() < until:
        i += 1
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=0.5)
            kind = i % 5
            if kind == 4:
                s.sendall(b"GET /metrics HTTP/1.1\r\n\r\n")
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                s.close()
                counts[0] += 1
                continue
            if kind == 0:
                s.sendall(os.urandom(200) + b"\r\n\r\n")
            elif kind == 1:
                s.sendall(b"GET /metr")
            elif kind == 2:
                s.sendall(b"GET /metrics HTTP/1.1\r\n" + b"X: y\r\n" * 500)
            held.append(s)
            counts[0] += 1
        except OSError:
            counts[1] += 1
        if len(held) > 100:
            for s in held[:50]:
                s.close()
            del held[:50]
    for s in held:
        s.close()


@test
def metrics_flood_loses_nothing(ctx):
    port = free_port()
    t = metrics_tracer(ctx, port)
    counts = [0, 0]
    try:
        loop = subprocess.Popen(["ip", "netns", "exec", ctx.ns.name, "/usr/bin/python3", "-c",
                                 BIND_LOOP], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        pid = int(loop.stdout.readline())
        until = time.time() + 3
        threads = [threading.Thread(target=flood, args=(port, until, counts))
                   for _ in range(3)]
        for th in threads:
            th.start()
        time.sleep(0.3)
        loop.stdin.write(b"go\n")
        loop.stdin.flush()
        expect(loop.stdout.readline() == b"done\n", "the bind loop ran")
        loop.wait(timeout=30)
        evs = t.of_pid(pid, count=2 * FLOOD_BINDS, timeout=15)
        for th in threads:
            th.join()
        binds = [e for e in evs if e["event"]["action"] == "bind"]
        expect(len(binds) == FLOOD_BINDS and len(evs) == 2 * FLOOD_BINDS,
               "every bind and close written during the flood", len(binds), len(evs))
        expect(counts[0] > 50, "the endpoint was flooded", counts)
        _, text = scrape(port)
        expect(sample(text, 'portsnoop_events_total{action="bind",result="success",'
                            'protocol="udp"}') == FLOOD_BINDS, "the bind counter", text)
    finally:
        rc = t.stop()
    expect(rc == 0, "portsnoop exits 0", rc, t.stderr)
    expect(b", 0 lost" in t.stderr, "nothing lost", t.stderr)
    print("  flood: %d connections, %d refused or timed out" % tuple(counts))


SCRAPED_LOOP = 20000


def scrapes(port, stop, texts):
    """Whole scrapes back to back, each read to its end, until STOP[0]."""
    while not stop[0]:
        texts.append(scrape(port)[1])


@test
def metrics_scrapes_during_flood_lose_nothing(ctx):
    """bench/bindloop at full speed in the test's netns while two clients
    scrape back to back. The ring holds every event of the loop even were
    the reader to stall, so none would be lost without the scrapes: none
    may be lost with them, and the counters say what was written."""
    port = free_port()
    t = metrics_tracer(ctx, port, "--ringbuf", "32M")
    stop, texts = [False], [[], []]
    threads = [threading.Thread(target=scrapes, args=(port, stop, x)) for x in texts]
    bind = 'portsnoop_events_total{action="bind",result="success",protocol="udp"}'
    try:
        for th in threads:
            th.start()
        out = subprocess.run(["ip", "netns", "exec", ctx.ns.name,
                              os.path.join(ctx.build, "bench", "bindloop"), str(SCRAPED_LOOP)],
                             capture_output=True, check=True, timeout=120)
        loop = json.loads(out.stdout)
        expect(loop["failures"] == 0, "the loop's binds succeeded", loop)
        evs = t.of_pid(loop["pid"], count=2 * SCRAPED_LOOP, timeout=30)
        stop[0] = True
        for th in threads:
            th.join(timeout=10)
        binds = [e for e in evs if e["event"]["action"] == "bind"]
        expect(len(binds) == SCRAPED_LOOP and len(evs) == 2 * SCRAPED_LOOP,
               "every bind and close written while scraped", len(binds), len(evs))
        seen = [[sample(x, bind) or 0 for x in mine] for mine in texts]
        expect(all(a <= b for mine in seen for a, b in zip(mine, mine[1:])),
               "each client's bind counter never goes back")
        expect(any(0 < v < SCRAPED_LOOP for mine in seen for v in mine),
               "scrapes answered while the loop's events were being written",
               [len(mine) for mine in seen])
        _, text = scrape(port)
        for action in ("bind", "close"):
            got = sample(text, 'portsnoop_events_total{action="%s",result="success",'
                               'protocol="udp"}' % action)
            expect(got == SCRAPED_LOOP, "the %s counter: every one written" % action, got)
        expect(sample(text, "portsnoop_events_lost_total") == 0, "none counted lost")
    finally:
        stop[0] = True
        rc = t.stop()
    expect(rc == 0, "portsnoop exits 0", rc, t.stderr)
    expect(b", 0 lost" in t.stderr, "nothing lost", t.stderr)
    print("  %d scrapes during %d binds and closes" % (sum(map(len, texts)),
                                                      2 * SCRAPED_LOOP))


def listen(ctx, addr, port, hold=True):
    w = Work(ctx, "listen", "tcp", 4, addr, port, 16, hold=hold)
    expect(w.report.get("errno", 0) == 0, "the listen worked", w.report)
    return w


def expected_of(t, w):
    ev = one(t.of_pid(w.pid, "listen"), "listen")
    return ev.get("portsnoop", {}).get("expected")


@test
def expect_marks_listeners(ctx):
    """Restarts (new pid, same executable) are expected; a new port, a
    widened address and another executable are not."""
    exe = os.path.realpath(ctx.sockwork)
    d = tempfile.mkdtemp(prefix="portsnoop-expect-")
    base = os.path.join(d, "baseline")
    with open(base, "w") as f:
        f.write("# hand-written\ntcp loopback:18441 exe=%s\n" % exe)
    other = copy.copy(ctx)
    other.sockwork = os.path.join(d, "sockwork-copy")
    shutil.copy(ctx.sockwork, other.sockwork)
    port = free_port()
    t = metrics_tracer(ctx, port, "--expect", base)
    try:
        first = listen(ctx, "127.0.0.1", 18441, hold=False)
        again = listen(ctx, "127.0.0.1", 18441, hold=False)
        expect(first.pid != again.pid, "a restart has a new pid")
        expect(expected_of(t, first) is True, "the baseline's listener is expected")
        expect(expected_of(t, again) is True, "restarted, still expected")
        expect(expected_of(t, listen(ctx, "0.0.0.0", 18441, hold=False)) is False,
               "127.0.0.1 -> 0.0.0.0 widens: unexpected")
        expect(expected_of(t, listen(ctx, "127.0.0.1", 18442, hold=False)) is False,
               "a new port: unexpected")
        expect(expected_of(t, listen(other, "127.0.0.1", 18441, hold=False)) is False,
               "another executable on the port: unexpected")
        # Connects and failed calls are no listeners: not marked.
        w = Work(ctx, "connect", "tcp", 4, "127.0.0.1", 9)
        ev = one(t.of_pid(w.pid, "connect"), "connect")
        expect("expected" not in ev.get("portsnoop", {}), "a connect is not checked", ev)
        _, text = scrape(port)
        expect(sample(text, "portsnoop_unexpected_listeners_total") == 3,
               "three unexpected listeners counted", text)
    finally:
        rc = t.stop()
        shutil.rmtree(d, ignore_errors=True)
    expect(rc == 0, "portsnoop exits 0", rc, t.stderr)


def check(ctx, base):
    return subprocess.run([ctx.binary, "check", "--netns", str(ctx.ns.inode), base],
                          capture_output=True, timeout=30)


@test
def check_exit_status(ctx):
    d = tempfile.mkdtemp(prefix="portsnoop-check-")
    base = os.path.join(d, "baseline.json")
    try:
        with listen(ctx, "127.0.0.1", 18443):
            ls = subprocess.run([ctx.binary, "ls", "--json", "--netns", str(ctx.ns.inode)],
                                capture_output=True, timeout=30)
            expect(ls.returncode == 0 and ls.stdout, "ls --json", ls)
            with open(base, "wb") as f:
                f.write(ls.stdout)
            r = check(ctx, base)
            expect(r.returncode == 0 and r.stdout == b"", "as the baseline: exit 0", r)
        with listen(ctx, "127.0.0.1", 18443):
            r = check(ctx, base)
            expect(r.returncode == 0, "restarted (new pid): exit 0", r)
            with listen(ctx, "127.0.0.1", 18444) as extra:
                r = check(ctx, base)
                expect(r.returncode == 1, "a new listener: exit 1", r)
                expect(r.stdout.decode().splitlines() == [
                    "unexpected tcp 127.0.0.1:18444 pid %d exe=%s comm=sockwork" % (
                        extra.pid, os.path.realpath(ctx.sockwork))], "says which", r.stdout)
        r = check(ctx, base)
        expect(r.returncode == 1, "gone: exit 1", r)
        expect(r.stdout == b"missing tcp loopback:18443 exe=%s\n" % os.path.realpath(
            ctx.sockwork).encode(), "says what is missing, by executable", r.stdout)
        with listen(ctx, "0.0.0.0", 18443):
            r = check(ctx, base)
            lines = r.stdout.decode().splitlines()
            expect(r.returncode == 1 and len(lines) == 2 and
                   lines[0].startswith("unexpected tcp 0.0.0.0:18443 ") and
                   lines[1].startswith("missing tcp loopback:18443 "),
                   "widened: unexpected, and the narrow one missing", r)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test
def hostile_baseline_one_error(ctx):
    d = tempfile.mkdtemp(prefix="portsnoop-hostile-")
    cases = {
        "malformed": (b'{"event":{"kind":"state"},\n', b"malformed:1: not JSON"),
        "types": (b'{"event":{"kind":"state"},"network":{"transport":"tcp"},'
                  b'"server":{"ip":"0.0.0.0","port":"22"}}\n', b"server.port is not a port"),
        "binary": (os.urandom(64).replace(b"\n", b"x") + b"\0\n", b"binary:1: "),
        "empty": (b"", b"no listeners in it"),
        "longline": (b"tcp any:22 exe=/" + b"a" * 70000 + b"\n", b"a line longer than 65536"),
    }
    try:
        for name, (content, why) in cases.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(content)
        with open(os.path.join(d, "huge"), "wb") as f:
            f.truncate(17 << 20)
        cases["huge"] = (None, b"larger than 16 MiB")
        cases["missing"] = (None, b"No such file or directory")
        os.mkdir(os.path.join(d, "dir"))
        cases["dir"] = (None, b"not a regular file")
        for name, (_, why) in cases.items():
            path = os.path.join(d, name)
            for args, code in ((["check", path], 2), (["--no-initial", "--expect", path], 1)):
                r = subprocess.run([ctx.binary, *args], capture_output=True, timeout=30)
                lines = r.stderr.strip().split(b"\n")
                expect(r.returncode == code, "exit %d" % code, name, args[0], r.returncode,
                       r.stderr)
                expect(len(lines) == 1 and path.encode() in lines[0] and why in lines[0],
                       "one line naming the file and what is wrong", name, r.stderr)
                expect(r.stdout == b"", "nothing on stdout", name)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test
def metrics_ephemeral_ports_per_netns(ctx):
    """Ten ephemeral ports in a namespace of the test's own, four held by
    connects to one listener: 4 of 10 in use, all four to that destination."""
    ns = Netns("portsnoop-fleet-%d" % os.getpid())
    mine = copy.copy(ctx)
    mine.ns = ns
    port = free_port()
    t = None
    try:
        subprocess.run(["ip", "netns", "exec", ns.name, "sysctl", "-qw",
                        "net.ipv4.ip_local_port_range=40000 40009"], check=True)
        t = metrics_tracer(ctx, port)
        with listen(mine, "127.0.0.1", 18450):
            held = [Work(mine, "connect", "tcp", 4, "127.0.0.1", 18450, hold=True)
                    for _ in range(4)]
            try:
                for w in held:
                    expect(40000 <= w.report["lport"] <= 40009, "a port of the range", w.report)
                _, text = scrape(port)
            finally:
                for w in held:
                    w.release()
        label = '{netns="%d"}' % ns.inode
        expect(sample(text, "portsnoop_ephemeral_ports_range" + label) == 10, "the range", text)
        expect(sample(text, "portsnoop_ephemeral_ports_in_use" + label) == 4, "in use", text)
        expect(sample(text, 'portsnoop_ephemeral_ports_busiest_destination{netns="%d",'
                            'destination="127.0.0.1:18450"}' % ns.inode) == 4,
               "the busiest destination", text)
        expect(sample(text, 'portsnoop_listening_sockets{protocol="tcp"}') >= 1,
               "listeners counted", text)
    finally:
        if t:
            rc = t.stop()
        ns.delete()
    expect(rc == 0, "portsnoop exits 0", rc, t.stderr)


# CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_NET_ADMIN, CAP_SYS_PTRACE,
# CAP_SYS_ADMIN, CAP_PERFMON, CAP_BPF: what a running tracer keeps (caps.h).
RUNNING_KEEP = sum(1 << c for c in (1, 2, 12, 19, 21, 38, 39))


@test
def metrics_thread_keeps_no_more_caps(ctx):
    """Capabilities are per thread: the server's thread, which reads from
    the network, must drop what the main thread drops once attached."""
    port = free_port()
    t = metrics_tracer(ctx, port)
    try:
        scrape(port)
        tasks = os.listdir("/proc/%d/task" % t.proc.pid)
        expect(len(tasks) >= 2, "the main thread and the server's", tasks)
        for tid in tasks:
            with open("/proc/%d/task/%s/status" % (t.proc.pid, tid)) as f:
                eff = [int(l.split()[1], 16) for l in f if l.startswith("CapEff:")][0]
            expect(eff & ~RUNNING_KEEP == 0, "thread %s keeps only what running needs" % tid,
                   hex(eff))
    finally:
        rc = t.stop()
    expect(rc == 0, "portsnoop exits 0", rc, t.stderr)


@test
def metrics_bad_address_one_line(ctx):
    for args, code, words in (
            (["--metrics", "127.0.0.1"], 2, b"invalid --metrics '127.0.0.1'"),
            (["--metrics", "localhost:9464"], 2, b"invalid --metrics 'localhost:9464'"),
            (["ls", "--metrics", "127.0.0.1:9464"], 2, b"--metrics does not apply to ls"),
            (["check", "--expect", "x"], 2, b"check takes its baseline as FILE")):
        r = subprocess.run([ctx.binary, *args], capture_output=True, timeout=30)
        lines = r.stderr.strip().split(b"\n")
        expect(r.returncode == code and len(lines) == 1 and words in lines[0],
               "one line naming the value", args, r.returncode, r.stderr)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        addr = "127.0.0.1:%d" % taken.getsockname()[1]
        r = subprocess.run([ctx.binary, "--no-initial", "--metrics", addr], capture_output=True,
                           timeout=60)
        lines = r.stderr.strip().split(b"\n")
        expect(r.returncode == 1 and len(lines) == 1 and
               lines[0] == b"portsnoop: --metrics %s: Address already in use" % addr.encode(),
               "a port in use: one line, before tracing", r.returncode, r.stderr)
    finally:
        taken.close()

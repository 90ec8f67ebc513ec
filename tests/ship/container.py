#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The deployment, proven: the OCI image of `make image`, run by podman the
way deploy/daemonset.yaml runs it.

The podman command is made from the manifest itself (capabilities, host
namespaces, read-only root, no privilege escalation, volumes, memory limit),
so what passes here is what the manifest says. Then:
- a bind by a process of the host reaches the log file, with its pid and port;
- under the bench's bind/close loop the container's RSS stays well inside the
  manifest's memory limit (the figure goes in docs/deploy.md);
- without any one of the listed capabilities portsnoop stops at start with
  one line naming that capability, so the list is exactly what is needed;
- with the manifest's commented-out lines for --metrics and --expect
  uncommented (as its comment tells a user to), the container serves
  /metrics on the node's address (the kubelet's $(NODE_IP), loopback here)
  with exact counters for a listen the test makes in a netns of its own,
  and marks a listener the mounted baseline lacks `portsnoop.expected: false`.

Needs root, podman and runc (scripts/deps-ship.sh). The images live in a
containers store of the test's own (vfs, under build/), so the machine's
/var/lib/containers is left alone. Usage:
  tests/ship/container.py --image build/portsnoop-V.oci.tar --build build/static
"""
import argparse
import json
import os
import re
import resource
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

IN_CI = os.environ.get("CI") == "true"
WAIT = 10.0
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def expect(cond, what, *detail):
    if not cond:
        raise AssertionError(what + "".join(" | %s" % (d,) for d in detail))


def uncomment(text, tags):
    """The manifest as a user turns on TAGS: each commented-out line that ends
    in "# TAG" uncommented (the sed line in the manifest's own comment)."""
    out = []
    for line in text.splitlines(keepends=True):
        m = re.fullmatch(r"( *)# (.*[^ ]) +# ([a-z]+)\n?", line)
        out.append(m.group(1) + m.group(2) + "\n" if m and m.group(3) in tags else line)
    return "".join(out)


def kubelet_expand(arg, env):
    """$(VAR) in args as the kubelet expands it: a defined variable is
    replaced, $$ is a $, anything else is left as written."""
    def one(m):
        if m.group(0) == "$$":
            return "$"
        return env.get(m.group(1), m.group(0))
    return re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)", one, arg)


class Pod:
    """The manifest's container, as podman arguments. TAGS: the optional
    parts turned on; NODE_IP: what the downward API's status.hostIP gives;
    CONFIGMAPS: a host folder for each ConfigMap a volume names."""

    def __init__(self, manifest, store, logdir, tags=(), node_ip=None, configmaps=None):
        with open(manifest) as f:
            doc = yaml.safe_load(uncomment(f.read(), tags))
        spec = doc["spec"]["template"]["spec"]
        (c,) = spec["containers"]
        self.image = c["image"].split("#")[0].strip()
        env = {}
        for e in c.get("env", []):
            field = e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
            expect("value" in e or field == "status.hostIP",
                   "an env the test can give (a value, or the node's address)", e)
            env[e["name"]] = e["value"] if "value" in e else node_ip
        self.env = env
        self.args = [kubelet_expand(a, env) for a in c["args"]]
        self.ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
        sc = c["securityContext"]
        expect(sc.get("privileged") is False, "the manifest runs it unprivileged", sc)
        expect(sc["capabilities"].get("drop") == ["ALL"], "drops all capabilities first", sc)
        self.caps = sc["capabilities"]["add"]
        vols = {v["name"]: v for v in spec["volumes"]}
        self.mounts = []
        for m in c["volumeMounts"]:
            v = vols[m["name"]]
            host = v["hostPath"]["path"] if "hostPath" in v else \
                (configmaps or {})[v["configMap"]["name"]]
            if m["mountPath"] == "/var/log/portsnoop":
                host = logdir           # the node's /var/log stays as it is
            self.mounts.append((host, m["mountPath"], m.get("readOnly", False)))
        self.logdir = logdir
        self.podman = ["podman", "--root", os.path.join(store, "storage"),
                       "--runroot", os.path.join(store, "run"), "--storage-driver", "vfs",
                       "--runtime", "runc"]
        opts = ["--cap-drop=all"] + ["--env=%s=%s" % kv for kv in sorted(env.items())]
        if spec.get("hostPID"):
            opts.append("--pid=host")
        if spec.get("hostNetwork"):
            opts.append("--network=host")
        # The node's cgroup namespace: what a pod gets on a cgroup v1 or
        # hybrid node like this one (podman's default here too).
        opts.append("--cgroupns=host")
        if sc.get("readOnlyRootFilesystem"):
            opts.append("--read-only")
        if sc.get("allowPrivilegeEscalation") is False:
            opts.append("--security-opt=no-new-privileges")
        if sc.get("seccompProfile", {}).get("type") not in (None, "RuntimeDefault"):
            raise AssertionError("only RuntimeDefault seccomp is tried here: %s" % sc)
        limit = c.get("resources", {}).get("limits", {}).get("memory")
        if limit:
            self.limit_bytes = to_bytes(limit)
            opts.append("--memory=%d" % self.limit_bytes)
        for host, where, ro in self.mounts:
            opts.append("--volume=%s:%s%s" % (host, where, ":ro" if ro else ""))
        # podman's defaults exceed this machine's hard limits (runc cannot
        # set them): ask for what portsnoop needs, within the hard limits.
        for name, res, want in (("nofile", resource.RLIMIT_NOFILE, 4096),
                                ("nproc", resource.RLIMIT_NPROC, 4096)):
            hard = resource.getrlimit(res)[1]
            v = want if hard == resource.RLIM_INFINITY else min(hard, want)
            opts.append("--ulimit=%s=%d:%d" % (name, v, v))
        self.opts = opts

    def run_args(self, caps):
        return self.opts + ["--cap-add=" + ",".join(caps)] if caps else list(self.opts)


def to_bytes(q):
    m = re.fullmatch(r"(\d+)(Ki|Mi|Gi)?", str(q))
    expect(m, "a memory quantity", q)
    return int(m.group(1)) * {None: 1, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30}[m.group(2)]


def sh(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def read_events(path, skip=0, has=None):
    """The records of path, one by one, after the first skip lines; with
    has (bytes), only lines that hold it are parsed: the load's file is
    gigabytes, never held whole."""
    if not os.path.exists(path):
        return
    with open(path, "rb") as f:
        for i, line in enumerate(f):
            if i >= skip and (has is None or has in line):
                yield json.loads(line)


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def wait_events(path, pred, timeout=WAIT):
    deadline = time.time() + timeout
    while True:
        found = [e for e in read_events(path) if pred(e)]
        if found or time.time() > deadline:
            return found
        time.sleep(0.1)


def status_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def binder():
    """A host process that binds a TCP port and holds it; (proc, pid, port)."""
    code = ("import socket,os,sys\n"
            "s=socket.socket(); s.bind(('127.0.0.1',0))\n"
            "print(os.getpid(), s.getsockname()[1], flush=True)\n"
            "sys.stdin.read()\n")
    p = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    pid, port = (int(x) for x in p.stdout.readline().split())
    expect(pid == p.pid, "the binder is the process started")
    return p, pid, port


def test_bind_reaches_the_log(pod, build, figures):
    name = "portsnoop-ship-%d" % os.getpid()
    events = os.path.join(pod.logdir, "events.json")
    expect(pod.args[-2:] == ["--output", "/var/log/portsnoop/events.json"],
           "the manifest writes to the log directory", pod.args)
    r = sh(*pod.podman, "run", "-d", "--name", name, *pod.run_args(pod.caps), pod.image,
           *pod.args)
    expect(r.returncode == 0, "podman run", r.stderr)
    try:
        start = wait_events(events, lambda e: e["event"]["action"] == "start", 30)
        logs = sh(*pod.podman, "logs", name).stderr
        expect(start, "a start record in the log file", logs)
        hooks = start[0]["portsnoop"]["hooks"]
        expect(all(hooks[h] != "unavailable" for h in ("bind", "listen", "connect", "close")),
               "every hook attached in the container", hooks, logs)
        deadline = time.time() + 30
        while "portsnoop: tracing" not in logs and time.time() < deadline:
            time.sleep(0.1)
            logs = sh(*pod.podman, "logs", name).stderr
        expect("portsnoop: tracing" in logs, "tracing", logs)

        p, pid, port = binder()
        b = wait_events(events, lambda e: e["event"]["action"] == "bind" and
                        e.get("process", {}).get("pid") == pid)
        p.stdin.close()
        p.wait(timeout=10)
        expect(len(b) == 1, "exactly one bind event of pid %d" % pid, b)
        expect(b[0]["server"]["port"] == port and b[0]["server"]["ip"] == "127.0.0.1",
               "the bound address and port", b[0]["server"], port)
        expect(b[0]["network"]["transport"] == "tcp", "tcp", b[0]["network"])
        expect(b[0]["process"]["executable"] == os.path.realpath(sys.executable),
               "the host process's executable (CAP_SYS_PTRACE at work)", b[0]["process"])
        c = wait_events(events, lambda e: e["event"]["action"] == "close" and
                        e.get("process", {}).get("pid") == pid)
        expect(len(c) == 1 and c[0]["portsnoop"]["cookie"] == b[0]["portsnoop"]["cookie"],
               "its close, same socket (the cgroup hooks see the host)", c)
        print("     bind of host pid %d on 127.0.0.1:%d in %s" % (pid, port, events))

        cpid = int(sh(*pod.podman, "inspect", name, "--format", "{{.State.Pid}}").stdout)
        rest = status_kb(cpid, "VmRSS")
        cpu0 = cpu_seconds(cpid)
        # The bench's load: the bind/close loop at full speed, 2 events a round.
        n = int(os.environ.get("SHIP_LOAD_ITER", "1000000"))
        before = count_lines(events)
        t0 = time.time()
        out = subprocess.run([os.path.join(build, "bench", "bindloop"), str(n)],
                             capture_output=True, text=True, check=True, timeout=600)
        took = time.time() - t0
        loop = json.loads(out.stdout)
        # Until the reader has caught up: the file stops growing.
        size, deadline = -1, time.time() + 60
        while os.path.getsize(events) != size and time.time() < deadline:
            size = os.path.getsize(events)
            time.sleep(1)
        peak = status_kb(cpid, "VmHWM")
        cpu = cpu_seconds(cpid) - cpu0
        state = json.loads(sh(*pod.podman, "inspect", name).stdout)[0]["State"]
        expect(state["Running"] and not state.get("OOMKilled"), "still running", state)
        got = sum(1 for e in read_events(events, before, b'"pid":%d' % loop["pid"])
                  if e.get("process", {}).get("pid") == loop["pid"])
        figures.update(rss_rest_kb=rest, rss_peak_kb=peak, load_events=2 * n,
                       load_seen=got, load_seconds=round(took, 1),
                       limit_kb=pod.limit_bytes // 1024, load_cpu_seconds=round(cpu, 1))
        print("     RSS %d KiB at rest, %d KiB peak under %d binds+closes in %.1fs "
              "(%d written, %.1f s of CPU), limit %d KiB" % (
                  rest, peak, 2 * n, took, got, cpu, pod.limit_bytes // 1024))
        expect(peak * 1024 * 2 < pod.limit_bytes, "peak RSS under half the memory limit",
               peak, pod.limit_bytes)
    finally:
        sh(*pod.podman, "stop", "-t", "30", name)
        logs = sh(*pod.podman, "logs", name).stderr
        code = sh(*pod.podman, "inspect", name, "--format", "{{.State.ExitCode}}").stdout
        sh(*pod.podman, "rm", "-f", name)
    m = re.search(r"portsnoop: (\d+) events, (\d+) lost", logs)
    expect(m and code.strip() == "0", "a clean stop on SIGTERM, with its summary", code, logs)
    # A busy machine may make the ring overflow: then the loss is counted,
    # never silent. Every event of the loop was written or counted lost.
    expect(got + int(m.group(2)) >= 2 * n, "the loop's events written or counted lost",
           got, m.group(0), 2 * n)


def metric(text, name_and_labels):
    for line in text.splitlines():
        if line.startswith(name_and_labels + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


def listeners_in_netns(ns, ports):
    """A process of the netns NS (which --netns then finds) that, once told
    to go, listens on 127.0.0.1 at each of PORTS and holds them until its
    stdin closes; (proc, pid)."""
    code = ("import socket,os,sys\n"
            "print(os.getpid(), flush=True)\n"
            "sys.stdin.readline()\n"
            "ss=[socket.socket() for _ in %r]\n"
            "for s,p in zip(ss,%r): s.bind(('127.0.0.1',p)); s.listen()\n"
            "sys.stdin.read()\n" % (ports, ports))
    p = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-c", code],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return p, int(p.stdout.readline())


def test_metrics_and_expect(pod, baseline, version):
    expect("--metrics" in pod.args and "--expect" in pod.args,
           "the uncommented manifest has --metrics and --expect", pod.args)
    addr = pod.args[pod.args.index("--metrics") + 1]
    expect(addr == "%s:%d" % (pod.env["NODE_IP"], pod.ports["metrics"]),
           "--metrics on the node's address ($(NODE_IP)), at the port declared", addr,
           pod.ports)
    where = pod.args[pod.args.index("--expect") + 1]
    expect([m for m in pod.mounts if m[1] == os.path.dirname(where) and m[2]] ==
           [(os.path.dirname(baseline), os.path.dirname(where), True)],
           "the baseline is the ConfigMap's, mounted read-only", where, pod.mounts)
    try:
        socket.create_server(("127.0.0.1", pod.ports["metrics"])).close()
    except OSError as e:
        raise AssertionError("port %d on loopback is taken on this machine: %s" % (
            pod.ports["metrics"], e)) from e
    ns = "portsnoop-ship-%d" % os.getpid()
    subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "netns", "add", ns], check=True)
    subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
    inode = os.stat("/run/netns/" + ns).st_ino
    exe = os.path.realpath(sys.executable)
    known, other = 18080, 18081
    with open(baseline, "w") as f:
        f.write("# the test's baseline: one listener\ntcp loopback:%d exe=%s\n" % (known, exe))
    events = os.path.join(pod.logdir, "events.json")
    name = "portsnoop-ship-m-%d" % os.getpid()
    url = "http://%s/metrics" % addr
    p = None
    try:
        p, pid = listeners_in_netns(ns, [known, other])
        # --netns: on this shared machine the counters are then the test's alone.
        r = sh(*pod.podman, "run", "-d", "--name", name, *pod.run_args(pod.caps), pod.image,
               *pod.args, "--netns", str(inode))
        expect(r.returncode == 0, "podman run", r.stderr)
        deadline, logs = time.time() + 30, ""
        while "portsnoop: tracing" not in logs and time.time() < deadline:
            time.sleep(0.1)
            logs = sh(*pod.podman, "logs", name).stderr
        expect("portsnoop: tracing" in logs, "tracing", logs)
        p.stdin.write("go\n")
        p.stdin.flush()
        try:
            ls = wait_events(events, lambda e: e["event"]["action"] == "listen" and
                             e.get("process", {}).get("pid") == pid)
            deadline = time.time() + WAIT
            while len(ls) < 2 and time.time() < deadline:
                time.sleep(0.1)
                ls = [e for e in read_events(events) if e["event"]["action"] == "listen"
                      and e.get("process", {}).get("pid") == pid]
        finally:
            p.stdin.close()
            p.wait(timeout=10)
        marks = {e["server"]["port"]: e["portsnoop"].get("expected") for e in ls}
        expect(marks == {known: True, other: False},
               "the baseline's listener expected, the other one not", marks, ls)
        closes = wait_events(events, lambda e: e["event"]["action"] == "close" and
                             e.get("process", {}).get("pid") == pid)
        deadline = time.time() + WAIT
        while True:
            with urllib.request.urlopen(url, timeout=5) as resp:
                text = resp.read().decode()
            close = metric(text, 'portsnoop_events_total{action="close",result="success",'
                                 'protocol="tcp"}')
            if close == 2 or time.time() > deadline:
                break
            time.sleep(0.2)
        counted = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
                   for line in text.splitlines()
                   if line.startswith("portsnoop_events_total{")}
        want = {'portsnoop_events_total{action="%s",result="success",protocol="tcp"}' % a: 2
                for a in ("bind", "listen", "close")}
        expect({k: v for k, v in counted.items() if v} == want,
               "events by action: the netns's two binds, listens and closes, nothing else",
               counted, len(closes))
        expect(metric(text, 'portsnoop_build_info{version="%s"}' % version) == 1,
               "build info with the version", version)
        expect(metric(text, "portsnoop_unexpected_listeners_total") == 1,
               "one unexpected listener counted")
        expect(metric(text, "portsnoop_events_lost_total") == 0, "nothing lost")
        print("     %s: bind, listen, close 2 each, 1 unexpected (port %d; %d expected)" % (
            url, other, known))
    finally:
        if p and p.poll() is None:
            p.kill()
            p.wait()
        sh(*pod.podman, "stop", "-t", "30", name)
        logs = sh(*pod.podman, "logs", name).stderr
        code = sh(*pod.podman, "inspect", name, "--format", "{{.State.ExitCode}}").stdout
        sh(*pod.podman, "rm", "-f", name)
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
    expect(code.strip() == "0" and "portsnoop: 6 events, 0 lost" in logs,
           "a clean stop on SIGTERM: the six events, none lost", code, logs)


def test_each_capability_is_needed(pod):
    for cap in pod.caps:
        rest = [c for c in pod.caps if c != cap]
        r = sh(*pod.podman, "run", "--rm", *pod.run_args(rest), pod.image, *pod.args,
               timeout=120)
        lines = r.stderr.strip().split("\n")
        expect(r.returncode == 1, "without CAP_%s: exit 1" % cap, r.returncode, r.stderr)
        expect(len(lines) == 1, "without CAP_%s: one line" % cap, r.stderr)
        m = re.search(r"missing ([A-Z_, ]+?) \(", lines[0])
        expect(m and m.group(1) == "CAP_" + cap, "without CAP_%s: names it, and only it" % cap,
               lines[0])
        print("     without %-20s %s" % ("CAP_" + cap + ":", lines[0]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True, help="the OCI archive of make image")
    ap.add_argument("--build", default="build/static", help="where bench/bindloop is")
    ap.add_argument("--manifest", default=os.path.join(ROOT, "deploy", "daemonset.yaml"))
    ap.add_argument("--figures", help="write the measured figures here (JSON)")
    args = ap.parse_args()
    if os.geteuid() != 0 or not shutil.which("podman") or not shutil.which("runc"):
        print("FAIL container: needs root, podman and runc (scripts/deps-ship.sh)"
              if IN_CI else "SKIP container: needs root, podman and runc")
        return 1 if IN_CI else 0

    store = tempfile.mkdtemp(prefix="containers-", dir=os.path.join(ROOT, "build"))
    logdir = tempfile.mkdtemp(prefix="portsnoop-log-")
    # The optional parts on: their own log folder, the ConfigMap's folder.
    logdir2 = tempfile.mkdtemp(prefix="portsnoop-log-")
    cmdir = tempfile.mkdtemp(prefix="portsnoop-baseline-")
    with open(os.path.join(ROOT, "user", "lib", "version.h")) as f:
        version = re.search(r'#define PS_VERSION "(.*)"', f.read()).group(1)
    figures = {}
    failed = passed = 0
    try:
        pod = Pod(args.manifest, store, logdir)
        # What the downward API's status.hostIP gives, here loopback: test
        # traffic stays on it.
        full = Pod(args.manifest, store, logdir2, ("metrics", "expect"), "127.0.0.1",
                   {"portsnoop-baseline": cmdir})
        r = sh(*pod.podman, "load", "-q", "-i", args.image)
        expect(r.returncode == 0, "podman load", r.stderr)
        tags = json.loads(sh(*pod.podman, "images", "--format", "json").stdout)
        names = [n for i in tags for n in i.get("Names", [])]
        expect(pod.image in names, "the archive holds the manifest's image", pod.image, names)
        for t, a in ((test_bind_reaches_the_log, (pod, args.build, figures)),
                     (test_metrics_and_expect,
                      (full, os.path.join(cmdir, "baseline.json"), version)),
                     (test_each_capability_is_needed, (pod,))):
            t0 = time.time()
            try:
                t(*a)
            except Exception as e:  # noqa: BLE001 — report and go on
                print("FAIL %s: %s: %s" % (t.__name__, type(e).__name__, e))
                failed += 1
                continue
            print("PASS %s (%.2fs)" % (t.__name__, time.time() - t0))
            passed += 1
    finally:
        subprocess.run(["podman", "--root", os.path.join(store, "storage"), "--runroot",
                        os.path.join(store, "run"), "--storage-driver", "vfs", "rmi", "-a",
                        "-f"], capture_output=True)
        shutil.rmtree(store, ignore_errors=True)
        for d in (logdir, logdir2, cmdir):
            shutil.rmtree(d, ignore_errors=True)
    if args.figures:
        with open(args.figures, "w") as f:
            json.dump(figures, f, indent=1)
    print("container: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

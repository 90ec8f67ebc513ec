# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests, on the host (HOST_MODULES): who serves a port that a port
keeper, proxy or socket-activation parent holds, and the names of
containers and pods from the runtimes' state on disk (issue 26, part A).

Each starts the real runtime or keeper itself: podman (Debian's, --runtime
runc) with a tiny image made here from busybox-static (no registry),
systemd-socket-activate, docker-proxy run by hand with the arguments
dockerd gives it, and a runc bundle with CRI annotations under a
kubepods-style cgroup. Each checks `who`, `ls`, `--json` and a failed
bind's holder for the exact pid, port and container name. No traffic is
needed to answer; the one connection made (to start a socket-activated
service) goes to loopback in the test's own namespace.
"""
import contextlib
import pwd
import stat
import uuid

from harness import *  # noqa: F401,F403

BUSYBOX = "/bin/busybox"
IMAGE = "localhost/portsnoop-serves-httpd:1"


def run(ctx, *args):
    return subprocess.run([ctx.portsnoop, *[str(a) for a in args]], capture_output=True,
                          timeout=60)


def who_json(ctx, port, *extra):
    r = run(ctx, "who", port, "--json", *extra)
    expect(r.returncode == 0, "who %s exits 0" % port, r.returncode, r.stderr)
    return [json.loads(l) for l in r.stdout.splitlines()]


def ls_json(ctx, *extra):
    r = run(ctx, "ls", "--json", *extra)
    expect(r.returncode == 0, "ls exits 0", r.returncode, r.stderr)
    return [json.loads(l) for l in r.stdout.splitlines()]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def need(*tools):
    missing = [t for t in tools if not shutil.which(t) and not os.path.exists(t)]
    if missing:
        raise Skip("not installed: %s (scripts/deps-serves.sh)" % ", ".join(missing))


def rootfs(where):
    """A root filesystem of busybox-static alone: httpd, sh, sleep."""
    os.makedirs(os.path.join(where, "bin"))
    os.makedirs(os.path.join(where, "www"))
    for d in ("proc", "sys", "dev", "tmp", "etc"):
        os.makedirs(os.path.join(where, d))
    shutil.copy(BUSYBOX, os.path.join(where, "bin", "busybox"))
    for a in ("sh", "httpd", "sleep"):
        os.symlink("busybox", os.path.join(where, "bin", a))
    with open(os.path.join(where, "www", "index.html"), "w") as f:
        f.write("ok\n")


def failed_bind(ctx, port):
    """A TCP bind of 0.0.0.0:port here (the host's namespace) fails with
    EADDRINUSE; returns the trace's bind event of it."""
    s = socket.socket()
    try:
        try:
            s.bind(("0.0.0.0", port))
            raise AssertionError("bind of %d did not fail" % port)
        except OSError as e:
            expect(e.errno == errno.EADDRINUSE, "EADDRINUSE", e)
    finally:
        s.close()
    me = os.getpid()
    evs = ctx.tracer.wait_for(lambda e: e.get("process", {}).get("pid") == me and
                              e["event"]["action"] == "bind" and "error" in e and
                              e.get("server", {}).get("port") == port)
    return one(evs, "failed bind")


def wait_listening(port, netns=None, timeout=10):
    deadline = time.time() + timeout
    cmd = ["ss", "-Htln", "sport = :%d" % port]
    if netns:
        cmd = ["ip", "netns", "exec", netns, *cmd]
    while time.time() < deadline:
        if subprocess.run(cmd, capture_output=True, text=True).stdout.strip():
            return
        time.sleep(0.05)
    raise AssertionError("nothing listens on %d" % port)


class Podman:
    """One container, reused by every check: busybox httpd on :80,
    published on a host port."""

    def __init__(self, tmp):
        need("podman", "runc", "conmon", BUSYBOX)
        self.cmd = ["podman", "--runtime", "runc"]
        self.name = "portsnoop-serves-%d" % os.getpid()
        self.port = free_port()
        fs = os.path.join(tmp, "rootfs")
        rootfs(fs)
        tar = subprocess.Popen(["tar", "-C", fs, "-c", "."], stdout=subprocess.PIPE)
        r = subprocess.run([*self.cmd, "import", "-q", "-", IMAGE], stdin=tar.stdout,
                           capture_output=True, text=True, timeout=60)
        tar.wait()
        expect(r.returncode == 0, "podman import", r.stderr)
        # podman's default ulimits exceed this machine's hard limits (runc
        # cannot set them): ask for what httpd needs.
        r = subprocess.run([*self.cmd, "run", "-d", "--name", self.name,
                            "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                            "-p", "%d:80" % self.port, IMAGE, "/bin/httpd", "-f", "-p", "80",
                            "-h", "/www"], capture_output=True, text=True, timeout=60)
        expect(r.returncode == 0, "podman run", r.stderr)
        self.id = r.stdout.strip()
        st = json.loads(subprocess.run([*self.cmd, "inspect", self.name], capture_output=True,
                                       text=True, timeout=30).stdout)[0]["State"]
        self.pid, self.conmon = st["Pid"], st["ConmonPid"]

    def remove(self):
        subprocess.run([*self.cmd, "rm", "-f", "-t", "0", self.name], capture_output=True,
                       timeout=60)


@test
def test_serves_podman_conmon(ctx):
    """podman -p PORT:80: conmon holds PORT; who, ls, --json and a failed
    bind name the container, its httpd (host pid) and its :80; the trace's
    listen inside the container carries the container's name and image."""
    with tempfile.TemporaryDirectory() as tmp:
        pod = Podman(tmp)
        try:
            recs = who_json(ctx, pod.port)
            held = [x for x in recs if x["process"]["pid"] == pod.conmon]
            expect(len(held) == 1, "conmon holds %d" % pod.port, pod.conmon, recs)
            sv = held[0]["portsnoop"].get("serves")
            expect(sv is not None, "serves on conmon's record", held[0])
            expect(sv["container"] == {"id": pod.id, "name": pod.name, "runtime": "podman",
                                       "image": {"name": IMAGE}},
                   "the container behind", sv)
            expect(sv["process"]["pid"] == pod.pid and sv["process"]["name"] == "httpd" and
                   sv["process"]["executable"] == BUSYBOX, "httpd behind", sv, pod.pid)
            expect(sv["port"] == 80 and sv["netns"] != held[0]["portsnoop"]["netns"],
                   "its port in its own namespace", sv)
            expect(sv["how"].startswith("published by conmon: container %s, httpd[%d] on "
                                        % (pod.name, pod.pid)), "how", sv["how"])
            text = run(ctx, "who", pod.port).stdout.decode()
            expect("    serves   published by conmon: container %s, httpd[%d]"
                   % (pod.name, pod.pid) in text, "who's serves line", text)
            # The container's own listener: its name and image, from podman's state.
            inner = [x for x in who_json(ctx, 80) if x["process"]["pid"] == pod.pid]
            expect(len(inner) == 1, "httpd holds :80", inner)
            expect(inner[0]["container"] == {"id": pod.id, "runtime": "podman",
                                             "name": pod.name,
                                             "image": {"name": IMAGE}}, "container", inner[0])
            # ls: the container's own listener names it, so a baseline
            # made of ls --json knows it by its image (#29, check).
            netns = inner[0]["portsnoop"]["netns"]
            own = [x for x in ls_json(ctx, "-t", "-P", 80, "--netns", netns)
                   if any(o["pid"] == pod.pid for o in x["portsnoop"]["owners"])]
            expect(len(own) == 1 and own[0].get("container") == inner[0]["container"],
                   "ls names the container and its image", own)
            for image, want in ((IMAGE, 0), (IMAGE + "-other", 1)):
                path = os.path.join(tmp, "baseline")
                with open(path, "w") as f:
                    f.write("tcp any:80 image=%s\n" % image)
                r = run(ctx, "check", "--netns", netns, path)
                expect(r.returncode == want, "check by image %s: exit %d" % (image, want),
                       r.returncode, r.stdout, r.stderr)
            rows = [x for x in ls_json(ctx, "-t", "-P", pod.port)
                    if any(o["pid"] == pod.conmon for o in x["portsnoop"]["owners"])]
            expect(len(rows) == 1 and rows[0]["portsnoop"].get("serves", {}).get(
                "container", {}).get("name") == pod.name, "ls names the container", rows)
            ev = failed_bind(ctx, pod.port)
            expect(ev.get("error", {}).get("code") == "EADDRINUSE", "errno", ev)
            expect(ev["portsnoop"]["holders"] == [{"pid": pod.conmon, "name": "conmon"}],
                   "held by conmon", ev["portsnoop"])
            expect(ev["portsnoop"].get("serves", {}).get("container", {}).get("name") ==
                   pod.name, "the failed bind names the container", ev["portsnoop"])
            # Live: httpd's listen in the container carries its name.
            inside = ctx.tracer.wait_for(
                lambda e: e.get("container", {}).get("id") == pod.id and
                e["event"]["action"] in ("bind", "listen"), count=2)
            lis = [e for e in inside if e["process"]["pid"] == pod.pid and
                   e["event"]["action"] == "listen" and e["server"]["port"] == 80]
            expect(len(lis) == 1 and all(e["container"].get("name") == pod.name and
                                         e["container"]["image"]["name"] == IMAGE
                                         for e in inside),
                   "the bind and listen in the container name it", inside,
                   ctx.tracer.stderr[-300:])
        finally:
            pod.remove()


@test
def test_serves_socket_activate(ctx):
    """systemd-socket-activate holds the socket until the first connection,
    then execs the service in the same pid: who names what will serve, and
    afterwards the service itself."""
    need("systemd-socket-activate", BUSYBOX)
    port = 18000 + os.getpid() % 1000
    p = subprocess.Popen(["ip", "netns", "exec", ctx.ns.name, "systemd-socket-activate",
                          "-l", "127.0.0.1:%d" % port, BUSYBOX, "httpd", "-f", "-p",
                          "127.0.0.1:%d" % (port + 1), "-h", "/"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        try:
            wait_listening(port, ctx.ns.name)
        except AssertionError:
            p.kill()
            raise AssertionError("systemd-socket-activate: %s" % p.communicate()[1])
        recs = who_json(ctx, port, "--netns", ctx.ns.inode)
        expect(len(recs) == 1 and recs[0]["process"]["pid"] == p.pid, "the parent holds", recs)
        expect(recs[0]["portsnoop"]["serves"]["how"] ==
               "activated by systemd-socket-activate, served by %s from the first connection"
               % BUSYBOX, "how", recs[0]["portsnoop"])
        text = run(ctx, "who", port, "--netns", ctx.ns.inode).stdout.decode()
        expect("    serves   activated by systemd-socket-activate, served by %s" % BUSYBOX
               in text, "who's serves line", text)
        rows = ls_json(ctx, "-t", "-P", port, "--netns", ctx.ns.inode)
        expect(len(rows) == 1 and rows[0]["portsnoop"]["serves"]["how"].startswith(
            "activated by systemd-socket-activate"), "ls", rows)
        # The first connection (loopback, in the test's namespace) starts it.
        subprocess.run(["ip", "netns", "exec", ctx.ns.name, sys.executable, "-c",
                        "import socket; socket.create_connection(('127.0.0.1', %d)).close()"
                        % port], check=True, timeout=10)
        wait_listening(port + 1, ctx.ns.name)
        recs = who_json(ctx, port, "--netns", ctx.ns.inode)
        expect(len(recs) == 1 and recs[0]["process"]["pid"] == p.pid and
               recs[0]["process"]["name"] == "busybox", "the service holds it now", recs)
        expect("serves" not in recs[0]["portsnoop"], "no keeper any more", recs[0])
    finally:
        p.kill()
        p.wait()


@contextlib.contextmanager
def runc_bundle(tmp, bundle, cgroup, annotations, args, netns):
    """A container run by runc itself from bundle (config.json there),
    detached, in cgroup (cgroupfs path), joining network namespace netns."""
    rootfs(os.path.join(tmp, "rootfs"))
    subprocess.run(["runc", "spec", "--bundle", tmp], capture_output=True, check=True)
    with open(os.path.join(tmp, "config.json")) as f:
        spec = json.load(f)
    spec["root"] = {"path": os.path.join(tmp, "rootfs"), "readonly": True}
    spec["process"]["args"] = args
    spec["process"]["terminal"] = False
    spec["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]
    spec["linux"]["cgroupsPath"] = cgroup
    spec["linux"]["namespaces"] = [n for n in spec["linux"]["namespaces"]
                                   if n["type"] != "network"] + [
        {"type": "network", "path": "/run/netns/" + netns}]
    spec["annotations"] = annotations
    os.makedirs(bundle, exist_ok=True)
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(spec, f)
    cid = os.path.basename(bundle)
    # Detached, the container keeps runc's stdio: a file, not a pipe to wait on.
    with open(os.path.join(tmp, "runc.log"), "w+") as log:
        r = subprocess.run(["runc", "run", "-d", "--bundle", bundle, cid],
                           stdin=subprocess.DEVNULL, stdout=log, stderr=log, timeout=60)
        log.seek(0)
        expect(r.returncode == 0, "runc run", log.read())
    try:
        state = json.loads(subprocess.run(["runc", "state", cid], capture_output=True,
                                          text=True, check=True).stdout)
        yield state["pid"]
    finally:
        subprocess.run(["runc", "delete", "-f", cid], capture_output=True, timeout=30)
        shutil.rmtree(bundle, ignore_errors=True)


POD = "web-5f7c9-x2x9q\x1b[31m\nforged: line"


@test
def test_serves_cri_pod(ctx):
    """A runc container with containerd's CRI annotations, its bundle where
    containerd keeps it and its cgroup under kubepods (cgroupfs driver):
    the trace's listen and who name the pod, its namespace and container.
    The pod's name carries a terminal escape and a forged line: JSON has it
    exactly, the text escaped."""
    need("runc", BUSYBOX)
    cid = uuid.uuid4().hex + uuid.uuid4().hex
    pod_uid = str(uuid.uuid4())
    bundle = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/" + cid
    ann = {"io.kubernetes.cri.container-type": "container",
           "io.kubernetes.cri.container-name": "web",
           "io.kubernetes.cri.image-name": "localhost/busybox-httpd:1",
           "io.kubernetes.cri.sandbox-name": POD,
           "io.kubernetes.cri.sandbox-namespace": "shop",
           "io.kubernetes.cri.sandbox-uid": pod_uid}
    port = 18000 + (os.getpid() + 500) % 1000
    with tempfile.TemporaryDirectory() as tmp, \
            runc_bundle(tmp, bundle, "/kubepods/besteffort/pod%s/%s" % (pod_uid, cid), ann,
                        ["/bin/httpd", "-f", "-p", str(port), "-h", "/www"],
                        ctx.ns.name) as pid:
        wait_listening(port, ctx.ns.name)
        recs = [x for x in who_json(ctx, port, "--netns", ctx.ns.inode)
                if x["process"]["pid"] == pid]
        expect(len(recs) == 1, "httpd holds %d" % port, recs)
        want = {"type": "kubernetes", "namespace": "shop",
                "resource": {"type": "pod", "name": POD}}
        expect(recs[0].get("orchestrator") == want, "the pod", recs[0])
        expect(recs[0]["container"]["id"] == cid and recs[0]["container"]["name"] == "web",
               "the container", recs[0])
        text = run(ctx, "who", port, "--netns", ctx.ns.inode).stdout.decode()
        expect("    container web\n" in text and
               "    pod      web-5f7c9-x2x9q\\x1b[31m\\x0aforged: line\n" in text and
               "\x1b" not in text and "\nforged" not in text, "who's text, escaped", text)
        lis = ctx.tracer.of_pid(pid, "listen")
        expect(lis and lis[0].get("orchestrator") == want and
               lis[0]["kubernetes"]["pod"]["uid"] == pod_uid, "the listen names the pod", lis)


@contextlib.contextmanager
def docker_shaped(ctx, cid, name, addr):
    """What dockerd makes for `docker run -p PORT:80`, without dockerd: a
    "container" namespace joined to the test's by a veth pair, busybox
    httpd on *:80 in it, in cgroup docker-<id>.scope, and the container's
    config.v2.json where Docker keeps it. A decoy made first (a namespace
    listed before it) listens on *:80 too, without the container's address:
    the proxy does not lead there."""
    ctr = "%s-c" % ctx.ns.name
    decoy = "%s-d" % ctx.ns.name
    host_if = "psv%d" % (os.getpid() % 100000)
    cg = os.path.join(cgroup2_root(), "docker-%s.scope" % cid)
    state = "/var/lib/docker/containers/" + cid
    subprocess.run(["ip", "netns", "add", decoy], check=True)
    subprocess.run(["ip", "netns", "add", ctr], check=True)
    httpd = other = None
    try:
        subprocess.run(["ip", "-n", decoy, "link", "set", "lo", "up"], check=True)
        other = subprocess.Popen(["ip", "netns", "exec", decoy, BUSYBOX, "httpd", "-f", "-p",
                                  "80", "-h", "/"])
        wait_listening(80, decoy)
        subprocess.run(["ip", "link", "add", host_if, "netns", ctx.ns.name, "type", "veth",
                        "peer", "name", "eth0", "netns", ctr], check=True)
        subprocess.run(["ip", "-n", ctx.ns.name, "addr", "add", "198.18.226.1/30", "dev",
                        host_if], check=True)
        subprocess.run(["ip", "-n", ctx.ns.name, "link", "set", host_if, "up"], check=True)
        subprocess.run(["ip", "-n", ctr, "addr", "add", addr + "/30", "dev", "eth0"], check=True)
        subprocess.run(["ip", "-n", ctr, "link", "set", "eth0", "up"], check=True)
        os.makedirs(state)
        with open(os.path.join(state, "config.v2.json"), "w") as f:
            json.dump({"ID": cid, "Name": "/" + name, "State": {"Running": True},
                       "Config": {"Image": "localhost/busybox-httpd:1",
                                  "ExposedPorts": {"80/tcp": {}}}}, f)
        os.mkdir(cg)
        # ip netns exec mounts a sysfs of its own: the cgroup is joined
        # from here, before the shell (the same pid) execs httpd.
        httpd = subprocess.Popen(["ip", "netns", "exec", ctr, "sh", "-c",
                                  'read go && exec "$@"', "sh", BUSYBOX, "httpd", "-f", "-p",
                                  "80", "-h", "/"], stdin=subprocess.PIPE)
        with open(os.path.join(cg, "cgroup.procs"), "w") as f:
            f.write(str(httpd.pid))
        httpd.stdin.write(b"go\n")
        httpd.stdin.close()
        wait_listening(80, ctr)
        yield httpd.pid
    finally:
        for p in (httpd, other):
            if p:
                p.kill()
                p.wait()
        subprocess.run(["ip", "netns", "del", ctr])
        subprocess.run(["ip", "netns", "del", decoy])
        shutil.rmtree(state, ignore_errors=True)
        for _ in range(50):
            try:
                os.rmdir(cg)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.05)


def ls_and_a_failed_bind(ctx, port, how, holder):
    """ls -t -P PORT in the test's namespace: one row, serving `how`; a bind
    to 127.0.0.1:PORT fails with EADDRINUSE and its event names holder
    ({"pid", "name"}) alone. Returns that event."""
    rows = ls_json(ctx, "-t", "-P", port, "--netns", ctx.ns.inode)
    expect(len(rows) == 1 and rows[0]["portsnoop"].get("serves", {}).get("how") == how,
           "ls", rows)
    # The table says it on the line under the holder's row (wide: one line).
    text = subprocess.run([ctx.portsnoop, "ls", "-t", "-P", str(port), "--netns",
                           str(ctx.ns.inode)], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, COLUMNS="300")).stdout.splitlines()
    expect(len(text) == 3 and ":%d " % port in text[1] and
           text[2] == "    serves   " + how, "ls's table: the row, then what serves", text)
    w = Work(ctx, "bind", "tcp", 4, "127.0.0.1", port)
    expect(w.report["errno"] == errno.EADDRINUSE, "EADDRINUSE", w.report)
    ev = one(ctx.tracer.of_pid(w.pid, "bind"), "bind")
    expect(ev["portsnoop"].get("holders") == [holder], "held by " + holder["name"],
           ev["portsnoop"])
    return ev


@test
def test_serves_docker_proxy(ctx):
    """docker-proxy with the arguments dockerd gives it (userland-proxy on):
    who, ls, --json and a failed bind name the container behind it (name
    from its config.v2.json), its httpd and 198.18.226.2:80; the proxy's
    own bind in the trace says where it forwards. (With userland-proxy off
    no process holds the port: a DNAT rule, issue 26 part B.)"""
    need("/usr/sbin/docker-proxy", BUSYBOX)
    cid = uuid.uuid4().hex + uuid.uuid4().hex
    name = "web-%d" % os.getpid()
    addr = "198.18.226.2"
    port = 18000 + (os.getpid() + 250) % 1000
    with docker_shaped(ctx, cid, name, addr) as pid:
        # dockerd gives it a pipe as fd 3, and reads "0\n" there once it listens.
        proxy = subprocess.Popen(["ip", "netns", "exec", ctx.ns.name, "sh", "-c",
                                  'exec "$@" 3>&1', "sh", "/usr/sbin/docker-proxy",
                                  "-proto", "tcp", "-host-ip", "127.0.0.1", "-host-port",
                                  str(port), "-container-ip", addr, "-container-port", "80"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            ready = proxy.stdout.readline()
            expect(ready == b"0\n", "docker-proxy listens", ready)
            recs = who_json(ctx, port, "--netns", ctx.ns.inode)
            expect(len(recs) == 1 and recs[0]["process"]["pid"] == proxy.pid and
                   recs[0]["process"]["name"] == "docker-proxy", "docker-proxy holds", recs)
            sv = recs[0]["portsnoop"].get("serves", {})
            expect(sv.get("container") == {"id": cid, "name": name, "runtime": "docker",
                                           "image": {"name": "localhost/busybox-httpd:1"}},
                   "the container behind", sv)
            # busybox run by its path: comm busybox, the executable its real path
            expect(sv.get("process") == {"pid": pid, "name": "busybox",
                                         "executable": os.path.realpath(BUSYBOX)} and
                   sv["ip"] == "::" and sv["port"] == 80, "httpd behind", sv, pid)
            how = "docker-proxy -> %s:80: container %s, busybox[%d] on [::]:80" % (addr, name, pid)
            expect(sv["how"] == how, "how", sv)
            text = run(ctx, "who", port, "--netns", ctx.ns.inode).stdout.decode()
            expect("    serves   " + how + "\n" in text, "who's serves line", text)
            ev = ls_and_a_failed_bind(ctx, port, how, {"pid": proxy.pid, "name": "docker-proxy"})
            expect(ev["portsnoop"].get("serves", {}).get("container", {}).get("name") == name,
                   "the failed bind names the container", ev["portsnoop"])
            own = ctx.tracer.wait_for(lambda e: e.get("process", {}).get("pid") == proxy.pid and
                                      e["event"]["action"] in ("bind", "listen"))
            expect(own and all(e["portsnoop"].get("serves", {}).get("how", "").startswith(
                "docker-proxy -> %s:80" % addr) for e in own), "the proxy's own bind", own)
        finally:
            proxy.kill()
            proxy.wait()


@test
def test_serves_slirp4netns(ctx):
    """slirp4netns as rootless podman runs it for -p (port_handler
    slirp4netns): it holds the host port, added through its API socket, and
    forwards into the namespace of its PID argument. who, ls and a failed
    bind name the listener there. (Rootless podman itself is not run here:
    it needs a user with /etc/subuid ranges on the host.)"""
    need("slirp4netns", "unshare", BUSYBOX)
    port = 18000 + (os.getpid() + 750) % 1000
    with tempfile.TemporaryDirectory() as tmp:
        api = os.path.join(tmp, "api.sock")
        target = subprocess.Popen(["unshare", "-n", "sh", "-c",
                                   'ip link set lo up && exec "$@"', "sh", BUSYBOX, "httpd",
                                   "-f", "-p", "80", "-h", "/"])
        slirp = None
        try:
            deadline = time.time() + 10
            while time.time() < deadline and not subprocess.run(
                    ["nsenter", "-t", str(target.pid), "-n", "ss", "-Htln", "sport = :80"],
                    capture_output=True, text=True).stdout.strip():
                time.sleep(0.05)
            slirp = subprocess.Popen(["ip", "netns", "exec", ctx.ns.name, "slirp4netns",
                                      "--configure", "--mtu=65520", "--disable-host-loopback",
                                      "--api-socket", api, str(target.pid), "tap0"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while time.time() < deadline and not os.path.exists(api):
                time.sleep(0.05)
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(api)
                s.sendall(json.dumps({"execute": "add_hostfwd", "arguments": {
                    "proto": "tcp", "host_addr": "127.0.0.1", "host_port": port,
                    "guest_port": 80}}).encode())
                expect(b'"return"' in s.recv(4096), "slirp4netns add_hostfwd")
            wait_listening(port, ctx.ns.name)
            recs = who_json(ctx, port, "--netns", ctx.ns.inode)
            expect(len(recs) == 1 and recs[0]["process"]["pid"] == slirp.pid and
                   recs[0]["process"]["name"] == "slirp4netns", "slirp4netns holds", recs)
            sv = recs[0]["portsnoop"].get("serves", {})
            how = "published by slirp4netns: busybox[%d] on [::]:80" % target.pid
            expect(sv.get("how") == how and sv["process"]["pid"] == target.pid and
                   sv["port"] == 80, "the listener behind", sv)
            ev = ls_and_a_failed_bind(ctx, port, how, {"pid": slirp.pid, "name": "slirp4netns"})
            expect(ev["portsnoop"].get("serves", {}).get("how") == how, "the failed bind",
                   ev["portsnoop"])
        finally:
            for p in (slirp, target):
                if p:
                    p.kill()
                    p.wait()


@test
def test_serves_container_without_state(ctx):
    """A container whose runtime left no state where portsnoop reads (a runc
    bundle elsewhere, under kubepods): the id alone and a note, in JSON and
    in who's text; no name is made up."""
    need("runc", BUSYBOX)
    cid = uuid.uuid4().hex + uuid.uuid4().hex
    port = 18000 + (os.getpid() + 125) % 1000
    with tempfile.TemporaryDirectory() as tmp, \
            runc_bundle(tmp, os.path.join(tmp, "bundles", cid),
                        "/kubepods/besteffort/pod%s/%s" % (uuid.uuid4(), cid), {},
                        ["/bin/httpd", "-f", "-p", str(port), "-h", "/www"],
                        ctx.ns.name) as pid:
        wait_listening(port, ctx.ns.name)
        recs = [x for x in who_json(ctx, port, "--netns", ctx.ns.inode)
                if x["process"]["pid"] == pid]
        expect(len(recs) == 1 and recs[0]["container"] == {"id": cid} and
               recs[0]["portsnoop"].get("container_note") == "no state file" and
               "orchestrator" not in recs[0], "the id alone and a note", recs)
        text = run(ctx, "who", port, "--netns", ctx.ns.inode).stdout.decode()
        expect("    container %s (runtime unknown, no state file)\n" % cid[:12] in text,
               "who's text", text)


DOCKER = "/usr/bin/docker"    # Debian's client (docker.io), not another on PATH
DOCKERD = "/usr/sbin/dockerd"


class Dockerd:
    """A dockerd of the test's own (Debian's docker.io): its data root, exec
    root, pid file, configuration and API socket in a temporary directory,
    in a network namespace made here (its bridge, its iptables rules and
    its docker-proxy stay there and go with it), the image imported from a
    busybox-static root filesystem (no registry). data_root is not
    /var/lib/docker: portsnoop finds it from dockerd's command line."""

    def __init__(self, tmp, tag, *flags):
        need(DOCKERD, DOCKER, "containerd", "runc", "iptables", BUSYBOX)
        self.tmp = tmp
        self.ns = Netns("portsnoop-dk%s%d" % (tag, os.getpid() % 100000))
        self.proc = None
        self.sock = "unix://" + os.path.join(tmp, "docker.sock")
        self.data_root = os.path.join(tmp, "data")
        # dockerd makes /run/docker/plugins whatever its exec root: removed
        # at the end if this made it.
        self.made_run = not os.path.exists("/run/docker")
        # A /24 of 198.18.0.0/15 that no other test uses, on a bridge of its own.
        self.subnet = "198.18.%d" % (240 + os.getpid() % 10)
        try:
            self._start(flags)
        except BaseException:
            self.stop()
            raise

    def _start(self, flags):
        for cmd in (["link", "add", "psdbr0", "type", "bridge"],
                    ["addr", "add", self.subnet + ".1/24", "dev", "psdbr0"],
                    ["link", "set", "psdbr0", "up"]):
            subprocess.run(["ip", "-n", self.ns.name, *cmd], check=True)
        conf = os.path.join(self.tmp, "daemon.json")
        with open(conf, "w") as f:
            # Not the host's /etc/docker/daemon.json; its trust key here,
            # not in /etc/docker.
            json.dump({"deprecated-key-path": os.path.join(self.tmp, "key.json")}, f)
        self.log = open(os.path.join(self.tmp, "dockerd.log"), "w+")
        # nsenter, not ip netns exec: dockerd needs the host's /sys/fs/cgroup.
        self.proc = subprocess.Popen(
            ["nsenter", "--net=/run/netns/" + self.ns.name, DOCKERD, "--config-file", conf,
             "--data-root", self.data_root, "--exec-root", os.path.join(self.tmp, "exec"),
             "--pidfile", os.path.join(self.tmp, "dockerd.pid"), "-H", self.sock,
             "-b", "psdbr0", "--ip-forward=false", *flags],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while self.docker("version", check=False).returncode:
            if time.time() > deadline or self.proc.poll() is not None:
                self.log.seek(0)
                raise AssertionError("dockerd did not start: " + self.log.read()[-2000:])
            time.sleep(0.1)
        fs = os.path.join(self.tmp, "rootfs")
        rootfs(fs)
        tar = subprocess.Popen(["tar", "-C", fs, "-c", "."], stdout=subprocess.PIPE)
        r = subprocess.run([DOCKER, "-H", self.sock, "import", "-", IMAGE], stdin=tar.stdout,
                           capture_output=True, text=True, timeout=60)
        tar.wait()
        expect(r.returncode == 0, "docker import", r.stderr)

    def docker(self, *args, check=True):
        r = subprocess.run([DOCKER, "-H", self.sock, *args], capture_output=True, text=True,
                           timeout=60)
        if check:
            expect(r.returncode == 0, "docker %s" % " ".join(args), r.stderr)
        return r

    def run(self, name, publish):
        """docker run -d -p publish httpd on :80; returns (id, pid, ip)."""
        cid = self.docker("run", "-d", "--name", name, "-p", publish, IMAGE, "/bin/httpd",
                          "-f", "-p", "80", "-h", "/www").stdout.strip()
        st = json.loads(self.docker("inspect", cid).stdout)[0]
        ip = st["NetworkSettings"]["IPAddress"]
        expect(ip.startswith(self.subnet + "."), "the container's address on the bridge", ip)
        pid = st["State"]["Pid"]
        deadline = time.time() + 10
        while not subprocess.run(["nsenter", "-t", str(pid), "-n", "ss", "-Htln",
                                  "sport = :80"], capture_output=True, text=True).stdout.strip():
            expect(time.time() < deadline, "httpd listens in the container")
            time.sleep(0.05)
        return cid, pid, ip

    def pid(self):
        with open(os.path.join(self.tmp, "dockerd.pid")) as f:
            return int(f.read())

    def stop(self):
        try:
            if self.proc and self.proc.poll() is None:
                ids = self.docker("ps", "-aq", check=False).stdout.split()
                if ids:
                    self.docker("rm", "-f", *ids, check=False)
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        finally:
            # A container dockerd left running (its shim names the exec
            # root), what it left mounted under its roots, then its
            # namespace (its bridge and rules go with it).
            self._kill_shims()
            with open("/proc/self/mountinfo") as f:
                mounts = [l.split()[4] for l in f]
            for m in sorted((m for m in mounts if m.startswith(self.tmp + "/")), reverse=True):
                subprocess.run(["umount", "-l", m], capture_output=True)
            self.ns.delete()
            if self.made_run:
                for d in ("/run/docker/plugins", "/run/docker"):
                    with contextlib.suppress(OSError):
                        os.rmdir(d)


    def _kill_shims(self):
        shims, parent = set(), {}
        for d in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open("/proc/%s/cmdline" % d, "rb") as f:
                    cmd = f.read()
                with open("/proc/%s/stat" % d) as f:
                    parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if b"containerd-shim" in cmd and (self.tmp + "/").encode() in cmd:
                shims.add(int(d))
        # The containers' first processes, then their shims.
        for pid in [p for p, pp in parent.items() if pp in shims] + sorted(shims):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def in_netns(ns, *cmd):
    return subprocess.run(["ip", "netns", "exec", ns.name, *[str(c) for c in cmd]],
                          capture_output=True, timeout=60)


def iptables_encoding():
    """How dockerd's `iptables` writes its rules: iptables-nft (xt in
    nf_tables) or iptables-legacy (x_tables)."""
    r = subprocess.run(["iptables", "--version"], capture_output=True, text=True)
    return "legacy" if "legacy" in r.stdout else "xt"


@test
def test_serves_dockerd_userland_proxy(ctx):
    """A dockerd of its own (data root in a temporary directory) runs
    `docker run -p 127.0.0.1:PORT:80`: docker-proxy holds PORT; who, ls,
    --json and a failed bind name the container (name, id, image, runtime,
    from config.v2.json under the data root dockerd was given), its httpd
    (host pid) and ADDR:80, and `docker-proxy -> ADDR:80`; the proxy's own
    bind in the trace says where it forwards."""
    port = 18090
    with tempfile.TemporaryDirectory() as tmp:
        dk = Dockerd(tmp, "p")
        try:
            name = "web-%d" % os.getpid()
            cid, pid, ip = dk.run(name, "127.0.0.1:%d:80" % port)
            recs = who_json(ctx, port, "--netns", dk.ns.inode)
            expect(len(recs) == 1 and recs[0]["process"]["name"] == "docker-proxy" and
                   recs[0]["process"]["parent"] == {"pid": dk.pid(), "name": "dockerd"},
                   "docker-proxy, dockerd's child, holds %d" % port, recs)
            proxy = recs[0]["process"]["pid"]
            sv = recs[0]["portsnoop"].get("serves", {})
            expect(sv.get("container") == {"id": cid, "name": name, "runtime": "docker",
                                           "image": {"name": IMAGE}}, "the container behind",
                   sv)
            netns = os.stat("/proc/%d/ns/net" % pid).st_ino
            expect(sv.get("process") == {"pid": pid, "name": "httpd",
                                         "executable": BUSYBOX} and
                   sv["ip"] == "::" and sv["port"] == 80 and sv["netns"] == netns,
                   "httpd behind, in the container's namespace", sv, pid, netns)
            how = "docker-proxy -> %s:80: container %s, httpd[%d] on [::]:80" % (ip, name, pid)
            expect(sv["how"] == how, "how", sv)
            text = run(ctx, "who", port, "--netns", dk.ns.inode).stdout.decode()
            expect("  docker-proxy[%d] fd " % proxy in text and "    serves   " + how + "\n"
                   in text, "who's text", text)
            rows = ls_json(ctx, "-t", "-P", port, "--netns", dk.ns.inode)
            expect(len(rows) == 1 and rows[0]["portsnoop"]["owners"][0]["pid"] == proxy and
                   rows[0]["portsnoop"].get("serves", {}).get("how") == how, "ls", rows)
            # A failed bind in dockerd's namespace: held by docker-proxy, for the container.
            r = in_netns(dk.ns, ctx.sockwork, "bind", "tcp", 4, "127.0.0.1", port)
            rep = json.loads(r.stdout.splitlines()[0])
            expect(rep["errno"] == errno.EADDRINUSE, "EADDRINUSE", rep)
            # The trace looks behind the holder of a failed bind (a snapshot of
            # every namespace): give a loaded machine time.
            ev = one(ctx.tracer.of_pid(rep["pid"], "bind", timeout=30), "bind")
            expect(ev["portsnoop"].get("holders") == [{"pid": proxy, "name": "docker-proxy"}],
                   "held by docker-proxy", ev["portsnoop"])
            expect(ev["portsnoop"].get("serves", {}).get("container", {}).get("name") == name,
                   "the failed bind names the container", ev["portsnoop"])
            own = ctx.tracer.wait_for(lambda e: e.get("process", {}).get("pid") == proxy and
                                      e["event"]["action"] in ("bind", "listen"), count=2)
            expect(len(own) == 2 and all(e["portsnoop"].get("serves", {}).get("how") ==
                                         "docker-proxy -> %s:80" % ip for e in own),
                   "the proxy's own bind and listen", own)
            # The container's own listener: its name and image, from the data root.
            lis = ctx.tracer.of_pid(pid, "listen")
            expect(len(lis) == 1 and lis[0]["server"]["port"] == 80 and
                   lis[0].get("container") == {"id": cid, "runtime": "docker", "name": name,
                                               "image": {"name": IMAGE}},
                   "httpd's listen in the container names it", lis)
        finally:
            dk.stop()


@test
def test_serves_dockerd_without_userland_proxy(ctx):
    """dockerd --userland-proxy=false: a DNAT rule in chain DOCKER (made
    by iptables-nft or iptables-legacy, whichever `iptables` is) sends the
    host port to the container; dockerd keeps the port bound to reserve
    it. who PORT names dockerd, what it publishes (the container whose
    hostconfig.json binds PORT, its httpd) and, through the rule, the
    container's httpd with its name and image; a failed bind names the
    container; ls --nat lists the published port."""
    port = 18091
    with tempfile.TemporaryDirectory() as tmp:
        dk = Dockerd(tmp, "n", "--userland-proxy=false")
        try:
            name = "web-%d" % os.getpid()
            cid, pid, ip = dk.run(name, "%d:80" % port)
            enc = iptables_encoding()
            r = in_netns(dk.ns, ctx.portsnoop, "who", port, "--netns", dk.ns.inode, "--json")
            expect(r.returncode == 0, "who exits 0", r)
            recs = [json.loads(l) for l in r.stdout.splitlines()]
            expect(len(recs) == 2, "dockerd and the container's httpd", recs)
            expect(recs[0]["process"]["pid"] == dk.pid() and
                   recs[0]["process"]["name"] == "dockerd" and
                   recs[0]["server"] == {"ip": "0.0.0.0", "port": port},
                   "dockerd keeps the port", recs[0])
            how = "published by dockerd: container %s, httpd[%d] on [::]:80" % (name, pid)
            sv = recs[0]["portsnoop"].get("serves", {})
            expect(sv.get("how") == how and sv.get("container") == {
                "id": cid, "name": name, "runtime": "docker", "image": {"name": IMAGE}} and
                sv.get("process", {}).get("pid") == pid and sv.get("port") == 80,
                "what dockerd publishes", sv)
            x = recs[1]
            netns = os.stat("/proc/%d/ns/net" % pid).st_ino
            expect(x["process"]["pid"] == pid and x["process"]["name"] == "httpd" and
                   x["server"] == {"ip": "::", "port": 80} and
                   x["portsnoop"]["netns"] == netns, "httpd in the container", x)
            expect(x.get("container") == {"id": cid, "runtime": "docker", "name": name,
                                          "image": {"name": IMAGE}}, "the container", x)
            nat = x["portsnoop"].get("nat", {})
            expect(nat.get("port") == port and nat.get("to") == {"ip": ip, "port": 80},
                   "the rule's port and target", nat)
            rule = nat["rule"]
            expect(rule["family"] == "ip" and rule["table"] == "nat" and
                   rule["chain"] == "DOCKER" and rule["encoding"] == enc, "docker's rule", rule)
            text = in_netns(dk.ns, ctx.portsnoop, "who", port, "--netns",
                            dk.ns.inode).stdout.decode()
            expect("  httpd[%d] fd " % pid in text and "    container %s\n" % name in text and
                   "    via      tcp port %d -> %s:80 by DNAT rule ip nat DOCKER (handle %d, %s)"
                   % (port, ip, rule["handle"], enc) in text, "who's text", text)
            expect("    serves   %s\n" % how in text, "who's serves line", text)
            r = in_netns(dk.ns, ctx.sockwork, "bind", "tcp", 4, "0.0.0.0", port)
            rep = json.loads(r.stdout.splitlines()[0])
            expect(rep["errno"] == errno.EADDRINUSE, "EADDRINUSE", rep)
            ev = one(ctx.tracer.of_pid(rep["pid"], "bind", timeout=30), "bind")
            expect(ev["portsnoop"].get("holders") == [{"pid": dk.pid(), "name": "dockerd"}] and
                   ev["portsnoop"].get("serves", {}).get("how") == how,
                   "the failed bind names the container", ev["portsnoop"])
            # dockerd's own bind of the port says nothing it cannot know.
            own = ctx.tracer.wait_for(lambda e: e.get("process", {}).get("pid") == dk.pid() and
                                      e["event"]["action"] == "bind" and
                                      e.get("server", {}).get("port") == port)
            expect(own and all("serves" not in e["portsnoop"] for e in own), "dockerd's bind",
                   own)
            r = in_netns(dk.ns, ctx.portsnoop, "ls", "--nat")
            line = "tcp %d -> %s:80 netns %d httpd[%d]  DNAT rule ip nat DOCKER (handle %d, %s)" % (
                port, ip, netns, pid, rule["handle"], enc)
            expect(line in r.stdout.decode().splitlines(), "ls --nat", line,
                   r.stdout.decode()[-800:])
        finally:
            dk.stop()


ROOTLESS_USER = "portsnoop-rl"


class RootlessPodman:
    """Rootless podman (Debian's 4.3: slirp4netns, and rootlessport holding
    published ports) as a user made here with /etc/subuid ranges (useradd
    gives them) and removed at the end, in a network namespace made here.
    Where /dev/net/tun is not open to users (a machine without udev), a
    node of its own, mode 0666, is bind-mounted over it in a mount
    namespace of the test's: the host's node is not touched."""

    def __init__(self, tmp):
        need("podman", "runc", "conmon", "slirp4netns", "newuidmap", "newgidmap", "useradd",
             "userdel", "runuser", "unshare", "nsenter", BUSYBOX)
        self.tmp = tmp
        self.ns = Netns("portsnoop-rl%d" % (os.getpid() % 100000))
        self.made_user = False
        try:
            self._user()
            fs = os.path.join(tmp, "rootfs")
            rootfs(fs)
            tar = os.path.join(tmp, "rootfs.tar")
            subprocess.run(["tar", "-C", fs, "-cf", tar, "."], check=True)
            os.chmod(tmp, 0o755)
            os.chmod(tar, 0o644)
            self.podman("import", "-q", tar, IMAGE)
        except BaseException:
            self.stop()
            raise

    @staticmethod
    def _remove_user():
        """The user and every process of it (podman's pause process,
        slirp4netns, rootlessport, conmon: all the test's), by pid."""
        try:
            uid = pwd.getpwnam(ROOTLESS_USER).pw_uid
        except KeyError:
            return
        for d in filter(str.isdigit, os.listdir("/proc")):
            with contextlib.suppress(OSError):
                if os.stat("/proc/" + d).st_uid == uid:
                    os.kill(int(d), signal.SIGKILL)
        for _ in range(50):
            if subprocess.run(["userdel", "-r", ROOTLESS_USER],
                              capture_output=True).returncode in (0, 6):
                break
            time.sleep(0.1)     # its processes not yet reaped
        shutil.rmtree("/tmp/podman-run-%d" % uid, ignore_errors=True)

    def _user(self):
        self._remove_user()     # a run that died before its end
        r = subprocess.run(["useradd", "-m", "-s", "/bin/sh", ROOTLESS_USER],
                           capture_output=True, text=True)
        expect(r.returncode == 0, "useradd", r.stderr)
        self.made_user = True
        self.uid = pwd.getpwnam(ROOTLESS_USER).pw_uid
        with open("/etc/subuid") as f:
            has = any(l.startswith(ROOTLESS_USER + ":") for l in f)
        if not has:
            # useradd gives ranges where /etc/subuid exists; else one past the others'.
            top = 100000
            for path in ("/etc/subuid", "/etc/subgid"):
                with contextlib.suppress(OSError), open(path) as f:
                    for l in f:
                        p = l.strip().split(":")
                        if len(p) == 3 and p[1].isdigit() and p[2].isdigit():
                            top = max(top, int(p[1]) + int(p[2]))
            r = subprocess.run(["usermod", "--add-subuids", "%d-%d" % (top, top + 65535),
                                "--add-subgids", "%d-%d" % (top, top + 65535), ROOTLESS_USER],
                               capture_output=True, text=True)
            expect(r.returncode == 0, "usermod --add-subuids", r.stderr)
        if not os.path.exists("/dev/net/tun"):
            raise Skip("no /dev/net/tun (slirp4netns needs the tun driver)")
        st = os.stat("/dev/net/tun")
        self.tun = None
        if st.st_mode & 0o006 != 0o006:
            self.tun = os.path.join(self.tmp, "tun")
            os.mknod(self.tun, 0o666 | stat.S_IFCHR, st.st_rdev)
            os.chmod(self.tun, 0o666)

    def podman(self, *args, check=True):
        """podman as the user, in the test's network namespace and, where
        needed, a mount namespace with the test's tun node."""
        inner = "cd && exec podman --runtime runc \"$@\""
        cmd = ["runuser", "-u", ROOTLESS_USER, "--", "sh", "-c", inner, "sh", *args]
        if self.tun:
            cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                   'mount --bind "$0" /dev/net/tun && exec "$@"', self.tun, *cmd]
        r = subprocess.run(["nsenter", "--net=/run/netns/" + self.ns.name, *cmd],
                           capture_output=True, text=True, timeout=120, cwd="/")
        if check:
            expect(r.returncode == 0, "podman %s" % " ".join(args), r.stderr[-2000:])
        return r

    def stop(self):
        try:
            if self.made_user:
                self.podman("rm", "-f", "-t", "0", "-a", check=False)
        finally:
            if self.made_user:
                self._remove_user()
            self.ns.delete()


@test
def test_serves_rootless_podman(ctx):
    """Rootless podman -p 127.0.0.1:PORT:80 (as a user made for the test):
    rootlessport holds PORT; who, ls, --json and a failed bind name the
    container (its id and name from its conmon: rootless containers have
    no cgroup of their own here), its httpd (host pid) and :80 in the
    namespace rootlessport's child forwards into."""
    port = 18092
    with tempfile.TemporaryDirectory() as tmp:
        rl = RootlessPodman(tmp)
        try:
            name = "web-%d" % os.getpid()
            r = rl.podman("run", "-d", "--name", name, "--ulimit", "nofile=1024:1024",
                          "--ulimit", "nproc=1024:1024", "-p", "127.0.0.1:%d:80" % port, IMAGE,
                          "/bin/httpd", "-f", "-p", "80", "-h", "/www")
            cid = r.stdout.strip().splitlines()[-1]
            st = json.loads(rl.podman("inspect", cid).stdout)[0]["State"]
            pid = st["Pid"]
            deadline = time.time() + 10
            while not subprocess.run(["nsenter", "-t", str(pid), "-n", "ss", "-Htln",
                                      "sport = :80"], capture_output=True,
                                     text=True).stdout.strip():
                expect(time.time() < deadline, "httpd listens in the container")
                time.sleep(0.05)
            recs = who_json(ctx, port, "--netns", rl.ns.inode)
            expect(len(recs) == 1 and recs[0]["process"]["name"] == "rootlessport" and
                   recs[0]["user"]["id"] == rl.uid, "rootlessport, the user's, holds", recs)
            keeper = recs[0]["process"]["pid"]
            sv = recs[0]["portsnoop"].get("serves", {})
            expect(sv.get("container") == {"id": cid, "name": name, "runtime": "podman"},
                   "the container behind", sv)
            netns = os.stat("/proc/%d/ns/net" % pid).st_ino
            expect(sv.get("process") == {"pid": pid, "name": "httpd", "executable": BUSYBOX}
                   and sv["port"] == 80 and sv["netns"] == netns, "httpd behind", sv, pid)
            how = "published by rootlessport: container %s, httpd[%d] on [::]:80" % (name, pid)
            expect(sv["how"] == how, "how", sv)
            text = run(ctx, "who", port, "--netns", rl.ns.inode).stdout.decode()
            expect("  rootlessport[%d] fd " % keeper in text and "    serves   " + how + "\n"
                   in text, "who's text", text)
            rows = ls_json(ctx, "-t", "-P", port, "--netns", rl.ns.inode)
            expect(len(rows) == 1 and rows[0]["portsnoop"].get("serves", {}).get("how") == how,
                   "ls", rows)
            r = in_netns(rl.ns, ctx.sockwork, "bind", "tcp", 4, "127.0.0.1", port)
            rep = json.loads(r.stdout.splitlines()[0])
            expect(rep["errno"] == errno.EADDRINUSE, "EADDRINUSE", rep)
            ev = one(ctx.tracer.of_pid(rep["pid"], "bind", timeout=30), "bind")
            expect(ev["portsnoop"].get("holders") == [{"pid": keeper, "name": "rootlessport"}]
                   and ev["portsnoop"].get("serves", {}).get("how") == how,
                   "the failed bind", ev["portsnoop"])
        finally:
            rl.stop()

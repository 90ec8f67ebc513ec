# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: who serves a port that nobody holds but a DNAT rule sends on,
the Kubernetes hostPort shape. A "host" namespace and a "pod" namespace made
here, a veth pair between them on a /30 of 198.18.0.0/15, a listener in the pod, and
a DNAT rule in the host namespace (nft's nat expression; iptables-nft's
xtables DNAT target; iptables-legacy's x_tables entry) sending a host port
to it. `who PORT` run in the host
namespace names the listener's pid, port and namespace and the rule; what it
cannot follow (an address on no namespace here, ports in a set, a ruleset it
may not read, one that changes while read) it says, and names nobody.
No packet is sent: the answer comes from rules, addresses and sockets.
"""
import contextlib
import threading

from harness import *  # noqa: F401,F403
from test_output import validator
from test_who import NOBODY, Holder

# An address of its own in 198.18.0.0/15 (other suites use 198.18.0.x), so
# that no other namespace on the host has it while the test runs.
_NET = "198.19.%d.%d" % (os.getpid() % 250, (os.getpid() // 250) % 63 * 4)
HOST_IP = _NET[:_NET.rfind(".") + 1] + str(int(_NET.rsplit(".", 1)[1]) + 1)
POD_IP = _NET[:_NET.rfind(".") + 1] + str(int(_NET.rsplit(".", 1)[1]) + 2)
HOST_PORT_NFT = 18781
HOST_PORT_XT = 18782
HOST_PORT_LEGACY = 18786


@contextlib.contextmanager
def pod_shape():
    """Host and pod namespaces joined by a veth pair; yields (host, pod)."""
    tag = "%d" % (os.getpid() % 100000)
    host, pod = Netns("portsnoop-nat-h" + tag), Netns("portsnoop-nat-p" + tag)
    try:
        subprocess.run(["ip", "link", "add", "psnh" + tag, "netns", host.name, "type", "veth",
                        "peer", "name", "psnp" + tag, "netns", pod.name], check=True)
        for ns, dev, addr in ((host, "psnh", HOST_IP + "/30"), (pod, "psnp", POD_IP + "/30")):
            subprocess.run(["ip", "-n", ns.name, "addr", "add", addr, "dev", dev + tag],
                           check=True)
            subprocess.run(["ip", "-n", ns.name, "link", "set", dev + tag, "up"], check=True)
        yield host, pod
    finally:
        host.delete()   # the rules go with it
        pod.delete()


def in_ns(ns, *cmd, check=True):
    r = subprocess.run(["ip", "netns", "exec", ns.name, *[str(c) for c in cmd]],
                       capture_output=True, timeout=60)
    if check and r.returncode:
        raise AssertionError("%s: exit %d: %s" % (" ".join(map(str, cmd)), r.returncode,
                                                   r.stderr.decode(errors="replace")))
    return r


def need(tool):
    if not shutil.which(tool):
        raise Skip("%s is not installed (scripts/deps.sh installs it)" % tool)


def nft_table(host, port, to):
    need("nft")
    in_ns(host, "nft", "add", "table", "ip", "psnat")
    in_ns(host, "nft", "add", "chain", "ip", "psnat", "pre",
          "{ type nat hook prerouting priority -100; }")
    in_ns(host, "nft", "add", "rule", "ip", "psnat", "pre", "tcp", "dport", port,
          "dnat", "to", to)


def who(ctx, host, port, *extra, user=()):
    """who PORT in the host namespace, about the host namespace's port only
    (--netns: a real host's own 18781 elsewhere is not the test's)."""
    return in_ns(host, *user, ctx.portsnoop, "who", port, "--netns", host.inode, *extra,
                 check=False)


def expect_named(ctx, host, pod, port, holder, table, chain, encoding):
    """who PORT, JSON and text: exactly the holder, through the rule."""
    r = who(ctx, host, port, "--json")
    expect(r.returncode == 0, "who %d exits 0" % port, r.returncode, r.stderr)
    recs = [json.loads(l) for l in r.stdout.splitlines()]
    expect(len(recs) == 1, "one listener behind port %d" % port, recs)
    errors = [e.message for e in validator().iter_errors(recs[0])]
    expect(not errors, "the record matches docs/schema", errors)
    x = recs[0]
    expect(x["process"]["pid"] == holder.pid, "the pod's listener's pid", x, holder.pid)
    expect(x["server"]["ip"] == POD_IP and x["server"]["port"] == holder.port,
           "its address and port in the pod", x["server"])
    expect(x["portsnoop"]["netns"] == pod.inode, "the pod's namespace", x["portsnoop"])
    expect(x["portsnoop"]["state"] == "listening", "listening", x["portsnoop"])
    nat = x["portsnoop"]["nat"]
    rule = nat["rule"]
    expect(nat["port"] == port and nat["to"] == {"ip": POD_IP, "port": holder.port},
           "the rule's port and target", nat)
    expect(rule["family"] == "ip" and rule["table"] == table and rule["chain"] == chain
           and rule["encoding"] == encoding and isinstance(rule["handle"], int)
           and rule["handle"] > 0, "the rule: family, table, chain, handle", rule)

    r = who(ctx, host, port)
    text = r.stdout.decode()
    expect(r.returncode == 0, "who %d (table) exits 0" % port, r.returncode, r.stderr)
    expect("tcp4 %s:%d listening (netns %d)" % (POD_IP, holder.port, pod.inode) in text,
           "the table names the pod's socket and namespace", text)
    expect("python3[%d]" % holder.pid in text, "the table names the pid", text)
    expect("via      tcp port %d -> %s:%d by DNAT rule ip %s %s (handle %d, %s)" % (
        port, POD_IP, holder.port, table, chain, rule["handle"], encoding) in text,
        "the table names the rule", text)
    return rule


@test
def test_nat_nft_dnat_names_pod_listener(ctx):
    with pod_shape() as (host, pod), Holder(pod.name, "listen", POD_IP) as h:
        nft_table(host, HOST_PORT_NFT, "%s:%d" % (POD_IP, h.port))
        rule = expect_named(ctx, host, pod, HOST_PORT_NFT, h, "psnat", "pre", "nft")
        # ls: the published port, where it leads, who listens there.
        r = in_ns(host, ctx.portsnoop, "ls")
        expect(b"DNAT" not in r.stdout, "plain ls: the table alone", r.stdout[-400:])
        r = in_ns(host, ctx.portsnoop, "ls", "--nat")
        line = "tcp %d -> %s:%d netns %d python3[%d]  DNAT rule ip psnat pre (handle %d, nft)" % (
            HOST_PORT_NFT, POD_IP, h.port, pod.inode, h.pid, rule["handle"])
        expect(line in r.stdout.decode().splitlines(), "ls --nat shows the published port", line,
               r.stdout.decode()[-800:])
        # Asked about the pod's namespace: the host's rules are not for its ports.
        r = in_ns(host, ctx.portsnoop, "who", HOST_PORT_NFT, "--netns", pod.inode, check=False)
        expect(r.returncode == 1 and not r.stdout, "who --netns POD: the host's rule is "
               "not followed", r)
        # Another port: no rule sends it anywhere; nobody holds it.
        r = who(ctx, host, HOST_PORT_NFT + 100)
        expect(r.returncode == 1 and b"nobody holds port %d" % (HOST_PORT_NFT + 100)
               in r.stderr and not r.stdout, "an unrelated port: nobody", r)


@test
def test_nat_iptables_nft_dnat_names_pod_listener(ctx):
    need("iptables-nft")
    with pod_shape() as (host, pod), Holder(pod.name, "listen", POD_IP) as h:
        # A chain of the test's own, as CNI's portmap makes (CNI-DN-...).
        in_ns(host, "iptables-nft", "-t", "nat", "-N", "PSNAT-DN")
        in_ns(host, "iptables-nft", "-t", "nat", "-A", "PSNAT-DN", "-p", "tcp", "--dport",
              HOST_PORT_XT, "-j", "DNAT", "--to-destination", "%s:%d" % (POD_IP, h.port))
        expect_named(ctx, host, pod, HOST_PORT_XT, h, "nat", "PSNAT-DN", "xt")


@test
def test_nat_iptables_legacy_dnat_names_pod_listener(ctx):
    """x_tables, not nf_tables: read with IPT_SO_GET_ENTRIES, only where the
    nat table exists already (here: in the test's host namespace alone)."""
    need("iptables-legacy")
    with pod_shape() as (host, pod), Holder(pod.name, "listen", POD_IP) as h:
        in_ns(host, "iptables-legacy", "-t", "nat", "-N", "PSNAT-LEG")
        in_ns(host, "iptables-legacy", "-t", "nat", "-A", "PSNAT-LEG", "-p", "udp",
              "--dport", "53", "-j", "DNAT", "--to-destination", POD_IP)
        in_ns(host, "iptables-legacy", "-t", "nat", "-A", "PSNAT-LEG", "-p", "tcp",
              "--dport", HOST_PORT_LEGACY, "-j", "DNAT", "--to-destination",
              "%s:%d" % (POD_IP, h.port))
        rule = expect_named(ctx, host, pod, HOST_PORT_LEGACY, h, "nat", "PSNAT-LEG", "legacy")
        expect(rule["handle"] == 2, "the rule's number in its chain (iptables -L "
               "--line-numbers)", rule)


@test
def test_nat_what_cannot_be_followed_is_said(ctx):
    with pod_shape() as (host, pod), Holder(pod.name, "listen", POD_IP) as h:
        nft_table(host, 18783, "203.0.113.9:80")     # no namespace here has it
        in_ns(host, "nft", "add", "rule", "ip", "psnat", "pre", "tcp", "dport",
              "{ 18784, 18785 }", "dnat", "to", "%s:%d" % (POD_IP, h.port))
        r = who(ctx, host, 18783)
        err = r.stderr.decode()
        expect(r.returncode == 1 and not r.stdout, "another host: exit 1, nobody named", r)
        expect("DNAT rule ip psnat pre" in err and "203.0.113.9:80, an address no network "
               "namespace on this host has" in err and "nobody holds port 18783" in err,
               "another host: said", err)
        r = who(ctx, host, 18784, "--json")
        err = r.stderr.decode()
        expect(r.returncode == 1 and not r.stdout, "ports in a set: nobody named", r)
        expect("but cannot be followed: its ports are matched through a set" in err,
               "ports in a set: said", err)
        # Not allowed to read the ruleset: said, nothing guessed.
        r = who(ctx, host, 18783, user=NOBODY)
        err = r.stderr.decode()
        # Not "nobody" either: where it could not look (who's exit 4).
        expect(r.returncode == 4 and not r.stdout, "unprivileged: exit 4, nobody named", r)
        expect("not found where portsnoop could look" in err, "unprivileged: not 'nobody'", err)
        expect("DNAT rules not followed: the nf_tables ruleset could not be read: "
               "Operation not permitted" in err, "unprivileged: said", err)


@test
def test_nat_ruleset_changing_while_read(ctx):
    """Rules added and deleted all the time: each answer is the listener or a
    note, never another pid and never a crash."""
    with pod_shape() as (host, pod), Holder(pod.name, "listen", POD_IP) as h:
        nft_table(host, HOST_PORT_NFT, "%s:%d" % (POD_IP, h.port))
        stop = threading.Event()

        def churn():
            batch = "add rule ip psnat pre tcp dport 9 dnat to 203.0.113.9\n" \
                    "flush chain ip psnat pre\n" \
                    "add rule ip psnat pre tcp dport %d dnat to %s:%d\n" % (
                        HOST_PORT_NFT, POD_IP, h.port)
            while not stop.is_set():
                subprocess.run(["ip", "netns", "exec", host.name, "nft", "-f", "-"],
                               input=batch.encode(), capture_output=True)

        t = threading.Thread(target=churn)
        t.start()
        try:
            named = noted = 0
            for _ in range(10):
                r = who(ctx, host, HOST_PORT_NFT, "--json")
                expect(r.returncode in (0, 1), "exit 0 or 1, never a crash", r)
                for line in r.stdout.splitlines():
                    expect(json.loads(line)["process"]["pid"] == h.pid,
                           "only the pod's listener is named", line)
                named += r.returncode == 0
                noted += r.returncode == 1
                if r.returncode:
                    expect(b"nobody holds port" in r.stderr, "nobody: said", r.stderr)
        finally:
            stop.set()
            t.join()
        expect(named > 0, "named at least once while the rules changed", named, noted)

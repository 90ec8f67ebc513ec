#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live test: the --journald sink against Debian's own systemd-journald.

journald runs without systemd as PID 1: in a mount namespace of its own with
a tmpfs on /run (so it creates /run/systemd/journal/socket there, not on the
host) and a directory of the test's bound on /run/log, where it keeps the
journal; portsnoop reaches its socket through /proc/PID/root. The entries
are read back with journalctl, by the queries a user would type
(MESSAGE_ID=..., PID=..., -p warning).

It belongs with the output and sink tests of tests/live/ (run_live.py's
harness: @test, Work, expect). Alone:
  tests/live/journald_real.py --build build -k journald_real
"""
import errno
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import run_live
from run_live import READY, Skip, Work, _wait_stderr, expect, one, test

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


class Journald:
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

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


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


if __name__ == "__main__":
    sys.exit(run_live.main())

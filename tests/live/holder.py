#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Hold sockets the way real programs do, for the `who` tests; print one JSON
line of what the kernel said (pids, ports, fds), then wait for stdin to close.

  holder.py MODE [ARGS]
    bound ADDR             a TCP socket bound to ADDR:0, never listening
    client                 a listener on 127.0.0.1:0 and a client connected to it
    listen6 ADDR           an AF_INET6 listener on [ADDR]:0 (::ffff:127.0.0.1 ...)
    listen ADDR            an AF_INET listener on ADDR:0
    setns NETNS_PATH       setns() into NETNS_PATH, listen on 0.0.0.0:0, setns()
                           back: the socket stays in a namespace we are not in
    in_flight              a listener whose only reference is an SCM_RIGHTS
                           message not yet received: no process has it open
    bound_in_flight        the same for a TCP socket bound to 127.0.0.1:0,
                           never listening
    thread NAME            a thread named NAME binds a UDP socket to 127.0.0.1:0
    time_wait              a connection closed by its client: the client's port
                           is in TIME-WAIT, held by no process
    gone ADDR              a child listens on ADDR:0; the parent binds the same
                           address (EADDRINUSE), then the child exits at once
"""
import ctypes
import json
import os
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000
PR_SET_NAME = 15
libc = ctypes.CDLL(None, use_errno=True)


def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns " + path)
    finally:
        os.close(fd)


def report(**kw):
    kw.setdefault("pid", os.getpid())
    print(json.dumps(kw), flush=True)


def hold():
    sys.stdin.read()


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    keep = []
    if mode == "bound":
        s = socket.socket()
        s.bind((args[0], 0))
        keep.append(s)
        report(port=s.getsockname()[1], fd=s.fileno())
    elif mode == "client":
        l = socket.socket()
        l.bind(("127.0.0.1", 0))
        l.listen()
        c = socket.create_connection(("127.0.0.1", l.getsockname()[1]))
        keep += [l, c]
        report(port=c.getsockname()[1], server_port=l.getsockname()[1], fd=c.fileno())
    elif mode in ("listen", "listen6"):
        s = socket.socket(socket.AF_INET6 if mode == "listen6" else socket.AF_INET)
        s.bind((args[0], 0))
        s.listen()
        keep.append(s)
        report(port=s.getsockname()[1], fd=s.fileno())
    elif mode == "setns":
        home = os.open("/proc/self/ns/net", os.O_RDONLY)
        setns(args[0])
        s = socket.socket()
        s.bind(("0.0.0.0", 0))
        s.listen()
        if libc.setns(home, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns back")
        os.close(home)
        keep.append(s)
        report(port=s.getsockname()[1], fd=s.fileno(),
               netns=os.stat("/proc/self/ns/net").st_ino)
    elif mode in ("in_flight", "bound_in_flight"):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        if mode == "in_flight":
            s.listen()
        port = s.getsockname()[1]
        a, b = socket.socketpair()
        socket.send_fds(a, [b"x"], [s.fileno()])
        s.close()
        keep += [a, b]
        report(port=port)
    elif mode == "thread":
        out = {}

        def bind():
            libc.prctl(PR_SET_NAME, args[0].encode(), 0, 0, 0)
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind(("127.0.0.1", 0))
            out.update(port=u.getsockname()[1], tid=threading.get_native_id())
            keep.append(u)
        t = threading.Thread(target=bind)
        t.start()
        t.join()
        report(**out)
    elif mode == "time_wait":
        l = socket.socket()
        l.bind(("127.0.0.1", 0))
        l.listen()
        c = socket.create_connection(l.getsockname())
        a, _ = l.accept()
        port = c.getsockname()[1]
        c.close()
        a.recv(1)
        a.close()
        keep.append(l)
        report(port=port)
    elif mode == "gone":
        r, w = os.pipe()
        r2, w2 = os.pipe()
        kid = os.fork()
        if kid == 0:
            s = socket.socket()
            s.bind((args[0], 0))
            s.listen()
            os.write(w, b"%d" % s.getsockname()[1])
            os.read(r2, 1)
            os._exit(0)
        port = int(os.read(r, 16))
        s = socket.socket()
        try:
            s.bind((args[0], port))
            err = 0
        except OSError as e:
            err = e.errno
        os.write(w2, b"x")
        os.waitpid(kid, 0)
        report(port=port, kid=kid, errno=err)
    else:
        sys.exit("holder.py: unknown mode " + mode)
    hold()


if __name__ == "__main__":
    main()

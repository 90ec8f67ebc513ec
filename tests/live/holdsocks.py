# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""holdsocks: sockets with the options ls and who must show, held until stdin
closes. Run inside the test's namespace:

    holdsocks.py SPEC [PAD...]

SPEC is JSON: {"socks": [{"proto": "tcp"|"udp", "family": 4|6, "addr": "::",
"port": 0, "v6only": 0|1, "dev": "d0", "scope": "d0", "backlog": 7,
"dup": true, "clients": 2}], "files": ["/tmp/x"], "fork": 1, "uid": 65534}.
fork: that many children inherit every fd; uid: the holders become that user
(the sockets were created as root: their creator stays root). files: opened
for writing twice each. PAD: trailing arguments (nginx-style padding).
Prints one JSON line: {"pid", "kids", "socks": [{"port", "fds"}], "uid"}.
"""
import json
import os
import socket
import sys


def make(s):
    fam = socket.AF_INET6 if s["family"] == 6 else socket.AF_INET
    typ = socket.SOCK_DGRAM if s["proto"] == "udp" else socket.SOCK_STREAM
    k = socket.socket(fam, typ)
    if "v6only" in s:
        k.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, s["v6only"])
    if "dev" in s:
        k.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, s["dev"].encode())
    if "scope" in s:
        k.bind((s["addr"], s.get("port", 0), 0, socket.if_nametoindex(s["scope"])))
    else:
        k.bind((s["addr"], s.get("port", 0)))
    fds = [k.fileno()]
    if typ == socket.SOCK_STREAM:
        k.listen(s.get("backlog", 5))
    if s.get("dup"):
        fds.append(os.dup(k.fileno()))
    clients = []
    for _ in range(s.get("clients", 0)):
        c = socket.socket(fam, socket.SOCK_STREAM)
        c.connect(("::1" if fam == socket.AF_INET6 else "127.0.0.1", k.getsockname()[1]))
        clients.append(c)
    return k, fds, clients


def main():
    spec = json.loads(sys.argv[1])
    keep, socks = [], []
    for s in spec["socks"]:
        k, fds, clients = make(s)
        keep += [k, *clients]
        socks.append({"port": k.getsockname()[1], "fds": fds})
    for path in spec.get("files", []):
        keep.append(open(path, "a"))
        keep.append(open(path, "a"))
    kids = []
    for _ in range(spec.get("fork", 0)):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            if "uid" in spec:
                os.setgid(spec["uid"])
                os.setuid(spec["uid"])
            os.write(w, b"x")
            sys.stdin.read()
            os._exit(0)
        os.close(w)
        os.read(r, 1)
        kids.append(pid)
    if kids and "uid" in spec:
        # The children hold them now; the creator lets go of its copies.
        for k in keep:
            k.close()
        for s in socks:
            for fd in s["fds"][1:]:
                os.close(fd)
    print(json.dumps({"pid": os.getpid(), "kids": kids, "socks": socks}), flush=True)
    sys.stdin.read()
    for pid in kids:
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()

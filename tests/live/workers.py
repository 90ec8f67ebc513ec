#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A pre-fork server in miniature: listen on TCP port 0, open a log file for
writing, fork N workers that share the listening socket; everyone waits for
stdin to close. Prints {"pid", "kids", "port"} once the workers exist."""
import json
import os
import socket
import sys

log_path, n = sys.argv[1], int(sys.argv[2])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 0))
s.listen()
log = open(log_path, "a")
kids = []
for _ in range(n):
    pid = os.fork()
    if pid == 0:
        sys.stdin.read()
        os._exit(0)
    kids.append(pid)
print(json.dumps({"pid": os.getpid(), "kids": kids, "port": s.getsockname()[1]}), flush=True)
sys.stdin.read()
for k in kids:
    os.waitpid(k, 0)

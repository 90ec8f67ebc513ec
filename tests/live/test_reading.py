# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests of issue 24, "what a person reads is right": `who` never says
"nobody" when it could not look everywhere."""
from harness import *  # noqa: F401,F403
from test_who import NOBODY, Holder, run


@test
def who_without_root_is_not_nobody(ctx):
    # Root holds a port inside the test's namespace, which an unprivileged
    # caller cannot enter: who must not call the port free.
    with Holder(ctx.ns.name, "listen", "127.0.0.1") as h:
        r = run(ctx, "who", h.port, user=NOBODY)
        err = r.stderr.decode()
        expect(r.returncode == 4, "who exits 4: not found where it could look",
               r.returncode, err)
        expect("nobody holds" not in err, "never 'nobody' when a namespace was left out", err)
        expect("portsnoop: not found where portsnoop could look: port %d (not root: left out "
               % h.port in err and "network namespace" in err,
               "stderr says what it could not look into", err)
        expect(r.stdout == b"", "nothing on stdout", r.stdout)
        r = run(ctx, "who", h.port, "--json", user=NOBODY)
        expect(r.returncode == 4 and r.stdout == b"", "the same with --json", r)
        # Root looks everywhere and finds it.
        r = run(ctx, "who", h.port, "--json")
        recs = [json.loads(l) for l in r.stdout.splitlines()]
        expect(r.returncode == 0 and [x["process"]["pid"] for x in recs] == [h.pid],
               "as root: found, with its holder", r.returncode, recs)
    # Once the port is free, root says nobody (1).
    r = run(ctx, "who", h.port)
    expect(r.returncode == 1 and b"nobody holds port %d" % h.port in r.stderr,
           "root: nobody, exit 1", r)

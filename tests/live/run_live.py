#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Live tests: the real portsnoop, real BPF programs, real socket calls.

The harness (Tracer, Netns, Work, the @test registry, main) is harness.py;
the tests are test_<concern>.py, each registering its tests in the order
written. MODULES is the order they run in. Usage, output and exit status:
see harness.main (--build, -k, --parity, --probe; PASS/FAIL/SKIP lines, then
"live: N passed, N failed, N skipped").
"""
import glob
import importlib
import os
import sys

import harness

MODULES = ("test_strategies", "test_faults", "test_bind", "test_listen", "test_connect",
           "test_output", "test_cli", "test_filters", "test_process", "test_state",
           "test_who", "test_close")
# What portsnoop makes of events in userspace (commands over logs, metrics,
# runtimes' state): the kernel's part is the same on every kernel, so these
# run on the host (check, sanitize, live-static) and not again in each VM,
# where tests/vm/live.sh passes --kernel-suite.
HOST_MODULES = ("test_reading", "test_nat", "test_serves", "test_fleet", "test_history")


def load(kernel_suite):
    here = os.path.dirname(os.path.abspath(__file__))
    found = {os.path.basename(p)[:-3] for p in glob.glob(os.path.join(here, "test_*.py"))}
    known = set(MODULES) | set(HOST_MODULES)
    if found != known:
        sys.exit("run_live.py: MODULES, HOST_MODULES and tests/live/test_*.py differ: %s" %
                 sorted(found ^ known))
    for name in MODULES + (() if kernel_suite else HOST_MODULES):
        importlib.import_module(name)


if __name__ == "__main__":
    kernel_suite = "--kernel-suite" in sys.argv
    if kernel_suite:
        sys.argv.remove("--kernel-suite")
    load(kernel_suite)
    sys.exit(harness.main())

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


def load():
    here = os.path.dirname(os.path.abspath(__file__))
    found = {os.path.basename(p)[:-3] for p in glob.glob(os.path.join(here, "test_*.py"))}
    if found != set(MODULES):
        sys.exit("run_live.py: MODULES and tests/live/test_*.py differ: %s" %
                 sorted(found ^ set(MODULES)))
    for name in MODULES:
        importlib.import_module(name)


if __name__ == "__main__":
    load()
    sys.exit(harness.main())

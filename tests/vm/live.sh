#!/bin/sh
# Runs in the VM (tests/vm/run.sh): the live tests under each attach
# strategy in turn, then the test that runs all three at once and compares
# them. Ends with "vmtest: N passed, N failed, N skipped"; exits 1 if any failed.
# Usage: tests/vm/live.sh BUILD_DIR
set -u
build=${1:-build}
py=/usr/bin/python3
passed=0 failed=0 skipped=0
. scripts/tally.sh

echo "vmtest: kernel $(uname -r)"
for probe in fentry kprobe tracepoint; do
	echo "== vm: live tests, --probe=$probe"
	tally "vm live tests --probe=$probe" '^live: [0-9]' \
		"$py" tests/live/run_live.py --build "$build" --probe "$probe"
done
echo "== vm: the strategies side by side"
tally "vm parity test" '^live: [0-9]' "$py" tests/live/run_live.py --build "$build" --parity
echo "vmtest: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/bin/sh
# Runs in the VM (tests/vm/run.sh): the live tests under each attach
# strategy in turn, then the test that runs all three at once and compares
# them. Ends with "vmtest: N passed, N failed, N skipped"; exits 1 if any failed.
# Usage: tests/vm/live.sh BUILD_DIR
# VM_PROBES: the modes to run the suite under (default "fentry kprobe
# tracepoint"; "auto" is the default mode): only what the kernel allows (arm64
# 6.1 cannot attach fentry). The parity test compares the strategies among
# them, when there are two or more.
set -u
build=${1:-build}
py=/usr/bin/python3
passed=0 failed=0 skipped=0
. scripts/tally.sh

echo "vmtest: kernel $(uname -r)"
PORTSNOOP_PARITY=
for probe in ${VM_PROBES:-fentry kprobe tracepoint}; do
	echo "== vm: live tests, --probe=$probe"
	if [ "$probe" = auto ]; then
		tally "vm live tests, auto mode" '^live: [0-9]' \
			"$py" tests/live/run_live.py --build "$build"
		continue
	fi
	PORTSNOOP_PARITY="$PORTSNOOP_PARITY $probe"
	tally "vm live tests --probe=$probe" '^live: [0-9]' \
		"$py" tests/live/run_live.py --build "$build" --probe "$probe"
done
export PORTSNOOP_PARITY
# shellcheck disable=SC2086 # the strategies, one word each
set -- $PORTSNOOP_PARITY
if [ $# -ge 2 ]; then
	echo "== vm: the strategies side by side:$PORTSNOOP_PARITY"
	tally "vm parity test" '^live: [0-9]' "$py" tests/live/run_live.py --build "$build" --parity
fi
echo "vmtest: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

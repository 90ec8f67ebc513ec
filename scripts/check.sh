#!/bin/sh
# Run every test: cmocka unit tests, then the live tests (root, real BPF).
# Usage: scripts/check.sh [--unit-only] [--fuzz FUZZ_BUILD_DIR] [--vm] BUILD_DIR
#   --vm: then the live tests again on Debian's stock kernel in qemu, in auto
#   mode, then the parity test: one portsnoop per strategy over the same
#   calls, compared (tests/vm/live.sh).
# Ends with one line "check: N passed, N failed, N skipped".
set -u

unit_only=0 fuzz=""
if [ "${1:-}" = "--unit-only" ]; then
	unit_only=1
	shift
fi
if [ "${1:-}" = "--fuzz" ]; then
	fuzz=$2
	shift 2
fi
vm=0
if [ "${1:-}" = "--vm" ]; then
	vm=1
	shift
fi
build=${1:-build}
passed=0 failed=0 skipped=0
. scripts/tally.sh

echo "== unit tests"
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	n=$(printf '%s\n' "$out" | sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	passed=$((passed + ${n:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
		echo "FAIL $t: exit $rc"
		failed=$((failed + 1))
	fi
done

if [ -n "$fuzz" ]; then
	echo "== fuzzing (short, seeded)"
	tally fuzzing '^fuzz: ' scripts/fuzz.sh "$fuzz" short
fi

if [ "$unit_only" = 0 ]; then
	echo "== live tests"
	tally "live tests" '^live: [0-9]' "${PYTHON:-/usr/bin/python3}" tests/live/run_live.py \
		--build "$build"
fi

if [ "$vm" = 1 ]; then
	echo "== the VM runner's own tests (a lockup stops the run; nothing loaded fails)"
	tally "vm runner tests" '^vmrunner: [0-9]' tests/vm/test_runner.sh
	echo "== live tests in a VM (Debian's kernel: auto, then the strategies side by side)"
	tally "vm tests" '^vmtest: [0-9]' tests/vm/run.sh -- sh tests/vm/live.sh "$build" auto parity
fi

echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

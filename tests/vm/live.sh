#!/bin/sh
# Runs in the VM (tests/vm/run.sh): the live tests under each attach
# strategy in turn, then the test that runs all three at once and compares
# them. Ends with "vmtest: N passed, N failed, N skipped"; exits 1 if any failed.
# Usage: tests/vm/live.sh BUILD_DIR
set -u
build=${1:-build}
py=/usr/bin/python3
passed=0 failed=0 skipped=0

echo "vmtest: kernel $(uname -r)"
tally() {
	out=$(mktemp)
	"$py" tests/live/run_live.py --build "$build" "$@" | tee "$out"
	line=$(grep '^live: [0-9]' "$out" | tail -1)
	rm -f "$out"
	if [ -z "$line" ]; then
		echo "FAIL vm live tests $*: the runner printed no result"
		failed=$((failed + 1))
		return
	fi
	set -- $(echo "$line" | sed 's/[^0-9 ]//g')
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
}
for probe in fentry kprobe tracepoint; do
	echo "== vm: live tests, --probe=$probe"
	tally --probe "$probe"
done
echo "== vm: the strategies side by side"
tally --parity
echo "vmtest: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

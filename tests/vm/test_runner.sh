#!/bin/sh
# Tests of the VM runner itself (run.sh, live.sh), each in a real VM:
# - a guest kernel that reports a soft lockup stops the run within seconds,
#   with exit 123 and the kernel's line in the message, and the trace that
#   follows it (printed at the default level, 4, which `quiet` hides);
# - a kernel where portsnoop cannot start ("nothing loads") fails the VM's
#   live tests, also when the harness would call it skips (CI unset).
# Usage: tests/vm/test_runner.sh [--kernel K]. Ends with
# "vmrunner: N passed, N failed"; exits 1 if any failed. About 30 s.
set -u
cd "$(dirname "$0")/../.." || exit 2
kernel=
[ "${1:-}" != --kernel ] || kernel="--kernel $2"
passed=0 failed=0
ok() { echo "PASS $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmrunner.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# 1. A soft lockup in the guest: the command would sleep for 10 minutes.
start=$(date +%s)
# shellcheck disable=SC2086 # no option or one, one word each
tests/vm/run.sh $kernel --timeout 600 -- sh -c \
	'echo "<0>watchdog: BUG: soft lockup - CPU#0 stuck for 223s! [bindloop:42]" >/dev/kmsg
	 echo "<4>RIP: 0010:runner_test_spin+0x7/0x10" >/dev/kmsg
	 sleep 600' >"$tmp/lockup" 2>&1
rc=$? took=$(($(date +%s) - start))
if [ $rc -ne 123 ]; then
	bad soft_lockup_stops_the_run "exit $rc, not 123: $(tail -n 3 "$tmp/lockup")"
elif [ $took -gt 120 ]; then
	bad soft_lockup_stops_the_run "stopped only after ${took}s"
elif ! grep -q '^vm: STOPPED.*lockup' "$tmp/lockup" ||
	! grep -q '^vm:   .*BUG: soft lockup - CPU#0 stuck for 223s! \[bindloop:42\]' "$tmp/lockup"; then
	bad soft_lockup_stops_the_run "the message does not say why: $(tail -n 3 "$tmp/lockup")"
elif ! grep -q '^vm:   .*RIP: 0010:runner_test_spin+0x7/0x10' "$tmp/lockup"; then
	bad soft_lockup_stops_the_run "the trace after the line is missing: $(tail -n 3 "$tmp/lockup")"
else
	ok "soft_lockup_stops_the_run (${took}s)"
fi

# 2. Nothing loads: a portsnoop that fails as 5.10's did. Once as the VM
# runs it (CI=true: each test that cannot run fails), once with CI unset
# (the harness reports skips: "nothing passed" must still fail).
mkdir -p build/vm
fake=$(mktemp -d "$PWD/build/vm/fake-build.XXXXXX")
trap 'rm -rf "$tmp" "$fake"' EXIT
printf '#!/bin/sh\necho "portsnoop: cannot load the BPF programs: Invalid argument" >&2\nexit 1\n' \
	>"$fake/portsnoop"
chmod 755 "$fake/portsnoop" "$fake"
# shellcheck disable=SC2086,SC2016 # the guest's sh expands $1
tests/vm/run.sh $kernel --timeout 600 -- sh -c '
	sh tests/vm/live.sh "$1" auto; echo "runner-test: ci exit $?"
	env -u CI sh tests/vm/live.sh "$1" auto; echo "runner-test: no-ci exit $?"' sh "$fake" \
	>"$tmp/nothing" 2>&1
rc=$?
for mode in ci no-ci; do
	line=$(grep "^runner-test: $mode exit" "$tmp/nothing")
	if [ -z "$line" ]; then
		bad "nothing_loads_fails_$mode" "no result (run.sh exit $rc): $(tail -n 3 "$tmp/nothing")"
	elif [ "$line" = "runner-test: $mode exit 0" ]; then
		bad "nothing_loads_fails_$mode" "live.sh passed a kernel where nothing loads"
	else
		ok "nothing_loads_fails_$mode"
	fi
done
if grep -q '^vmtest: strategy auto: 0 passed, [1-9][0-9]* failed' "$tmp/nothing" &&
	grep -q '^FAIL vm live tests, auto: nothing passed' "$tmp/nothing"; then
	ok nothing_loads_is_reported
else
	bad nothing_loads_is_reported "$(grep '^vmtest:' "$tmp/nothing")"
fi

echo "vmrunner: $passed passed, $failed failed"
[ $failed -eq 0 ]

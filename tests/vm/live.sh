#!/bin/sh
<<<<<<< HEAD
# Runs in the VM (tests/vm/run.sh): the live tests once per strategy.
# Usage: tests/vm/live.sh BUILD_DIR [STRATEGY...]
#   STRATEGY: auto (no --probe: portsnoop picks per hook), fentry, kprobe,
#   tracepoint, parity (the test that runs all three at once and compares
#   them), or "matrix": auto and each strategy this kernel allows
#   (tests/vm/strategies.sh asks it). Default: $VM_PROBES (default
#   "fentry kprobe tracepoint"), then parity.
# parity compares the strategies run before it (PORTSNOOP_PARITY), or all
# three when none was; with only one before it, it is not run.
# After each: "vmtest: strategy S: N passed, N failed, N skipped, N s" (or
# "vmtest: strategy S: unavailable: WHY"). Ends with "vmtest: N passed, N
# failed, N skipped"; exits 1 if any failed. A suite in which nothing passed
# counts as failed: in the VM every test must run (run.sh sets CI=true, so the
# harness already fails a test that cannot run).
=======
# Runs in the VM (tests/vm/run.sh): the live tests under each attach
# strategy in turn, then the test that runs all three at once and compares
# them. Ends with "vmtest: N passed, N failed, N skipped"; exits 1 if any failed.
# Usage: tests/vm/live.sh BUILD_DIR
# VM_PROBES: the modes to run the suite under (default "fentry kprobe
# tracepoint"; "auto" is the default mode): only what the kernel allows (arm64
# 6.1 cannot attach fentry). The parity test compares the strategies among
# them, when there are two or more.
>>>>>>> arm64
set -u
build=${1:-build}
[ $# -gt 0 ] && shift
# shellcheck disable=SC2086 # the strategies, one word each
[ $# -gt 0 ] || set -- ${VM_PROBES:-fentry kprobe tracepoint} parity
py=/usr/bin/python3
passed=0 failed=0 skipped=0
. scripts/tally.sh

echo "vmtest: kernel $(uname -r)"
<<<<<<< HEAD
if [ "$1" = matrix ]; then
	avail=$(sh tests/vm/strategies.sh "$build")
	echo "$avail"
	set -- auto
	for s in fentry kprobe tracepoint; do
		if echo "$avail" | grep -q "^strategy: $s yes"; then
			set -- "$@" "$s"
		else
			echo "vmtest: strategy $s: unavailable: $(echo "$avail" |
				sed -n "s/^strategy: $s no: //p")"
		fi
	done
fi
PORTSNOOP_PARITY=
for s in "$@"; do
	case $s in
	auto) args="" ;;
	fentry | kprobe | tracepoint)
		args="--probe $s"
		PORTSNOOP_PARITY="${PORTSNOOP_PARITY:+$PORTSNOOP_PARITY }$s" ;;
	parity)
		args="--parity"
		case ${PORTSNOOP_PARITY:-} in
		"") unset PORTSNOOP_PARITY ;;
		*" "*) export PORTSNOOP_PARITY ;;
		*) echo "vmtest: strategy parity: unavailable: only $PORTSNOOP_PARITY ran"
			continue ;;
		esac ;;
	*) echo "FAIL vm: unknown strategy $s"; failed=$((failed + 1)); continue ;;
	esac
	echo "== vm: live tests, $s"
	p0=$passed f0=$failed s0=$skipped t0=$(date +%s)
	# shellcheck disable=SC2086 # no option or one, one word each
	tally "vm live tests, $s" '^live: [0-9]' "$py" tests/live/run_live.py --build "$build" $args
	if [ "$passed" -eq "$p0" ]; then
		echo "FAIL vm live tests, $s: nothing passed"
		failed=$((failed + 1))
	fi
	echo "vmtest: strategy $s: $((passed - p0)) passed, $((failed - f0)) failed," \
		"$((skipped - s0)) skipped, $(($(date +%s) - t0)) s"
done
=======
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
>>>>>>> arm64
echo "vmtest: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

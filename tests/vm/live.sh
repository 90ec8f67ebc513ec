#!/bin/sh
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
set -u
build=${1:-build}
[ $# -gt 0 ] && shift
# shellcheck disable=SC2086 # the strategies, one word each
implicit=0
[ $# -gt 0 ] || { implicit=1; set -- ${VM_PROBES:-fentry kprobe tracepoint} parity; }
py=/usr/bin/python3
passed=0 failed=0 skipped=0
. scripts/tally.sh
# The result lines also go to the results share (run.sh prints them again,
# "vm| " before each, from the host: the console can garble a line).
say() {
	echo "$*"
	if [ -d /run/vm ]; then echo "$*" >>/run/vm/results; fi
}

say "vmtest: kernel $(uname -r)"
if [ "$1" = matrix ]; then
	avail=$(sh tests/vm/strategies.sh "$build")
	echo "$avail"
	set -- auto
	for s in fentry kprobe tracepoint; do
		if echo "$avail" | grep -q "^strategy: $s yes"; then
			set -- "$@" "$s"
		else
			say "vmtest: strategy $s: unavailable: $(echo "$avail" |
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
		"")
			# VM_PROBES named no strategy (auto alone): nothing to compare.
			if [ "$implicit" = 1 ]; then
				say "vmtest: strategy parity: unavailable: no strategy ran"
				continue
			fi
			unset PORTSNOOP_PARITY ;;
		*" "*) export PORTSNOOP_PARITY ;;
		*) say "vmtest: strategy parity: unavailable: only $PORTSNOOP_PARITY ran"
			continue ;;
		esac ;;
	*) echo "FAIL vm: unknown strategy $s"; failed=$((failed + 1)); continue ;;
	esac
	echo "== vm: live tests, $s"
	p0=$passed f0=$failed s0=$skipped t0=$(date +%s)
	# -u: each result line out as it comes, so a VM stopped for a stall
	# shows how far the suite got (piped, python would hold them back).
	# shellcheck disable=SC2086 # no option or one, one word each
	tally "vm live tests, $s" '^live: [0-9]' "$py" -u tests/live/run_live.py --kernel-suite --build "$build" $args
	if [ "$passed" -eq "$p0" ]; then
		echo "FAIL vm live tests, $s: nothing passed"
		failed=$((failed + 1))
	fi
	say "vmtest: strategy $s: $((passed - p0)) passed, $((failed - f0)) failed," \
		"$((skipped - s0)) skipped, $(($(date +%s) - t0)) s"
done
say "vmtest: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

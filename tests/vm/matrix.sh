#!/bin/sh
# matrix.sh [--kernels "K..."] [--strategies "S..."] [--build DIR]
# The live tests on each kernel (one VM each, tests/vm/run.sh) under each
# strategy (tests/vm/live.sh), then a table: kernel, strategy, passed,
# failed, skipped, seconds; and one per kernel: version, boot and total
# seconds, result. The table is also written to BUILD/vm/matrix.md.
#   --kernels: default "5.10 6.1 6.12 6.12-rt 6.12-cloud 7.2"
#   --strategies: default "matrix" (auto, then each strategy the kernel
#   allows, asked of the kernel); or any of auto fentry kprobe tracepoint parity
# Exits 1 if any kernel failed (a failed test, a test that could not run,
# nothing passed, a timeout, a boot failure, or a lockup, stall or crash
# line from the guest kernel twice: after the first, the kernel runs again).
set -u
cd "$(dirname "$0")/../.." || exit 2
kernels="5.10 6.1 6.12 6.12-rt 6.12-cloud 7.2"
strategies=matrix
build=build
while [ $# -gt 0 ]; do
	case $1 in
	--kernels) kernels=$2; shift 2 ;;
	--strategies) strategies=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) echo "usage: $0 [--kernels \"K...\"] [--strategies \"S...\"] [--build DIR]" >&2; exit 2 ;;
	esac
done
logs=${VM_DIR:-build/vm}/matrix
mkdir -p "$logs"
rows=$logs/rows kern=$logs/kernels
: >"$rows"
: >"$kern"
bad=0
for k in $kernels; do
	echo "== vmmatrix: kernel $k, strategies: $strategies"
	log=$logs/$k.log
	# A guest the runner stopped on a lockup, stall or crash line runs once
	# more (qemu's TCG starves or wedges a vCPU now and then, on an idle
	# host too: "rcu_sched kthread starved for 15000 jiffies" on 5.10);
	# the table says so. A stop of ours would recur.
	retried=
	for attempt in 1 2; do
	start=$(date +%s)
	# shellcheck disable=SC2086 # the strategies, one word each
	tests/vm/run.sh --kernel "$k" --timeout "${VMMATRIX_TIMEOUT:-3600}" -- \
		sh tests/vm/live.sh "$build" $strategies 2>&1 | tee "$log"
	took=$(($(date +%s) - start))
	if [ "$attempt" = 1 ] && ! grep -q '^vm: command exited' "$log" &&
		grep -q '^vm: STOPPED' "$log"; then
		retried=" (run again after: $(sed -n 's/^vm:   \(.*\)/\1/p' "$log" | head -n 1 |
			sed 's/[^ -~]//g; s/|/:/g'))"
		echo "== vmmatrix: kernel $k stopped by the guest kernel; once more"
		continue
	fi
	break
	done
	# The result lines as the guest wrote them to its share ("vm| "),
	# else as the console showed them.
	res=$log.results
	if grep -q '^vm| ' "$log"; then sed -n 's/^vm| //p' "$log" >"$res"; else cp "$log" "$res"; fi
	ver=$(sed -n 's/^vmtest: kernel //p' "$res" | head -n 1)
	boot=$(sed -n 's/^vm: command starts after \([0-9.]*\) s.*/\1/p' "$log" | head -n 1)
	rc=$(sed -n 's/^vm: command exited \([0-9]*\) .*/\1/p' "$log" | tail -n 1)
	if [ -n "$rc" ]; then
		if [ "$rc" = 0 ]; then result=pass; else result="FAIL (exit $rc)"; fi
	elif grep -q '^vm: STOPPED' "$log"; then
		result="STOPPED: $(sed -n 's/^vm:   \(.*\)/\1/p' "$log" | head -n 1)"
	elif grep -q '^vm: timed out' "$log"; then
		result="FAIL: timed out"
	else
		result="FAIL: no result (boot failure?)"
	fi
	[ "$result" = pass ] || bad=1
	printf '| %s | %s | %s | %s | %s%s |\n' "$k" "${ver:-?}" "${boot:-?}" "$took" "$result" \
		"$retried" >>"$kern"
	sed -n 's/^vmtest: strategy \([a-z]*\): \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped, \([0-9]*\) s$/| '"$k"' | \1 | \2 | \3 | \4 | \5 |/p
		s/^vmtest: strategy \([a-z]*\): unavailable: \(.*\)/| '"$k"' | \1 | - | - | - | unavailable: \2 |/p' \
		"$res" | sed 's/[^ -~]//g' >>"$rows"
done
{
	echo "| kernel | strategy | passed | failed | skipped | seconds |"
	echo "|---|---|---|---|---|---|"
	cat "$rows"
	echo
	echo "| kernel | version | boot s | total s | result |"
	echo "|---|---|---|---|---|"
	cat "$kern"
} >"$logs/../matrix.md"
echo "== vmmatrix (also in $logs/../matrix.md)"
cat "$logs/../matrix.md"
echo "vmmatrix: $(grep -c '| pass[ |]' "$kern") of $(wc -l <"$kern") kernels passed"
exit $bad

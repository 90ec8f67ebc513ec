#!/bin/sh
# strategies.sh BUILD_DIR: which attach strategies this kernel allows, asked
# of the kernel: portsnoop is started with each --probe in turn, and a
# strategy is allowed when it gets as far as "portsnoop: tracing" (then it is
# stopped). Prints one line per strategy: "strategy: NAME yes" or
# "strategy: NAME no: REASON" (portsnoop's first line of error).
# Run as root (in the VM: tests/vm/run.sh).
set -u
bin=${1:-build}/portsnoop
[ -x "$bin" ] || { echo "strategies: $bin is not built" >&2; exit 2; }
err=$(mktemp)
trap 'rm -f "$err"' EXIT
for s in fentry kprobe tracepoint; do
	"$bin" --probe="$s" >/dev/null 2>"$err" &
	pid=$!
	n=0
	# Up to 120 s: loading under TCG is slow, and slower on a busy machine.
	while kill -0 "$pid" 2>/dev/null && ! grep -q '^portsnoop: tracing' "$err" && [ $n -lt 1200 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	if grep -q '^portsnoop: tracing' "$err"; then
		echo "strategy: $s yes"
	else
		why=$(grep -v '^portsnoop: tracing' "$err" | head -n 1 | tr -cd '[:print:]')
		[ $n -lt 1200 ] || why="no answer in 120 s${why:+: $why}"
		echo "strategy: $s no: ${why:-exited without a reason}"
	fi
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done

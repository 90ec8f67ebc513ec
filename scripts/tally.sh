# Sourced by scripts/check.sh and tests/vm/live.sh (POSIX sh).
# tally LABEL PATTERN CMD...: run CMD, showing its output, and add the
# numbers of its last line matching PATTERN ("N passed, N failed[, N
# skipped]") to $passed, $failed and $skipped. No such line is a failure.
tally() {
	_label=$1 _pattern=$2
	shift 2
	_out=$(mktemp)
	"$@" | tee "$_out"
	_line=$(grep "$_pattern" "$_out" | tail -1)
	rm -f "$_out"
	if [ -z "$_line" ]; then
		echo "FAIL $_label: the runner printed no result"
		failed=$((failed + 1))
		return
	fi
	# shellcheck disable=SC2046 # the numbers, one word each
	set -- $(echo "$_line" | sed 's/[^0-9 ]//g')
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + ${3:-0}))
}

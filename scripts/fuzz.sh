#!/bin/sh
# Run every libFuzzer harness in BUILD/fuzz: "short" is the seeded, fixed
# count run of `make check` (the same inputs every time); a number is seconds
# per harness. Prints "fuzz: N passed, N failed".
set -u
build=$1
mode=$2
passed=0 failed=0
mkdir -p tests/fuzz/crashes
for f in "$build"/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	seeds=tests/fuzz/corpus/$name
	scratch=$(mktemp -d)
	mkdir -p "$seeds"
	if [ "$mode" = short ]; then
		limit="-runs=30000 -seed=1"
	else
		limit="-max_total_time=$mode"
	fi
	# shellcheck disable=SC2086
	if "$f" $limit -max_len=4096 -artifact_prefix=tests/fuzz/crashes/"$name"- \
		"$scratch" "$seeds" > "$scratch.log" 2>&1; then
		echo "PASS $name ($(grep -o 'Done [0-9]* runs' "$scratch.log" | tail -1))"
		passed=$((passed + 1))
	else
		echo "FAIL $name:"
		tail -30 "$scratch.log"
		failed=$((failed + 1))
	fi
	rm -rf "$scratch" "$scratch.log"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

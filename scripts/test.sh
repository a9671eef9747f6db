#!/usr/bin/env bash
# `make test`: every test, on a built tree. Unit tests, fuzz smoke runs, the
# simulator sweep (well over 1,000 seeds, loss 0-30 %, duplication and
# reordering, plus 1,100 seeds with crashes, restarts, partitions, merges
# and one-way links, and the mutation tests), then the namespace lab when
# we are root. Ends with one line `N passed, N failed` counting every test.
set -uo pipefail
B=${1:-build}
cd "$(dirname "$0")/.."

passed=0 failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "=== meson test: unit, fuzz, simulator"
t0=$SECONDS
# MALLOC_PERTURB_ would make meson fill every engine buffer on allocation.
env MALLOC_PERTURB_=0 meson test -C "$B" --no-rebuild --print-errorlogs \
	--num-processes "$(nproc)" -t 4 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -1)
xf=$(sed -n 's/^Expected Fail: *\([0-9]*\).*/\1/p' "$log" | tail -1)
bad=$(awk '/^(Fail|Unexpected Pass|Timeout):/ { n += $NF } END { print n + 0 }' "$log")
passed=$((passed + ${ok:-0} + ${xf:-0}))
failed=$((failed + bad))
[ "$rc" -eq 0 ] || [ "$bad" -gt 0 ] || failed=$((failed + 1))
echo "--- meson: ${ok:-0} ok, $bad failed ($((SECONDS - t0)) s)"

if [ "$(id -u)" -eq 0 ]; then
	echo "=== lab: ordod in network namespaces and on memif"
	t0=$SECONDS
	bash tests/lab/run-in-test.sh "$B" 2>&1 | tee "$log"
	lp=$(sed -n 's/^lab: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log")
	lf=$(sed -n 's/^lab: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log")
	[ -n "$lp" ] || lf=1
	passed=$((passed + ${lp:-0}))
	failed=$((failed + ${lf:-0}))
	echo "--- lab: ${lp:-0} ok, ${lf:-0} failed ($((SECONDS - t0)) s)"
else
	echo "=== lab skipped: it needs root for namespaces and hugepages"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

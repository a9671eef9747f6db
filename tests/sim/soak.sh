#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The long soak (`make sim-soak`, README.md): N seeds with pauses and
# restarts, availability judged, split into one seed range per core: half
# on 3 nodes with pauses and restarts, half on 3 nodes with crashes,
# partitions and merges besides. Prints each range's heal_ms and last
# line, then `sim soak: passed|FAILED seeds=N`.
#
# usage: soak.sh [ordo-sim] [seeds]          (defaults: build/..., 100000)
set -uo pipefail

SIM=${1:-build/tests/sim/ordo-sim}
N=${2:-100000}
JOBS=$(nproc 2>/dev/null || echo 2)
half=$(( (N + 1) / 2 ))
per=$(( (half + JOBS - 1) / JOBS ))

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

i=0
for cfg in "--nodes 3 --faults pause,restart" \
           "--nodes 3 --faults pause,crash,restart,partition,merge"; do
  for ((j = 0; j < JOBS; j++)); do
    first=$(( 1 + j * per ))
    [ "$first" -gt "$half" ] && break
    n=$(( half - first + 1 < per ? half - first + 1 : per ))
    echo "$cfg --seed $first --seeds $n" > "$tmp/$i.cmd"
    # shellcheck disable=SC2086
    MALLOC_PERTURB_=0 "$SIM" $cfg --seed "$first" --seeds "$n" --shrink 1 \
      > "$tmp/$i.out" 2>&1 &
    i=$((i + 1))
  done
  wait
done

fail=0 total=0
for ((k = 0; k < i; k++)); do
  last=$(tail -n 1 "$tmp/$k.out")
  printf '%-70s %s\n' "ordo-sim $(cat "$tmp/$k.cmd")" "$last"
  grep -E '^heal_ms' "$tmp/$k.out" | sed 's/^/    /'
  grep -E '^(FAIL|SHRUNK)' "$tmp/$k.out" | head -n 5
  case "$last" in
    *"violations: 0, undelivered: 0") ;;
    *) fail=1 ;;
  esac
  s=${last#seeds: }; total=$(( total + ${s%%,*} ))
done
[ "$fail" -eq 0 ] && echo "sim soak: passed seeds=$total" ||
  echo "sim soak: FAILED seeds=$total"
exit "$fail"

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The simulator sweep `make test` runs: well over 1,000 seeds across loss
# 0-30 % with duplication and reordering, ring sizes 1-16, both MTUs, every
# service; over 1,000 more with every fault kind (--faults all: crashes,
# restarts, partitions, merges, one-way links, pauses, slow nodes, flapping
# links) across loss 0-10 %, where the runs marked --avail-report count
# availability violations without failing (README.md says why); 2,200
# with pauses where availability is judged; the group layer (--groups)
# under crashes, restarts, pauses, partitions and merges, and under every
# fault; plus the checkers' mutation tests, with and without faults. Runs as many ordo-sim processes
# at once as there are cores; prints each run's last line (and reform_ms
# line) and any FAIL/SHRUNK line (with its replay command); exits non-zero
# if any run failed.
#
# usage: sweep.sh [ordo-sim] [seeds per run]     (defaults: build/..., 200)
set -uo pipefail

SIM=${1:-build/tests/sim/ordo-sim}
K=${2:-200}
JOBS=$(nproc 2>/dev/null || echo 2)

runs=(
  "--nodes 5 --loss 0"
  "--nodes 3 --loss 0.05 --dup 0.01 --reorder 0.02"
  "--nodes 5 --loss 0.1 --dup 0.02 --reorder 0.05"
  "--nodes 8 --loss 0.2 --dup 0.05 --reorder 0.1"
  "--nodes 4 --loss 0.3 --dup 0.1 --reorder 0.2"
  "--nodes 2 --loss 0.15 --dup 0.05 --reorder 0.3 --service safe"
  "--nodes 16 --loss 0.1 --dup 0.02 --reorder 0.05 --mtu 9000"
  "--nodes 1 --msgs 100"
  "--nodes 5 --faults all --loss 0 --avail-report"
  "--nodes 5 --faults all --loss 0.05 --avail-report"
  "--nodes 3 --faults all --loss 0.1 --dup 0.02 --reorder 0.05"
  "--nodes 8 --faults all --loss 0.02 --reorder 0.02 --avail-report"
  "--nodes 2 --faults all --loss 0.05 --service safe"
  "--groups --nodes 3 --faults pause,crash,restart,partition,merge --seed 10001"
)
# Pauses, availability judged (healthy-split, ring-of-one): 10 x K seeds.
pauses=(
  "--nodes 3 --faults pause,restart"
  "--nodes 3 --faults pause,crash,restart,partition,merge"
)
pause_mult=(4 7)
# Quarter-size runs: slower per seed.
small=(
  "--nodes 16 --loss 0.3 --dup 0.05 --reorder 0.1 --service safe"
  "--nodes 6 --loss 0.1 --size 100000 --msgs 20"
  "--nodes 16 --faults all --loss 0.05 --reorder 0.02 --avail-report"
  "--nodes 4 --faults all --max-faults 6 --loss 0.08 --msgs 400"
  "--groups --nodes 5 --faults all --loss 0.05 --avail-report --seed 20001"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

i=0
launch() { # args...
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  echo "$*" > "$tmp/$i.cmd"
  # MALLOC_PERTURB_ (set by meson test) would fill every engine's buffers.
  MALLOC_PERTURB_=0 "$SIM" "$@" > "$tmp/$i.out" 2>&1 &
  i=$((i + 1))
}

for r in "${runs[@]}"; do
  # shellcheck disable=SC2086
  launch $r --seeds "$K"
done
for j in "${!pauses[@]}"; do
  # shellcheck disable=SC2086
  launch ${pauses[$j]} --seeds $(( K * ${pause_mult[$j]} ))
done
for r in "${small[@]}"; do
  # shellcheck disable=SC2086
  launch $r --seeds $(( (K + 3) / 4 ))
done
launch --mutate --seeds $(( (K + 9) / 10 ))
launch --mutate --faults all --loss 0.05 --avail-report --seeds $(( (K + 9) / 10 ))
launch --groups --mutate --faults all --loss 0.05 --avail-report --seed 30001 --seeds $(( (K + 9) / 10 ))
wait

fail=0
for ((j = 0; j < i; j++)); do
  last=$(tail -n 1 "$tmp/$j.out")
  printf '%-72s %s\n' "ordo-sim $(cat "$tmp/$j.cmd")" "$last"
  grep -E '^(reform_ms|heal_ms|availability)' "$tmp/$j.out" | sed 's/^/    /'
  grep -E '^(FAIL|MISSED|SHRUNK)' "$tmp/$j.out" | head -n 5
  case "$last" in
    *"violations: 0, undelivered: 0") ;;
    mutations:*) m=${last#mutations: }; [ "${m%%,*}" = "${last##*caught: }" ] || fail=1 ;;
    *) fail=1 ;;
  esac
  grep -qE '^(FAIL|MISSED)' "$tmp/$j.out" && fail=1
done
[ "$fail" -eq 0 ] && echo "sim sweep: passed" || echo "sim sweep: FAILED"
exit "$fail"

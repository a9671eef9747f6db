#!/usr/bin/env bash
# `make bench`: the microbenchmarks and the engine ring, each repeated, then
# one table of medians (bench/bench_table.py) in which every copy is
# compared with a memcpy of the same bytes measured in the same run; then
# the sealed envelope (ordo-bench-seal): seal+open per frame at 64 B,
# 1 KiB, 1500 B and 8 KiB beside the crypto device's own encrypt+decrypt
# of the same bytes, both measured in this run (SEAL_REPS, default 5); then
# what the per-stage cycle counters cost the poll loop (ordo-bench-stages:
# off, sampled, every turn, in one run; STAGES_REPS, default 7).
#
#   scripts/bench.sh [build-dir] [google-benchmark flags ...]
# The build dir is $1, else $BUILD, else build. Extra flags go to both
# binaries (e.g. --benchmark_filter=ring). REPS sets the repetitions of
# the microbenchmarks (default 5), ENGINE_REPS those of the engine ring
# (default 3: each of its runs sets up rings of engines). The full output
# of each binary (console and JSON) stays in <build-dir>/bench/results/.
set -euo pipefail
B=${1:-${BUILD:-build}}
[ $# -gt 0 ] && shift
REPS=${REPS:-5}
ENGINE_REPS=${ENGINE_REPS:-3}
cd "$(dirname "$0")/.."

for bin in ordo-bench-engine ordo-bench-micro ordo-bench-seal ordo-bench-stages; do
  if [ ! -x "$B/bench/$bin" ]; then
    echo "bench: $B/bench/$bin is missing (libbenchmark-dev? make deps)" >&2
    exit 1
  fi
done

out="$B/bench/results"
mkdir -p "$out"
run() { # name binary reps
  local name=$1 bin=$2 reps=$3 t0=$SECONDS
  shift 3
  echo "bench: $name, $reps repetitions ..."
  if ! "$B/bench/$bin" --benchmark_repetitions="$reps" \
      --benchmark_report_aggregates_only=true \
      --benchmark_out="$out/$name.json" --benchmark_out_format=json \
      "$@" >"$out/$name.txt" 2>&1; then
    cat "$out/$name.txt" >&2
    echo "bench: $bin failed" >&2
    exit 1
  fi
  echo "bench: $name done in $((SECONDS - t0)) s"
}
run micro ordo-bench-micro "$REPS" "$@"
run engine ordo-bench-engine "$ENGINE_REPS" "$@"
echo
python3 bench/bench_table.py "$out/engine.json" "$out/micro.json"
echo
# The EAL without hugepages or devices: its own file prefix, no PCI scan.
echo "bench: seal, ${SEAL_REPS:-5} repetitions ..."
"$B/bench/ordo-bench-seal" --no-pci --no-huge -m 512 -l 0 \
  --file-prefix="ordo-seal-bench-$$" --log-level=lib.eal:error \
  --log-level=pmd.crypto.*:error -- --reps "${SEAL_REPS:-5}" \
  >"$out/seal.txt" 2>&1 || { cat "$out/seal.txt" >&2; exit 1; }
grep '^seal-bench:' "$out/seal.txt"
echo
echo "bench: stages, ${STAGES_REPS:-7} repetitions ..."
"$B/bench/ordo-bench-stages" --no-pci --no-huge -m 512 -l 0 \
  --file-prefix="ordo-stages-bench-$$" --vdev net_null0,no-rx=1 \
  --log-level=lib.eal:error -- --reps "${STAGES_REPS:-7}" \
  >"$out/stages.txt" 2>&1 || { cat "$out/stages.txt" >&2; exit 1; }
grep '^stages-bench:' "$out/stages.txt"

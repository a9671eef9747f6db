#!/usr/bin/env bash
# `make bench`: the microbenchmarks and the engine ring, each repeated, then
# one table of medians (bench/bench_table.py) in which every copy is
# compared with a memcpy of the same bytes measured in the same run.
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

for bin in ordo-bench-engine ordo-bench-micro; do
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

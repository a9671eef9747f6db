#!/usr/bin/env bash
# `make bench`: the microbenchmarks. Prints medians of repeated runs.
set -euo pipefail
B=${1:-build}
cd "$(dirname "$0")/.."
"$B/bench/ordo-bench-engine" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true "$@"

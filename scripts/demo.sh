#!/usr/bin/env bash
# `make demo`: show a ring ordering traffic. With root and the dataplane
# built, a 3-node lab of real ordod processes in network namespaces; else
# the deterministic simulator running the same engine.
set -euo pipefail
B=${1:-build}
cd "$(dirname "$0")/.."

if [ -f tests/lab/demo.sh ] && [ "$(id -u)" -eq 0 ] && [ -x "$B/dataplane/ordod" ]; then
  exec bash tests/lab/demo.sh "$B"
fi

SIM="$B/tests/sim/ordo-sim"
echo "ordo demo: 5 simulated nodes, 10 % loss, duplication and reordering;"
echo "the protocol engine the dataplane runs, checked message by message."
echo
"$SIM" --nodes 5 --seeds 20 --msgs 2000 --loss 0.1 --dup 0.02 --reorder 0.05 -v

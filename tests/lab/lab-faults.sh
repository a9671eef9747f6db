#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make lab-faults: membership under real faults, on 3- and 5-node labs with
# libordo clients that log every delivery (tests/lab/faults/):
#
#   cut    one node's egress cut for 3 s (it still receives)
#   flap   one node's link down/up every 200 ms for 5 s
#   stop   one ordod SIGSTOPped for 2 s, then continued
#   kill   one ordod SIGKILLed, restarted 2 s later
#   loss   20 % loss with 0-2 ms reordering on every link for 5 s
#
# The kernel here has no tc netem: a userspace relay (tests/lab/relay/)
# sits on every node's link and cuts, loses and reorders on command. Each
# lab (faults/one-lab.sh) runs every fault once, one after the other on a
# victim that moves along; RUNS labs per size. faults/check.py then checks
# EVS safety per message at the clients and availability per fault at the
# daemons (healthy splits, rings of one, heal time), and ends with
#
#   lab-faults: ok runs=N healthy_splits=0 singleton_rings=0 max_heal_ms=X
#
# or `lab-faults: FAIL ...` (exit 1) with every reason above it.
#
#   make lab-faults                      3 and 5 nodes, 3 runs each (~8 min)
#   SIZES=3 RUNS=1 tests/lab/lab-faults.sh   the short version in make test
#   FAULTS="cut loss" SIZES=5 RUNS=1 ...     some faults only
#   AVAILABILITY=report                  safety decides the exit, availability
#                                        is printed only
#   LAB_LOCK=/tmp/ordo-lab.lock          take this flock around each lab
#                                        (a machine shared with other labs)
#   LAB_TIMEOUTS="" IDLE=spin            the engine's own timers, spinning
#
# Logs: FAULTS_OUT (default /tmp/ordo-lab-faults.PID), one directory per
# lab; removed after a pass unless LAB_KEEP=1, kept after a failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SIZES=${SIZES:-3 5}
RUNS=${RUNS:-3}
FAULTS=${FAULTS:-cut flap stop kill loss}
OUT=${FAULTS_OUT:-/tmp/ordo-lab-faults.$$}
AVAILABILITY=${AVAILABILITY:-enforce}
MAX_HEAL_MS=${MAX_HEAL_MS:-500}
export FAULTS

command -v python3 >/dev/null || { echo "lab-faults: python3 is needed"; exit 1; }
mkdir -p "$OUT"
dirs=() t0=$SECONDS
for n in $SIZES; do
	for ((r = 1; r <= RUNS; r++)); do
		d=$OUT/n${n}r$r
		rm -rf "$d"
		echo "lab-faults: lab of $n nodes, run $r: $FAULTS" >&2
		lock=()
		[ -n "${LAB_LOCK:-}" ] && lock=(flock "$LAB_LOCK")
		# The victim of the first fault moves with the run, so that
		# over RUNS labs each fault hits different nodes.
		"${lock[@]}" env LAB_DIR="$d" NODES="$n" FIRST_VICTIM="$r" \
			bash "$HERE/faults/one-lab.sh" > "$d.out" 2>&1
		tail -1 "$d.out" >&2
		dirs+=("$d")
	done
done
echo "lab-faults: labs done in $((SECONDS - t0)) s; checking" >&2
verdict=$(python3 "$HERE/faults/check.py" --availability "$AVAILABILITY" \
	--max-heal-ms "$MAX_HEAL_MS" "${dirs[@]}")
rc=$?
if [ "$rc" = 0 ] && [ -z "${LAB_KEEP:-}" ]; then
	rm -rf "$OUT"
else
	echo "lab-faults: logs in $OUT" >&2
fi
echo "$verdict"
exit $rc

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A memif peer that dies abruptly must not take us down. The memif PMD
# unmaps shared memory from its interrupt thread when the peer goes away,
# and a process still polling that port can fault (dataplane/port.c says
# how ordod avoids it). Each round starts a NODES-node memif mesh with
# traffic flowing, SIGKILLs one node (a different one each round, the
# server side and the client side of links alike), checks that every
# survivor is still running 2 s later, then stops the survivors with
# SIGINT and checks they exit 0. Also counts the faults inside the memif
# PMD that ordod's fault guard contained (dataplane/fault.h). Ends with:
#
#   memif-crash: survived=10/10 rounds (node killed mid-traffic each round,
#                idle=backoff, PMD faults contained=0)
#
#   ROUNDS=10 NODES=3 tests/lab/memif-crash.sh
set -u
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-10}
NODES=${NODES:-3}
IDLE=${IDLE:-backoff}   # spin: more time inside bursts, a harder test
RATE=${RATE:-20000}
ok=0
contained=0

lab_init
for ((round = 1; round <= ROUNDS; round++)); do
	victim=$(( (round - 1) % NODES + 1 ))
	rm -f "$LAB_DIR"/memif-*.sock "$LAB_DIR"/node*.log
	for i in $(seq 1 "$NODES"); do
		# Paced so the ring is busy but the 2 CPUs are not saturated.
		lab_start_node "$i" memif "$NODES" --idle "$IDLE" \
			--traffic-msgs 100000000 --traffic-size 512 \
			--traffic-rate "$RATE" --stats-period 0.5
	done
	if ! lab_wait_all "ordod: node=.*t=" 30; then
		lab_log "round $round: ring did not start"
		lab_stop_all
		continue
	fi
	sleep 0.5
	kill -KILL "${LAB_PIDS[$victim]}"
	wait "${LAB_PIDS[$victim]}" 2>/dev/null
	unset "LAB_PIDS[$victim]"
	sleep 2
	alive=1
	for i in "${!LAB_PIDS[@]}"; do
		if ! kill -0 "${LAB_PIDS[$i]}" 2>/dev/null; then
			wait "${LAB_PIDS[$i]}"
			lab_log "round $round: node $i died (status $?) after node $victim was killed"
			tail -3 "$LAB_DIR/node$i.log" >&2
			unset "LAB_PIDS[$i]"
			alive=0
		fi
	done
	stopped=0
	lab_stop_all && stopped=1
	n=$(cat "$LAB_DIR"/node*.log | sed -n 's/.*faults_contained=\([0-9]*\).*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	contained=$((contained + n))
	if [ "$stopped" = 1 ] && [ "$alive" = 1 ]; then
		ok=$((ok + 1))
		lab_log "round $round: killed node $victim, survivors ran on and stopped cleanly"
	else
		lab_log "round $round: FAILED"
	fi
done
echo "memif-crash: survived=$ok/$ROUNDS rounds (node killed mid-traffic each round, idle=$IDLE, PMD faults contained=$contained)"
[ "$ok" = "$ROUNDS" ]

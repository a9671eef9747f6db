#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# One lab of the fault suite (tests/lab/lab-faults.sh runs several): NODES
# ordod + ordo-ctrld pairs in namespaces, a relay on every node's link
# (faults/inject.sh), one fault_client per node in group F sending every
# INTERVAL_MS. Once the full ring has held for SETTLE_MS, each fault of
# FAULTS in turn, on a victim that moves one node along per fault; after
# each heal the full ring must hold SETTLE_MS again within HEAL_TIMEOUT
# seconds, else the remaining faults are skipped (logged as unhealed).
# Then the clients stop sending, drain, and leave; the daemons stop.
#
# Leaves in LAB_DIR (set it: the caller keeps and checks it):
#   events.log    the driver's events (faults, heals, clients) with times
#   node<i>*.log  each ordod's output, ring lines with times
#   f*.log        each client's events (fault_client)
#   relay<i>.log  each relay's applied commands and counters
# and prints `one-lab: done nodes=N faults=K` or why it stopped early.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
. "$HERE/inject.sh"

B=${BUILD_DIR:-$LAB_ROOT/build}
CTRLD=${CTRLD:-$B/ctrl/ordo-ctrld}
ORDOCTL=${ORDOCTL:-$B/app/ordoctl}
FC=${FC:-$B/tests/lab/fault_client}
RELAY=${RELAY:-$B/tests/lab/relay/ordo-relay}
NODES=${NODES:-3}
FAULTS=${FAULTS:-cut flap stop kill loss}
FIRST_VICTIM=${FIRST_VICTIM:-1}
INTERVAL_MS=${INTERVAL_MS:-20}
SETTLE_MS=${SETTLE_MS:-1500}
HEAL_TIMEOUT=${HEAL_TIMEOUT:-20}
[ -n "${LAB_DIR:-}" ] || lab_die "set LAB_DIR (the logs stay there)"
LAB_KEEP=1
for x in "$CTRLD" "$ORDOCTL" "$FC" "$RELAY"; do
	[ -x "$x" ] || lab_die "missing $x: build first (make build)"
done

lab_init
trap fault_teardown EXIT
LAB_CONFIG=$LAB_DIR/afpacket$NODES.conf
export LAB_CONFIG
fault_conf "$NODES" > "$LAB_CONFIG"
fault_ev "lab nodes=$NODES timeouts=${LAB_TIMEOUTS// /_} interval_ms=$INTERVAL_MS"
lab_netns_create "$NODES"
for ((i = 1; i <= NODES; i++)); do fault_relay_insert "$i"; done
for ((i = 1; i <= NODES; i++)); do
	lab_start_client_node "$i" afpacket "$NODES" --stats-period 1
done
fault_settle "$SETTLE_MS" 60 || {
	echo "one-lab: no full ring of $NODES within 60 s: $(fault_rings)"
	exit 1
}
# A ring in ordod's log is not yet a daemon that takes clients: its
# ordo-ctrld refuses them ("dataplane not running") until its link to
# ordod is up, which a loaded machine can delay past the ring.
for ((i = 1; i <= NODES; i++)); do
	for ((t = 0; t < 300; t++)); do
		grep -q 'link up' "$LAB_DIR/ctrld$i.log" 2>/dev/null && break
		sleep 0.1
	done
	grep -q 'link up' "$LAB_DIR/ctrld$i.log" 2>/dev/null ||
		{ echo "one-lab: ordo-ctrld $i never linked to its ordod"; exit 1; }
done
for ((i = 1; i <= NODES; i++)); do fault_client_start "$i" "f$i"; done
# Every client sees all NODES clients in F before the first fault.
for ((t = 0; t < 200; t++)); do
	ok=0
	for ((i = 1; i <= NODES; i++)); do
		grep 'kind=reg' "$LAB_DIR/f$i.log" 2>/dev/null | tail -1 |
			grep -q "members=$(printf '[^,]*,%.0s' $(seq 2 "$NODES"))[^,]*$" &&
			ok=$((ok + 1))
	done
	[ "$ok" = "$NODES" ] && break
	sleep 0.1
done
[ "$ok" = "$NODES" ] || { echo "one-lab: clients did not all join F"; exit 1; }
fault_settle "$SETTLE_MS" 30 || { echo "one-lab: ring not steady"; exit 1; }
fault_ev "steady rings=$(fault_rings | tr ' ' ',')"

k=0 done_faults=0 why=
for f in $FAULTS; do
	v=$(( (FIRST_VICTIM - 1 + k) % NODES + 1 ))
	[ "$f" = loss ] && v=0 # every link: no one victim
	k=$((k + 1))
	lab_log "fault $k: $f (victim node $v)"
	"fault_$f" "$v"
	if fault_settle "$SETTLE_MS" "$HEAL_TIMEOUT"; then
		fault_ev "fault name=$f victim=$v phase=settled"
		done_faults=$((done_faults + 1))
	else
		fault_ev "fault name=$f victim=$v phase=unhealed rings=$(fault_rings | tr ' ' ',')"
		why="no full ring ${HEAL_TIMEOUT} s after healing $f: $(fault_rings)"
		break
	fi
done

# Stop sending; wait until each live client got its own last message back.
fault_ev "stop"
for p in "${FAULT_CLIENT_PIDS[@]}"; do kill -USR1 "$p" 2>/dev/null; done
for ((t = 0; t < 150; t++)); do
	pending=0
	for c in "${!FAULT_CLIENT_OF[@]}"; do
		l=$LAB_DIR/$c.log
		grep -q '^t=[0-9.]* closed' "$l" && continue
		kill -0 "${FAULT_CLIENT_PID[$c]}" 2>/dev/null || continue
		last=$(sed -n 's/.* stopped last=\([0-9]*\).*/\1/p' "$l")
		[ -n "$last" ] || { pending=1; continue; }
		[ "$last" = 0 ] && continue
		grep -q "msg from=#$c#n${FAULT_CLIENT_OF[$c]} seq=$last " "$l" || pending=1
	done
	[ "$pending" = 0 ] && break
	sleep 0.1
done
fault_ev "drained complete=$((1 - pending))"
for p in "${FAULT_CLIENT_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
sleep 0.5
for ((i = 1; i <= NODES; i++)); do fault_relay "$i" stats; done
lab_stop_ctrld
crashed=0
lab_stop_all || crashed=1
fault_ev "end crashed=$crashed"
fault_ev "result faults=$done_faults of=$k crashed=$crashed"
[ "$crashed" = 0 ] || echo "one-lab: a daemon crashed (see node*.log)"
if [ -n "$why" ]; then
	echo "one-lab: stopped after $done_faults of $k faults: $why"
	exit 1
fi
echo "one-lab: done nodes=$NODES faults=$done_faults"
[ "$crashed" = 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The second half of `make demo`: clients. Three ordod + ordo-ctrld pairs
# in namespaces (config/lab/afpacket3.conf); on node 3 an ordo-user that
# only listens to group "chat"; on node 1 an ordo-user (the Spread API,
# like Spread's spuser) that joins "chat" and says three things with three
# delivery services. Shows what node 3's client received, then ordoctl's
# view of the groups, and tears everything down.
#
#   tests/lab/demo-clients.sh [build]
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
export ORDOD=${ORDOD:-$PWD/$B/dataplane/ordod}
export LAB_CONFIG=${LAB_CONFIG:-$PWD/config/lab/afpacket3.conf}
. tests/lab/lib.sh
CTRLD=$B/ctrl/ordo-ctrld
USER_=$B/app/ordo-user
ORDOCTL=$B/app/ordoctl
for x in "$CTRLD" "$USER_" "$ORDOCTL"; do
	[ -x "$x" ] || { echo "demo: no $x: clients skipped"; exit 0; }
done

PIDS=()
cleanup() { kill -TERM "${PIDS[@]}" 2>/dev/null; lab_stop_ctrld; lab_teardown; }
lab_init
trap cleanup EXIT
lab_netns_create 3
for i in 1 2 3; do
	lab_start_client_node "$i" afpacket 3 --stats-period 0
done
lab_wait_ring 3 30 3 || lab_die "the three daemons did not form a ring"

echo
echo "ordo demo, part 2: clients through shared memory."
echo "  node 3: ordo-user -u bob     joins chat and listens"
echo "  node 1: ordo-user -u alice   joins chat, sends with agreed, safe, fifo"
echo
{ echo "j chat"; sleep 3; } | "$USER_" -s "$LAB_DIR/rt3/ordo.sock" -u bob -w 500 \
	> "$LAB_DIR/bob.out" 2>&1 &
PIDS+=("$!")
sleep 0.5
{
	echo "j chat"; sleep 0.5
	echo "t agreed"; echo "s chat"; echo "hello from node 1 (AGREED)"
	echo "t safe"; echo "s chat"; echo "stable everywhere before delivery (SAFE)"
	echo "t fifo"; echo "s chat"; echo "in sender order, here in total order (FIFO)"
	sleep 1
} | "$USER_" -s "$LAB_DIR/rt1/ordo.sock" -u alice -w 300 > "$LAB_DIR/alice.out" 2>&1
echo "ordoctl groups (while both are in chat):"
"$ORDOCTL" -s "$LAB_DIR/rt2/ordo.sock" groups | sed 's/^/  /'
wait "${PIDS[-1]}" 2>/dev/null
echo
echo "what bob (node 3) received:"
grep -E '^(msg|memb)' "$LAB_DIR/bob.out" | cut -c1-150 | sed 's/^/  /'
n=$(grep -c '^msg ' "$LAB_DIR/bob.out")
echo
echo "demo: clients ok=$([ "$n" = 3 ] && echo yes || echo no) (bob got $n of alice's 3 messages)"
[ "$n" = 3 ]

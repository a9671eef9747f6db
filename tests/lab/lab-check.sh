#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Ordering check on a lab ring: NODES ordod processes joined by PORT
# (afpacket, afxdp, memif; see lib.sh), every node submitting MSGS
# messages of SIZE bytes with the built-in traffic generator. Passes when
# every node delivered all NODES x MSGS messages with the same digest (the
# same messages in the same order) and no FIFO error. Ends with one line:
#
#   lab-check: ordered=yes nodes=3 msgs=300000 msgs_per_s=X gbit_per_s=Y
#
# msgs counts the messages every node delivered (NODES x MSGS); the rate
# is the slowest node's, from its first to its last delivery. Exit 0 only
# for ordered=yes.
#
#   NODES=3 PORT=afpacket MSGS=100000 SIZE=1024 tests/lab/lab-check.sh
#   RATE (msgs/s per node, 0 unpaced), TIMEOUT (s), IDLE, EXTRA (ordod opts),
#   STAGGER (s between node starts: the ring forms by merging late nodes),
#   LAB_KEEP=1 keeps the logs, LAB_CONFIG=config/lab/afpacket3.conf takes
#   the ring from a configuration file (daemons n1..nN) instead of options.
set -u
. "$(dirname "$0")/lib.sh"

NODES=${NODES:-3}
PORT=${PORT:-afpacket}
MSGS=${MSGS:-100000}
SIZE=${SIZE:-1024}
RATE=${RATE:-0}
TIMEOUT=${TIMEOUT:-300}
IDLE=${IDLE:-backoff}
EXTRA=${EXTRA:-}
STAGGER=${STAGGER:-0}   # seconds between node starts: late joiners

result() {
	echo "lab-check: ordered=$1 nodes=$NODES msgs=$2 msgs_per_s=$3 gbit_per_s=$4"
}

fail() {
	lab_log "$*"
	for i in $(seq 1 "$NODES"); do
		[ -f "$LAB_DIR/node$i.log" ] || continue
		lab_log "--- node $i (last lines)"
		tail -4 "$LAB_DIR/node$i.log" >&2
	done
	result no 0 0 0
	exit 1
}

[ "$NODES" -ge 2 ] && [ "$NODES" -le 16 ] || { lab_log "NODES must be 2..16"; result no 0 0 0; exit 1; }
lab_init
[ "$PORT" = memif ] || lab_netns_create "$NODES"

for i in $(seq 1 "$NODES"); do
	# shellcheck disable=SC2086
	lab_start_node "$i" "$PORT" "$NODES" --idle "$IDLE" \
		--traffic-msgs "$MSGS" --traffic-size "$SIZE" \
		--traffic-rate "$RATE" $EXTRA
	[ "$STAGGER" = 0 ] || sleep "$STAGGER"
done
lab_wait_all "ordod: node=.*pid=" 60 || fail "not every node started"
lab_log "$NODES nodes up on $PORT, $MSGS x $SIZE B each"
lab_wait_all "traffic done" "$TIMEOUT" || fail "not every node delivered everything within ${TIMEOUT}s"
lab_stop_all || fail "a node crashed while stopping"

expected=$((NODES * MSGS))
digest=
min_rate=
for i in $(seq 1 "$NODES"); do
	d=$(lab_field "$i" "traffic done" digest)
	n=$(lab_field "$i" "traffic done" delivered)
	f=$(lab_field "$i" "traffic done" fifo_errors)
	r=$(lab_field "$i" "traffic done" msgs_per_s)
	lab_log "node $i: delivered=$n digest=$d fifo_errors=$f msgs_per_s=$r"
	[ "$n" = "$expected" ] || fail "node $i delivered $n of $expected"
	[ "$f" = 0 ] || fail "node $i saw $f FIFO errors"
	[ -z "$digest" ] || [ "$d" = "$digest" ] || fail "node $i digest $d differs from node 1's $digest"
	digest=$d
	if [ -z "$min_rate" ] || [ "${r%.*}" -lt "$min_rate" ]; then
		min_rate=${r%.*}
	fi
done
gbit=$(awk -v r="$min_rate" -v s="$SIZE" 'BEGIN { printf "%.3f", r * s * 8 / 1e9 }')
result yes "$expected" "$min_rate" "$gbit"
exit 0

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A node dies mid-traffic: the survivors must form a new ring and go on,
# every survivor delivering the same messages in the same order (the
# victim's messages up to the same point at all of them), every message the
# survivors submitted, and no FIFO error. Last line:
#
#   lab-kill: ordered=yes nodes=3 survivors=2 delivered=N
#   lab-kill: ordered=no nodes=3 <why>
#
#   NODES=3 PORT=afpacket MSGS=100000 SIZE=1024 tests/lab/lab-kill.sh
set -u
. "$(dirname "$0")/lib.sh"

NODES=${NODES:-3}
PORT=${PORT:-afpacket}
MSGS=${MSGS:-100000}
SIZE=${SIZE:-1024}
RATE=${RATE:-20000}
SETTLE=${SETTLE:-5}
VICTIM=${VICTIM:-$NODES}

lab_init
[ "$PORT" = memif ] || lab_netns_create "$NODES"
for i in $(seq 1 "$NODES"); do
	lab_start_node "$i" "$PORT" "$NODES" --idle backoff \
		--traffic-msgs "$MSGS" --traffic-size "$SIZE" \
		--traffic-rate "$RATE" --stats-period 0.5
done
# Kill only once the full ring orders traffic (every node delivering).
lab_wait_all "ordod: node=.* delivered=[1-9]" 60 || {
	echo "lab-kill: ordered=no nodes=$NODES the ring never started delivering"
	exit 1
}
sleep 1
lab_log "killing node $VICTIM mid-traffic"
kill -KILL "${LAB_PIDS[$VICTIM]}"
wait "${LAB_PIDS[$VICTIM]}" 2>/dev/null
unset "LAB_PIDS[$VICTIM]"

# Let the survivors run until their delivery counts stop moving.
prev=
for ((t = 0; t < 120; t++)); do
	sleep "$SETTLE"
	cur=
	for i in "${!LAB_PIDS[@]}"; do
		cur+="$(lab_field "$i" "ordod: node=.*t=" delivered) "
	done
	[ "$cur" = "$prev" ] && break
	prev=$cur
done
crashed=0
lab_stop_all || crashed=1

digest=
count=
same=1
for i in $(seq 1 "$NODES"); do
	[ "$i" = "$VICTIM" ] && continue
	d=$(lab_field "$i" "ordod: traffic" digest)
	n=$(lab_field "$i" "ordod: traffic" delivered)
	f=$(lab_field "$i" "ordod: traffic" fifo_errors)
	lab_log "survivor $i: delivered=$n digest=$d fifo_errors=$f"
	[ "$f" = 0 ] || same=0
	[ -z "$digest" ] || { [ "$d" = "$digest" ] && [ "$n" = "$count" ]; } || same=0
	digest=$d
	count=$n
done
need=$(( (NODES - 1) * MSGS ))
if [ "$crashed" = 0 ] && [ "$same" = 1 ] && [ "${count:-0}" -ge "$need" ]; then
	echo "lab-kill: ordered=yes nodes=$NODES survivors=$((NODES - 1)) delivered=$count"
	exit 0
fi
why="survivors stalled at delivered=${count:-?} of at least $need"
[ "$same" = 1 ] || why="survivors disagree (digests or counts differ) or saw FIFO errors"
[ "$crashed" = 0 ] || why="a survivor crashed"
echo "lab-kill: ordered=no nodes=$NODES $why"
exit 1

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make lab-key-rotation: the ring's key changes under traffic, and no
# message is lost, duplicated or misordered across the change.
#
# Three ordod + ordo-ctrld pairs in network namespaces on a bridge
# (config/lab/afpacket3.conf: sealed frames, the key lib.sh makes). One
# ordo-perf per node sends and receives for SECS seconds (each checks every
# sender's sequence: lost, duplicated, misordered). Meanwhile, the procedure
# of docs/security.md:
#   1. a new key (ordoctl keygen), `ordoctl key load` on every daemon;
#   2. `ordoctl key use NEW` on node 1: an ordered message, after which
#      every daemon seals with the new key (node 1 already when the
#      command answers);
#   3. once every daemon says it seals with it, `ordoctl key retire OLD`
#      on every daemon.
# Then every ordo-perf must have checked its run clean, every daemon must
# seal with the new key and have opened frames with it, no frame may have
# failed authentication or named an unknown key, and the ring must not
# have changed. Last line:
#
#   key-rotation: ok nodes=3 old=ID new=ID msgs=N opened_new=N ring_changes=0
#
#   make lab-key-rotation          (root; about 25 s)
#   SECS=10 RATE=5000 tests/lab/key-rotation.sh
set -u
. "$(dirname "$0")/lib.sh"

B=${BUILD_DIR:-$LAB_ROOT/build}
ORDOD=${ORDOD:-$B/dataplane/ordod}
CTRLD=${CTRLD:-$B/ctrl/ordo-ctrld}
ORDOCTL=${ORDOCTL:-$B/app/ordoctl}
PERF=${PERF:-$B/app/perf/ordo-perf}
LAB_CONFIG=${LAB_CONFIG:-$LAB_ROOT/config/lab/afpacket3.conf}
SECS=${SECS:-8}
RATE=${RATE:-3000}   # messages/s per node: steady traffic across the change
SIZE=${SIZE:-512}
NODES=3
export LAB_CONFIG

for x in "$ORDOD" "$CTRLD" "$ORDOCTL" "$PERF"; do
	[ -x "$x" ] || lab_die "missing $x: build first (make build)"
done

sock() { echo "$LAB_DIR/rt$1/ordo.sock"; }
ctl() { local i=$1; shift; "$ORDOCTL" -s "$(sock "$i")" "$@"; }
field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }
# The value of counter $2 in `ordoctl counters` of node $1.
counter() { ctl "$1" counters | awk -v k="$2" '$1 == k { print $2; exit }'; }
fail() { LAB_KEEP=1; lab_die "$*"; }

lab_init
lab_netns_create $NODES
for ((i = 1; i <= NODES; i++)); do
	lab_start_client_node "$i" afpacket $NODES
done
lab_wait_ring $NODES 60 $NODES || fail "the daemons did not form a ring"
old=$(ctl 1 key list | awk '$3 == "sending" { print $2 }')
[ -n "$old" ] || fail "node 1 names no sending key"
changes0=$(counter 1 ring_changes)
lab_log "ring of $NODES, sealing with key $old; ordo-perf ${SECS}s at $RATE msgs/s per node"

pids=()
for ((i = 1; i <= NODES; i++)); do
	"$PERF" --socket "$(sock "$i")" --mode rate --rate "$RATE" \
		--size "$SIZE" --secs "$SECS" --warmup 1 --members $NODES \
		--expect-senders $NODES --quiet \
		> "$LAB_DIR/perf$i.log" 2> "$LAB_DIR/perf$i.err" &
	pids+=("$!")
done
sleep 3

# 1. the new key, on every daemon
"$ORDOCTL" keygen "$LAB_DIR/next.key" > /dev/null || fail "keygen"
for ((i = 1; i <= NODES; i++)); do
	out=$(ctl "$i" key load "$LAB_DIR/next.key") || fail "node $i: key load: $out"
done
new=$(sed -n 's/^key \([0-9a-f]*\) loaded.*/\1/p' <<< "$out")
[ -n "$new" ] && [ "$new" != "$old" ] || fail "no new key id in '$out'"
lab_log "key $new loaded on every daemon"

# 2. one daemon makes it the sending key, through the ring
ctl 1 key use "$new" > /dev/null || fail "key use $new refused"
# It answers once node 1 seals with it (dataplane/keyctl.c), also with a
# crypto/io worker (LAB_LCORES with a third lcore), whose mailbox once
# answered before the ring had ordered the change.
ctl 1 key list | grep -q "^key $new sending" ||
	fail "key use $new answered before node 1 sealed with it: $(ctl 1 key list | tr '\n' ';')"
for ((t = 0; t < 50; t++)); do
	ok=0
	for ((i = 1; i <= NODES; i++)); do
		ctl "$i" key list | grep -q "^key $new sending" && ok=$((ok + 1))
	done
	[ "$ok" = $NODES ] && break
	sleep 0.1
done
[ "$ok" = $NODES ] || fail "only $ok of $NODES daemons seal with $new"
lab_log "every daemon seals with $new"

# 3. the old key goes
for ((i = 1; i <= NODES; i++)); do
	out=$(ctl "$i" key retire "$old") || fail "node $i: key retire: $out"
done
lab_log "key $old retired everywhere"

for p in "${pids[@]}"; do wait "$p"; done
msgs=0
for ((i = 1; i <= NODES; i++)); do
	line=$(tail -1 "$LAB_DIR/perf$i.log")
	[[ "$line" == "perf: node="* ]] || fail "node $i: no ordo-perf result: $(tail -3 "$LAB_DIR/perf$i.err")"
	[ "$(field "$line" checked)" = yes ] || fail "node $i: ordo-perf did not check clean: $line"
	[ "$(field "$line" lost)" = 0 ] && [ "$(field "$line" misordered)" = 0 ] ||
		fail "node $i: $line"
	msgs=$((msgs + $(field "$line" received)))
done
opened_new=0
for ((i = 1; i <= NODES; i++)); do
	list=$(ctl "$i" key list)
	grep -q "^key $new sending" <<< "$list" || fail "node $i: $list"
	! grep -q "^key $old" <<< "$list" || fail "node $i still holds $old"
	n=$(sed -n "s/^key $new .* opened=\([0-9]*\).*/\1/p" <<< "$list")
	[ "${n:-0}" -gt 0 ] || fail "node $i opened nothing with $new"
	opened_new=$((opened_new + n))
	for c in seal_auth_failed seal_unknown_key seal_bad_envelope key_change_missing; do
		v=$(counter "$i" $c)
		[ "$v" = 0 ] || fail "node $i: $c=$v"
	done
done
changes=$(( $(counter 1 ring_changes) - changes0 ))
[ "$changes" = 0 ] || fail "the ring changed $changes time(s) during the rotation"
lab_stop_ctrld
lab_stop_all || fail "a daemon crashed"
echo "key-rotation: ok nodes=$NODES old=$old new=$new msgs=$msgs" \
     "opened_new=$opened_new ring_changes=$changes"
